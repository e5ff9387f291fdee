/**
 * A call that takes virtual time usually finds nothing due before it ends, and then its time is
 * taken on the spot: it need not make a promise, nor wait a microtask for one. Layers below the
 * sketch API pass results as "now or later"; the API turns them into the Promise a sketch awaits.
 */

/** A result ready now, or a promise of it once virtual time has passed. */
export type NowOrLater<T> = T | Promise<T>;

/** `next` applied to `value` once it is there: at once, with no promise made, when it already is. */
export function andThen<T, U>(value: NowOrLater<T>, next: (value: T) => NowOrLater<U>): NowOrLater<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** What `run` gives, as a Promise (for an API that always returns one): a throw becomes its rejection, as in an async function. */
export function promised<T>(run: () => NowOrLater<T>): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Settled promises of the values polls return most (a flag, a count or a byte), made once: a busy loop polls thousands of times. */
const SETTLED_TRUE: Promise<boolean> = Promise.resolve(true);
const SETTLED_FALSE: Promise<boolean> = Promise.resolve(false);
const SETTLED_SMALL: Promise<number>[] = Array.from({ length: 257 }, (_, i) => Promise.resolve(i - 1));

/** `value` as a settled Promise: a shared one for true, false and whole numbers -1…255 (not -0), else a new one. */
export function settled<T>(value: T): Promise<T> {
  if (value === true) return SETTLED_TRUE as Promise<T>;
  if (value === false) return SETTLED_FALSE as Promise<T>;
  if (typeof value === 'number' && Number.isInteger(value) && value >= -1 && value <= 255 && !Object.is(value, -0)) return SETTLED_SMALL[value + 1] as Promise<T>;
  return Promise.resolve(value);
}
