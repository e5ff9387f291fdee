import { BoronMap } from '../hal/boron-flash';
import { ModuleFunction, type ModuleDependency } from './module-format';
import type { ModuleBounds } from './validation';

export const DEVICE_OS_VERSIONS = ['1.2.1', '1.4.4', '1.5.2', '2.0.1', '3.3.1', '4.1.0', '6.2.0'] as const;
export type DeviceOsVersion = (typeof DEVICE_OS_VERSIONS)[number];

/** Which implementation of the three `Spark_*` calls a version has (reference note §1.7). */
export type UpdateApi = '1.x' | '2.x' | '3.x';

/**
 * Everything that differs between Device OS versions on the OTA path: one row per version, one
 * field per difference. Sources are `device-os@<tag>:<path>:<lines>`; where a value is the same in
 * every row the comment on the field cites the first and last tags read.
 */
export interface DeviceOsProfile {
  version: DeviceOsVersion;
  /** Module versions a factory Boron of this version carries (`build/version.mk`, `modules/shared/system_module_version.mk`). */
  systemPartVersion: number;
  bootloaderVersion: number;
  /** The bootloader's own dependency: {4,1,1102} in 1.5.x (`v1.5.2:…system_module_version.mk:62-64`), none elsewhere. */
  bootloaderDependency?: ModuleDependency;
  /** Radio-stack (SoftDevice S140 7.0.1) modules exist from v1.4.0 (dfc2f2cc0); v1.2.1 has none. */
  radioStackVersion?: number;
  /**
   * The FWID of the SoftDevice a factory Boron of this version carries at 0x1000 (read at 0x300C):
   * S140 6.1.1 (0xB6) through 1.3 (`v1.2.1:CHANGELOG.md`, #1794), S140 7.0.1 (0xCA = 202) from 1.4.0,
   * whose release notes ask devices without a cloud connection to update the SoftDevice by hand
   * (`v1.4.4:CHANGELOG.md:4`; `SOFTDEVICE_DEPENDENCY = 202`, `modules/shared/system_module_version.mk:51`).
   */
  softDeviceFwid: number;
  userPartVersion: number;
  /** The system part's dependencies (`modules/shared/nRF52840/part1_build.mk`). */
  systemPartDependencies: ModuleDependency[];
  /** Which `Spark_*` implementation: 1.x, 2.x (HAL results, `hal.ota` logs), or 3.x+ (`FirmwareUpdate`). */
  updateApi: UpdateApi;
  /**
   * TCPClient::connect's result on failure: negative before v1.4.0, 0 from 6e5ca4a41 "fixes #1865"
   * (`wiring/src/spark_wiring_tcpclient_posix.cpp:53-73`).
   */
  connectFailureResult: number;
  /** Finish emits complete on failure and failed on success through v1.5.0 (fixed by 583cd1a85, v1.5.1). */
  finishEventsSwapped: boolean;
  /** Reset reason after an OTA: 140 USER in 1.x (`wiring/src/spark_wiring_system.cpp:39-42`); 70 UPDATE from a0958921 (v2.0.0). */
  otaResetReason: number;
  /** The 300 s stall watchdog exists through 2.x; from 3.0.0 it is compiled out on nRF52840 (`v3.3.1:system/src/main.cpp:375-388`). */
  stallWatchdog: boolean;
  /** `FLASH_Begin` frees every pending DCT slot first, from v3.2.0 (e5f507670; `v3.3.1:platform/MCU/nRF52840/src/flash_mal.c:955-992`). */
  beginFreesPendingSlots: boolean;
  /**
   * The bootloader frees every pending DCT slot *before* copying any (`v1.4.4:platform/MCU/nRF52840/src/
   * flash_mal.c:447-490`), so a copy cut by a power loss is never retried; from v2.0.0 (dd57f0345, "Clear
   * OTA slots in DCT after copying module data") each slot but a bootloader's is freed after its copy
   * (`v2.0.1:flash_mal.c:655-720`), so the next boot copies it again.
   */
  slotsFreedBeforeCopy: boolean;
  /**
   * From 3.1 a valid 128K compat app at 0xD4000 runs in preference to the 256K app at 0xB4000
   * (`hal_user_module_get_descriptor`, `hal/src/nRF52840/user_hal.cpp:64-77` at v4.1.0 and v6.2.0).
   */
  compatAppTakesPrecedence: boolean;
  /**
   * From 3.1 the bootloader erases the first 4 KB page at 0xD4000 before it installs a user part at
   * 0xB4000, so the compat app stops taking precedence (`platform/MCU/nRF52840/src/flash_mal.c:395-401`
   * at v4.1.0 and v6.2.0; `:389-395` at v3.1.0).
   */
  bootloaderErasesCompatPage: boolean;
  /**
   * 5.5+ on a Boron: the asset store (288 pages at the top of the chip) lies inside the OTA region after
   * its first `EXTERNAL_FLASH_OTA_SAFE_LENGTH` bytes (`platform/MCU/nRF52840/inc/flash_mal.h:89-112` at
   * v6.2.0; `HAL_PLATFORM_ASSETS_OTA_OVERLAP`, `hal/src/boron/hal_platform_config.h:22`).
   */
  assetStore?: { start: number; end: number; otaSafeLength: number };
  /** Module bounds the HAL knows, in `module_bounds[]` order (`hal/src/nRF52840/ota_module_bounds.c`). */
  moduleBounds: readonly ModuleBounds[];
  /** The OTA scratch region (`module_ota`; `EXTERNAL_FLASH_OTA_ADDRESS`, `platform/MCU/nRF52840/inc/flash_mal.h`). */
  otaRegion: ModuleBounds;
  /**
   * At power-on the app copies its `retained` variables' initial values into backup RAM from 2.0
   * (`HAL_PLATFORM_BACKUP_RAM` is 1 for nRF52840: `v2.0.1:hal/src/nRF52840/hal_platform_nrf52840_config.h:89`,
   * `wiring/src/user.cpp:198-207`). In 1.x only STM32 does (`v1.4.4:wiring/src/user.cpp:129-135`): on a
   * Boron they hold whatever the RAM held.
   */
  initialisesRetained: boolean;
  /**
   * SYSTEM_THREAD(ENABLED) is the default from 6.2.0; SYSTEM_THREAD(DISABLED) still turns it off
   * (`v6.2.0:CHANGELOG.md:5`, `wiring/inc/spark_wiring_system.h:1172`). Opt-in before.
   */
  systemThreadDefault: boolean;
  /** `System.updateStatus()` exists from 4.0 (`v4.1.0:wiring/inc/spark_wiring_system.h:820-826`, `system_update.cpp:402-416`). */
  updateStatus: boolean;
}

