/**
 * The two user regions from 3.1 (device-os-app-model.md §4):
 * - the 128K compat app at 0xD4000 takes precedence when it is valid; the 256K app at 0xB4000 runs
 *   only otherwise (`hal_user_module_get_descriptor`, `hal/src/nRF52840/user_hal.cpp:64-77` at v4.1.0
 *   and v6.2.0);
 * - when the bootloader installs a user part at 0xB4000 it first erases the 4 KB page at 0xD4000, so
 *   the compat app stops taking precedence (`platform/MCU/nRF52840/src/flash_mal.c:395-401` at v4.1.0
 *   and v6.2.0; `:389-395` at v3.1.0).
 * Before 3.1 there is one region, at 0xD4000.
 */
import { buildModule, defineSketch, UpdateFlag, VirtualBoron, type DeviceOsVersion } from '../../../src/index';
import { appImage, otaDevice, runUntilRebooted, writeImage } from '../../helpers';

const THREE_ONE_ON: DeviceOsVersion[] = ['3.3.1', '4.1.0', '6.2.0'];

describe.each(THREE_ONE_ON)('%s: which app runs', (deviceOs) => {
  it('runs the compat app when both regions hold a valid app, and says why', async () => {
    const device = new VirtualBoron({ deviceOs, app: appImage('THE 256K APP', 2048, deviceOs), modules: [appImage('THE COMPAT APP', 2048, '2.0.1')] }).powerOn();
    await device.runFor(1000);
    expect(device.serial.output).toBe('THE COMPAT APP\r\n');
    expect(device.modules().filter((m) => m.function === 'USER_PART' && m.crcOk).map((m) => m.startAddress)).toEqual([0xd4000, 0xb4000]);
    expect(device.diagnostics.map((d) => d.message)).toEqual([
      'The 128K compat app at 0xD4000 runs, not the valid app at 0xB4000: from 3.1 a valid compat app takes precedence (user_hal.cpp:64-77 at v4.1.0). The bootloader erases the page at 0xD4000 when it installs a user part at 0xB4000; an app written there any other way leaves the compat app in charge.',
    ]);
  });

  it('runs the 256K app when the compat app fails its CRC', async () => {
    const compat = appImage('THE COMPAT APP', 2048, '2.0.1');
    compat[100] ^= 0xff;
    const device = new VirtualBoron({ deviceOs, app: appImage('THE 256K APP', 2048, deviceOs), modules: [compat] }).powerOn();
    await device.runFor(1000);
    expect(device.serial.output).toBe('THE 256K APP\r\n');
    expect(device.diagnostics).toEqual([]);
  });
});

/** A device whose app is a 128K compat app (built for 2.0.1, at 0xD4000) that installs `image` over the air. */
function compatAppInstalling(image: Uint8Array, deviceOs: DeviceOsVersion): VirtualBoron {
  const installer = defineSketch(
    (api) => ({
      async setup() {
        if (api.System.resetReason() !== 0) return;
        const { file } = await writeImage(api, image);
        await api.Spark_Finish_Firmware_Update(file, UpdateFlag.SUCCESS, null);
        await api.delay(1);
      },
    }),
    { name: `compat installer ${deviceOs} ${image.length}`, systemMode: 'MANUAL' },
  );
  return new VirtualBoron({ deviceOs, app: buildModule({ sketch: installer, deviceOs: '2.0.1' }) }).powerOn();
}

describe.each(THREE_ONE_ON)('%s: installing a 256K app over the air', (deviceOs) => {
  it('erases the page at 0xD4000 first, so the new app runs instead of the compat app that installed it', async () => {
    const device = compatAppInstalling(appImage('NEW 256K APP', 4096, deviceOs), deviceOs);
    await device.runUntil('NEW 256K APP');
    expect(Array.from(device.flash.internal.read(0xd4000, 4096)).every((b) => b === 0xff)).toBe(true);
    expect(device.diagnostics.map((d) => d.message)).toEqual([
      'The bootloader applied the update in DCT slot 1: it checked the module (platform, start address, function, CRC-32), then copied 4,096 bytes from external ' +
        (deviceOs === '6.2.0' ? '0x24C000' : '0x289000') +
        ' to internal 0xB4000. First it erased the 4 KB page at 0xD4000, so a 128K compat app there no longer takes precedence over the app at 0xB4000.',
    ]);
  });

  it('leaves the 256K region alone when it installs a compat app at 0xD4000', async () => {
    const { device } = otaDevice(appImage('NEW COMPAT APP', 2048, '2.0.1'), UpdateFlag.SUCCESS, { deviceOs, after: ({ delay }) => delay(1) });
    await device.runUntil('FINISHED');
    const before = device.flash.internal.read(0xb4000, 4096);
    await runUntilRebooted(device);
    await device.runUntil('NEW COMPAT APP');
    expect(device.flash.internal.read(0xb4000, 4096)).toEqual(before);
  });
});

describe('before 3.1', () => {
  it.each(['1.4.4', '2.0.1'] as DeviceOsVersion[])('%s has one user region, at 0xD4000', (deviceOs) => {
    const device = new VirtualBoron({ deviceOs });
    expect(device.modules().filter((m) => m.function === 'USER_PART').map((m) => [m.region, m.startAddress])).toEqual([['user-part', 0xd4000]]);
  });
});
