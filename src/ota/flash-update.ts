import type { NorFlash, ProgramOutcome } from '../hal/nor-flash';

/** What one `HAL_FLASH_Update` did to the chip. */
export interface ChunkOutcome extends ProgramOutcome {
  /** Gen 2 bug only: the chunk started at an unaligned address and the flash refused every word (PGAERR). */
  refused?: boolean;
  /** Gen 2 bug only: the 1–3 tail bytes that were replaced by the wrong word. */
  tailReplaced?: number;
}

const NOTHING: ProgramOutcome = { overData: 0, mismatched: 0, costMicros: 0 };

const add = (a: ProgramOutcome, b: ProgramOutcome): ProgramOutcome => ({
  overData: a.overData + b.overData,
  mismatched: a.mismatched + b.mismatched,
  costMicros: a.costMicros + b.costMicros,
});

/**
 * `HAL_FLASH_Update` on a Boron: any address and length (partial words padded with 0xFF by
 * `hal_flash_common_write`, `hal/src/nRF52840/flash_common.cpp:57-160`); a range that runs off
 * the end of the 4 MB chip continues at 0, as the 22 decoded address bits do.
 */
export function updateGen3(chip: NorFlash, chipAddress: number, data: Uint8Array): ChunkOutcome {
  const first = Math.min(data.length, chip.size - chipAddress);
  // All of it, almost always: then no view is made of it.
  const head = chip.program(chipAddress, first === data.length ? data : data.subarray(0, first));
  return first < data.length ? add(head, chip.program(0, data.subarray(first))) : head;
}

/**
 * Gen 2's `FLASH_Update` before v1.5.0 (Device OS #1989, fixed by PR #2036;
 * `platform/MCU/STM32F2xx/SPARK_Firmware_Driver/src/flash_mal.c:886-918` at v1.4.4), applied to this
 * device's OTA writes when the switch is on: whole words are programmed from `address`; for a
 * length that is not a multiple of 4 the last word is taken from the byte *before* the buffer and
 * the buffer's first three bytes (the padded copy is built and never used), so the tail is lost.
 * The STM32F2 refuses a word program at an unaligned address (PGAERR, per its reference manual),
 * so the chunk after an odd one writes nothing.
 */
export function updateGen2Unaligned(chip: NorFlash, chipAddress: number, data: Uint8Array, byteBefore: number): ChunkOutcome {
  if (chipAddress % 4 !== 0) return { ...NOTHING, refused: true };
  const whole = data.length & ~3;
  let outcome = whole > 0 ? chip.program(chipAddress, data.subarray(0, whole)) : NOTHING;
  const tail = data.length & 3;
  if (tail === 0) return outcome;
  const wrongWord = Uint8Array.of(byteBefore, data[0] ?? 0, data[1] ?? 0, data[2] ?? 0);
  outcome = add(outcome, chip.program(chipAddress + whole, wrongWord));
  return { ...outcome, tailReplaced: tail };
}