const internal = BoronMap.internal;
const bound = (name: string, fn: number, index: number, start: number, end: number): ModuleBounds => ({
  name,
  maximumSize: end - start,
  start,
  end,
  function: fn,
  index,
  mcu: 0,
  chip: 'internal',
});
const otaRegion = (start: number): ModuleBounds => ({
  name: 'ota',
  maximumSize: BoronMap.external.ota.length,
  start,
  end: start + BoronMap.external.ota.length,
  function: ModuleFunction.NONE,
  index: 0,
  mcu: 0,
  chip: 'external',
});

const BOOTLOADER = bound('bootloader', ModuleFunction.BOOTLOADER, 0, internal.bootloader.start, internal.bootloader.end);
/** 1.x–2.x: system part 0x30000–0xD4000, user part 128K at 0xD4000 index 1 (`v1.4.4:ota_module_bounds.c:9-157`). */
const SYSTEM_PART1 = bound('system-part1', ModuleFunction.SYSTEM_PART, 1, 0x30000, 0xd4000);
const USER_PART = bound('user-part', ModuleFunction.USER_PART, 1, 0xd4000, 0xf4000);
const RADIO_STACK = bound('radio-stack', ModuleFunction.RADIO_STACK, 0, 0x1000, 0x30000);
/**
 * 3.1+: 256K user part at 0xB4000 index 2, the 128K compat region kept at index 1, listed first
 * (`v3.3.1:ota_module_bounds.c:53-77`); system part ends at 0xB4000.
 */
