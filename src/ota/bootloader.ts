import { bytes, hex } from '../sim/messages';
import { CRC_SIZE, ModuleFlag, ModuleFunction, moduleFunctionName, PLATFORM_BORON, PREFIX_SIZE } from './module-format';
import { readModuleInfo, verifyCrc, type Chips } from './validation';
import { FlashDevice, type DctModuleSlots, type ModuleSlot } from './dct-slots';

/** 256-byte copy blocks (`MAX_COPY_LENGTH`). */
const COPY_BLOCK = 256;
/** `INTERNAL_FLASH_PAGE_SIZE`. */
const PAGE = 0x1000;

/** What a power cut (the flash's operation hook throwing) interrupted, and how far the copy had got. */
export interface CopyCut {
  /** What the flash threw: the run fails with it. */
  error: unknown;
  /** Bytes the copy had to write, and how many it had written when the power went. */
  total: number;
  copied: number;
  /** Pages erased when the power went, of the `pages` the copy erases first. */
  erased: number;
  pages: number;
}

export interface SlotOutcome {
  slot: ModuleSlot;
  applied: boolean;
  /** Why the copy was refused, in plain words (absent when applied). */
  why?: string;
  costMicros: number;
  /** The copy was cut by a power loss. */
  cut?: CopyCut;
  /** The slot is still pending after the copy (2.0+ frees a slot only once its copy is over). */
  slotKept?: boolean;
  /** The 24-byte module header was left out of the copy (DROP_MODULE_INFO): the bytes written start after it. */
  headerDropped?: boolean;
  /** 3.1+: the bootloader erased the compat app's first page at this address before the copy. */
  compatPageErased?: number;
  /** The copy failed after the destination had been erased: the old module there is gone. */
  destinationErased?: boolean;
}

/** How the bootloader in flash goes about it; each differs by version (see `DeviceOsProfile`). */
export interface BootloaderRules {
  /** 1.x: all pending slots are freed before any copy; 2.0+: each slot after its copy, a bootloader's before. */
  slotsFreedBeforeCopy: boolean;
  /** 3.1+: installing a user part at `destination` first erases the page at `compat`. */
  compatPage?: { destination: number; compat: number };
}

/** The 1.x bootloader (`v1.4.4:flash_mal.c:447-490`). */
export const BOOTLOADER_1X: BootloaderRules = { slotsFreedBeforeCopy: true };

/**
 * `FLASH_UpdateModules` at boot (`bootloader/src/main.c:412-446`, `platform/MCU/nRF52840/src/
 * flash_mal.c:447-490,107-259` at v1.4.4; `:675-747` at v4.1.0): each pending slot is checked, then —
 * only if every check passes — its destination is erased and the module copied. There is no backup and
 * no rollback; a refused slot leaves the destination untouched. 1.x frees every slot first; 2.0+ frees
 * each (but a bootloader's) after its copy and copies bootloaders last. A copy cut by a power loss stops
 * everything: the outcomes end with it.
 */
export function applyPendingSlots(chips: Chips, slots: DctModuleSlots, rules: BootloaderRules = BOOTLOADER_1X): SlotOutcome[] {
  const pending = slots.pending();
  if (rules.slotsFreedBeforeCopy) for (const slot of pending) slots.free(slot.index);
  const isBootloader = (slot: ModuleSlot) => slot.moduleFunction === ModuleFunction.BOOTLOADER;
  const order = rules.slotsFreedBeforeCopy ? pending : [...pending.filter((s) => !isBootloader(s)), ...pending.filter(isBootloader)];
  const outcomes: SlotOutcome[] = [];
  for (const slot of order) {
    // "Mark the slot as unused BEFORE updating the module" for a bootloader (v4.1.0:726-732).
    if (!rules.slotsFreedBeforeCopy && isBootloader(slot)) slots.free(slot.index);
    const outcome = applySlot(chips, slot, rules);
    outcomes.push(outcome);
    if (outcome.cut) {
      outcome.slotKept = slots.read(slot.index).magic === slot.magic;
      break;
    }
    if (!rules.slotsFreedBeforeCopy && !isBootloader(slot)) slots.free(slot.index);
  }
  return outcomes;
}

