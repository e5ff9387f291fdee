import { EmulatorError } from './messages';

/** Time in the virtual world: an integer count of microseconds since power-on. */
export type Micros = number;

export const MICROS_PER_MILLI = 1000;
export const millisToMicros = (ms: number): Micros => Math.round(ms * MICROS_PER_MILLI);

/** How many alarms may fire at one instant before the clock calls it a livelock. */
const MAX_FIRINGS_AT_ONE_INSTANT = 100_000;

/**
 * A reusable alarm: created once, re-armed with `schedule`, disarmed with `cancel`.
 * Re-arming replaces the previous due time.
 */
export class Alarm {
  /** Sequence number of the live arming; 0 when disarmed. */
  armedSeq = 0;
  dueMicros: Micros = 0;
  /** Where the clock's heap holds this alarm while armed; -1 when disarmed. */
  heapIndex = -1;

  constructor(
    private readonly clock: VirtualClock,
    readonly label: string,
    readonly callback: () => void,
  ) {}

  get armed(): boolean {
    return this.armedSeq !== 0;
  }

  /** Fire `delayMicros` from now. */
  schedule(delayMicros: Micros): this {
    return this.scheduleAt(this.clock.nowMicros + Math.max(0, Math.round(delayMicros)));
  }

  scheduleAt(atMicros: Micros): this {
    // The action is named only when the time is wrong: alarms are re-armed per chunk.
    if (!Number.isFinite(atMicros)) checkTime(`schedule alarm "${this.label}"`, atMicros);
    this.clock.arm(this, Math.max(atMicros, this.clock.nowMicros));
    return this;
  }

  cancel(): void {
    this.clock.disarm(this);
  }
}

/**
 * One device's clock: integer microseconds, a min-heap of armed alarms ordered by (due, arming
 * order) so that ties fire first in, first out. Each alarm sits in the heap at most once and knows
 * where: re-arming one (the update watchdog is, per chunk) moves it in place, with nothing allocated.
 */
export class VirtualClock {
  private now: Micros = 0;
  private seq = 0;
  private readonly heap: Alarm[] = [];
  private firingsAtInstant = 0;
  private lastFiringInstant = -1;

  get nowMicros(): Micros {
    return this.now;
  }

  createAlarm(label: string, callback: () => void): Alarm {
    return new Alarm(this, label, callback);
  }

  /** Used by Alarm; arms `alarm` at `due`, superseding any earlier arming. */
  arm(alarm: Alarm, due: Micros): void {
    alarm.armedSeq = ++this.seq;
    alarm.dueMicros = due;
    if (alarm.heapIndex < 0) {
      alarm.heapIndex = this.heap.length;
      this.heap.push(alarm);
    }
    // A new arming sorts after every earlier one at its instant: up if due sooner, else down.
    this.siftDown(this.siftUp(alarm.heapIndex));
  }

  /** Used by Alarm: takes it out of the heap. */
  disarm(alarm: Alarm): void {
    alarm.armedSeq = 0;
    if (alarm.heapIndex >= 0) this.remove(alarm.heapIndex);
  }

  /** Due time of the next alarm, or undefined when none is armed. */
  nextDueMicros(): Micros | undefined {
    return this.heap.length > 0 ? this.heap[0].dueMicros : undefined;
  }

  /**
   * Fire the next alarm due at or before `limit`, setting the clock to its due time first.
   * Returns false (and leaves the clock alone) when no alarm is due by then.
   */
  fireNext(limit: Micros): boolean {
    const top = this.heap[0];
    checkTime('fire alarms up to', limit);
    if (top === undefined || top.dueMicros > limit) return false;
    this.remove(0);
    this.now = top.dueMicros;
    this.countFiring(top);
    top.armedSeq = 0;
    top.callback();
    return true;
  }

  /** Fire every alarm due at or before `target`, in order, then set the clock to `target`. */
  advanceTo(target: Micros): void {
    checkTime('advance the clock', target);
    if (target < this.now) {
      throw new EmulatorError('CLOCK_BACKWARDS', 'Failed to advance the clock: the target {target} µs is before now ({now} µs).', {
        target,
        now: this.now,
      });
    }
    while (this.fireNext(target));
    this.now = target;
  }

  advanceBy(micros: Micros): void {
    this.advanceTo(this.now + micros);
  }

  private countFiring(alarm: Alarm): void {
    if (this.now !== this.lastFiringInstant) {
      this.lastFiringInstant = this.now;
      this.firingsAtInstant = 0;
    }
    if (++this.firingsAtInstant > MAX_FIRINGS_AT_ONE_INSTANT) {
      throw new EmulatorError(
        'CLOCK_LIVELOCK',
        'Failed to advance the clock past {now} µs: alarm "{label}" keeps re-arming itself at the same instant. Schedule it with a delay greater than 0.',
        { now: this.now, label: alarm.label },
      );
    }
  }

  /** Take the alarm at `index` out of the heap; the last one fills its place. */
  private remove(index: number): void {
    const heap = this.heap;
    const gone = heap[index];
    gone.heapIndex = -1;
    const last = heap.pop()!;
    if (last === gone) return;
    this.place(last, index);
    this.siftDown(this.siftUp(index));
  }

  /** Move the alarm at `index` up past the alarms due after it; returns where it ends. */
  private siftUp(index: number): number {
    const heap = this.heap;
    const alarm = heap[index];
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(alarm, heap[parent])) break;
      this.place(heap[parent], index);
      index = parent;
    }
    this.place(alarm, index);
    return index;
  }

  /** Move the alarm at `index` down past the alarms due before it. */
  private siftDown(index: number): void {
    const heap = this.heap;
    const alarm = heap[index];
    for (;;) {
      const l = 2 * index + 1;
      const r = l + 1;
      let min = l;
      if (l >= heap.length) break;
      if (r < heap.length && before(heap[r], heap[l])) min = r;
      if (!before(heap[min], alarm)) break;
      this.place(heap[min], index);
      index = min;
    }
    this.place(alarm, index);
  }

  private place(alarm: Alarm, index: number): void {
    this.heap[index] = alarm;
    alarm.heapIndex = index;
  }
}

function checkTime(action: string, micros: number): void {
  if (!Number.isFinite(micros)) {
    throw new EmulatorError('CLOCK_NOT_A_TIME', 'Failed to {action}: {micros} is not a time. Pass a finite number of microseconds.', { action, micros: String(micros) });
  }
}

const before = (a: Alarm, b: Alarm): boolean => a.dueMicros < b.dueMicros || (a.dueMicros === b.dueMicros && a.armedSeq < b.armedSeq);
