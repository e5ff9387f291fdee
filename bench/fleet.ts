/**
 * `npm run bench:fleet`: 10,000 devices each take a 128 KiB OTA over lte-m (examples/fleet/ota-fleet,
 * msw handlers) on this host's cores, and this prints the wall time and peak RSS against their goals
 * with the fleet's report. Wall-clock time is read here, never in src/.
 * `npm run bench:fleet -- --devices 1000 --concurrency 100 --workers 2` for a smaller run.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { runFleet } from '../src/fleet';

const GOAL = { wallSeconds: 60, rssBytes: 2 * 1024 ** 3 };

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const devices = option('devices', 10_000);
  const workers = option('workers', availableParallelism());
  const concurrency = option('concurrency', 200);
  const imageBytes = 128 * 1024;
  const start = performance.now();
  const report = await runFleet({ devices, concurrency, workers, module: require.resolve('../examples/fleet/ota-fleet'), params: { imageBytes } });
  const wallSeconds = (performance.now() - start) / 1000;
  // ru_maxrss of the whole process: the main thread and every worker thread.
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const MiB = 1024 * 1024;
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const rows: [string, string][] = [
    [`fleet: ${devices.toLocaleString('en-US')} devices × 128 KiB OTA over lte-m, ${workers} workers, ${concurrency} in flight`, ''],
    ['  wall time (goal < 60 s)', `${wallSeconds.toFixed(1)} s — ${verdict(wallSeconds < GOAL.wallSeconds)}`],
    ['  peak RSS (goal < 2 GiB)', `${(peakRss / MiB).toFixed(0)} MiB — ${verdict(peakRss < GOAL.rssBytes)}`],
    ['  per device, wall', `${((wallSeconds * 1000 * workers) / Math.max(1, devices)).toFixed(1)} ms of a core`],
    ['  outcomes', JSON.stringify(report.outcomes)],
    ['  virtual duration p50 / p95 / p99', `${(report.virtualMs.p50 / 1000).toFixed(1)} / ${(report.virtualMs.p95 / 1000).toFixed(1)} / ${(report.virtualMs.p99 / 1000).toFixed(1)} s`],
    ['  requests the server saw', `${report.server.requests.toLocaleString('en-US')}: ${report.server.requestsPerSecond.toFixed(2)}/s over the ${(report.server.rolloutMs / 3_600_000).toFixed(2)} h virtual rollout (peak ${report.server.peakRequestsPerSecond}/s); ${(report.server.requests / wallSeconds).toFixed(0)}/s of wall time here`],
    ['  bytes on the air per device (mean, p95)', `${report.bytesOnAirPerDevice.mean.toFixed(0)} B, ${report.bytesOnAirPerDevice.p95} B for a ${imageBytes} B image (+${((report.bytesOnAirPerDevice.mean / imageBytes - 1) * 100).toFixed(1)}%)`],
    ['  …of the fleet: payload / headers / re-sent / DNS', `${report.dataUsage.payloadBytes} / ${report.dataUsage.headerBytes} / ${report.dataUsage.retransmittedBytes} / ${report.dataUsage.dnsBytes} B`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(v ? `${k.padEnd(width)}  ${v}\n` : `${k}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
