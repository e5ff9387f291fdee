/**
 * One test per OTA difference between Device OS versions, each against the profile table in
 * src/ota/profiles.ts and the source it cites (reference note §1.7, §2, §5, §6).
 */
import { DEVICE_OS_VERSIONS, FINISH_RESULT_BUFFER_SIZE, UpdateFlag, VirtualBoron, type DeviceOsVersion } from '../../../src/index';
import { appImage, deviceRunning, firmwareFile, logMessages, otaDevice } from '../../helpers';

const corrupted = (image: Uint8Array): Uint8Array => {
  const copy = image.slice();
  copy[200] ^= 0xff;
  return copy;
};

describe('connect() on a failed DNS lookup (#1865, fixed in 1.4.0)', () => {
  it.each(DEVICE_OS_VERSIONS.map((v) => [v, v === '1.2.1' ? -1 : 0] as const))('%s returns %i', async (deviceOs, expected) => {
    let result = 99;
    const device = deviceRunning(async ({ TCPClient }) => void (result = await new TCPClient().connect('nowhere.example', 80)), { deviceOs, dns: { unresolvable: ['nowhere.example'] } });
    await device.runUntil('DONE');
    expect(result).toBe(expected);
  });
});

describe('Finish(SUCCESS) on a good image, per version', () => {
  const cases: [DeviceOsVersion, { result: number; event: number; resetReason: number }][] = [
    ['1.2.1', { result: 0, event: -1, resetReason: 140 }],
    ['1.4.4', { result: 0, event: -1, resetReason: 140 }],
    ['1.5.2', { result: 0, event: 1, resetReason: 140 }],
    ['2.0.1', { result: 1, event: 1, resetReason: 70 }],
    ['3.3.1', { result: 0, event: 1, resetReason: 70 }],
    ['4.1.0', { result: 0, event: 1, resetReason: 70 }],
    ['6.2.0', { result: 0, event: 1, resetReason: 70 }],
  ];
  it.each(cases)('%s: returns %j', async (deviceOs, expected) => {
    const { device, seen } = otaDevice(appImage(`NEW ${deviceOs}`, 4096, deviceOs), UpdateFlag.SUCCESS, { deviceOs, after: ({ delay }) => delay(1) });
    await device.runUntil(`NEW ${deviceOs}`);
    const reset = device.trace.find((e) => e.type === 'device:reset')!;
    expect({ result: seen.result, event: seen.events.at(-1), resetReason: reset.reason }).toEqual(expected);
  });
});

describe('Finish(SUCCESS) on a bad CRC, per version', () => {
  const cases: [DeviceOsVersion, number, string[]][] = [
    ['1.4.4', 1, ['[hal] INFO: module fetched 1, checks=5e, result=5c', '[hal] WARN: OTA module not applied']],
    ['2.0.1', -1330, ['[hal.ota] INFO: Validating module; type: 5; index: 1; version: 6', '[hal.ota] ERROR: Validation failed; result: 0x5c; checked: 0x5e']],
    ['6.2.0', -1330, ['[hal.ota] INFO: Validating module; type: 5; index: 2; version: 6', '[hal.ota] ERROR: Validation failed; result: 0x5c; checked: 0x5e']],
  ];
  it.each(cases)('%s returns %i and logs its own lines', async (deviceOs, result, lines) => {
    const { device, seen } = otaDevice(corrupted(appImage('BAD', 4096, deviceOs)), UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, { deviceOs });
    await device.runUntil('FINISHED');
    expect(seen.result).toBe(result);
    expect(device.logs.filter((r) => r.category.startsWith('hal')).map((r) => r.line.slice(11))).toEqual(lines);
  });

  it('2.x+ logs "Unable to fetch module" (-1300) when there is no module header', async () => {
    const { device, seen } = otaDevice(new Uint8Array(0), UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, { deviceOs: '2.0.1' });
    await device.runUntil('FINISHED');
    expect(seen.result).toBe(-1300);
    expect(logMessages(device, 'hal.ota')).toEqual(['Unable to fetch module']);
  });

  it('2.x logs "Applying module" before queueing a good one', async () => {
    const { device } = otaDevice(appImage('OK', 2048, '2.0.1'), UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, { deviceOs: '2.0.1' });
    await device.runUntil('FINISHED');
    expect(logMessages(device, 'hal.ota')).toEqual(['Validating module; type: 5; index: 1; version: 6', 'Applying module; type: 5; index: 1; version: 6']);
  });
});