/** Check one slot's module and, if every check passes, copy it to its destination. */
export function applySlot(chips: Chips, slot: ModuleSlot, rules: BootloaderRules = BOOTLOADER_1X): SlotOutcome {
  const refused = checkCopy(chips, slot);
  const source = chips.external;
  if (refused) return { slot, applied: false, why: refused, costMicros: source.readCost(slot.length) };
  const target = chips.internal;
  const outcome: SlotOutcome = { slot, applied: false, costMicros: source.readCost(slot.length) };
  const { info, prefixOffset } = readModuleInfo(source, slot.sourceAddress);
  let from = slot.sourceAddress;
  let length = slot.length;
  const progress = { erased: 0, copied: 0, pages: Math.ceil(slot.length / PAGE) };
  try {
    const compat = rules.compatPage;
    if (compat && slot.moduleFunction === ModuleFunction.USER_PART && slot.destinationAddress === compat.destination) {
      outcome.costMicros += target.erase(compat.compat, PAGE);
      outcome.compatPageErased = compat.compat;
    }
    // `hal_flash_erase_sector` erases CEIL_DIV(length, 4096) pages one after another: a cut can fall between two.
    for (let page = 0; page < progress.pages; page++) {
      outcome.costMicros += target.erase(slot.destinationAddress + page * PAGE, PAGE);
      progress.erased = page + 1;
    }
    if (info.flags & ModuleFlag.DROP_MODULE_INFO) {
      // Only a header at the very front is dropped; anywhere else the copy fails after the erase (v1.4.4:196-214).
      if (prefixOffset !== 0) {
        outcome.destinationErased = true;
        outcome.why = `its flags ask for the 24-byte header to be dropped (DROP_MODULE_INFO) but the header sits at +${hex(prefixOffset)}, not at the front, so the bootloader erased ${bytes(progress.erased * PAGE)} bytes at ${hex(slot.destinationAddress)} and copied nothing`;
        return outcome;
      }
      from += PREFIX_SIZE;
      length -= PREFIX_SIZE;
      outcome.headerDropped = true;
    }
    const sector = target.geometry.sectorSize;
    for (let at = 0; at < length; at += COPY_BLOCK) {
      // A whole sector at a time where the chip can share the source's (no hook, both aligned): the same bytes, stats and cost.
      if (at % sector === 0 && length - at >= sector) {
        const shared = target.programSectorFrom(slot.destinationAddress + at, source, from + at, COPY_BLOCK);
        if (shared !== undefined) {
          outcome.costMicros += shared;
          progress.copied = at + sector;
          at += sector - COPY_BLOCK;
          continue;
        }
      }
      const n = Math.min(COPY_BLOCK, length - at);
      // A view of the source is enough: the copy writes the other chip.
      outcome.costMicros += target.program(slot.destinationAddress + at, source.readView(from + at, n)).costMicros;
      progress.copied = at + n;
    }
  } catch (error) {
    outcome.cut = { error, total: length, copied: progress.copied, erased: progress.erased, pages: progress.pages };
    return outcome;
  }
  outcome.applied = true;
  return outcome;
}

/** `FLASH_CheckCopyMemory`: the refusal reason, or undefined when the copy may go ahead. */
function checkCopy(chips: Chips, slot: ModuleSlot): string | undefined {
  if (slot.sourceDevice !== FlashDevice.SERIAL || slot.destinationDevice !== FlashDevice.INTERNAL) return 'the slot does not copy from external to internal flash';
  const source = chips.external;
  if (slot.sourceAddress + slot.length > source.size || slot.destinationAddress + slot.length > chips.internal.size) {
    return `the range ${hex(slot.sourceAddress)} + ${slot.length} does not fit the chips`;
  }
  const { info } = readModuleInfo(source, slot.sourceAddress);
  const moduleLength = (info.endAddress - info.startAddress) >>> 0;
  if (slot.length < moduleLength + CRC_SIZE) return `the slot's length ${slot.length} is shorter than the module (${moduleLength + CRC_SIZE} bytes)`;
  if (info.platformId !== PLATFORM_BORON && info.function !== ModuleFunction.RESOURCE) return `the module is for platform ${info.platformId}, not ${PLATFORM_BORON}`;
  if (info.startAddress !== slot.destinationAddress) return `the module starts at ${hex(info.startAddress)}, not at the destination ${hex(slot.destinationAddress)}`;
  if (info.function !== slot.moduleFunction) return `the module is a ${moduleFunctionName(info.function)}, not the slot's ${moduleFunctionName(slot.moduleFunction)}`;
  const crc = verifyCrc(source, slot.sourceAddress, moduleLength);
  if (!crc || crc.stored !== crc.computed) return 'its CRC-32 does not match';
  return undefined;
}