const SYSTEM_PART1_3X = bound('system-part1', ModuleFunction.SYSTEM_PART, 1, 0x30000, 0xb4000);
const USER_PART_COMPAT = bound('user-part-compat', ModuleFunction.USER_PART, 1, 0xd4000, 0xf4000);
const USER_PART_256K = bound('user-part', ModuleFunction.USER_PART, 2, 0xb4000, 0xf4000);
/** 6.2.0: radio stack 0x1000–0x27000, system part 0x28000–0xB4000 (`v6.2.0:ota_module_bounds.c:38-75`). */
const SYSTEM_PART1_6X = bound('system-part1', ModuleFunction.SYSTEM_PART, 1, 0x28000, 0xb4000);
const RADIO_STACK_6X = bound('radio-stack', ModuleFunction.RADIO_STACK, 0, 0x1000, 0x27000);

const deps = (bootloader: number, radioStack?: number): ModuleDependency[] => [
  { function: ModuleFunction.BOOTLOADER, index: 0, version: bootloader },
  ...(radioStack === undefined ? [] : [{ function: ModuleFunction.RADIO_STACK, index: 0, version: radioStack }]),
];

/** S140 7.0.1's FWID, the radio-stack version every 1.4.0+ system part depends on. */
const S140 = 202;
/** S140 6.1.1's FWID, the SoftDevice Device OS 1.2.x and 1.3.x run with. */
const S140_6_1_1 = 0xb6;
/** How the bootloader and the boot checks differ: 1.x bootloaders free slots first; 3.1+ has the compat app. */
const BOOT_1X = { softDeviceFwid: S140, slotsFreedBeforeCopy: true, compatAppTakesPrecedence: false, bootloaderErasesCompatPage: false } as const;
const BOOT_3X = { softDeviceFwid: S140, slotsFreedBeforeCopy: false, compatAppTakesPrecedence: true, bootloaderErasesCompatPage: true } as const;

/** What every 1.x row shares; each row below spells out only what differs. */
const V1 = { ...BOOT_1X, updateApi: '1.x', connectFailureResult: 0, finishEventsSwapped: true, otaResetReason: 140, stallWatchdog: true, beginFreesPendingSlots: false, userPartVersion: 6, initialisesRetained: false, systemThreadDefault: false, updateStatus: false } as const;
const V1_LAYOUT = { moduleBounds: [BOOTLOADER, SYSTEM_PART1, USER_PART, RADIO_STACK], otaRegion: otaRegion(0x289000), radioStackVersion: S140 };
/** 3.x+: FirmwareUpdate, reason 70, no stall watchdog, Begin frees pending slots, the 256K user part. */
const V3 = {
  ...BOOT_3X,
  updateApi: '3.x',
  connectFailureResult: 0,
  finishEventsSwapped: false,
  otaResetReason: 70,
  stallWatchdog: false,
  beginFreesPendingSlots: true,
  userPartVersion: 6,
  initialisesRetained: true,
  systemThreadDefault: false,
  updateStatus: false,
  radioStackVersion: S140,
  moduleBounds: [BOOTLOADER, SYSTEM_PART1_3X, USER_PART_COMPAT, USER_PART_256K, RADIO_STACK],
  otaRegion: otaRegion(0x289000),
} as const;

