/**
 * Regression (issue 8): when the 3.1+ bootloader installs a user part at 0xB4000 it first erases the
 * 4 KB page at 0xD4000, so a compat app there stops taking precedence
 * (`platform/MCU/nRF52840/src/flash_mal.c:395-401` at v4.1.0 and v6.2.0; `:389-395` at v3.1.0).
 * The emulator did not erase it.
 */
import { applyPendingSlots } from '../../src/ota/bootloader';
import { DctModuleSlots, FlashDevice, SlotVerify } from '../../src/ota/dct-slots';
import { BoronFlash } from '../../src/hal/boron-flash';
import { ModuleFunction } from '../../src/index';
import { appImage } from '../helpers';

test('the 6.2.0 bootloader erases the compat page before it copies a user part to 0xB4000', () => {
  const chips = new BoronFlash();
  const compat = appImage('COMPAT', 8192, '2.0.1');
  const wide = appImage('256K', 2048, '6.2.0');
  chips.internal.load(0xd4000, compat);
  chips.external.load(0x24c000, wide);
  const slots = new DctModuleSlots();
  const slot = { sourceDevice: FlashDevice.SERIAL, sourceAddress: 0x24c000, destinationDevice: FlashDevice.INTERNAL, destinationAddress: 0xb4000, length: wide.length, flags: SlotVerify.CRC | SlotVerify.DESTINATION_IS_START_ADDRESS | SlotVerify.FUNCTION, moduleFunction: ModuleFunction.USER_PART };
  slots.addPending(slot);
  const [outcome] = applyPendingSlots(chips, slots, { slotsFreedBeforeCopy: false, compatPage: { destination: 0xb4000, compat: 0xd4000 } });
  expect(outcome).toMatchObject({ applied: true, compatPageErased: 0xd4000 });
  expect(Array.from(chips.internal.read(0xd4000, 4096)).every((b) => b === 0xff)).toBe(true);
  // Only that page: the rest of the compat app is still there.
  expect(chips.internal.read(0xd5000, 4096)).toEqual(compat.subarray(4096));
  expect(chips.internal.read(0xb4000, wide.length)).toEqual(wide);
});
