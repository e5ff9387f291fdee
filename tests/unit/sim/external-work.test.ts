import { ExternalWork } from '../../../src/sim/external-work';

/** A promise settled by hand, so no real timers are needed. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Let every queued microtask (and the ones they queue) run. */
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('ExternalWork', () => {
  it('is idle with nothing tracked, and settle resolves at once', async () => {
    const work = new ExternalWork();
    expect(work.busy).toBe(false);
    await expect(work.settle()).resolves.toBeUndefined();
  });

  it('is busy while tracked work is pending and idle once it settles', async () => {
    const work = new ExternalWork();
    const job = deferred<number>();
    const tracked = work.track(job.promise);
    expect(work.busy).toBe(true);
    job.resolve(7);
    await expect(tracked).resolves.toBe(7);
    await work.settle();
    expect(work.busy).toBe(false);
  });

  it('settle waits for work started by other work', async () => {
    const work = new ExternalWork();
    const outer = deferred();
    const inner = deferred();
    const events: string[] = [];
    work.track(
      outer.promise.then(() => {
        events.push('outer done');
        work.track(inner.promise.then(() => events.push('inner done')));
      }),
    );
    let settled = false;
    const settling = work.settle().then(() => {
      settled = true;
    });

    outer.resolve();
    await drain();
    expect(events).toEqual(['outer done']);
    expect(settled).toBe(false);
    expect(work.busy).toBe(true);

    inner.resolve();
    await settling;
    expect(events).toEqual(['outer done', 'inner done']);
    expect(work.busy).toBe(false);
  });

  it('settle waits for work a caller chains after tracked work finished', async () => {
    const work = new ExternalWork();
    const first = deferred();
    const second = deferred();
    void work.track(first.promise).then(() => work.track(second.promise));
    let settled = false;
    const settling = work.settle().then(() => {
      settled = true;
    });
    first.resolve();
    await drain();
    expect(settled).toBe(false);
    second.resolve();
    await settling;
    expect(work.busy).toBe(false);
  });

  it('counts failed work as finished, and hands the failure back to the caller', async () => {
    const work = new ExternalWork();
    const job = deferred();
    const tracked = work.track(job.promise);
    job.reject(new Error('handler failed'));
    await expect(tracked).rejects.toThrow('handler failed');
    await expect(work.settle()).resolves.toBeUndefined();
    expect(work.busy).toBe(false);
  });
});
