/**
 * Device OS's application model from C++ (device-os-app-model.md §1-§3): SYSTEM_THREAD from the
 * macro, the delay() that never returns during an update without it, the reset control, the
 * descriptor a firmware_update handler gets, and Particle.function.
 */
import { type Sketch, type VirtualBoron } from '../../../src/index';
import { compileAll, COMPILE_TIMEOUT, run } from './harness';

/** Prepare an update in setup(), then the given lines. */
const prepared = (head: string, after: string) => `
SYSTEM_MODE(MANUAL);
${head}
void setup() {
    FileTransfer::Descriptor file;
    file.file_length = 4096; file.file_address = 0; file.chunk_address = 0; file.chunk_size = 256;
    file.store = FileTransfer::Store::FIRMWARE;
    Spark_Prepare_For_Firmware_Update(file, 0, NULL);
    Serial.println("PREPARED");
    ${after}
}
int turns = 0;
void loop() { if (++turns == 3) Serial.println("STILL LOOPING"); }
`;

type Name = 'delayUnthreaded' | 'delayThreaded' | 'loopUnthreaded' | 'loopThreaded' | 'events' | 'resetControl' | 'cloudFunction';
let cpp: Record<Name, Sketch>;

beforeAll(async () => {
  cpp = await compileAll({
    delayUnthreaded: prepared('', 'delay(1000); Serial.println("RETURNED");'),
    delayThreaded: prepared('SYSTEM_THREAD(ENABLED);', 'delay(1000); Serial.println("RETURNED");'),
    loopUnthreaded: prepared('', ''),
    loopThreaded: prepared('SYSTEM_THREAD(ENABLED);', ''),
    events: `
SYSTEM_MODE(MANUAL);
void onUpdate(system_event_t event, int param, void* data) {
    FileTransfer::Descriptor* file = (FileTransfer::Descriptor*)data;
    if (param == firmware_update_begin) Serial.printlnf("begin: file_length %lu at %lx", (unsigned long)file->file_length, (unsigned long)file->chunk_address);
}
void setup() {
    System.on(firmware_update, onUpdate);
    FileTransfer::Descriptor file;
    file.file_length = 3000; file.file_address = 0; file.chunk_address = 0; file.chunk_size = 0;
    file.store = FileTransfer::Store::FIRMWARE;
    Spark_Prepare_For_Firmware_Update(file, 0, NULL);
}
`,
    resetControl: `
SYSTEM_MODE(MANUAL);
int turns = 0;
bool updated = false;
void onPending(system_event_t event, int param) { System.disableReset(); }
void setup() {
    if (System.resetReason() == RESET_REASON_USER) { Serial.println("REBOOTED"); return; }
    System.on(reset_pending, onPending);
    FileTransfer::Descriptor file;
    file.file_length = 0; file.file_address = 0; file.chunk_address = 0; file.chunk_size = 256;
    file.store = FileTransfer::Store::FIRMWARE;
    Spark_Prepare_For_Firmware_Update(file, 0, NULL);
    Spark_Finish_Firmware_Update(file, 1, NULL);
    updated = true;
}
void loop() {
    if (updated && ++turns == 20) { Serial.printlnf("pending %d enabled %d", System.resetPending(), System.resetEnabled()); System.enableReset(); }
}
`,
    cloudFunction: `
int twice(String argument) { return argument.toInt() * 2; }
void setup() { Particle.function("twice", twice); }
`,
  });
}, COMPILE_TIMEOUT);

const resets = (device: VirtualBoron) => device.trace.filter((e) => e.type === 'device:reset');

describe('the application model from C++', () => {
  it('without SYSTEM_THREAD, delay(1000) after Prepare never returns; the update watchdog resets (1.4.4)', async () => {
    const { device } = await run(cpp.delayUnthreaded, 350_000);
    // The second PREPARED is the app again after the reset.
    expect(device.serial.output).toBe('PREPARED\r\nPREPARED\r\n');
    expect(resets(device)).toEqual([expect.objectContaining({ reason: 90 })]);
    expect(device.diagnostics.map((d) => d.code)).toContain('delay-during-update');
  });

  it('with SYSTEM_THREAD(ENABLED) from the macro, delay() returns and loop() keeps running', async () => {
    const { device } = await run(cpp.delayThreaded, 'STILL LOOPING');
    expect(device.serial.output).toBe('PREPARED\r\nRETURNED\r\nSTILL LOOPING\r\n');
  });

  it('without SYSTEM_THREAD, loop() is not called after Prepare (3.3.1: a hang, said in diagnostics)', async () => {
    const { device } = await run(cpp.loopUnthreaded, 60_000, { deviceOs: '3.3.1' });
    expect(device.serial.output).toBe('PREPARED\r\n');
    expect(device.diagnostics.find((d) => d.code === 'loop-during-update')?.message).toContain('so the device hangs until its power is cut');
  });

  it('on 6.2.0 loop() keeps running: SYSTEM_THREAD(ENABLED) is the default', async () => {
    const { device } = await run(cpp.loopUnthreaded, 'STILL LOOPING', { deviceOs: '6.2.0' });
    expect(device.serial.output).toBe('PREPARED\r\nSTILL LOOPING\r\n');
  });

  it.each([
    ['1.4.4', 'the app\'s own descriptor, as Prepare left it (chunk_size 0: file_length becomes the region\'s)', 'begin: file_length 1536000 at 0'],
    ['3.3.1', 'the system\'s own descriptor: the size, the OTA region', 'begin: file_length 3000 at 289000'],
  ] as const)('a firmware_update handler gets a descriptor on %s: %s', async (deviceOs, _what, line) => {
    const { device } = await run(cpp.events, 2000, { deviceOs });
    expect(device.serial.output).toBe(`${line}\r\n`);
  });

  it('System.disableReset() in a reset_pending handler holds the reset after Finish until enableReset()', async () => {
    const { device } = await run(cpp.resetControl, 10_000);
    expect(device.serial.output).toBe('pending 1 enabled 0\r\nREBOOTED\r\n');
    expect(resets(device)).toHaveLength(1);
  });

  it('Particle.function: the cloud calls it and gets its result', async () => {
    const { device } = await run(cpp.cloudFunction, 20_000);
    const result = device.cloud.call('twice', '21');
    await device.runFor(2000);
    await expect(result).resolves.toBe(42);
  });
});
