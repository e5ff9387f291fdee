/**
 * Regression (issue 8): 1.x flashes a bootloader in place at Finish (`flash_bootloader`,
 * `hal/src/nRF52840/ota_flash_hal.cpp:346-382` at v1.4.4). A power cut in that window leaves a device
 * that does not start at all (device-os-app-model.md §4); the emulator booted past the half-written
 * bootloader as if nothing had happened.
 */
import { buildModule, ModuleFunction, UpdateFlag } from '../../src/index';
import { otaDevice } from '../helpers';

test('a power cut halfway through the 1.4.4 in-place bootloader update bricks the device', async () => {
  const bootloader = buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs: '1.4.4', version: 600, size: 8192 });
  const { device } = otaDevice(bootloader, UpdateFlag.SUCCESS, { after: ({ delay }) => delay(1) });
  device.flash.internal.operationHook = (op) => {
    if (op.kind === 'program' && op.address >= 0xf5000) throw new Error('power cut');
  };
  await expect(device.runUntil('FINISHED')).rejects.toThrow('power cut');
  device.flash.internal.operationHook = undefined;
  device.powerOff();
  device.powerOn();
  await device.runFor(5000);
  expect(device.state).toBe('bricked');
  expect(device.trace.filter((e) => e.type === 'device:boot')).toHaveLength(1);
  expect(device.diagnostics.map((d) => d.code)).toEqual(['bootloader-cut', 'bricked']);
});
