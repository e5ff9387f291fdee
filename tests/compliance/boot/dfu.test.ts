/**
 * The bootloader jumps to the system part only when `is_application_valid` holds (its module info and
 * CRC-32, `bootloader/src/nRF52840/dfu_usb.c:10-18`, `bootloader/src/main.c:445-481` at v1.4.4);
 * otherwise it drops into DFU mode and waits there for a host — time passes, nothing else runs.
 */
import { buildModule, ModuleFunction, VirtualBoron } from '../../../src/index';

test('1.4.4: a system part that fails its CRC leaves the device in DFU mode, across resets', async () => {
  const system = buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs: '1.4.4', size: 16 * 1024 });
  system[3000] ^= 0xff;
  const device = new VirtualBoron({ deviceOs: '1.4.4', modules: [system] }).powerOn();
  await device.runFor(1000);
  device.pressReset();
  await device.runFor(1000);
  expect(device.state).toBe('dfu');
  expect(device.millis).toBe(2000);
  expect(device.trace.filter((e) => e.type === 'device:boot')).toEqual([]);
  expect(device.diagnostics.map((d) => d.message)).toEqual([
    'Failed to boot: the system part at 0x30000 is not valid (CRC-32 mismatch or no module), so the bootloader stays in DFU mode.',
    'Failed to boot: the system part at 0x30000 is not valid (CRC-32 mismatch or no module), so the bootloader stays in DFU mode.',
  ]);
});
