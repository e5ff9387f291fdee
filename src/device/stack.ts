import { SeededRandom } from '../sim/random';
import type { DescriptorField, UninitialisedValue } from '../ota/descriptor';

/**
 * What uninitialised stack variables hold: `garbage` (seeded leftovers — RAM pointers, small
 * numbers, zeros — as a real stack has), `zero`, or explicit values per field with either of
 * those for the rest.
 */
export type StackOption = 'garbage' | 'zero' | { values: Partial<Record<DescriptorField, number>>; otherwise?: 'garbage' | 'zero' };

/** Boron RAM: 256 KB at 0x20000000. */
const RAM_START = 0x20000000;
const RAM_SIZE = 0x40000;

export function stackSource(option: StackOption, random: SeededRandom): UninitialisedValue {
  const values = typeof option === 'object' ? option.values : {};
  const rest = typeof option === 'object' ? (option.otherwise ?? 'garbage') : option;
  return (field, bits) => {
    const explicit = values[field];
    if (explicit !== undefined) return explicit;
    if (rest === 'zero') return 0;
    const roll = random.nextFloat();
    const word = roll < 0.5 ? RAM_START + (random.nextInt(0, RAM_SIZE / 4 - 1) << 2) : roll < 0.75 ? random.nextInt(0, 1024) : 0;
    return bits === 32 ? word >>> 0 : word & ((1 << bits) - 1);
  };
}
