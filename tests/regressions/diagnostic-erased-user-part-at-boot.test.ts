/**
 * Regression (issue 8, held-out check): an installed user part found erased at boot was "explained"
 * with advice for the sketch's OTA routine ("Write the image from the start of the OTA region:
 * chunk_address = file_address after Prepare…"), though no update was involved. At boot the diagnostic
 * now says what the numbers show — erased flash where the header would be — and blames nothing else.
 */
import { VirtualBoron } from '../../src/index';
import { appImage } from '../helpers';

test('a user part erased behind the device’s back is reported as erased, not blamed on chunk_address', async () => {
  const device = new VirtualBoron({ deviceOs: '1.4.4', app: appImage('hello') }).powerOn();
  await device.runUntil('hello');
  device.flash.internal.erase(0xd4000, 0x20000);
  device.pressReset();
  await device.runFor(1000);
  expect(device.state).toBe('safe-mode');
  expect(device.diagnostics.map((d) => d.message)).toEqual([
    'Failed to start the app: the user part at 0xD4000 is not valid (Failed to validate the module at 0xD4000: it holds erased flash (0xFF) where a module header would be, so validation found no module (fetched 0, result=0).), so the device runs in safe mode.',
  ]);
});
