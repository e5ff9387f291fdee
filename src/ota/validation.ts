import type { NorFlash } from '../hal/nor-flash';
import { CRC_SIZE, decodePrefix, gen3PrefixOffset, moduleCrc32, ModuleFunction, PLATFORM_BORON, PREFIX_SIZE, SoftDeviceInfo, type ModulePrefix } from './module-format';

/** `MODULE_VALIDATION_*` (`hal/inc/ota_flash_hal.h:51-60` at v1.4.4, unchanged at v6.2.0). */
export const Validation = {
  PASSED: 0,
  INTEGRITY: 0x02,
  DEPENDENCIES: 0x04,
  RANGE: 0x08,
  PLATFORM: 0x10,
  PRODUCT: 0x20,
  DEPENDENCIES_FULL: 0x40,
} as const;

/** `module_bounds_t`, with the chip its addresses are on. */
export interface ModuleBounds {
  name: string;
  maximumSize: number;
  start: number;
  end: number;
  function: number;
  index: number;
  /** 0 = main MCU; 0xFF matches any. */
  mcu: number;
  chip: 'internal' | 'external';
}

export interface Chips {
  internal: NorFlash;
  external: NorFlash;
}

export interface DependencyFailure {
  /** The dependency as the module states it. */
  needs: { function: number; index: number; version: number };
  /** What is installed where that dependency lives (its version field, read as the device does). */
  installedVersion: number;
  /** Where that version was read, when it is not a module prefix (a SoftDevice's FWID). */
  readAt?: number;
  /** `full` when an installed system part needs a newer version of the module being replaced. */
  kind: 'dependency' | 'full';
}

export interface ModuleCheck {
  /** "fetched" in Device OS's log: a module header was found and its RANGE check passed. */
  fetched: boolean;
  checked: number;
  passed: number;
  /** The prefix as read from flash (always read, even when it is erased bytes). */
  info: ModulePrefix;
  prefixOffset: number;
  /** The module bounds the prefix matched, if any. */
  expected?: ModuleBounds;
  crc?: { stored: number; computed: number };
  dependencyFailure?: DependencyFailure;
}

const readU32 = (chip: NorFlash, address: number, littleEndian: boolean): number => new DataView(chip.read(address, 4).buffer).getUint32(0, littleEndian);

/** `FLASH_ModuleInfo`: the prefix of the module whose image starts at `address`. */
export function readModuleInfo(chip: NorFlash, address: number): { info: ModulePrefix; prefixOffset: number } {
  const prefixOffset = gen3PrefixOffset(readU32(chip, address, true));
  return { info: decodePrefix(chip.read(address + prefixOffset, PREFIX_SIZE)), prefixOffset };
}

/**
 * The version Device OS sees for the module installed in `bounds`: the prefix's version, except for
 * the radio stack, which is installed without its header and is known by the SoftDevice's own FWID
 * (`SD_FWID_GET(MBR_SIZE)`: `hal/src/nRF52840/platform_radio_stack.cpp:25-38` at v1.4.4, used for the
 * dependency check through `get_module_info` from v3.1.0, f1e3c02b5, `ota_module.cpp:30-35` at v4.1.0).
 * Before 3.1 `locate_module` read a module_info at 0x1000 (0x1200 past the SoftDevice's vector table),
 * inside the SoftDevice's code: what it compared is unknowable without the binary, so the emulator
 * compares the FWID in every profile (the check the code means, and the stricter reading).
 */
export function installedVersion(chips: Chips, bounds: ModuleBounds): { version: number; readAt?: number } {
  if (bounds.function === ModuleFunction.RADIO_STACK) {
    const readAt = bounds.start + SoftDeviceInfo.FWID_OFFSET;
    return { version: new DataView(chips[bounds.chip].read(readAt, 2).buffer).getUint16(0, true), readAt };
  }
  return { version: readModuleInfo(chips[bounds.chip], bounds.start).info.version };
}

const mcuMatches = (a: number, b: number): boolean => a === b || a === 0xff || b === 0xff;