export const PROFILES: Record<DeviceOsVersion, DeviceOsProfile> = {
  '1.2.1': {
    ...V1,
    version: '1.2.1',
    systemPartVersion: 1213,
    bootloaderVersion: 311,
    systemPartDependencies: deps(311),
    connectFailureResult: -1,
    softDeviceFwid: S140_6_1_1,
    // No radio-stack module before 1.4.0.
    moduleBounds: [BOOTLOADER, SYSTEM_PART1, USER_PART],
    otaRegion: otaRegion(0x289000),
  },
  '1.4.4': { ...V1, ...V1_LAYOUT, version: '1.4.4', systemPartVersion: 1406, bootloaderVersion: 501, systemPartDependencies: deps(501, S140) },
  '1.5.2': {
    ...V1,
    ...V1_LAYOUT,
    version: '1.5.2',
    systemPartVersion: 1512,
    bootloaderVersion: 502,
    bootloaderDependency: { function: ModuleFunction.SYSTEM_PART, index: 1, version: 1102 },
    systemPartDependencies: deps(501, S140),
    finishEventsSwapped: false,
  },
  '2.0.1': {
    ...V1,
    ...V1_LAYOUT,
    version: '2.0.1',
    updateApi: '2.x',
    systemPartVersion: 2011,
    bootloaderVersion: 1005,
    systemPartDependencies: deps(1005, S140),
    finishEventsSwapped: false,
    otaResetReason: 70,
    initialisesRetained: true,
    slotsFreedBeforeCopy: false,
  },
  '3.3.1': { ...V3, version: '3.3.1', systemPartVersion: 3302, bootloaderVersion: 1100, systemPartDependencies: deps(1100, S140) },
  '4.1.0': { ...V3, updateStatus: true, version: '4.1.0', systemPartVersion: 4100, bootloaderVersion: 1200, systemPartDependencies: deps(1200, S140) },
  '6.2.0': {
    ...V3,
    version: '6.2.0',
    systemPartVersion: 6200,
    bootloaderVersion: 3100,
    systemPartDependencies: deps(3100, S140),
    systemThreadDefault: true,
    updateStatus: true,
    moduleBounds: [BOOTLOADER, SYSTEM_PART1_6X, USER_PART_COMPAT, USER_PART_256K, RADIO_STACK_6X],
    // 144486c7f (v5.5.0-rc.1) shrank the reserved area to 48K (`v6.2.0:flash_mal.h:76-115`).
    otaRegion: otaRegion(0x24c000),
    // 288 asset pages end the 4 MB chip; the OTA region reaches them after 606,208 bytes (`v6.2.0:flash_mal.h:92-93,112`).
    assetStore: { start: 0x400000 - 288 * 0x1000, end: 0x400000, otaSafeLength: 606_208 },
  },
};

/** The user-part bounds a new app of this version is built for (the last user-part entry: 256K from 3.1). */
export const userPartBounds = (profile: DeviceOsProfile): ModuleBounds => profile.moduleBounds.filter((b) => b.function === ModuleFunction.USER_PART).at(-1)!;

/**
 * `System.version()` and `System.versionNumber()` for an installed system part's module version;
 * a version no profile ships reads as its module number.
 */
export function systemVersionOf(moduleVersion: number): { name: string; number: number } {
  const profile = Object.values(PROFILES).find((p) => p.systemPartVersion === moduleVersion);
  if (!profile) return { name: `module version ${moduleVersion}`, number: 0 };
  return { name: profile.version, number: systemVersionNumber(profile.version) };
}

/**
 * `SYSTEM_VERSION` of a release: 0xMMmmpp then 0xFF (`SYSTEM_VERSION_DEFAULT`,
 * `v1.4.4:system/inc/system_version.h:41-44`), what `System.versionNumber()` returns (`system_utilities.cpp:52`).
 */
export function systemVersionNumber(version: DeviceOsVersion): number {
  const [major, minor, patch] = version.split('.').map(Number);
  return ((major << 24) | (minor << 16) | (patch << 8) | 0xff) >>> 0;
}

/** The profile whose factory system part has this module version, if any. */
export const profileForSystemVersion = (moduleVersion: number): DeviceOsProfile | undefined => Object.values(PROFILES).find((p) => p.systemPartVersion === moduleVersion);

/**
 * The profiles whose layout has a region for this module (its function and index, starting at its
 * start address), to explain an image built for another version's layout; undefined when none has.
 */
export function layoutsFor(fn: number, index: number, start: number): { versions: DeviceOsVersion[]; bounds: ModuleBounds } | undefined {
  const matches = Object.values(PROFILES).flatMap((p) => p.moduleBounds.filter((b) => b.function === fn && b.index === index && b.start === start).map((bounds) => ({ version: p.version, bounds })));
  return matches.length === 0 ? undefined : { versions: matches.map((m) => m.version), bounds: matches[0].bounds };
}

/** "1.2.1, 1.4.4 and 2.0.1". */
export const versionList = (versions: readonly string[]): string => (versions.length < 2 ? versions.join('') : `${versions.slice(0, -1).join(', ')} and ${versions.at(-1)}`);
