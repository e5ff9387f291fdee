/** Link models: when the server's bytes reach the device. */
import { SeededRandom } from '../../../src/sim/random';
import { parametricLink, recordedLink } from '../../../src/net/link';
import { recordSchedule } from '../../../src/net/record';
import { runForumScenario } from '../../../examples/forum-ota/scenario';

describe('recordedLink', () => {
  const schedule = { dnsMs: 10, connectMs: 20, uplinkMs: 5, downlink: [{ atMs: 100, bytes: 960 }, { atMs: 150, bytes: 960 }] };

  it('replays the pieces at their offsets from the first response byte, the rest with the last piece', () => {
    const channel = recordedLink(schedule).open(new SeededRandom(1));
    expect(channel.downlink(1_000_000, 0, 305)).toEqual([{ atMicros: 1_100_000, length: 305 }]);
    expect(channel.downlink(1_000_000, 305, 3000)).toEqual([
      { atMicros: 1_100_000, length: 655 },
      { atMicros: 1_150_000, length: 2345 },
    ]);
    expect(channel.finArrival(1_000_000)).toBe(1_150_000);
    expect([channel.dnsMicros(), channel.connectMicros(0), channel.uplinkArrival(7, 100)]).toEqual([10_000, 20_000, 5_007]);
  });
});

describe('parametricLink', () => {
  const link = parametricLink({ rttMs: 200, downKbps: 80, upKbps: 40, burstBytes: 960, jitterMs: 10 });

  it('delivers bursts of burstBytes, half an RTT plus the bandwidth apart, each at most jitterMs late, never out of order', () => {
    const channel = link.open(new SeededRandom(3));
    const deliveries = channel.downlink(0, 0, 5317);
    expect(deliveries.map((d) => d.length)).toEqual([960, 960, 960, 960, 960, 517]);
    // 960 bytes at 80 kbit/s take 96 ms; jitter delays a burst by at most 10 ms and never piles up.
    let due = 100_000;
    deliveries.forEach((d, i) => {
      due += Math.round((d.length * 8_000) / 80);
      expect(d.atMicros).toBeGreaterThanOrEqual(due);
      expect(d.atMicros).toBeLessThanOrEqual(due + 10_000);
      if (i > 0) expect(d.atMicros).toBeGreaterThanOrEqual(deliveries[i - 1].atMicros);
    });
  });

  it('draws the same jitter from the same seed', () => {
    expect(link.open(new SeededRandom(9)).downlink(0, 0, 4000)).toEqual(link.open(new SeededRandom(9)).downlink(0, 0, 4000));
    expect(link.open(new SeededRandom(9)).downlink(0, 0, 4000)).not.toEqual(link.open(new SeededRandom(10)).downlink(0, 0, 4000));
  });
});

describe('loss', () => {
  it('delays a lost burst by the retransmission timeout, from the seed', () => {
    const lossy = parametricLink({ rttMs: 100, downKbps: 8000, upKbps: 8000, burstBytes: 1000, lossPercent: 50, retransmitMs: 1000 });
    const gaps = (seed: number) => {
      const d = lossy.open(new SeededRandom(seed)).downlink(0, 0, 20_000);
      return d.slice(1).map((x, i) => x.atMicros - d[i].atMicros);
    };
    const a = gaps(4);
    // 1000 bytes at 8 Mbit/s take 1 ms; a loss adds 1 s.
    expect(a.every((g) => g === 1000 || g === 1_001_000)).toBe(true);
    expect(a.filter((g) => g > 1000).length).toBeGreaterThan(3);
    expect(gaps(4)).toEqual(a);
  });
});

describe('recordSchedule', () => {
  it('replays a run: the same bytes arrive at the same moments', async () => {
    const original = await runForumScenario({ fixed: true, link: 'lte-m', seed: 11 });
    const schedule = recordSchedule(original.trace, 0);
    const replay = await runForumScenario({ fixed: true, link: recordedLink(schedule), seed: 99 });
    const arrivals = (d: typeof original) => d.trace.filter((e) => e.type === 'tcp:data').map((e) => [e.atMicros, e.bytes]);
    expect(arrivals(replay)).toEqual(arrivals(original));
    expect(schedule.downlink.reduce((n, p) => n + p.bytes, 0)).toBe(5012 + 305);
  });
});
