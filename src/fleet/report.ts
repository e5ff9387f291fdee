import type { DataUsage } from '../net/data-usage';
import type { FleetDeviceResult } from './scenario';

/** A distribution: nearest-rank percentiles (the smallest value with at least p% of values at or below it). */
export interface Distribution {
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** One device's figures, placed in the rollout: it started when one of the `concurrency` slots came free. */
export interface FleetDeviceReport extends FleetDeviceResult {
  /** Virtual time from the rollout's start to this device's power-on. */
  startMicros: number;
}

/** What a fleet run measured. Every figure comes from virtual time, so the same fleet gives the same report. */
export interface FleetReport {
  devices: number;
  /** Devices in flight at once: on the host, and in the rollout's virtual timeline. */
  concurrency: number;
  /** How many devices ended each way, by outcome. */
  outcomes: Record<string, number>;
  /** Each device's run, power-on to the end of `drive`, in virtual milliseconds. */
  virtualMs: Distribution;
  /**
   * The server's view of the rollout: device i powers on when a slot frees (devices 0 … concurrency − 1
   * at once at 0), and each of its requests reaches the server at its start plus the request's own time.
   */
  server: {
    requests: number;
    /** Virtual milliseconds from the first power-on to the last device's end. */
    rolloutMs: number;
    /** `requests` over the rollout. */
    requestsPerSecond: number;
    /** The most requests in one virtual second ([k s, k + 1 s) from the start). */
    peakRequestsPerSecond: number;
  };
  /** The whole fleet's bytes on the air: each field summed over the devices. */
  dataUsage: DataUsage;
  /** Bytes on the air (`dataUsage.totalBytes`) per device. */
  bytesOnAirPerDevice: Distribution;
  /** Every device, by index. */
  perDevice: FleetDeviceReport[];
}

export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { min: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  return { min: sorted[0], p50: rank(50), p95: rank(95), p99: rank(99), max: sorted[sorted.length - 1], mean: sorted.reduce((sum, v) => sum + v, 0) / sorted.length };
}

/** Field-by-field sum. */
export function sumUsage(usages: readonly DataUsage[]): DataUsage {
  const total: DataUsage = { uplinkBytes: 0, downlinkBytes: 0, totalBytes: 0, payloadBytes: 0, headerBytes: 0, retransmittedBytes: 0, dnsBytes: 0, packets: 0, connections: 0 };
  for (const usage of usages) for (const key of Object.keys(total) as (keyof DataUsage)[]) total[key] += usage[key];
  return total;
}

/** The fleet's report from its devices' results (in any order), with `concurrency` devices in flight. */
export function fleetReport(results: readonly FleetDeviceResult[], concurrency: number): FleetReport {
  const byIndex = [...results].sort((a, b) => a.index - b.index);
  // The rollout: each device takes the slot that frees first (the lowest slot on a tie).
  const slots: number[] = new Array<number>(Math.min(concurrency, byIndex.length)).fill(0);
  const perDevice = byIndex.map((result): FleetDeviceReport => {
    let slot = 0;
    for (let s = 1; s < slots.length; s++) if (slots[s] < slots[slot]) slot = s;
    const startMicros = slots[slot];
    slots[slot] = startMicros + result.virtualMicros;
    return { ...result, startMicros };
  });
  const rolloutMicros = slots.reduce((end, s) => Math.max(end, s), 0);
  const perSecond = new Map<number, number>();
  let requests = 0;
  for (const d of perDevice) {
    for (const at of d.requestsAtMicros) {
      const second = Math.floor((d.startMicros + at) / 1_000_000);
      perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
      requests++;
    }
  }
  const outcomes: Record<string, number> = {};
  for (const outcome of perDevice.map((d) => d.outcome).sort()) outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  return {
    devices: perDevice.length,
    concurrency,
    outcomes,
    virtualMs: distribution(perDevice.map((d) => d.virtualMicros / 1000)),
    server: {
      requests,
      rolloutMs: rolloutMicros / 1000,
      requestsPerSecond: rolloutMicros > 0 ? requests / (rolloutMicros / 1_000_000) : 0,
      peakRequestsPerSecond: [...perSecond.values()].reduce((peak, n) => Math.max(peak, n), 0),
    },
    dataUsage: sumUsage(perDevice.map((d) => d.dataUsage)),
    bytesOnAirPerDevice: distribution(perDevice.map((d) => d.dataUsage.totalBytes)),
    perDevice,
  };
}