describe('DONT_RESET (ignored from 3.0: system_pending_shutdown unless CANCEL or VALIDATE_ONLY)', () => {
  it.each([
    ['2.0.1', false],
    ['3.3.1', true],
  ] as const)('%s resets anyway: %s', async (deviceOs, resets) => {
    const { device } = otaDevice(appImage('X', 1024, deviceOs), UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, { deviceOs, after: ({ delay }) => delay(10) });
    await device.runUntil('FINISHED');
    await device.runFor(2000);
    expect(device.trace.some((e) => e.type === 'device:reset')).toBe(resets);
  });
});

describe('Finish without SUCCESS', () => {
  it.each([
    ['1.4.4', 1],
    ['2.0.1', -100],
    ['3.3.1', 0],
  ] as const)('%s returns %i and does not reset', async (deviceOs, result) => {
    const { device, seen } = otaDevice(appImage('Y', 1024, deviceOs), UpdateFlag.ERROR, { deviceOs, after: ({ delay }) => delay(10) });
    await device.runUntil('DONE');
    expect(seen.result).toBe(result);
    expect(seen.events.at(-1)).toBe(-1);
    expect(device.trace.some((e) => e.type === 'device:reset')).toBe(false);
  });
});

describe('validate-only Finish (SUCCESS | VALIDATE_ONLY)', () => {
  it.each([
    ['1.4.4', 0],
    ['2.0.1', -1330],
    ['3.3.1', -1330],
  ] as const)('%s returns %i for a fetched module with a bad CRC, and does not reset', async (deviceOs, result) => {
    const { device, seen } = otaDevice(corrupted(appImage('V', 1024, deviceOs)), UpdateFlag.SUCCESS | UpdateFlag.VALIDATE_ONLY, { deviceOs, after: ({ delay }) => delay(10) });
    await device.runUntil('DONE');
    expect(seen.result).toBe(result);
    expect(device.trace.some((e) => e.type === 'device:reset')).toBe(false);
  });
});

describe("3.x+ Finish's third argument: a 255-byte JSON result", () => {
  it('holds {"r":0} after a good update and {"r":-1330} after a bad CRC', async () => {
    const text = (b: Uint8Array) => Buffer.from(b.subarray(0, b.indexOf(0))).toString();
    const good = new Uint8Array(FINISH_RESULT_BUFFER_SIZE).fill(0x55);
    const bad = new Uint8Array(FINISH_RESULT_BUFFER_SIZE).fill(0x55);
    const a = otaDevice(appImage('J', 1024, '6.2.0'), UpdateFlag.SUCCESS, { deviceOs: '6.2.0', result: good });
    const b = otaDevice(corrupted(appImage('K', 1024, '6.2.0')), UpdateFlag.SUCCESS, { deviceOs: '6.2.0', result: bad });
    await a.device.runUntil('FINISHED');
    await b.device.runUntil('FINISHED');
    expect([text(good), text(bad)]).toEqual(['{"r":0}', '{"r":-1330}']);
    expect(good.subarray(7).every((x) => x === 0)).toBe(true);
  });
});

