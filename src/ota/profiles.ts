import { BoronMap } from '../hal/boron-flash';
import { ModuleFunction } from './module-format';
import type { ModuleBounds } from './validation';

export type DeviceOsVersion = '1.2.1' | '1.4.4';
export const DEVICE_OS_VERSIONS: readonly DeviceOsVersion[] = ['1.2.1', '1.4.4'];

/**
 * What differs between Device OS versions on the OTA path: one row per version, one field per
 * difference, each with its source. Citations are to `device-os@<tag>:<path>:<lines>`.
 */
export interface DeviceOsProfile {
  version: DeviceOsVersion;
  /** Module versions of the parts a factory Boron of this version carries (`build/version.mk`, `system_module_version.mk`). */
  systemPartVersion: number;
  bootloaderVersion: number;
  /** Radio-stack modules exist from 1.4.0 (`git diff v1.2.1 v1.4.4`: `module_radio_stack` bounds). */
  radioStackVersion?: number;
  userPartVersion: number;
  /**
   * TCPClient::connect's result on failure: v1.2.x/1.3.x returned negative codes (-1, truthy);
   * 6e5ca4a41 "fixes #1865" (first in v1.4.0) made it 0 (`spark_wiring_tcpclient_posix.cpp:53-73`).
   */
  connectFailureResult: number;
  /**
   * Finish emits `firmware_update_complete` on failure and `firmware_update_failed` on success
   * through v1.5.0 (`system/src/system_update.cpp:386-395` at v1.4.4; fixed by 583cd1a85 in v1.5.1).
   */
  finishEventsSwapped: boolean;
  /** Reset reason after an app-driven OTA: 140 USER in 1.x (`wiring/src/spark_wiring_system.cpp:39-42`); 70 UPDATE from a0958921 (v2.0.0). */
  otaResetReason: number;
  /** Module bounds the HAL knows, in `module_bounds[]` order (`hal/src/nRF52840/ota_module_bounds.c`). */
  moduleBounds: readonly ModuleBounds[];
  /** The OTA scratch region (`module_ota`). */
  otaRegion: ModuleBounds;
}

const internal = BoronMap.internal;
const bound = (name: string, fn: number, index: number, region: { start: number; end: number }): ModuleBounds => ({
  name,
  maximumSize: region.end - region.start,
  start: region.start,
  end: region.end,
  function: fn,
  index,
  mcu: 0,
  chip: 'internal',
});

const BOOTLOADER = bound('bootloader', ModuleFunction.BOOTLOADER, 0, internal.bootloader);
const SYSTEM_PART1 = bound('system-part1', ModuleFunction.SYSTEM_PART, 1, internal.systemPart);
const USER_PART = bound('user-part', ModuleFunction.USER_PART, 1, internal.userPart);
const RADIO_STACK = bound('radio-stack', ModuleFunction.RADIO_STACK, 0, internal.radioStack);
const OTA_REGION: ModuleBounds = {
  name: 'ota',
  maximumSize: BoronMap.external.ota.length,
  start: BoronMap.external.ota.start,
  end: BoronMap.external.ota.start + BoronMap.external.ota.length,
  function: ModuleFunction.NONE,
  index: 0,
  mcu: 0,
  chip: 'external',
};

export const PROFILES: Record<DeviceOsVersion, DeviceOsProfile> = {
  '1.2.1': {
    version: '1.2.1',
    // system-part1 1213 per build/version.mk at v1.2.1; bootloader and user-part versions carried from v1.4.4 (not re-read for 1.2.1).
    systemPartVersion: 1213,
    bootloaderVersion: 501,
    userPartVersion: 6,
    connectFailureResult: -1,
    finishEventsSwapped: true,
    otaResetReason: 140,
    moduleBounds: [BOOTLOADER, SYSTEM_PART1, USER_PART],
    otaRegion: OTA_REGION,
  },
  '1.4.4': {
    version: '1.4.4',
    // modules/shared/nRF52840/part1_build.mk:6-16 and user_build.mk:43-47 at v1.4.4.
    systemPartVersion: 1406,
    bootloaderVersion: 501,
    radioStackVersion: 202,
    userPartVersion: 6,
    connectFailureResult: 0,
    finishEventsSwapped: true,
    otaResetReason: 140,
    moduleBounds: [BOOTLOADER, SYSTEM_PART1, USER_PART, RADIO_STACK],
    otaRegion: OTA_REGION,
  },
};

/**
 * `System.version()` and `System.versionNumber()` for an installed system part's module version;
 * a version no profile ships reads as its module number.
 */
export function systemVersionOf(moduleVersion: number): { name: string; number: number } {
  const profile = Object.values(PROFILES).find((p) => p.systemPartVersion === moduleVersion);
  if (!profile) return { name: `module version ${moduleVersion}`, number: 0 };
  const [major, minor, patch] = profile.version.split('.').map(Number);
  return { name: profile.version, number: ((major << 24) | (minor << 16) | (patch << 8)) >>> 0 };
}
