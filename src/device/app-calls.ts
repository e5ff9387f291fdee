import { EmulatorError } from '../sim/messages';
import { settled, type NowOrLater } from '../sim/now-or-later';
import { never } from './cpu';

/** Settled: what a call whose result is there now ends after. */
const ENDED: Promise<void> = Promise.resolve();

/** What ends a call: after its value, after its error, and (a result there now) on its own. */
interface Endings<R> {
  onValue: (value: R) => R;
  onError: (error: unknown) => never;
  end: () => void;
}

/**
 * The sketch's calls that take time, as the device's one application thread runs them: one at a
 * time. A call that starts while another is still pending can only come from a sketch that did
 * not await the first (on the device the C++ call would not have returned), so the run fails with
 * an error that names both — before the second call can act on state the first has yet to read,
 * which used to surface much later as a wrong `chunk_address`.
 *
 * Device OS may run app code inside a pending call: a cloud function's handler inside `delay()`'s
 * system loop, say. That code runs one level deeper (`nested`), with calls of its own. System
 * event handlers run to the end at once (`handler`): a call that takes time from one is refused.
 */
export class AppCalls {
  /** The call pending at each nesting level. */
  private pending: (string | undefined)[] = [];
  private level = 0;
  private inHandler = 0;
  private failed = false;

  /** `fail` stops the run with the error (the device crashes with it). */
  constructor(private readonly fail: (error: EmulatorError) => void) {}

  /** A new boot: what the last one left pending never returns. */
  newBoot(): void {
    this.pending = [];
    this.level = 0;
    this.inHandler = 0;
    this.failed = false;
  }

  /** `call`, checked: it may start only when no other call of this level is pending. */
  track<A extends unknown[], R>(name: string, call: (...args: A) => NowOrLater<R>): (...args: A) => Promise<R> {
    // What ends a call at each level, made when first needed and then reused (a sketch makes thousands of calls).
    let endings: Endings<R>[] | undefined;
    return (...args: A): Promise<R> => {
      const level = this.level;
      if (this.failed || this.inHandler > 0 || this.pending[level] !== undefined) return this.refuse(name);
      this.pending[level] = name;
      // No named closure per call: tsx (esbuild's keepNames) would give each one a name, which cost more than the call.
      let result: NowOrLater<R>;
      try {
        result = call(...args);
      } catch (error) {
        this.done(level, name);
        throw error;
      }
      const ending = ((endings ??= [])[level] ??= this.endings<R>(level, name));
      if (result instanceof Promise) return result.then(ending.onValue, ending.onError);
      // A result there now: the call still ends a microtask later, as before (a call made before then,
      // with no await, is still caught), but the sketch awaits a settled promise, not one chained to it.
      // Not queueMicrotask: Node makes an AsyncResource and a bound function for each.
      void ENDED.then(ending.end);
      return settled(result);
    };
  }

  /** A call `name` that may not start: the run has failed already, or fails now with what was wrong. */
  private refuse(name: string): Promise<never> {
    if (!this.failed) {
      this.failed = true;
      this.fail(this.misuse(name));
    }
    return never();
  }

  /** The functions that end a call `name` at `level`, whether it returns or throws. */
  private endings<R>(level: number, name: string): Endings<R> {
    return {
      onValue: (value) => {
        this.done(level, name);
        return value;
      },
      onError: (error) => {
        this.done(level, name);
        throw error;
      },
      end: () => this.done(level, name),
    };
  }

  /** The call `name` at `level` has returned. */
  private done(level: number, name: string): void {
    if (this.pending[level] === name) this.pending[level] = undefined;
  }

  /** Run app code that Device OS calls from inside a pending call, and that may make calls of its own. */
  async nested<R>(run: () => Promise<R>): Promise<R> {
    this.level++;
    this.pending[this.level] = undefined;
    try {
      return await run();
    } finally {
      this.pending[this.level] = undefined;
      this.level--;
    }
  }

  /** Run a system event handler, which runs to the end at once. */
  handler(run: () => void): void {
    this.inHandler++;
    try {
      run();
    } finally {
      this.inHandler--;
    }
  }

  /** What is wrong with starting `name` now: called from a handler, or another call of this level is pending. */
  private misuse(name: string): EmulatorError {
    if (this.inHandler > 0) {
      return new EmulatorError('SKETCH_NESTED_BLOCKING', 'Failed to run the app: {name}() takes time, and it was called from a System.on() handler, which the emulator runs to the end at once. Do the work in loop() instead.', { name });
    }
    // Reached only when a call of this level is pending.
    const pending = this.pending[this.level] as string;
    return new EmulatorError(
      'CALL_NOT_AWAITED',
      'Failed to call {name}(): {pending}(), called before it, has not returned yet (a missing await?). A sketch call that takes time returns a Promise, and the device runs one call at a time: await {pending}() before making the next call.',
      { name, pending },
    );
  }
}