describe('Prepare, per version', () => {
  it('with updates disabled returns 1 in 1.x/2.x and -1380 (OTA_UPDATES_DISABLED) from 3.0', async () => {
    const results: Record<string, number> = {};
    for (const deviceOs of ['1.4.4', '2.0.1', '3.3.1'] as const) {
      const device = deviceRunning(
        async ({ FileTransfer, System, Spark_Prepare_For_Firmware_Update }) => {
          System.disableUpdates();
          results[deviceOs] = await Spark_Prepare_For_Firmware_Update(firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: 4096 }), 0, null);
        },
        { deviceOs },
      );
      await device.runUntil('DONE');
    }
    expect(results).toEqual({ '1.4.4': 1, '2.0.1': 1, '3.3.1': -1380 });
  });

  it('with chunk_size 0 overwrites file_length in 1.x/2.x, keeps it from 3.0 (and defaults only a 0 file_length)', async () => {
    const lengths: Record<string, number[]> = {};
    for (const deviceOs of ['2.0.1', '3.3.1'] as const) {
      const device = deviceRunning(
        async ({ FileTransfer, Spark_Prepare_For_Firmware_Update, Spark_Finish_Firmware_Update }) => {
          const given = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 0, file_length: 5012 });
          await Spark_Prepare_For_Firmware_Update(given, 0, null);
          await Spark_Finish_Firmware_Update(given, UpdateFlag.ERROR, null);
          const unset = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 0, file_length: 0 });
          await Spark_Prepare_For_Firmware_Update(unset, 1, null);
          lengths[deviceOs] = [given.file_length, given.chunk_size, unset.file_length];
        },
        { deviceOs },
      );
      await device.runUntil('DONE');
    }
    expect(lengths).toEqual({ '2.0.1': [1_536_000, 512, 1_536_000], '3.3.1': [5012, 512, 1_536_000] });
  });

  it('from 3.0 refuses a file_length beyond the OTA region with -1351 (OTA_INVALID_SIZE), and store ≠ FIRMWARE with -1310', async () => {
    const results: number[] = [];
    const device = deviceRunning(
      async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
        results.push(await Spark_Prepare_For_Firmware_Update(firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: 2_000_000 }), 0, null));
        const system = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: 4096 });
        system.store = FileTransfer.Store.SYSTEM;
        results.push(await Spark_Prepare_For_Firmware_Update(system, 0, null));
      },
      { deviceOs: '4.1.0' },
    );
    await device.runUntil('DONE');
    expect(results).toEqual([-1351, -1310]);
  });

  it('puts the OTA region at 0x289000 up to 4.x and at 0x24C000 from 5.5 (6.2.0)', async () => {
    const addresses: Record<string, number> = {};
    for (const deviceOs of ['4.1.0', '6.2.0'] as const) {
      const device = deviceRunning(
        async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
          const file = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: 4096 });
          await Spark_Prepare_For_Firmware_Update(file, 0, null);
          addresses[deviceOs] = file.file_address;
        },
        { deviceOs },
      );
      await device.runUntil('DONE');
    }
    expect(addresses).toEqual({ '4.1.0': 0x289000, '6.2.0': 0x24c000 });
  });
});

describe('Save, per version', () => {
  /** Prepare with chunk_address 0x1000, then Save 4 bytes at chunk_address = file_address. */
  async function saveAtFileAddress(deviceOs: DeviceOsVersion) {
    const device = deviceRunning(
      async ({ FileTransfer, Spark_Prepare_For_Firmware_Update, Spark_Save_Firmware_Chunk }) => {
        const file = firmwareFile(FileTransfer, { chunk_address: 0x1000, chunk_size: 4, file_length: 4096 });
        await Spark_Prepare_For_Firmware_Update(file, 0, null);
        file.chunk_address = file.file_address;
        await Spark_Save_Firmware_Chunk(file, Uint8Array.of(1, 2, 3, 4), null);
      },
      { deviceOs, trace: 'all' },
    );
    await device.runUntil('DONE');
    return device.trace.filter((e) => e.type === 'flash:program' || e.type === 'flash:erase').map((e) => `${e.type} ${e.address.toString(16)}`);
  }

  it('writes at chunk_address itself in 1.x/2.x, at OTA start + (chunk_address − file_address) from 3.0 (and 3.0 always erases from the OTA start)', async () => {
    expect(await saveAtFileAddress('2.0.1')).toEqual(['flash:erase 28a000', 'flash:program 28a000']);
    expect(await saveAtFileAddress('3.3.1')).toEqual(['flash:erase 289000', 'flash:program 289000']);
  });

  it('from 3.0 refuses a Save with no update in progress: -210 (INVALID_STATE), nothing written', async () => {
    let result = 0;
    const device = deviceRunning(
      async ({ FileTransfer, Spark_Save_Firmware_Chunk }) => {
        result = await Spark_Save_Firmware_Chunk(firmwareFile(FileTransfer, { chunk_address: 0x289000, chunk_size: 4 }), Uint8Array.of(1, 2, 3, 4), null);
      },
      { deviceOs: '3.3.1' },
    );
    await device.runUntil('DONE');
    expect(result).toBe(-210);
    expect(device.flash.external.stats.programOperations).toBe(0);
  });
});

