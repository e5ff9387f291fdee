import type { Micros, VirtualClock } from '../sim/clock';
import type { ExternalWork } from '../sim/external-work';
import { EmulatorError } from '../sim/messages';

/**
 * What a call returns when the device reset under it: a promise that never settles. A fresh one
 * each time, so nothing keeps an abandoned boot's continuations alive.
 */
export const never = (): Promise<never> => new Promise<never>(() => {});

/** What a spend that took its time at once returns: a promise already settled. */
const DONE: Promise<void> = Promise.resolve();

export type RunOutcome = 'condition' | 'deadline';

interface HostRun {
  stopAt: Micros;
  until?: () => boolean;
  resolve: (outcome: RunOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * The device's one application thread and its hold on virtual time. Sketch calls that take time
 * go through `spend`, which moves the clock (firing alarms, waiting for outside work) and hands
 * control back to the test when its run has reached its condition or deadline. Synchronous calls
 * that take time on hardware (a log line, a Serial print) `charge` it as a debt paid at the next
 * `spend`, so the clock the sketch reads always includes it.
 */
export class Cpu {
  /** Bumped by every reset; calls from an earlier boot never return. */
  generation = 0;
  /** Incremented by anything a sketch does that shows (output, input read); unchanged means it only waited. */
  activity = 0;
  /** Incremented by each `millis()`/`micros()` read: a loop that reads the clock is not skipped ahead. */
  clockReads = 0;
  /** Incremented by every call that takes time, except polls that only look for something to read. */
  spends = 0;
  /** Incremented by each poll for input that found none (`Serial.available()` returning 0). */
  emptyPolls = 0;
  private debt = 0;
  /** When the current boot began. */
  private bootMicros = 0;
  private parked?: () => void;
  private run?: HostRun;
  private fault?: unknown;
  private threadAlive = false;
  /** Work an alarm asked to run on the application thread (a reset), taken at the next step. */
  private interruptHandler?: () => void;

  constructor(
    private readonly clock: VirtualClock,
    private readonly external: ExternalWork,
  ) {}

  /** Virtual time since power-on, debt included. */
  get nowMicros(): Micros {
    return this.clock.nowMicros + this.debt;
  }

  /**
   * Virtual time since this boot began, debt included: what `millis()`, `micros()` and log lines
   * read, since a reset restarts the MCU and its timers (reference note §7).
   */
  get sinceBootMicros(): Micros {
    return this.clock.nowMicros + this.debt - this.bootMicros;
  }

  charge(micros: number): void {
    this.debt += micros;
  }

  /**
   * Take `micros` of virtual time (plus any debt), pausing whenever the test's run is over. An
   * `idle` wait (a CPU in WFI) ends early when the test resumes the device, which may have typed.
   */
  spend(micros: number, idle = false, counted = true): Promise<void> {
    return this.take(micros, idle, counted) ?? DONE;
  }

  /**
   * `spend` for a caller that can carry on at once: undefined when the time was taken on the spot
   * (nothing was due before it ends, nothing outside is pending and the run goes on), else the
   * promise to wait for. The common case then makes no promise at all.
   */
  take(micros: number, idle = false, counted = true): Promise<void> | undefined {
    if (!Number.isFinite(micros) || micros < 0) return Promise.reject(notADuration('spend', micros));
    if (counted) this.spends++;
    const gen = this.generation;
    const target = this.clock.nowMicros + Math.round(this.debt + micros);
    this.debt = 0;
    const run = this.run;
    if (run && target < run.stopAt && !this.external.busy && !this.interruptHandler && !(run.until?.() ?? false)) {
      const due = this.clock.nextDueMicros();
      if (due === undefined || due > target) {
        this.clock.advanceTo(target);
        if (!this.runIsOver()) return undefined;
      }
    }
    return this.wait(gen, target, idle);
  }

  /** The rest of a spend that could not be taken at once: fire what is due, wait for outside work, pause between runs. */
  private async wait(gen: number, target: Micros, idle: boolean): Promise<void> {
    for (;;) {
      const run = this.run;
      if (run && !this.runIsOver()) {
        await this.advance(Math.min(target, run.stopAt), run.until);
        this.takeInterrupt();
        if (gen !== this.generation) return never();
        if (this.clock.nowMicros >= target && !this.runIsOver()) return;
        continue;
      }
      await this.park();
      if (gen !== this.generation) return never();
      if (idle) return;
    }
  }

  /**
   * Take at least `minMicros`, and up to `capMicros` more if nothing happens sooner: a poll that
   * keeps finding nothing is moved to the next event, yet a clock-based timeout still fires in time.
   */
  waitForEvent(minMicros: number, capMicros: number): Promise<void> | undefined {
    // The next alarm only, not the run's end: how a test slices its runs must not change what the sketch sees.
    const toEvent = (this.clock.nextDueMicros() ?? Number.POSITIVE_INFINITY) - this.clock.nowMicros - this.debt;
    return this.take(Math.max(minMicros, Math.min(toEvent, capMicros)), false, false);
  }

  /**
   * Where compiled code may pause between two calls that returned at once: when something is due
   * by now (debt included), outside work is pending or the run's time is up, pay the debt as a
   * spend does; otherwise nothing. A busy-wait on millis() then ends as it does on the device.
   * A run's condition is checked at spends only, as for a TypeScript sketch, so both stop at the
   * same points.
   */
  yieldPoint(): Promise<void> | undefined {
    const run = this.run;
    if (run && !this.external.busy && !this.interruptHandler) {
      const now = this.clock.nowMicros + this.debt;
      const due = this.clock.nextDueMicros();
      if (now < run.stopAt && (due === undefined || due > now)) return undefined;
    }
    return this.spend(0, false, false);
  }

  /** A poll (is there anything to read?): takes its time (as `take` does) but does not count as the sketch doing something. */
  poll(micros: number): Promise<void> | undefined {
    return this.take(micros, false, false);
  }

  /** Wait at least `minMicros`, then on to the next event (an alarm, or the run's end): an idle loop turn. */
  async idle(minMicros: number): Promise<void> {
    await this.spend(Math.max(minMicros, this.nextEventMicros() - this.clock.nowMicros - this.debt), true);
  }

  /**
   * From an alarm: run `handler` on the application thread as soon as the current alarm returns
   * (an alarm must not reset the device under the clock's feet).
   */
  interrupt(handler: () => void): void {
    this.interruptHandler = handler;
  }

  private takeInterrupt(): boolean {
    const handler = this.interruptHandler;
    this.interruptHandler = undefined;
    handler?.();
    return handler !== undefined;
  }

  /** Start a new boot: the previous one's pending calls are abandoned; the new thread is alive. */
  newGeneration(): void {
    this.generation++;
    this.bootMicros = this.clock.nowMicros;
    this.fault = undefined;
    this.parked = undefined;
    this.debt = 0;
    this.threadAlive = true;
  }

  /** The current boot's thread ended (the device halted, e.g. in DFU mode): time can still pass. */
  threadEnded(): void {
    this.threadAlive = false;
  }

  /** A run is in progress (the host is waiting on runFor/runUntil). */
  get running(): boolean {
    return this.run !== undefined;
  }

  /** The firmware stops for good (a misuse the run cannot go on from): its calls never return, and the run gets `error`. */
  halt(error: unknown): void {
    this.generation++;
    this.parked = undefined;
    this.debt = 0;
    this.threadAlive = false;
    this.crash(error);
  }

  /** The firmware thread failed (a sketch threw): the run that is waiting gets the error. */
  crash(error: unknown): void {
    this.fault = error;
    const run = this.run;
    this.run = undefined;
    run?.reject(error);
  }

  /** Called by the firmware when it has nothing to do but wait; it stays parked until the next run. */
  park(): Promise<void> {
    return new Promise<void>((resume) => {
      this.parked = resume;
      const run = this.run;
      if (run) {
        this.run = undefined;
        run.resolve(run.until?.() ? 'condition' : 'deadline');
      }
    });
  }

  /** Let the firmware run until `until` holds or the clock reaches `stopAt`. */
  async runUntil(stopAt: Micros, until?: () => boolean): Promise<RunOutcome> {
    checkDuration('run until', stopAt);
    if (this.fault) throw this.fault;
    if (this.run) throw new EmulatorError('RUN_OVERLAP', 'Failed to start a run: the device is already running. Await the previous runFor/runUntil first.');
    if (until?.()) return 'condition';
    let run!: HostRun;
    const outcome = new Promise<RunOutcome>((resolve, reject) => {
      run = { stopAt, until, resolve, reject };
    });
    this.run = run;
    const resume = this.parked;
    this.parked = undefined;
    if (resume) resume();
    else if (!this.threadAlive) {
      // Nothing runs (the device is off or halted), but time still passes.
      await this.advance(stopAt, until);
      // An interrupt that booted a new thread hands it the run.
      if (this.takeInterrupt() && this.threadAlive) return outcome;
      if (this.run === run) {
        this.run = undefined;
        run.resolve(until?.() ? 'condition' : 'deadline');
      }
    }
    // Otherwise the thread is between two steps and picks the run up at its next spend.
    return outcome;
  }

  /** When the next alarm is due, for fast-forwarding an idle loop; bounded by the run's deadline. */
  nextEventMicros(): Micros {
    const due = this.clock.nextDueMicros();
    const stop = this.run?.stopAt ?? this.clock.nowMicros;
    return due === undefined ? stop : Math.min(due, stop);
  }

  private runIsOver(): boolean {
    const run = this.run;
    return !run || this.clock.nowMicros >= run.stopAt || (run.until?.() ?? false);
  }

  /** Fire alarms due by `limit` in order, waiting for outside work between them. */
  private async advance(limit: Micros, until?: () => boolean): Promise<void> {
    const run = this.run;
    for (;;) {
      if (this.external.busy) await this.external.settle();
      // The run ended while outside work was pending (the firmware was halted): time stops here.
      if (this.run !== run) return;
      if (!this.clock.fireNext(limit)) break;
      if (this.interruptHandler || until?.()) return;
    }
    if (this.external.busy) return this.advance(limit, until);
    if (limit > this.clock.nowMicros) this.clock.advanceTo(limit);
  }
}

function checkDuration(what: string, micros: number): void {
  if (!Number.isFinite(micros) || micros < 0) throw notADuration(what, micros);
}

const notADuration = (what: string, micros: number): EmulatorError =>
  new EmulatorError('NOT_A_DURATION', 'Failed to {what}: {micros} µs is not a time. Pass a finite, non-negative number.', { what, micros: String(micros) });
