import { bytes, formatMessage, hex } from '../sim/messages';
import { ModuleFunction, moduleFunctionName, PLATFORM_BORON } from './module-format';
import { Validation, type ModuleCheck } from './validation';

/** What one boot's update did, kept so a failed validation can say why. */
export interface UpdateSession {
  prepared?: { fileAddress: number; fileLength: number };
  /** Where Begin erased from; undefined when it skipped the erase. */
  erasedFrom?: number;
  firstWrite?: { address: number; chipAddress: number; wrapped: boolean };
  bytesWritten: number;
  outsideOta: number;
  dirtyRun?: { address: number; chipAddress: number; length: number; overData: number; mismatched: number; wrapped: boolean };
  lastCheck?: ModuleCheck;
  /** Damage done by the Gen 2 unaligned-write bug, when it is switched on. */
  gen2?: { refusedChunks: number; refusedBytes: number; tails: number; firstOdd?: { chipAddress: number; size: number } };
}

const describeModule = (check: ModuleCheck): string => {
  const { info } = check;
  const length = (info.endAddress - info.startAddress) >>> 0;
  return `a ${moduleFunctionName(info.function)} (index ${info.index}, version ${info.version}, ${bytes(length + 4)} bytes, platform ${info.platformId})`;
};

/**
 * Plain-words reasons for a validation that did not pass, one line per cause. `session` is the
 * update that filled the OTA region at `at`; without one, the module is an installed one (a boot check).
 */
export function explainValidation(check: ModuleCheck, session: UpdateSession | undefined, otaStart: number): string[] {
  if (check.fetched && check.checked === check.passed) return [];
  const at = hex(otaStart);
  const { info } = check;
  const lines: string[] = [];
  if (!check.fetched) {
    const erased = info.startAddress === 0xffffffff && info.endAddress === 0xffffffff;
    let cause: string;
    if (info.function === ModuleFunction.MONO_FIRMWARE) {
      cause = 'it is a monolithic image (function 3, MONO_FIRMWARE, as a debug build makes); a modular Boron has no module bounds for it';
    } else if (erased) {
      cause = 'the region starts with erased flash (0xFF), so there is no module header there';
    } else if (!check.expected) {
      cause = formatMessage('its header names function {fn} index {index} (MCU {mcu}), which has no module bounds on this device', { fn: moduleFunctionName(info.function), index: info.index, mcu: info.mcuTarget });
    } else {
      cause = formatMessage('its end address {end} is outside the {name} bounds {start} to {limit}', { end: hex(info.endAddress), name: check.expected.name, start: hex(check.expected.start), limit: hex(check.expected.end) });
    }
    lines.push(formatMessage('Failed to validate the module at {at}: {cause}, so validation found no module (fetched 0, result=0). {remedy}', { at, cause, remedy: remedyFor(info.function, erased) }));
  } else {
    if (!(check.passed & Validation.PLATFORM)) {
      lines.push(formatMessage('Failed to validate the module at {at}: it was built for platform {platform}, not the Boron ({boron}). Build it for the Boron.', { at, platform: info.platformId, boron: PLATFORM_BORON }));
    }
    const dep = check.dependencyFailure;
    if (dep) {
      const needs = `${moduleFunctionName(dep.needs.function)} ${dep.needs.index} version ${dep.needs.version}`;
      lines.push(
        dep.kind === 'full'
          ? formatMessage('Failed to validate the module at {at}: an installed system part needs {needs}, newer than this module\'s {version}. Update in order, oldest dependency first.', { at, needs, version: dep.installedVersion })
          : formatMessage('Failed to validate the module at {at}: it needs {needs} or newer, and the device has version {installed}. Update that module first.', { at, needs, installed: dep.installedVersion }),
      );
    }
    if (!(check.passed & Validation.INTEGRITY)) {
      lines.push(
        session
          ? integrityLine(check, session, otaStart)
          : formatMessage('Failed to validate the module at {at}: it is {what}, and its CRC-32 does not match ({crc}).', { at, what: describeModule(check), crc: crcText(check) }),
      );
    }
  }
  return lines;
}

function integrityLine(check: ModuleCheck, session: UpdateSession, otaStart: number): string {
  const at = hex(otaStart);
  const crc = crcText(check);
  const first = session.firstWrite;
  let cause: string;
  if (first === undefined) {
    cause = 'no chunk was saved since boot, so this is whatever the region held before';
  } else if (first.chipAddress !== otaStart) {
    cause = formatMessage('it was already in the OTA region: this update wrote no chunk at {at} (its first chunk went to {where}), so this is the previous image that went through the region, broken by the chunks programmed over it', {
      at,
      where: hex(first.chipAddress),
    });
  } else {
    cause = 'the chunks this update wrote from the region\'s start do not add up to the image their header describes';
  }
  return formatMessage('Failed to validate the module at {at} (validation always reads the start of the OTA region, not where the chunks went): it is {what}, and its CRC-32 does not match ({crc}); {cause}.', {
    at,
    what: describeModule(check),
    crc,
    cause,
  });
}

const crcText = (check: ModuleCheck): string => (check.crc ? `stored ${hex(check.crc.stored)}, computed ${hex(check.crc.computed)}` : 'its CRC lies beyond the chip');

function remedyFor(fn: number, erased: boolean): string {
  if (fn === ModuleFunction.MONO_FIRMWARE) return 'Build the app as a modular user part (not a monolithic debug build).';
  if (erased) return 'Write the image from the start of the OTA region: chunk_address = file_address after Prepare, with file.chunk_address = 0 before it.';
  return 'Send a Boron module that this Device OS version knows.';
}
