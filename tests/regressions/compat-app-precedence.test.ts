/**
 * Regression (issue 8): from 3.1 the 128K compat app at 0xD4000 takes precedence over the 256K app at
 * 0xB4000 whenever it is valid (`hal/src/nRF52840/user_hal.cpp:64-77` at v4.1.0 and v6.2.0). The
 * emulator ran whichever region held a module at its start, preferring the 256K one.
 */
import { VirtualBoron } from '../../src/index';
import { appImage } from '../helpers';

test('4.1.0 with valid apps in both user regions runs the compat app', async () => {
  const device = new VirtualBoron({ deviceOs: '4.1.0', app: appImage('256K', 2048, '4.1.0'), modules: [appImage('COMPAT', 2048, '2.0.1')] }).powerOn();
  await device.runFor(1000);
  expect(device.serial.output).toBe('COMPAT\r\n');
  expect(device.diagnostics.map((d) => d.code)).toEqual(['compat-app-precedence']);
});
