/** Every kind of module through the same app routine, and the refusals Device OS gives (reference note §2.4, §4, §6). */
import { buildModule, defineSketch, ModuleFlag, ModuleFunction, UpdateFlag, VirtualBoron } from '../../src/index';
import { appImage, deviceRunning, firmwareFile, logMessages, otaDevice, runUntilRebooted, writeImage } from '../helpers';

const hal = (device: VirtualBoron) => logMessages(device, 'hal');

describe('module kinds over the air (1.4.4)', () => {
  it('updates the system part: after the reset System.version() reports the new version, and its behaviour follows', async () => {
    const system152 = buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs: '1.5.2', size: 24 * 1024 });
    const { device, seen } = otaDevice(system152, UpdateFlag.SUCCESS, { after: ({ delay }) => delay(1) });
    await device.runUntil('FINISHED');
    await runUntilRebooted(device);
    expect(seen.result).toBe(0);
    expect(hal(device)).toEqual(['module fetched 1, checks=5e, result=5e']);
    expect(device.modules().find((m) => m.region === 'system-part1')).toMatchObject({ version: 1512, crcOk: true });
    expect(device.trace.filter((e) => e.type === 'device:boot').at(-1)).toMatchObject({ systemVersion: 1512, safeMode: false });
    expect(device.profile.version).toBe('1.5.2');
  });

  it('after an update to 2.0.1, the next OTA behaves as 2.0.1: [hal.ota] lines, Finish returns 1, events no longer swapped', async () => {
    const system201 = buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs: '2.0.1', size: 24 * 1024 });
    const bootloader201 = buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs: '2.0.1', size: 4096 });
    const next = appImage('SECOND UPDATE', 2048, '2.0.1');
    const results: number[] = [];
    const events: number[] = [];
    const sketch = defineSketch(
      (api) => ({
        async setup() {
          api.System.on('firmware_update', (_e, p) => events.push(p));
          const { file } = await writeImage(api, api.System.version() === '1.4.4' ? system201 : next);
          results.push(await api.Spark_Finish_Firmware_Update(file, UpdateFlag.SUCCESS, null));
          await api.delay(1);
        },
      }),
      { name: 'upgrader', systemMode: 'MANUAL' },
    );
    const device = new VirtualBoron({ deviceOs: '1.4.4', app: sketch, modules: [bootloader201] }).powerOn();
    await device.runUntil('SECOND UPDATE', { timeoutMs: 120_000 });
    expect(results).toEqual([0, 1]);
    expect(events.filter((p) => p === 1 || p === -1)).toEqual([-1, 1]);
    expect(device.logs.filter((r) => r.category.startsWith('hal')).map((r) => r.line.slice(11))).toEqual([
      '[hal] INFO: module fetched 1, checks=5e, result=5e',
      '[hal.ota] INFO: Validating module; type: 5; index: 1; version: 6',
      '[hal.ota] INFO: Applying module; type: 5; index: 1; version: 6',
    ]);
  });

  it('flashes a bootloader in place during Finish (no slot), then resets', async () => {
    const bootloader = buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs: '1.4.4', version: 600, size: 4096 });
    const { device, seen } = otaDevice(bootloader, UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET);
    await device.runUntil('FINISHED');
    expect(seen.result).toBe(0);
    expect(device.modules().find((m) => m.region === 'bootloader')).toMatchObject({ version: 600, crcOk: true });
    expect(device.diagnostics.map((d) => d.code)).toEqual(['bootloader-flashed']);
  });

  it('refuses a radio stack without DROP_MODULE_INFO, and queues one with it for the next boot', async () => {
    // 16 KB: a SoftDevice keeps its version (FWID) at 0x200C inside itself, which a 4 KB image cannot reach.
    const bare = buildModule({ function: ModuleFunction.RADIO_STACK, deviceOs: '1.4.4', version: 203, size: 16 * 1024 });
    const flagged = buildModule({ function: ModuleFunction.RADIO_STACK, deviceOs: '1.4.4', version: 203, size: 16 * 1024, flags: ModuleFlag.DROP_MODULE_INFO });
    const refused = otaDevice(bare, UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET);
    await refused.device.runUntil('FINISHED');
    expect(refused.seen.result).toBe(1);
    expect(refused.device.diagnostics.map((d) => d.code)).toContain('radio-stack-flags');
    const queued = otaDevice(flagged, UpdateFlag.SUCCESS, { after: ({ delay }) => delay(1) });
    await queued.device.runUntil(() => queued.device.trace.some((e) => e.type === 'bootloader:apply'));
    expect(queued.seen.result).toBe(0);
    await queued.device.runFor(1000);
    expect(queued.device.modules().find((m) => m.region === 'radio-stack')).toMatchObject({ version: 203 });
  });

  it('passes a user part that needs a newer system part (dependencies are optional at OTA time), which then boots into safe mode', async () => {
    const tooNew = buildModule({ function: ModuleFunction.USER_PART, deviceOs: '2.0.1', size: 4096 });
    const { device, seen } = otaDevice(tooNew, UpdateFlag.SUCCESS, { after: ({ delay }) => delay(1) });
    await device.runUntil('FINISHED');
    await runUntilRebooted(device);
    expect(seen.result).toBe(0);
    expect(hal(device)).toEqual(['module fetched 1, checks=5e, result=5e']);
    expect(device.state).toBe('safe-mode');
    expect(device.diagnostics.at(-1)!.message).toBe(
      'Failed to start the app: the user part at 0xD4000 is not valid (Failed to validate the module at 0xD4000: it needs SYSTEM_PART 1 version 2011 or newer, and the device has version 1406. Update that module first.), so the device runs in safe mode.',
    );
  });

  it('refuses a user part that runs past its 128K region: fetched 0', async () => {
    const huge = buildModule({ function: ModuleFunction.USER_PART, deviceOs: '1.4.4', size: 140 * 1024, allowOversize: true });
    const { device, seen } = otaDevice(huge, UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET);
    await device.runUntil('FINISHED');
    expect(seen.result).toBe(1);
    expect(hal(device)).toEqual(['module fetched 0, checks=5e, result=0', 'OTA module not applied']);
    expect(device.diagnostics.at(-1)!.message).toBe(
      'Failed to validate the module at 0x289000: its end address 0xF6FFC is outside the user-part bounds 0xD4000 to 0xF4000, so validation found no module (fetched 0, result=0). Send a Boron module that this Device OS version knows.',
    );
  });

  it('on 1.2.1 refuses a 1.4.4 system part until the bootloader it needs is installed', async () => {
    const system144 = buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs: '1.4.4', size: 24 * 1024 });
    const { device, seen } = otaDevice(system144, UpdateFlag.SUCCESS | UpdateFlag.DONT_RESET, { deviceOs: '1.2.1' });
    await device.runUntil('FINISHED');
    expect(seen.result).toBe(1);
    expect(hal(device)).toEqual(['module fetched 1, checks=5e, result=1a', 'OTA module not applied']);
    expect(device.diagnostics.map((d) => d.message)).toContain('Failed to validate the module at 0x289000: it needs BOOTLOADER 0 version 501 or newer, and the device has version 311. Update that module first.');
  });
});

