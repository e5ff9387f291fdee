/** A fleet's report from its devices' results: the rollout's slots, the server's request rate, percentiles, sums. */
import { distribution, fleetReport, sumUsage } from '../../../src/fleet/report';
import type { FleetDeviceResult } from '../../../src/fleet/scenario';
import type { DataUsage } from '../../../src/index';

const usage = (totalBytes: number): DataUsage => ({ uplinkBytes: 100, downlinkBytes: totalBytes - 100, totalBytes, payloadBytes: totalBytes - 300, headerBytes: 200, retransmittedBytes: 40, dnsBytes: 60, packets: 10, connections: 1 });

const device = (index: number, seconds: number, requestsAt: number[], outcome = 'updated', totalBytes = 1000): FleetDeviceResult => ({
  index,
  outcome,
  virtualMicros: seconds * 1_000_000,
  requestsAtMicros: requestsAt.map((s) => s * 1_000_000),
  dataUsage: usage(totalBytes),
});

describe('fleetReport', () => {
  // Given out of order, as worker threads finish them.
  const results = [device(3, 2, [1.5]), device(0, 10, [0.5, 9.5], 'kept-old-firmware', 4000), device(1, 4, [0.5, 3.5]), device(2, 3, [0.2], 'error:RUN_TIMEOUT', 500)];

  it('starts each device when one of `concurrency` slots frees, in index order, and counts requests per virtual second', () => {
    const report = fleetReport(results, 2);
    // Slots: 0 runs 0–10 s; 1 runs device 1 (0–4 s), device 2 (4–7 s), device 3 (7–9 s).
    expect(report.perDevice.map((d) => [d.index, d.startMicros])).toEqual([
      [0, 0],
      [1, 0],
      [2, 4_000_000],
      [3, 7_000_000],
    ]);
    // Requests reach the server at 0.5, 9.5, 0.5, 3.5, 4.2 and 8.5 s: two in second 0.
    expect(report.server).toEqual({ requests: 6, rolloutMs: 10_000, requestsPerSecond: 0.6, peakRequestsPerSecond: 2 });
    expect(report.outcomes).toEqual({ 'error:RUN_TIMEOUT': 1, 'kept-old-firmware': 1, updated: 2 });
  });

  it('sums the devices\' bytes field by field and gives their distribution', () => {
    const report = fleetReport(results, 4);
    expect(report.dataUsage).toEqual({ uplinkBytes: 400, downlinkBytes: 6100, totalBytes: 6500, payloadBytes: 5300, headerBytes: 800, retransmittedBytes: 160, dnsBytes: 240, packets: 40, connections: 4 });
    expect(report.dataUsage).toEqual(sumUsage(report.perDevice.map((d) => d.dataUsage)));
    expect(report.bytesOnAirPerDevice).toEqual({ min: 500, p50: 1000, p95: 4000, p99: 4000, max: 4000, mean: 1625 });
    // All four at once: the rollout lasts as long as the longest device.
    expect(report.server.rolloutMs).toBe(10_000);
    expect(report.virtualMs).toEqual({ min: 2000, p50: 3000, p95: 10_000, p99: 10_000, max: 10_000, mean: 4750 });
  });

  it('takes nearest-rank percentiles', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(distribution(hundred)).toEqual({ min: 1, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
    expect(distribution([])).toEqual({ min: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });
});
