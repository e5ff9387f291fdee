import { BoronFlash } from '../../../src/hal/boron-flash';
import { buildModuleImage, ModuleFunction, type ModuleSpec } from '../../../src/ota/module-format';
import { PROFILES } from '../../../src/ota/profiles';

export const profile = PROFILES['1.4.4'];
export const OTA_ADDRESS = profile.otaRegion.start;
export const USER_PART_ADDRESS = 0xd4000;
const RADIO_STACK_VERSION = profile.radioStackVersion ?? 202;

export const SYSTEM_PART_DEPENDENCIES = [
  { function: ModuleFunction.BOOTLOADER, index: 0, version: profile.bootloaderVersion },
  { function: ModuleFunction.RADIO_STACK, index: 0, version: RADIO_STACK_VERSION },
];

/** A 1.4.4 user part (function 5, index 1, version 6, needs system part 1 ≥ 1406), 5012 bytes unless overridden. */
export const userPart = (overrides: Partial<ModuleSpec> = {}): Uint8Array =>
  buildModuleImage({
    function: ModuleFunction.USER_PART,
    version: profile.userPartVersion,
    dependencies: [{ function: ModuleFunction.SYSTEM_PART, index: 1, version: profile.systemPartVersion }],
    size: 5012,
    ...overrides,
  });

/** A 1.4.4 system part 1 with the bootloader and radio-stack dependencies, 8 KB unless overridden. */
export const systemPart = (overrides: Partial<ModuleSpec> = {}): Uint8Array =>
  buildModuleImage({ function: ModuleFunction.SYSTEM_PART, version: profile.systemPartVersion, dependencies: SYSTEM_PART_DEPENDENCIES, size: 8192, ...overrides });

/** Both chips of a factory 1.4.4 Boron: bootloader 501, radio stack 202, system part 1406, user part 6 (8 KB, seed "factory"). */
export function factoryBoron(): BoronFlash {
  const chips = new BoronFlash();
  chips.internal.load(0xf4000, buildModuleImage({ function: ModuleFunction.BOOTLOADER, version: profile.bootloaderVersion, size: 4096 }));
  // A SoftDevice is installed without its module header; its version is the FWID inside it (read at 0x300C).
  chips.internal.load(0x1000, buildModuleImage({ function: ModuleFunction.RADIO_STACK, version: RADIO_STACK_VERSION, size: 12 * 1024 }).subarray(24));
  chips.internal.load(0x30000, systemPart());
  chips.internal.load(USER_PART_ADDRESS, factoryUserPart);
  return chips;
}

export const factoryUserPart = userPart({ size: 8192, fillSeed: 'factory' });

/** A copy of `image` with byte `at` inverted. */
export function corrupt(image: Uint8Array, at = 100): Uint8Array {
  const copy = image.slice();
  copy[at] ^= 0xff;
  return copy;
}

export { thrown } from '../../thrown';
