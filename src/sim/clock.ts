import { EmulatorError } from './messages';

/** Time in the virtual world: an integer count of microseconds since power-on. */
export type Micros = number;

export const MICROS_PER_MILLI = 1000;
export const millisToMicros = (ms: number): Micros => Math.round(ms * MICROS_PER_MILLI);

/** How many alarms may fire at one instant before the clock calls it a livelock. */
const MAX_FIRINGS_AT_ONE_INSTANT = 100_000;

/**
 * A reusable alarm: created once, re-armed with `schedule`, disarmed with `cancel`.
 * Re-arming replaces the previous due time (a stale heap entry is skipped when popped).
 */
export class Alarm {
  /** Sequence number of the live arming; 0 when disarmed. */
  armedSeq = 0;
  dueMicros: Micros = 0;

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

interface HeapEntry {
  due: Micros;
  seq: number;
  alarm: Alarm;
}

/**
 * One device's clock: integer microseconds, a min-heap of alarms ordered by (due, arming order)
 * so that ties fire first in, first out.
 */
export class VirtualClock {
  private now: Micros = 0;
  private seq = 0;
  private readonly heap: HeapEntry[] = [];
  private firingsAtInstant = 0;
  /** Heap entries superseded by a re-arming, not yet dropped. */
  private stale = 0;
  private lastFiringInstant = -1;

  get nowMicros(): Micros {
    return this.now;
  }

  createAlarm(label: string, callback: () => void): Alarm {
    return new Alarm(this, label, callback);
  }

  /** Used by Alarm; arms `alarm` at `due`, superseding any earlier arming. */
  arm(alarm: Alarm, due: Micros): void {
    if (alarm.armed) this.stale++;
    const seq = ++this.seq;
    alarm.armedSeq = seq;
    alarm.dueMicros = due;
    this.push({ due, seq, alarm });
    // Re-arming leaves the old entry behind; when they outnumber the live ones, sweep them out.
    if (this.stale > 64 && this.stale > this.heap.length / 2) this.compact();
  }

  /** Used by Alarm: its heap entry stays until popped or swept. */
  disarm(alarm: Alarm): void {
    if (alarm.armed) this.stale++;
    alarm.armedSeq = 0;
  }

  private compact(): void {
    const live = this.heap.filter((e) => e.seq === e.alarm.armedSeq);
    this.heap.length = 0;
    this.stale = 0;
    for (const entry of live) this.push(entry);
  }

  /** Due time of the next live alarm, or undefined when none is armed. */
  nextDueMicros(): Micros | undefined {
    this.dropStale();
    return this.heap.length > 0 ? this.heap[0].due : undefined;
  }

  /**
   * Fire the next alarm due at or before `limit`, setting the clock to its due time first.
   * Returns false (and leaves the clock alone) when no alarm is due by then.
   */
  fireNext(limit: Micros): boolean {
    this.dropStale();
    const top = this.heap[0];
    checkTime('fire alarms up to', limit);
    if (top === undefined || top.due > limit) return false;
    this.pop();
    this.now = top.due;
    this.countFiring(top.alarm);
    top.alarm.armedSeq = 0;
    top.alarm.callback();
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

  private dropStale(): void {
    while (this.heap.length > 0 && this.heap[0].seq !== this.heap[0].alarm.armedSeq) {
      this.pop();
      this.stale = Math.max(0, this.stale - 1);
    }
  }

  private push(entry: HeapEntry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < heap.length && before(heap[l], heap[min])) min = l;
      if (r < heap.length && before(heap[r], heap[min])) min = r;
      if (min === i) return;
      [heap[i], heap[min]] = [heap[min], heap[i]];
      i = min;
    }
  }
}

function checkTime(action: string, micros: number): void {
  if (!Number.isFinite(micros)) {
    throw new EmulatorError('CLOCK_NOT_A_TIME', 'Failed to {action}: {micros} is not a time. Pass a finite number of microseconds.', { action, micros: String(micros) });
  }
}

const before = (a: HeapEntry, b: HeapEntry): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq);
