/**
 * HAL_Core_Validate_Modules at boot (`hal/src/nRF52840/core_hal.c:388-420` at v1.4.4), which the
 * system part's loader runs before the app (`modules/shared/nRF52840/inc/system_part1_loader.c:21-37`
 * at v1.4.4; `:40-43` at v4.1.0): the bootloader and system part 1 must pass their CRC and satisfy
 * their dependencies — the system part's on the bootloader and, from 1.4.0, on the radio stack
 * (`SOFTDEVICE_DEPENDENCY = 202`, `modules/shared/system_module_version.mk:51` at v1.4.4) — or the
 * device runs in safe mode. OTA validation checks less (`ota_flash_hal.cpp:194-289` at v1.4.4), so an
 * update is accepted and the next boot is the one that fails (device-os-app-model.md §4).
 */
import { buildModule, ModuleFlag, ModuleFunction, UpdateFlag, VirtualBoron, type DeviceOsVersion } from '../../../src/index';
import { otaDevice, runUntilRebooted } from '../../helpers';

/** S140 6.0.0's firmware ID, older than the 202 (S140 7.0.1) every 1.4.0+ system part needs. */
const S140_6_0_0 = 0xa9;

describe('a SoftDevice older than the system part needs, installed over the air', () => {
  const cases: [DeviceOsVersion, { finish: number; system: string }][] = [
    ['1.4.4', { finish: 0, system: '0x30000' }],
    ['1.5.2', { finish: 0, system: '0x30000' }],
    ['2.0.1', { finish: 1, system: '0x30000' }],
    ['3.3.1', { finish: 0, system: '0x30000' }],
    ['4.1.0', { finish: 0, system: '0x30000' }],
    ['6.2.0', { finish: 0, system: '0x28000' }],
  ];
  it.each(cases)('%s: passes OTA validation, is installed, and the next boot runs in safe mode', async (deviceOs, expected) => {
    const softDevice = buildModule({ function: ModuleFunction.RADIO_STACK, deviceOs, version: S140_6_0_0, size: 16 * 1024, flags: ModuleFlag.DROP_MODULE_INFO });
    const { device, seen } = otaDevice(softDevice, UpdateFlag.SUCCESS, { deviceOs, after: ({ delay }) => delay(1) });
    await device.runUntil('FINISHED');
    await runUntilRebooted(device);

    expect(seen.result).toBe(expected.finish);
    expect(device.trace.filter((e) => e.type === 'bootloader:apply')).toEqual([expect.objectContaining({ destination: 0x1000, applied: true })]);
    expect(device.modules().find((m) => m.region === 'radio-stack')).toMatchObject({ version: S140_6_0_0 });
    expect(device.state).toBe('safe-mode');
    expect(device.trace.filter((e) => e.type === 'device:boot').map((e) => e.safeMode)).toEqual([false, true]);
    expect(device.diagnostics.at(-1)!.message).toBe(
      `Failed to start the app: the system part at ${expected.system} fails HAL_Core_Validate_Modules, the system's boot check of the modules (Failed to validate the module at ${expected.system}: it needs RADIO_STACK 0 version 202 or newer, and the SoftDevice installed reports version 169 (its FWID, read at 0x300C). Update that module first.), so the device runs in safe mode. The bootloader installed that RADIO_STACK from DCT slot 1 at this boot: OTA validation checks a module's own dependencies, not what the installed modules need of it, so the update was accepted.`,
    );
  });

  it('1.4.4: a SoftDevice at or above 202 boots the app', async () => {
    const softDevice = buildModule({ function: ModuleFunction.RADIO_STACK, deviceOs: '1.4.4', version: 203, size: 16 * 1024, flags: ModuleFlag.DROP_MODULE_INFO });
    const { device } = otaDevice(softDevice, UpdateFlag.SUCCESS, { after: ({ delay }) => delay(1) });
    await device.runUntil('FINISHED');
    await runUntilRebooted(device);
    expect(device.state).toBe('running');
    expect(device.modules().find((m) => m.region === 'radio-stack')).toMatchObject({ version: 203 });
  });
});

describe('a bootloader older than the system part needs (1.x flashes it in place at Finish)', () => {
  it('1.4.4: Finish returns 0, and the next boot runs in safe mode: the system part needs bootloader 501', async () => {
    const bootloader = buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs: '1.4.4', version: 300, size: 4096 });
    const { device, seen } = otaDevice(bootloader, UpdateFlag.SUCCESS, { after: ({ delay }) => delay(1) });
    await device.runUntil('FINISHED');
    await runUntilRebooted(device);

    expect(seen.result).toBe(0);
    expect(device.modules().find((m) => m.region === 'bootloader')).toMatchObject({ version: 300, crcOk: true });
    expect(device.state).toBe('safe-mode');
    expect(device.diagnostics.map((d) => d.message)).toEqual([
      'Flashed the bootloader in place at Finish: copied 4,096 bytes from external 0x289000 to internal 0xF4000 after checking it (1.x does this at once, not at the next boot).',
      "Failed to start the app: the system part at 0x30000 fails HAL_Core_Validate_Modules, the system's boot check of the modules (Failed to validate the module at 0x30000: it needs BOOTLOADER 0 version 501 or newer, and the device has version 300. Update that module first.), so the device runs in safe mode. Spark_Finish_Firmware_Update flashed that bootloader in place before this boot: OTA validation checks a module's own dependencies, not what the installed modules need of it, so the update was accepted.",
    ]);
  });
});

describe('the bootloader itself is checked first', () => {
  it('1.5.2: a bootloader that needs a newer system part (its own dependency) also puts the device in safe mode', async () => {
    // The 1.5.x bootloader depends on system part 1 ≥ 1102 (`v1.5.2:modules/shared/system_module_version.mk:62-64`).
    const bootloader = buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs: '1.5.2', size: 4096, dependencies: [{ function: ModuleFunction.SYSTEM_PART, index: 1, version: 9999 }] });
    const device = new VirtualBoron({ deviceOs: '1.5.2', modules: [bootloader] }).powerOn();
    await device.runFor(1000);
    expect(device.state).toBe('safe-mode');
    expect(device.diagnostics.map((d) => d.message)).toEqual([
      "Failed to start the app: the bootloader at 0xF4000 fails HAL_Core_Validate_Modules, the system's boot check of the modules (Failed to validate the module at 0xF4000: it needs SYSTEM_PART 1 version 9999 or newer, and the device has version 1512. Update that module first.), so the device runs in safe mode.",
    ]);
  });
});