/** `find_module_bounds`: the first bounds entry for this function, index and MCU. */
export const findModuleBounds = (table: readonly ModuleBounds[], fn: number, index: number, mcu: number): ModuleBounds | undefined =>
  table.find((b) => b.function === fn && b.index === index && mcuMatches(b.mcu, mcu));

/** CRC-32 over [address, address + length) compared with the big-endian word after it (`FLASH_VerifyCRC32`). */
export function verifyCrc(chip: NorFlash, address: number, length: number): { stored: number; computed: number } | undefined {
  if (length <= 0 || address + length + CRC_SIZE > chip.size) return undefined;
  let computed = 0;
  chip.scan(address, length, (part) => {
    computed = moduleCrc32(part, computed);
  });
  return { stored: readU32(chip, address + length, false), computed };
}

/**
 * `fetch_module` (`hal/src/nRF52840/ota_module.cpp:58-85` at v1.4.4): RANGE, then — only if it
 * passed — PLATFORM, DEPENDENCIES and INTEGRITY. Dependencies per
 * `validate_module_dependencies` (`ota_flash_hal.cpp:194-289`).
 */
export function fetchModule(chips: Chips, location: ModuleBounds, table: readonly ModuleBounds[], userDepsOptional: boolean, checkFlags: number): ModuleCheck {
  const chip = chips[location.chip];
  const { info, prefixOffset } = readModuleInfo(chip, location.start);
  const checked = Validation.RANGE | Validation.DEPENDENCIES | Validation.PLATFORM | checkFlags;
  const expected = findModuleBounds(table, info.function, info.index, info.mcuTarget);
  const check: ModuleCheck = { fetched: false, checked, passed: 0, info, prefixOffset, expected };
  if (!expected || info.endAddress < expected.start || info.endAddress > expected.end) return check;
  check.fetched = true;
  check.passed |= Validation.RANGE;
  if (info.platformId === PLATFORM_BORON) check.passed |= Validation.PLATFORM;
  const dependencyFailure = checkDependencies(chips, info, table, userDepsOptional, (checked & Validation.DEPENDENCIES_FULL) !== 0);
  if (dependencyFailure) check.dependencyFailure = dependencyFailure;
  else check.passed |= Validation.DEPENDENCIES | (checked & Validation.DEPENDENCIES_FULL);
  if (checked & Validation.INTEGRITY) {
    check.crc = verifyCrc(chip, location.start, (info.endAddress - info.startAddress) >>> 0);
    if (check.crc && check.crc.stored === check.crc.computed) check.passed |= Validation.INTEGRITY;
  }
  return check;
}

function checkDependencies(chips: Chips, info: ModulePrefix, table: readonly ModuleBounds[], userOptional: boolean, full: boolean): DependencyFailure | undefined {
  // A first dependency of NONE makes the module valid without looking at the second.
  const [first] = info.dependencies;
  if (first.function !== ModuleFunction.NONE && !(userOptional && info.function === ModuleFunction.USER_PART)) {
    for (const [i, dep] of info.dependencies.entries()) {
      if (dep.function === ModuleFunction.NONE) continue;
      if (i === 1 && userOptional && dep.function === ModuleFunction.BOOTLOADER) continue;
      const bounds = findModuleBounds(table, dep.function, dep.index, info.mcuTarget);
      const installed = bounds ? installedVersion(chips, bounds) : { version: 0 };
      if (!bounds || installed.version < dep.version) return { needs: dep, installedVersion: installed.version, kind: 'dependency', ...(installed.readAt === undefined ? {} : { readAt: installed.readAt }) };
    }
  }
  if (full && info.function === ModuleFunction.SYSTEM_PART) {
    for (const other of table) {
      if (other.function !== ModuleFunction.SYSTEM_PART || other.index === info.index) continue;
      const installed = readModuleInfo(chips[other.chip], other.start).info;
      const needs = installed.dependencies.find((d) => d.function === info.function && d.index === info.index && d.version > info.version);
      if (needs) return { needs, installedVersion: info.version, kind: 'full' };
    }
  }
  return undefined;
}
