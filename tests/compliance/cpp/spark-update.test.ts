/**
 * The three Spark_* update calls from C++ (`system/inc/system_update.h`) on a 1.x, a 2.x and a 3.x
 * profile, against the TypeScript twin: Prepare's file_address, Save, and Finish with each flag and
 * its third argument — a `hal_module_t` whose validity fields 1.x fills in (`HAL_FLASH_End`,
 * `hal/src/nRF52840/ota_flash_hal.cpp:398-452` at v1.4.4), reserved in 2.x, a 255-byte JSON result
 * from 3.0 (`system/src/system_update.cpp` at v3.3.1).
 */
import { defineSketch, FINISH_RESULT_BUFFER_SIZE, UpdateFlag, VirtualBoron, type DeviceOsVersion, type HalModuleResult, type Sketch } from '../../../src/index';
import { appImage } from '../../helpers';
import { COMPILE_TIMEOUT, ino, observe, type Observed } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

const VERSIONS = ['1.4.4', '2.0.1', '3.3.1'] as const;
type Version = (typeof VERSIONS)[number];

const images = Object.fromEntries(VERSIONS.map((v) => [v, appImage(`NEW APP ${v}`, 2048, v)])) as Record<Version, Uint8Array>;

/**
 * An update routine that waits for a key: the digit typed is Finish's flags. It writes the image
 * compiled into it in 256-byte chunks, then passes Finish what its Device OS takes as the third argument.
 */
const routine = (image: Uint8Array) => `
#include "ota_flash_hal.h"
SYSTEM_MODE(MANUAL);
static const uint8_t image[] = { ${Array.from(image).join(',')} };
void update(uint32_t flags) {
  FileTransfer::Descriptor file;
  file.store = FileTransfer::Store::FIRMWARE;
  file.chunk_address = 0;
  file.chunk_size = 256;
  file.file_length = sizeof(image);
  int prepared = Spark_Prepare_For_Firmware_Update(file, 0, NULL);
  Serial.printlnf("prepare %d file_address %lx", prepared, (unsigned long)file.file_address);
  file.chunk_address = file.file_address;
  int failures = 0;
  for (size_t at = 0; at < sizeof(image); at += file.chunk_size) {
    file.chunk_size = min(256u, sizeof(image) - at);
    if (Spark_Save_Firmware_Chunk(file, image + at, NULL) != 0) failures++;
    file.chunk_address += file.chunk_size;
  }
  Serial.printlnf("saved, %d failures", failures);
#if SYSTEM_VERSION < SYSTEM_VERSION_DEFAULT(2, 0, 0)
  hal_module_t module;
  memset(&module, 0xAA, sizeof(module));
  int r = Spark_Finish_Firmware_Update(file, flags, &module);
  Serial.printlnf("finish %d checked %x result %x", r, module.validity_checked, module.validity_result);
#elif SYSTEM_VERSION < SYSTEM_VERSION_DEFAULT(3, 0, 0)
  int r = Spark_Finish_Firmware_Update(file, flags, NULL);
  Serial.printlnf("finish %d", r);
#else
  char result[255];
  memset(result, 0x55, sizeof(result));
  int r = Spark_Finish_Firmware_Update(file, flags, result);
  Serial.printlnf("finish %d %.20s", r, result);
#endif
}
void loop() {
  if (Serial.available() > 0) update(Serial.read() - '0');
}
`;

/** The same routine in TypeScript. */
function twin(deviceOs: Version): Sketch {
  const image = images[deviceOs];
  return defineSketch((api) => {
    const { Serial, FileTransfer } = api;
    const update = async (flags: number) => {
      const file = new FileTransfer.Descriptor();
      file.store = FileTransfer.Store.FIRMWARE;
      file.chunk_address = 0;
      file.chunk_size = 256;
      file.file_length = image.length;
      const prepared = await api.Spark_Prepare_For_Firmware_Update(file, 0, null);
      Serial.printlnf('prepare %d file_address %lx', prepared, file.file_address);
      file.chunk_address = file.file_address;
      let failures = 0;
      for (let at = 0; at < image.length; at += file.chunk_size) {
        file.chunk_size = Math.min(256, image.length - at);
        if ((await api.Spark_Save_Firmware_Chunk(file, image.subarray(at), null)) !== 0) failures++;
        file.chunk_address += file.chunk_size;
      }
      Serial.printlnf('saved, %d failures', failures);
      if (deviceOs === '1.4.4') {
        const module: HalModuleResult = { validity_checked: 0xaaaa, validity_result: 0xaaaa };
        const r = await api.Spark_Finish_Firmware_Update(file, flags, module);
        Serial.printlnf('finish %d checked %x result %x', r, module.validity_checked, module.validity_result);
      } else if (deviceOs === '2.0.1') {
        Serial.printlnf('finish %d', await api.Spark_Finish_Firmware_Update(file, flags, null));
      } else {
        const result = new Uint8Array(FINISH_RESULT_BUFFER_SIZE).fill(0x55);
        const r = await api.Spark_Finish_Firmware_Update(file, flags, result);
        Serial.printlnf('finish %d %s', r, Buffer.from(result.subarray(0, 20)).toString('latin1').split('\0')[0]);
      }
    };
    return {
      async loop() {
        if (Serial.available() > 0) await update(Serial.read() - 48);
      },
    };
  }, { name: `spark twin ${deviceOs}`, systemMode: 'MANUAL' });
}

