/**
 * The rest of the app-facing OTA behaviour, in the profiles where each exists: what firmware_update
 * events carry, System.updateStatus() (4.0+), Finish's DISCONNECT wait lines (1.x), and what
 * VALIDATE_ONLY logs (2.x+) and returns with no update in progress (3.x+).
 */
import { EmulatorError, UpdateFlag, type Descriptor, type DeviceOsVersion } from '../../../src/index';
import { appImage, deviceRunning, firmwareFile, logMessages, otaDevice, writeImage } from '../../helpers';

const IMAGE = appImage('V', 1024);

describe('firmware_update events', () => {
  /** Each event's param and what its descriptor said, through an update of IMAGE. */
  async function seen(deviceOs: DeviceOsVersion) {
    const events: { param: number; chunk_address?: number; chunk_size?: number; file_length?: number; file?: Descriptor }[] = [];
    let apps: Descriptor | undefined;
    const device = deviceRunning(async (api) => {
      api.System.on('firmware_update', (_e, param, file) =>
        void events.push({ param, chunk_address: file?.chunk_address, chunk_size: file?.chunk_size, file_length: file?.file_length, file }),
      );
      const written = await writeImage(api, IMAGE);
      apps = written.file;
      await api.Spark_Finish_Firmware_Update(written.file, UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, null);
    }, { deviceOs, systemThread: true });
    await device.runUntil('DONE');
    return events.map(({ file, ...rest }) => ({ ...rest, isApps: file === apps }));
  }

  it('carry the app\'s own descriptor in 1.x (system_update.cpp:306,388,412 at v1.4.4)', async () => {
    const events = await seen('1.4.4');
    expect(events.every((e) => e.isApps)).toBe(true);
    expect(events.at(-2)).toMatchObject({ param: 2, chunk_address: 0x289000 + 768, chunk_size: 256 });
  });

  it('carry the system\'s own descriptor from 3.0, at the chunk just saved (firmware_update.cpp:174-180,259-261 at v3.3.1)', async () => {
    const events = await seen('3.3.1');
    expect(events[0]).toMatchObject({ param: 0, chunk_address: 0x289000, chunk_size: 512, file_length: IMAGE.length, isApps: false });
    expect(events[2]).toMatchObject({ param: 2, chunk_address: 0x289000 + 256, chunk_size: 256, isApps: false });
  });
});

describe('System.updateStatus()', () => {
  it('is IN_PROGRESS (3) during an update and UNKNOWN (0) otherwise, on 4.1.0 (system_update.cpp:402-416 at v4.1.0)', async () => {
    const statuses: number[] = [];
    const device = deviceRunning(async (api) => {
      statuses.push(api.System.updateStatus());
      const file = firmwareFile(api.FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: 1024 });
      await api.Spark_Prepare_For_Firmware_Update(file, 0, null);
      statuses.push(api.System.updateStatus());
    }, { deviceOs: '4.1.0' });
    await device.runUntil('DONE');
    expect(statuses).toEqual([0, 3]);
  });

  it('does not exist before 4.0: a typed error names the version', async () => {
    let error: unknown;
    const device = deviceRunning(async (api) => {
      try {
        api.System.updateStatus();
      } catch (e) {
        error = e;
      }
    }, { deviceOs: '3.3.1' });
    await device.runUntil('DONE');
    expect(error).toBeInstanceOf(EmulatorError);
    expect((error as EmulatorError).message).toBe('Failed to call System.updateStatus(): it exists from Device OS 4.0 (wiring/inc/spark_wiring_system.h:820-826 at v4.1.0), and this device runs 3.3.1.');
  });
});

describe('Finish\'s forced DISCONNECT (1.x)', () => {
  it('with a live session logs the wait for confirmations around its 1 s (dtls_protocol.cpp:57-89 at v1.4.4)', async () => {
    const { device } = otaDevice(IMAGE, UpdateFlag.SUCCESS, { systemMode: 'AUTOMATIC' });
    await device.runUntil('FINISHED', { timeoutMs: 30_000 });
    const comm = device.logs.filter((r) => r.category.startsWith('comm'));
    expect(comm.map((r) => r.line.slice(11))).toEqual(['[comm] INFO: Waiting for Confirmed messages to be sent.', '[comm] INFO: All Confirmed messages sent: client(yes) server(yes)']);
    expect(comm[1].millis - comm[0].millis).toBe(1000);
  });
});

describe('VALIDATE_ONLY', () => {
  it('logs the validation on 2.x, as fetchModules does for End (ota_flash_hal.cpp:441-476 at v2.0.1)', async () => {
    const { device } = otaDevice(IMAGE, UpdateFlag.SUCCESS | UpdateFlag.VALIDATE_ONLY, { deviceOs: '2.0.1' });
    await device.runUntil('FINISHED');
    expect(logMessages(device, 'hal.ota')).toEqual(['Validating module; type: 5; index: 1; version: 6']);
  });

  it('returns -210 (INVALID_STATE) on 3.x with no update in progress, before reading anything (firmware_update.cpp:194-197 at v3.3.1)', async () => {
    const results: number[] = [];
    const device = deviceRunning(async (api) => {
      const file = firmwareFile(api.FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: 1024 });
      results.push(await api.Spark_Finish_Firmware_Update(file, UpdateFlag.SUCCESS | UpdateFlag.VALIDATE_ONLY, null));
    }, { deviceOs: '3.3.1' });
    await device.runUntil('DONE');
    expect(results).toEqual([-210]);
    expect(logMessages(device, 'hal.ota')).toEqual([]);
  });
});