describe('Finish without Prepare (1.x)', () => {
  it('validates whatever the OTA region holds and applies it: a stale image comes back', async () => {
    const stale = appImage('STALE IMAGE', 2048);
    const finisher = defineSketch(
      ({ FileTransfer, Spark_Finish_Firmware_Update, Serial }) => ({
        async setup() {
          const file = firmwareFile(FileTransfer, {});
          Serial.println(`Finish: ${await Spark_Finish_Firmware_Update(file, UpdateFlag.SUCCESS, null)}`);
        },
      }),
      { name: 'finish without prepare', systemMode: 'MANUAL' },
    );
    const device = new VirtualBoron({ deviceOs: '1.4.4', app: finisher, otaRegion: stale }).powerOn();
    await device.runUntil('STALE IMAGE');
    expect(device.serial.output).toContain('Finish: 0');
  });

  it('3.x refuses it with -210 (INVALID_STATE) and still resets', async () => {
    const device = deviceRunning(
      async ({ FileTransfer, Spark_Finish_Firmware_Update, Serial }) => {
        Serial.println(`Finish: ${await Spark_Finish_Firmware_Update(firmwareFile(FileTransfer, {}), UpdateFlag.SUCCESS, null)}`);
      },
      { deviceOs: '3.3.1', otaRegion: appImage('NOT THIS', 2048, '3.3.1') },
    );
    await device.runUntil(() => device.trace.some((e) => e.type === 'device:reset'));
    expect(device.serial.output).toContain('Finish: -210');
    expect(device.trace.find((e) => e.type === 'device:reset')).toMatchObject({ reason: 70 });
  });
});
