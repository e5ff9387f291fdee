/** Booting: which app runs, and what happens when the installed one cannot. */
import { buildModule, ModuleFunction, UpdateFlag, VirtualBoron } from '../../src/index';
import { appImage, deviceRunning, otaDevice } from '../helpers';

describe('boot', () => {
  it('runs the sketch an image was built from, and reports the installed modules', async () => {
    const device = new VirtualBoron({ deviceOs: '1.4.4', app: appImage('hello from the app') }).powerOn();
    await device.runUntil('hello from the app');
    expect(device.state).toBe('running');
    expect(device.modules().map((m) => [m.region, m.function, m.version, m.crcOk])).toEqual([
      ['bootloader', 'BOOTLOADER', 501, true],
      ['system-part1', 'SYSTEM_PART', 1406, true],
      ['user-part', 'USER_PART', 6, true],
      ['radio-stack', 'RADIO_STACK', 202, true],
    ]);
  });

  it('boots a valid user part it has no sketch for as an idle app, and still validates it as the device does', async () => {
    const foreign = buildModule({ function: ModuleFunction.USER_PART, version: 6, size: 3000, fillSeed: 'a real binary' });
    const device = new VirtualBoron({ deviceOs: '1.4.4', app: foreign }).powerOn();
    await device.runFor(20_000);
    expect(device.state).toBe('running');
    expect(device.appName).toBe('unknown app (0xD4000 v6)');
    expect(device.serial.output).toBe('');
  });

  it('runs in safe mode, without the app, when the user part needs a newer system part', async () => {
    const needsNewer = buildModule({ function: ModuleFunction.USER_PART, version: 6, size: 2048, dependencies: [{ function: ModuleFunction.SYSTEM_PART, index: 1, version: 2008 }] });
    const device = new VirtualBoron({ deviceOs: '1.4.4', app: needsNewer }).powerOn();
    await device.runFor(1000);
    expect(device.state).toBe('safe-mode');
    expect(device.trace.find((e) => e.type === 'device:boot')).toMatchObject({ safeMode: true, systemVersion: 1406 });
    expect(device.diagnostics.map((d) => d.message)).toEqual([
      'Failed to start the app: the user part at 0xD4000 is not valid (Failed to validate the module at 0xD4000: it needs SYSTEM_PART 1 version 2008 or newer, and the device has version 1406. Update that module first.), so the device runs in safe mode.',
    ]);
  });

  it('reports the installed system part through System.version() and versionNumber()', async () => {
    const seen: [string, number][] = [];
    const device = deviceRunning(async ({ System }) => void seen.push([System.version(), System.versionNumber()]), { deviceOs: '1.2.1' });
    await device.runUntil('DONE');
    // SYSTEM_VERSION_v121 = SYSTEM_VERSION_DEFAULT(1, 2, 1): a release ends in 0xFF (system_version.h:41-44 at v1.4.4).
    expect(seen).toEqual([['1.2.1', 0x010201ff]]);
  });

  it('runs in safe mode when the installed user part fails its CRC, and says so in boot terms', async () => {
    const app = appImage('never', 2048);
    app[300] ^= 0xff;
    const device = new VirtualBoron({ deviceOs: '1.4.4', app }).powerOn();
    await device.runFor(1000);
    expect(device.state).toBe('safe-mode');
    expect(device.diagnostics[0].message).toMatch(
      /^Failed to start the app: the user part at 0xD4000 is not valid \(Failed to validate the module at 0xD4000: it is a USER_PART \(index 1, version 6, 2,048 bytes, platform 13\), and its CRC-32 does not match \(stored 0x[0-9A-F]+, computed 0x[0-9A-F]+\)\.\), so the device runs in safe mode\.$/,
    );
  });

  it('gives listeners an unsubscribe function', async () => {
    const device = new VirtualBoron({ deviceOs: '1.4.4', app: appImage('x') });
    const seen: string[] = [];
    const stop = device.on('device:boot', (e) => seen.push(e.app));
    device.powerOn();
    await device.runFor(500);
    stop();
    device.pressReset();
    await device.runFor(500);
    expect(seen).toHaveLength(1);
    expect(device.trace.filter((e) => e.type === 'device:boot')).toHaveLength(2);
    expect(device.trace.find((e) => e.type === 'device:reset')).toMatchObject({ reason: 20, reasonName: 'PIN_RESET' });
  });
});

describe('installing modules and watching the system', () => {
  it('installs given modules where their prefixes say and boots reporting their versions and Device OS profile', async () => {
    const modules = [
      buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs: '2.0.1', size: 4096 }),
      buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs: '2.0.1', size: 32 * 1024 }),
      appImage('ON 2.0.1', 2048, '2.0.1'),
    ];
    const device = new VirtualBoron({ deviceOs: '1.4.4', modules }).powerOn();
    await device.runUntil('ON 2.0.1');
    expect(device.modules().map((m) => [m.region, m.version])).toEqual([
      ['bootloader', 1005],
      ['system-part1', 2011],
      ['user-part', 6],
      ['radio-stack', 202],
    ]);
    expect(device.profile.version).toBe('2.0.1');
  });

  it('refuses to install a module for another platform', () => {
    const photon = buildModule({ function: ModuleFunction.USER_PART, platformId: 6, version: 3, size: 1024 });
    expect(() => new VirtualBoron({ modules: [photon] })).toThrow('Failed to install a USER_PART module: it is for platform 6, not the Boron (13).');
  });

  it('tells System.on handlers about firmware_update, reset_pending and reset, and shows the update on the LED', async () => {
    const events: string[] = [];
    const led: string[] = [];
    const { device } = otaDevice(appImage('NEXT', 600), UpdateFlag.SUCCESS, {
      after: async ({ delay }) => {
        await delay(1);
      },
    });
    device.on('system:event', (e) => events.push(`${e.event} ${e.param}`));
    device.on('ota:begin', () => led.push(device.led.color));
    device.on('ota:finish', () => led.push(device.led.color));
    await device.runUntil('NEXT');
    expect(events).toEqual(['firmware_update 0', 'firmware_update 2', 'firmware_update 2', 'firmware_update 2', 'firmware_update -1', 'reset_pending 0', 'reset 0']);
    expect(led).toEqual(['magenta', 'cyan']);
  });
});