/** What the copy wrote, in words: the whole module, or the module without its header (a SoftDevice). */
function copiedText(outcome: SlotOutcome): string {
  const { slot } = outcome;
  if (!outcome.headerDropped) return `${bytes(slot.length)} bytes from external ${hex(slot.sourceAddress)} to internal ${hex(slot.destinationAddress)}`;
  return `${bytes(slot.length - PREFIX_SIZE)} bytes from external ${hex(slot.sourceAddress + PREFIX_SIZE)} to internal ${hex(slot.destinationAddress)} (the module without its 24-byte header, as its DROP_MODULE_INFO flag asks, so the SoftDevice's own vector table starts at ${hex(slot.destinationAddress)})`;
}

/** The cut, in words: how far the copy got before the power went. */
function cutText(cut: CopyCut, destination: number): string {
  if (cut.erased < cut.pages) return `the power was cut while the ${bytes(cut.pages * PAGE)} bytes at ${hex(destination)} were being erased (${bytes(cut.erased * PAGE)} erased), before anything was copied`;
  return `the power was cut after ${bytes(cut.copied)} of ${bytes(cut.total)} bytes had been copied (the ${bytes(cut.erased * PAGE)} bytes at ${hex(destination)} had been erased first)`;
}

/**
 * What a slot's copy did, in plain words: at boot (the bootloader's `FLASH_UpdateModules`) or at
 * Finish (1.x flashing a bootloader in place). One wording for both, so they never disagree.
 */
export function explainSlot(outcome: SlotOutcome, when: 'boot' | 'finish'): { code: string; message: string } {
  const { slot } = outcome;
  if (outcome.cut) {
    if (when === 'finish') {
      return {
        code: 'bootloader-cut',
        message: `Failed to flash the bootloader in place at Finish: ${cutText(outcome.cut, slot.destinationAddress)}. 1.x writes the new bootloader over the old one while the system runs, and the chip starts through the bootloader, so this device will not start again; recovery needs a debugger (SWD) to flash a bootloader.`,
      };
    }
    const next = outcome.slotKept
      ? 'The slot is still pending (this bootloader frees a slot only after its copy), so the next boot copies it again.'
      : `The slot had been freed before the copy began (flash_mal.c:447-490 at v1.4.4), so the next boot will not retry it and the ${moduleFunctionName(slot.moduleFunction)} at ${hex(slot.destinationAddress)} stays half-written.`;
    return { code: 'bootloader-cut', message: `Failed to apply the update in DCT slot ${slot.index} to ${hex(slot.destinationAddress)}: ${cutText(outcome.cut, slot.destinationAddress)}. ${next}` };
  }
  if (when === 'finish') {
    return outcome.applied
      ? { code: 'bootloader-flashed', message: `Flashed the bootloader in place at Finish: copied ${copiedText(outcome)} after checking it (1.x does this at once, not at the next boot).` }
      : { code: 'bootloader-refused', message: `Failed to flash the bootloader in place: ${outcome.why}. The old bootloader was left untouched.` };
  }
  const compat =
    outcome.compatPageErased === undefined
      ? ''
      : ` First it erased the 4 KB page at ${hex(outcome.compatPageErased)}, so a 128K compat app there no longer takes precedence over the app at ${hex(slot.destinationAddress)}.`;
  if (outcome.applied) {
    return {
      code: 'bootloader-applied',
      message: `The bootloader applied the update in DCT slot ${slot.index}: it checked the module (platform, start address, function, CRC-32), then copied ${copiedText(outcome)}.${compat}`,
    };
  }
  const left = outcome.destinationErased ? '' : ' and left the old module in place';
  return { code: 'bootloader-refused', message: `Failed to apply the update in DCT slot ${slot.index} to ${hex(slot.destinationAddress)}: ${outcome.why}. The bootloader freed the slot${left}.` };
}
