import { bytes, hex } from '../sim/messages';
import { CRC_SIZE, ModuleFunction, moduleFunctionName, PLATFORM_BORON } from './module-format';
import { readModuleInfo, verifyCrc, type Chips } from './validation';
import { FlashDevice, type DctModuleSlots, type ModuleSlot } from './dct-slots';

/** 256-byte copy blocks (`MAX_COPY_LENGTH`). */
const COPY_BLOCK = 256;

export interface SlotOutcome {
  slot: ModuleSlot;
  applied: boolean;
  /** Why the copy was refused, in plain words (absent when applied). */
  why?: string;
  costMicros: number;
}

/**
 * `FLASH_UpdateModules` at boot (`bootloader/src/main.c:412-446`, `platform/MCU/nRF52840/src/
 * flash_mal.c:447-490,107-259` at v1.4.4): each pending slot is freed first, then checked, then
 * — only if every check passes — its destination is erased and the module copied. There is no
 * backup and no rollback; a refused slot leaves the destination untouched.
 */
export function applyPendingSlots(chips: Chips, slots: DctModuleSlots): SlotOutcome[] {
  const pending = slots.pending();
  for (const slot of pending) slots.free(slot.index);
  return pending.map((slot) => applySlot(chips, slot));
}

/** Check one slot's module and, if every check passes, copy it to its destination. */
export function applySlot(chips: Chips, slot: ModuleSlot): SlotOutcome {
  const refused = checkCopy(chips, slot);
  const source = chips.external;
  if (refused) return { slot, applied: false, why: refused, costMicros: source.readCost(slot.length) };
  const target = chips.internal;
  let cost = source.readCost(slot.length) + target.erase(slot.destinationAddress, slot.length);
  for (let at = 0; at < slot.length; at += COPY_BLOCK) {
    const n = Math.min(COPY_BLOCK, slot.length - at);
    cost += target.program(slot.destinationAddress + at, source.read(slot.sourceAddress + at, n)).costMicros;
  }
  return { slot, applied: true, costMicros: cost };
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

/**
 * What a slot's copy did, in plain words: at boot (the bootloader's `FLASH_UpdateModules`) or at
 * Finish (1.x flashing a bootloader in place). One wording for both, so they never disagree.
 */
export function explainSlot(outcome: SlotOutcome, when: 'boot' | 'finish'): { code: string; message: string } {
  const { slot } = outcome;
  if (when === 'finish') {
    return outcome.applied
      ? { code: 'bootloader-flashed', message: `Flashed the bootloader in place at Finish: copied ${bytes(slot.length)} bytes from external ${hex(slot.sourceAddress)} to internal ${hex(slot.destinationAddress)} after checking it (1.x does this at once, not at the next boot).` }
      : { code: 'bootloader-refused', message: `Failed to flash the bootloader in place: ${outcome.why}. The old bootloader was left untouched.` };
  }
  return outcome.applied
    ? { code: 'bootloader-applied', message: `The bootloader applied the update in DCT slot ${slot.index}: it checked the module (platform, start address, function, CRC-32), then copied ${bytes(slot.length)} bytes from external ${hex(slot.sourceAddress)} to internal ${hex(slot.destinationAddress)}.` }
    : { code: 'bootloader-refused', message: `Failed to apply the update in DCT slot ${slot.index} to ${hex(slot.destinationAddress)}: ${outcome.why}. The bootloader freed the slot and left the old module in place.` };
}