let cpp: Record<Version, Sketch>;
let neighbours: Sketch;
const twins = Object.fromEntries(VERSIONS.map((v) => [v, twin(v)])) as Record<Version, Sketch>;

beforeAll(async () => {
  const compiled = await Promise.all(VERSIONS.map((v) => ino(routine(images[v]), { deviceOs: v })));
  cpp = Object.fromEntries(VERSIONS.map((v, i) => [v, compiled[i]])) as Record<Version, Sketch>;
  neighbours = await ino(NEIGHBOURS, { deviceOs: '1.4.4' });
});

/** A 1.x Finish into a global hal_module_t, beside a counter the firmware_update handler bumps during the call. */
const NEIGHBOURS = `
#include "ota_flash_hal.h"
SYSTEM_MODE(MANUAL);
struct {
  hal_module_t module;
  int events;
} state;
void onUpdate(system_event_t event, int param) { state.events++; }
void setup() {
  System.on(firmware_update, onUpdate);
  FileTransfer::Descriptor file;
  file.store = FileTransfer::Store::FIRMWARE;
  file.chunk_address = 0;
  file.chunk_size = 512;
  file.file_length = 4096;
  Spark_Prepare_For_Firmware_Update(file, 0, NULL);
  int before = state.events;
  int r = Spark_Finish_Firmware_Update(file, 5, &state.module);
  Serial.printlnf("finish %d checked %x result %x; events during Finish %d", r, state.module.validity_checked, state.module.validity_result, state.events - before);
}
`;

/** Run `app` on `deviceOs`, type the flags, and run 3 s past Finish (long enough for any reset and new boot). */
async function update(app: Sketch, deviceOs: DeviceOsVersion, flags: number): Promise<{ device: VirtualBoron; seen: Observed }> {
  const device = new VirtualBoron({ deviceOs, app }).powerOn();
  await device.runFor(1000);
  device.serial.type(String(flags));
  await device.runUntil('finish', { timeoutMs: 60_000 });
  await device.runFor(3000);
  return { device, seen: observe(device) };
}

const resets = (device: VirtualBoron) => device.trace.filter((e) => e.type === 'device:reset').map((e) => e.reason);

describe('Spark_Prepare/Save/Finish from C++, per Device OS', () => {
  it.each([
    ['1.4.4', 'finish 0 checked 5e result 5e', 140],
    ['2.0.1', 'finish 1', 70],
    ['3.3.1', 'finish 0 {"r":0}', 70],
  ] as const)('%s: Finish(SUCCESS) answers "%s", then resets (reason %i) into the new app, as the TypeScript twin does', async (deviceOs, finish, reason) => {
    const a = await update(cpp[deviceOs], deviceOs, UpdateFlag.SUCCESS);
    const b = await update(twins[deviceOs], deviceOs, UpdateFlag.SUCCESS);
    expect(a.seen.serial).toBe(`prepare 0 file_address 289000\r\nsaved, 0 failures\r\n${finish}\r\nNEW APP ${deviceOs}\r\n`);
    expect(resets(a.device)).toEqual([reason]);
    expect(a.seen).toEqual(b.seen);
  });

  it.each([
    ['1.4.4', UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, 'finish 0 checked 5e result 5e', []],
    ['2.0.1', UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, 'finish 1', []],
    ['3.3.1', UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, 'finish 0 {"r":0}', [70]],
    ['1.4.4', UpdateFlag.SUCCESS | UpdateFlag.VALIDATE_ONLY, 'finish 0 checked 5e result 5e', []],
    ['3.3.1', UpdateFlag.SUCCESS | UpdateFlag.VALIDATE_ONLY, 'finish 0 {"r":0}', []],
    ['1.4.4', UpdateFlag.ERROR, 'finish 1 checked aaaa result aaaa', []],
    ['3.3.1', UpdateFlag.ERROR, 'finish 0 UUUUUUUUUUUUUUUUUUUU', []],
  ] as const)('%s with flags %i: "%s", resets %j (DONT_RESET is ignored from 3.0)', async (deviceOs, flags, finish, reasons) => {
    const a = await update(cpp[deviceOs], deviceOs, flags);
    const b = await update(twins[deviceOs], deviceOs, flags);
    expect(a.seen.serial.split('\r\n')[2]).toBe(finish);
    expect(resets(a.device)).toEqual(reasons);
    expect(a.seen).toEqual(b.seen);
  });

  it('1.x: Finish writes only the hal_module_t\'s fields, so what a System.on() handler changed beside it during the call stays', async () => {
    const device = new VirtualBoron({ deviceOs: '1.4.4', app: neighbours }).powerOn();
    await device.runUntil('finish', { timeoutMs: 10_000 });
    expect(device.serial.output).toBe('finish 1 checked 5e result 0; events during Finish 1\r\n');
  });
});
