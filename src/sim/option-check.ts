import { bytes, EmulatorError, type MessageValues } from './messages';

/**
 * Checks of the options a test author passes: each failure is a typed `EmulatorError` that names
 * the option, says what it holds and lists what it takes ("Failed to {action}: {cause}. {remedy}").
 */

/** How a value reads in a message: strings quoted, objects by their kind. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (value instanceof Uint8Array) return `a ${value.constructor.name} of ${bytes(value.length)} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return 'an object';
}

/** An options object's owner ("Failed to {action}: …"), for messages that name it. */
export class OptionCheck {
  constructor(private readonly action: string) {}

  fail(cause: string, remedy: string, values: MessageValues = {}, code = 'INVALID_OPTION'): never {
    throw new EmulatorError(code, `Failed to {action}: ${cause}. ${remedy}`, { action: this.action, ...values });
  }

  /** `value` is a plain object whose keys are all in `known` (any keys: 'any'); `path` names it ('' for the top level). */
  object(value: unknown, path: string, known: readonly string[] | 'any'): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
      this.fail('{path} is {actual}', 'Pass an object{keys}.', { path: path || 'the options argument', actual: describeValue(value), keys: known === 'any' ? '' : ` with any of ${known.join(', ')}` });
    }
    const record = value as Record<string, unknown>;
    if (known === 'any') return record;
    for (const key of Object.keys(record)) {
      if (!known.includes(key)) {
        this.fail('{where} no option "{key}"', 'Use one of {known}.', { where: path ? `${path} has` : 'there is', key, known: known.join(', ') });
      }
    }
    return record;
  }

  /** A finite number within the limits; `what` says what to pass ("a whole number of bytes, 0 or more"). */
  number(value: unknown, path: string, what: string, { integer = false, min = 0, max = Number.POSITIVE_INFINITY, above = false } = {}): void {
    const ok = typeof value === 'number' && Number.isFinite(value) && (above ? value > min : value >= min) && value <= max && (!integer || Number.isInteger(value));
    if (!ok) this.fail('{path} is {actual}', 'Pass {what}.', { path, actual: describeValue(value), what });
  }

  boolean(value: unknown, path: string): void {
    if (typeof value !== 'boolean') this.fail('{path} is {actual}', 'Pass true or false.', { path, actual: describeValue(value) });
  }

  string(value: unknown, path: string, what = 'a string'): void {
    if (typeof value !== 'string' || value.length === 0) this.fail('{path} is {actual}', 'Pass {what}.', { path, actual: describeValue(value), what });
  }

  /** `value` is one of `choices` (own keys of a table, or a list). */
  choice(value: unknown, path: string, what: string, choices: readonly string[], extra = ''): string {
    if (typeof value !== 'string' || !choices.includes(value)) {
      this.fail('{path} {actual} is not {what}', 'Use one of {choices}{extra}.', { path, actual: describeValue(value), what, choices: choices.join(', '), extra });
    }
    return value as string;
  }

  bytes(value: unknown, path: string, what: string): Uint8Array {
    if (!(value instanceof Uint8Array)) this.fail('{path} is {actual}', 'Pass {what} as a Uint8Array.', { path, actual: describeValue(value), what });
    return value;
  }
}
