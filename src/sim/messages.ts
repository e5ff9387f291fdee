/**
 * Every message the emulator writes for people (errors thrown at test authors, diagnostics) is
 * filled in here, so the grammar stays one: "Failed to <verb> <object>: <cause>. <remedy>".
 */

export type MessageValues = Record<string, string | number | bigint | boolean>;

/** Replace each `{name}` in `template` with its value; a missing value is a bug in the caller. */
export function formatMessage(template: string, values: MessageValues = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`message template names {${name}} but no value was given: ${template}`);
    return String(values[name]);
  });
}

/** An address or value as Device OS engineers write it: 0x2A06A8 (upper case, no padding). */
export const hex = (value: number): string => `0x${(value >>> 0).toString(16).toUpperCase()}`;

/** What `toLocaleString('en-US')` uses, made once: making it is most of that call's cost. */
const EN_US = new Intl.NumberFormat('en-US');

/** A byte count with thousands separators: 1,536,000. */
export const bytes = (count: number): string => EN_US.format(count);

/** A count with its noun: 1 chunk, 40 chunks. */
export const count = (n: number, noun: string): string => `${bytes(n)} ${noun}${n === 1 ? '' : 's'}`;

/** Misuse of the emulator by a test author: a stable `code` to match on, and a plain-words message. */
export class EmulatorError extends Error {
  override readonly name = 'EmulatorError';

  constructor(
    readonly code: string,
    template: string,
    values: MessageValues = {},
  ) {
    super(formatMessage(template, values));
  }
}
