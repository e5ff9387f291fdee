/**
 * Regression (issue 8): the system part's loader runs HAL_Core_Validate_Modules before the app, and a
 * system part whose radio-stack dependency (202 from 1.4.0) is not met runs the device in safe mode
 * (`modules/shared/nRF52840/inc/system_part1_loader.c:21-37` with `hal/src/nRF52840/core_hal.c:388-420`
 * at v1.4.4). A SoftDevice 6.0.0 radio stack passed OTA validation and the app ran.
 */
import { buildModule, ModuleFlag, ModuleFunction, UpdateFlag } from '../../src/index';
import { otaDevice, runUntilRebooted } from '../helpers';

test('a SoftDevice 6.0.0 (FWID 0xA9) accepted over the air leaves the next boot in safe mode', async () => {
  const s140v600 = buildModule({ function: ModuleFunction.RADIO_STACK, deviceOs: '1.4.4', version: 0xa9, size: 16 * 1024, flags: ModuleFlag.DROP_MODULE_INFO });
  const { device, seen } = otaDevice(s140v600, UpdateFlag.SUCCESS, { after: ({ delay }) => delay(1) });
  await device.runUntil('FINISHED');
  await runUntilRebooted(device);
  expect(seen.result).toBe(0);
  expect(device.state).toBe('safe-mode');
  expect(device.appName).toBe('');
  expect(device.diagnostics.map((d) => d.code)).toEqual(['bootloader-applied', 'safe-mode']);
});
