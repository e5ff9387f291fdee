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
