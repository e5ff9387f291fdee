/**
 * `virtual-boron fleet <module>`: many virtual Borons running a fleet module on worker threads, with
 * a progress bar and a summary of outcomes, virtual durations, the server's load and bytes on the air.
 */
import { runFleet, type Distribution, type FleetReport } from '../fleet';
import { modulePath } from './load';
import { bytes, colour, write, writeJson } from './print';
import { progressBar } from './progress';

export interface FleetFlags {
  devices: number;
  concurrency?: number;
  workers?: number;
  target?: string;
  json: boolean;
}

export async function fleetCommand(path: string, flags: FleetFlags): Promise<number> {
  const bar = progressBar('devices', flags.json);
  let report: FleetReport;
  try {
    report = await runFleet({ module: modulePath(path, 'fleet module'), devices: flags.devices, concurrency: flags.concurrency, workers: flags.workers, target: flags.target, onProgress: (done, total) => bar.update(done, total) });
  } finally {
    bar.stop();
  }
  if (flags.json) {
    writeJson(report);
    return 0;
  }
  const ms = (d: Distribution) => `p50 ${(d.p50 / 1000).toFixed(1)} s, p95 ${(d.p95 / 1000).toFixed(1)} s, p99 ${(d.p99 / 1000).toFixed(1)} s, max ${(d.max / 1000).toFixed(1)} s`;
  const perDevice = (d: Distribution) => `p50 ${bytes(d.p50)} B, p95 ${bytes(d.p95)} B, mean ${bytes(Math.round(d.mean))} B`;
  const u = report.dataUsage;
  const lines = [
    colour.bold(`${report.devices} devices, ${report.concurrency} at a time`),
    `Outcomes:        ${Object.entries(report.outcomes).map(([outcome, n]) => `${outcome} ${n}`).join(', ')}`,
    `Virtual time:    ${ms(report.virtualMs)}`,
    `Server:          ${report.server.requests} requests over ${(report.server.rolloutMs / 1000).toFixed(1)} s of rollout, ${report.server.requestsPerSecond.toFixed(2)}/s (peak ${report.server.peakRequestsPerSecond}/s)`,
    `On the air:      ${perDevice(report.bytesOnAirPerDevice)} per device`,
    `Fleet total:     ${bytes(u.totalBytes)} B (payload ${bytes(u.payloadBytes)}, headers ${bytes(u.headerBytes)}, re-sent ${bytes(u.retransmittedBytes)}, DNS ${bytes(u.dnsBytes)}; ${u.connections} connections)`,
  ];
  write(`${lines.join('\n')}\n`);
  return 0;
}