describe('the stall watchdog (compiled out on nRF52840 from 3.0)', () => {
  it.each([
    ['2.0.1', true],
    ['3.3.1', false],
  ] as const)('%s resets after 300 s without a Save: %s', async (deviceOs, resets) => {
    const device = deviceRunning(
      async ({ FileTransfer, delay, Spark_Prepare_For_Firmware_Update }) => {
        await Spark_Prepare_For_Firmware_Update(firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 4, file_length: 4096 }), 0, null);
        await delay(400_000);
      },
      { deviceOs },
    );
    await device.runFor(400_000);
    expect(device.trace.some((e) => e.type === 'device:reset' && e.reason === 90)).toBe(resets);
  });
});

describe('user-part layout', () => {
  it('3.1+ builds apps for the 256K region at 0xB4000 (index 2) and still boots 128K apps at 0xD4000 (index 1)', async () => {
    const wide = new VirtualBoron({ deviceOs: '3.3.1', app: appImage('WIDE', 2048, '3.3.1') }).powerOn();
    const compat = new VirtualBoron({ deviceOs: '3.3.1', app: appImage('COMPAT', 2048, '2.0.1') }).powerOn();
    await wide.runUntil('WIDE');
    await compat.runUntil('COMPAT');
    expect(wide.modules().filter((m) => m.function === 'USER_PART' && m.crcOk).map((m) => [m.region, m.startAddress, m.index])).toEqual([['user-part', 0xb4000, 2]]);
    expect(compat.modules().filter((m) => m.function === 'USER_PART' && m.crcOk).map((m) => [m.region, m.startAddress, m.index])).toEqual([['user-part-compat', 0xd4000, 1]]);
  });

  it('2.x has no bounds for an index-2 app: "Unable to fetch module"', async () => {
    const { device, seen } = otaDevice(appImage('NEW', 2048, '3.3.1'), UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, { deviceOs: '2.0.1' });
    await device.runUntil('FINISHED');
    expect(seen.result).toBe(-1300);
  });
});

describe('pending DCT slots when a new update begins', () => {
  /** Finish(SUCCESS|DONT_RESET) an app, Prepare another update 1 MB into the region before any reset, then reset. */
  async function staleSlot(deviceOs: DeviceOsVersion) {
    const { device } = otaDevice(appImage(`STALE ${deviceOs}`, 1024, deviceOs), UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, {
      deviceOs,
      after: async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
        await Spark_Prepare_For_Firmware_Update(firmwareFile(FileTransfer, { chunk_address: 0x100000, chunk_size: 256, file_length: 4096 }), 0, null);
      },
    });
    await device.runUntil('DONE');
    // 3.x resets by itself (DONT_RESET is ignored); 2.x waits for someone to press RESET.
    if (!device.trace.some((e) => e.type === 'device:reset')) device.pressReset();
    await device.runFor(5000);
    return { app: device.appName, applied: device.trace.filter((e) => e.type === 'bootloader:apply').map((e) => e.applied) };
  }

  it('survive in 2.x, so the next boot applies the earlier image', async () => {
    expect(await staleSlot('2.0.1')).toEqual({ app: expect.stringMatching(/STALE 2\.0\.1/), applied: [true] });
  });

  it('are freed by Begin from 3.2, so the next boot applies nothing', async () => {
    expect(await staleSlot('3.3.1')).toEqual({ app: expect.stringMatching(/^test sketch \d+$/), applied: [] });
  });
});
