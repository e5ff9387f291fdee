import { bytes, formatMessage, hex } from '../sim/messages';
import { looksLikePrefix } from './module-file';
import { ModuleFunction, moduleFunctionName, PLATFORM_BORON, type ModulePrefix } from './module-format';
import { Validation, type ModuleCheck } from './validation';
import { layoutsFor, versionList } from './profiles';

/** What one boot's update did, kept so a failed validation can say why. */
export interface UpdateSession {
  /** What Begin was given; `skipped` when it erased nothing: the range check failed, or CEIL_DIV wrapped to 0 sectors. */
  prepared?: { fileAddress: number; fileLength: number; skipped?: 'range' | 'zero-sectors' };
  /** What Begin erased, on the chip (at most the whole chip); undefined when it erased nothing. */
  erased?: { chipFrom: number; bytes: number };
  firstWrite?: { address: number; chipAddress: number; wrapped: boolean };
  bytesWritten: number;
  outsideOta: number;
  /** The first chip address a chunk outside the OTA region was programmed at. */
  firstOutside?: number;
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
 * update that filled the OTA region at `at`; without one, the module is an installed one (a boot
 * check), and nothing about the sketch's update calls applies to it.
 */
export function explainValidation(check: ModuleCheck, session: UpdateSession | undefined, otaStart: number): string[] {
  if (check.fetched && check.checked === check.passed) return [];
  const at = hex(otaStart);
  const { info } = check;
  const lines: string[] = [];
  if (!check.fetched) {
    const erased = info.startAddress === 0xffffffff && info.endAddress === 0xffffffff;
    let cause: string;
    let layoutRemedy: string | undefined;
    if (info.function === ModuleFunction.MONO_FIRMWARE) {
      cause = 'it is a monolithic image (function 3, MONO_FIRMWARE, as a debug build makes); a modular Boron has no module bounds for it';
    } else if (erased) {
      cause = session ? 'the region starts with erased flash (0xFF), so there is no module header there' : 'it holds erased flash (0xFF) where a module header would be';
    } else if (!check.expected && !looksLikePrefix(info)) {
      cause = formatMessage('its first 24 bytes are not a module header (read as one, they name function {fn}, platform {platform}, {start} to {end})', {
        fn: moduleFunctionName(info.function),
        platform: info.platformId,
        start: hex(info.startAddress),
        end: hex(info.endAddress),
      });
    } else if (!check.expected) {
      cause = formatMessage('its header names function {fn} index {index} (MCU {mcu}), which has no module bounds on this device', { fn: moduleFunctionName(info.function), index: info.index, mcu: info.mcuTarget });
      const other = layoutsFor(info.function, info.index, info.startAddress);
      if (other) {
        cause += formatMessage(': it was built for the layout of Device OS {versions}, whose {name} region is {start} to {end}', { versions: versionList(other.versions), name: other.bounds.name, start: hex(other.bounds.start), end: hex(other.bounds.end) });
        layoutRemedy = "Build it for the Device OS this device runs (buildModule's deviceOs).";
      }
    } else {
      cause = formatMessage('its end address {end} is outside the {name} bounds {start} to {limit}', { end: hex(info.endAddress), name: check.expected.name, start: hex(check.expected.start), limit: hex(check.expected.end) });
    }
    const remedy = layoutRemedy ?? remedyFor(info, erased, session, otaStart);
    lines.push(formatMessage('Failed to validate the module at {at}: {cause}, so validation found no module (fetched 0, result=0).{remedy}', { at, cause, remedy: remedy ? ` ${remedy}` : '' }));
  } else {
    if (!(check.passed & Validation.PLATFORM)) {
      lines.push(formatMessage('Failed to validate the module at {at}: it was built for platform {platform}, not the Boron ({boron}). Build it for the Boron.', { at, platform: info.platformId, boron: PLATFORM_BORON }));
    }
    const dep = check.dependencyFailure;
    if (dep) {
      const needs = `${moduleFunctionName(dep.needs.function)} ${dep.needs.index} version ${dep.needs.version}`;
      const installed = dep.readAt === undefined ? `the device has version ${dep.installedVersion}` : `the SoftDevice installed reports version ${dep.installedVersion} (its FWID, read at ${hex(dep.readAt)})`;
      lines.push(
        dep.kind === 'full'
          ? formatMessage('Failed to validate the module at {at}: an installed system part needs {needs}, newer than this module\'s {version}. Update in order, oldest dependency first.', { at, needs, version: dep.installedVersion })
          : formatMessage('Failed to validate the module at {at}: it needs {needs} or newer, and {installed}. Update that module first.', { at, needs, installed }),
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

/**
 * What to do about a region with no module, from what the update did (an installed module has no
 * update to blame: the caller says what it knows).
 */
function remedyFor(info: ModulePrefix, erased: boolean, session: UpdateSession | undefined, otaStart: number): string {
  if (info.function === ModuleFunction.MONO_FIRMWARE) return 'Build the app as a modular user part (not a monolithic debug build).';
  if (!erased) {
    if (!session) return '';
    const dirty = session.dirtyRun;
    if (dirty && dirty.chipAddress <= otaStart && otaStart < dirty.chipAddress + dirty.length) {
      return "This update's chunks at the region's start were programmed over data that had not been erased (see the unerased-program diagnostic), so the header there mixes old and new bytes.";
    }
    return looksLikePrefix(info) ? 'Send a Boron module that this Device OS version knows.' : 'Save the module file itself (a Particle .bin built for the Boron), from its first byte.';
  }
  if (!session) return '';
  const first = session.firstWrite;
  if (first === undefined) {
    const since = session.erased
      ? `after Prepare erased ${bytes(session.erased.bytes)} bytes from ${hex(session.erased.chipFrom)}`
      : session.prepared
        ? 'after Prepare'
        : 'since the device booted';
    return `No chunk was saved ${since}, so there was nothing to validate. Call Spark_Finish_Firmware_Update with SUCCESS only once the whole image is saved; when the download fails, call it without SUCCESS.`;
  }
  if (first.chipAddress !== otaStart) {
    const prepared = session.prepared;
    const offset = prepared ? (prepared.fileAddress - otaStart) >>> 0 : 0;
    const fix = offset !== 0 ? `file.chunk_address was ${hex(offset)} at Prepare, so file_address became ${hex(prepared!.fileAddress)}: set file.chunk_address = 0 before Prepare, and chunk_address = file_address after it.` : 'Save the first chunk at chunk_address = file_address.';
    return `This update's first chunk went to ${hex(first.chipAddress)}, not to the region's start ${hex(otaStart)}, where validation reads. ${fix}`;
  }
  return `This update's chunks started at ${hex(otaStart)}, yet its first bytes are still 0xFF: the data saved there does not begin with a module header. Save the image file itself, from its first byte.`;
}
