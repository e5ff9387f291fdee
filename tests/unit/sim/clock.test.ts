import { VirtualClock } from '../../../src/sim/clock';
import { SeededRandom } from '../../../src/sim/random';
import { thrown } from '../../thrown';

describe('VirtualClock', () => {
  let clock: VirtualClock;
  let fired: string[];
  const alarm = (label: string) => clock.createAlarm(label, () => fired.push(`${label}@${clock.nowMicros}`));

  beforeEach(() => {
    clock = new VirtualClock();
    fired = [];
  });

  it('starts at 0 with nothing due', () => {
    expect(clock.nowMicros).toBe(0);
    expect(clock.nextDueMicros()).toBeUndefined();
  });

  it('fires alarms in due order, whatever order they were armed in', () => {
    alarm('c').schedule(300);
    alarm('a').schedule(100);
    alarm('b').schedule(200);
    clock.advanceTo(1000);
    expect(fired).toEqual(['a@100', 'b@200', 'c@300']);
  });

  it('fires alarms due at the same instant first in, first out', () => {
    alarm('b').schedule(50);
    alarm('a').schedule(50);
    alarm('c').schedule(50);
    clock.advanceTo(50);
    expect(fired).toEqual(['b@50', 'a@50', 'c@50']);
  });

  it('puts a re-armed alarm behind the alarms already due at that instant', () => {
    const a = alarm('a').schedule(10);
    alarm('b').schedule(10);
    a.schedule(10);
    clock.advanceTo(10);
    expect(fired).toEqual(['b@10', 'a@10']);
  });

  it('keeps (due, arming order) across many alarms', () => {
    const random = new SeededRandom('clock-order');
    const expected: { due: number; label: string; order: number }[] = [];
    for (let i = 0; i < 500; i++) {
      const due = random.nextInt(0, 40);
      alarm(`n${i}`).schedule(due);
      expected.push({ due, label: `n${i}`, order: i });
    }
    expected.sort((x, y) => x.due - y.due || x.order - y.order);
    clock.advanceTo(40);
    expect(fired).toEqual(expected.map((e) => `${e.label}@${e.due}`));
  });

  it('re-arming replaces the previous due time: earlier', () => {
    const a = alarm('a').schedule(100);
    a.schedule(40);
    expect(clock.nextDueMicros()).toBe(40);
    clock.advanceTo(1000);
    expect(fired).toEqual(['a@40']);
  });

  it('re-arming replaces the previous due time: later', () => {
    const a = alarm('a').schedule(40);
    a.schedule(100);
    expect(a.dueMicros).toBe(100);
    expect(clock.nextDueMicros()).toBe(100);
    clock.advanceTo(1000);
    expect(fired).toEqual(['a@100']);
  });

  it('cancel disarms an alarm; it can be armed again afterwards', () => {
    const a = alarm('a').schedule(10);
    expect(a.armed).toBe(true);
    a.cancel();
    expect(a.armed).toBe(false);
    expect(clock.nextDueMicros()).toBeUndefined();
    clock.advanceTo(100);
    expect(fired).toEqual([]);
    a.schedule(5);
    clock.advanceTo(200);
    expect(fired).toEqual(['a@105']);
  });

  it('an alarm is disarmed while its callback runs and may re-arm itself', () => {
    const seen: boolean[] = [];
    const tick = clock.createAlarm('tick', () => {
      seen.push(tick.armed);
      fired.push(`tick@${clock.nowMicros}`);
      if (fired.length < 3) tick.schedule(10);
    });
    tick.schedule(10);
    clock.advanceTo(100);
    expect(seen).toEqual([false, false, false]);
    expect(fired).toEqual(['tick@10', 'tick@20', 'tick@30']);
    expect(tick.armed).toBe(false);
  });

  it('advanceTo sets the clock to each due time before the callback and to the target at the end', () => {
    alarm('a').schedule(7);
    alarm('b').schedule(7_000);
    clock.advanceTo(10_000);
    expect(fired).toEqual(['a@7', 'b@7000']);
    expect(clock.nowMicros).toBe(10_000);
  });

  it('advanceTo leaves alarms due after the target armed', () => {
    const late = alarm('late').schedule(500);
    clock.advanceTo(499);
    expect(fired).toEqual([]);
    expect(late.armed).toBe(true);
    clock.advanceBy(1);
    expect(fired).toEqual(['late@500']);
  });

  it('scheduleAt a time in the past fires at the current time', () => {
    clock.advanceTo(1000);
    alarm('a').scheduleAt(10);
    clock.advanceTo(2000);
    expect(fired).toEqual(['a@1000']);
  });

  it('fireNext(limit) fires only the next due alarm and moves the clock to its due time', () => {
    alarm('a').schedule(30);
    alarm('b').schedule(60);
    expect(clock.fireNext(100)).toBe(true);
    expect(fired).toEqual(['a@30']);
    expect(clock.nowMicros).toBe(30);
  });

  it('fireNext(limit) returns false and leaves time alone when nothing is due by the limit', () => {
    clock.advanceTo(5);
    alarm('a').schedule(100);
    expect(clock.fireNext(104)).toBe(false);
    expect(clock.nowMicros).toBe(5);
    expect(fired).toEqual([]);
    expect(new VirtualClock().fireNext(1_000_000)).toBe(false);
  });

  it('throws CLOCK_LIVELOCK naming the alarm that re-arms itself at delay 0 forever', () => {
    clock.advanceTo(1000);
    const spin = clock.createAlarm('modem poll', () => spin.schedule(0));
    spin.schedule(0);
    const error = thrown(() => clock.advanceBy(10));
    expect(error.code).toBe('CLOCK_LIVELOCK');
    expect(error.message).toBe(
      'Failed to advance the clock past 1000 µs: alarm "modem poll" keeps re-arming itself at the same instant. Schedule it with a delay greater than 0.',
    );
  });

  it('does not call an alarm that re-arms itself with a positive delay a livelock', () => {
    let count = 0;
    const step = clock.createAlarm('step', () => {
      count++;
      step.schedule(1);
    });
    step.schedule(1);
    clock.advanceTo(200_000);
    expect(count).toBe(200_000);
  });

  it('throws CLOCK_BACKWARDS when asked to go back in time, and stays put', () => {
    clock.advanceTo(10);
    const error = thrown(() => clock.advanceTo(5));
    expect(error.code).toBe('CLOCK_BACKWARDS');
    expect(error.message).toBe('Failed to advance the clock: the target 5 µs is before now (10 µs).');
    expect(clock.nowMicros).toBe(10);
  });
});

describe('times that are not numbers', () => {
  it('refuses to advance to NaN or schedule at Infinity, naming what was asked', () => {
    const clock = new VirtualClock();
    const alarm = clock.createAlarm('radio', () => {});
    expect(() => clock.advanceTo(Number.NaN)).toThrow('Failed to advance the clock: NaN is not a time. Pass a finite number of microseconds.');
    expect(() => alarm.schedule(Number.POSITIVE_INFINITY)).toThrow('Failed to schedule alarm "radio": Infinity is not a time. Pass a finite number of microseconds.');
    expect(clock.nowMicros).toBe(0);
  });
});
