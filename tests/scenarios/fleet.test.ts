/**
 * Fleets: examples/fleet/ota-fleet runs on worker threads, 100 devices against msw handlers and 50
 * against a real Node server on loopback, and the report's figures add up to the devices' own.
 */
import { runFleet, type DataUsage, type FleetReport } from '../../src/fleet';
import { distribution } from '../../src/fleet/report';
import { runDevice } from '../../src/fleet/scenario';
import * as otaFleet from '../../examples/fleet/ota-fleet';
import { EmulatorError } from '../../src/index';
import { FileServer } from '../file-server';

const MODULE = require.resolve('../../examples/fleet/ota-fleet');
/** 24 KiB images; every 10th device's download is cut after 20,000 bytes (it resumes); every 25th cannot resolve the name. */
const PARAMS = { imageBytes: 24 * 1024, dropEvery: 10, noDnsEvery: 25 };
const MINUTES = 60_000;

/** What `promise` rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/** The fleet's figures are its devices' figures, added up. */
function expectSumsOfDevices(report: FleetReport): void {
  const fields = Object.keys(report.dataUsage) as (keyof DataUsage)[];
  const summed = Object.fromEntries(fields.map((f) => [f, report.perDevice.reduce((sum, d) => sum + d.dataUsage[f], 0)]));
  expect(report.dataUsage).toEqual(summed);
  for (const { dataUsage: u } of [...report.perDevice, report]) {
    expect(u.totalBytes).toBe(u.uplinkBytes + u.downlinkBytes);
    expect(u.totalBytes).toBe(u.payloadBytes + u.headerBytes + u.retransmittedBytes + u.dnsBytes);
  }
  expect(Object.values(report.outcomes).reduce((a, b) => a + b, 0)).toBe(report.devices);
  expect(report.server.requests).toBe(report.perDevice.reduce((sum, d) => sum + d.requestsAtMicros.length, 0));
  const ms = report.perDevice.map((d) => d.virtualMicros / 1000).sort((a, b) => a - b);
  const rank = (p: number) => ms[Math.ceil((p / 100) * ms.length) - 1];
  expect([report.virtualMs.p50, report.virtualMs.p95, report.virtualMs.p99]).toEqual([rank(50), rank(95), rank(99)]);
  expect(report.bytesOnAirPerDevice).toEqual(distribution(report.perDevice.map((d) => d.dataUsage.totalBytes)));
  expect(report.perDevice.map((d) => d.index)).toEqual(Array.from({ length: report.devices }, (_, i) => i));
}

describe('a fleet against msw handlers', () => {
  let report: FleetReport;
  beforeAll(async () => {
    report = await runFleet({ devices: 100, concurrency: 25, workers: 2, module: MODULE, params: PARAMS });
  }, 10 * MINUTES);

  it('counts outcomes: the devices that cannot resolve the name keep their firmware, the rest update', () => {
    expect(report.outcomes).toEqual({ 'kept-old-firmware': 4, updated: 96 });
    const kept = report.perDevice.filter((d) => d.outcome === 'kept-old-firmware').map((d) => d.index);
    expect(kept).toEqual([24, 49, 74, 99]);
  });

  it('adds up: the fleet\'s bytes, requests and percentiles are those of its devices', () => {
    expectSumsOfDevices(report);
    // 96 manifests and downloads, and a resume for each of the 8 cut downloads that could resolve the name.
    expect(report.server.requests).toBe(200);
  });

  it('counts a device that cannot resolve the name as its lookups only: 8 attempts, query and empty answer', () => {
    const query = 20 + 8 + 12 + ('fw.example'.length + 2) + 4;
    expect(report.perDevice[24].dataUsage).toEqual({ uplinkBytes: 8 * query, downlinkBytes: 8 * query, totalBytes: 16 * query, payloadBytes: 0, headerBytes: 0, retransmittedBytes: 0, dnsBytes: 16 * query, packets: 16, connections: 0 });
    expect(report.perDevice[24].requestsAtMicros).toEqual([]);
  });

  it('gives each device in a worker thread the figures it has in this one', async () => {
    for (const index of [0, 9]) {
      const here = await runDevice(otaFleet, { index, params: PARAMS });
      const { startMicros, ...there } = report.perDevice[index];
      expect(there).toEqual(here);
      expect(startMicros).toBe(0);
    }
    // A cut download costs a third request and more bytes than a whole one.
    expect(report.perDevice[9].requestsAtMicros).toHaveLength(3);
    expect(report.perDevice[9].dataUsage.totalBytes).toBeGreaterThan(report.perDevice[0].dataUsage.totalBytes);
  });

  it('gives the same report every time: virtual time only', () => {
    const { perDevice, ...figures } = report;
    expect(perDevice).toHaveLength(100);
    expect(figures).toEqual(EXPECTED_MSW);
  });
});

describe('a fleet against a real server on loopback', () => {
  let server: FileServer;
  let report: FleetReport;
  beforeAll(async () => {
    server = await FileServer.start(otaFleet.firmwareFiles(PARAMS.imageBytes), { range: true });
    report = await runFleet({ devices: 50, concurrency: 10, workers: 2, module: MODULE, target: `http://127.0.0.1:${server.port}`, params: { ...PARAMS, noDnsEvery: undefined } });
  }, 10 * MINUTES);
  afterAll(() => server.close());

  it('updates every device, and the server saw exactly the requests the report counts', () => {
    expect(report.outcomes).toEqual({ updated: 50 });
    expect(server.requests).toBe(105);
    expect(report.server.requests).toBe(105);
    expectSumsOfDevices(report);
  });

  it('gives each device in a worker thread the figures it has in this one', async () => {
    const here = await runDevice(otaFleet, { index: 9, target: { host: '127.0.0.1', port: server.port }, params: { ...PARAMS, noDnsEvery: undefined } });
    const { startMicros, ...there } = report.perDevice[9];
    expect(there).toEqual(here);
    expect(startMicros).toBe(0);
  });
});

describe('runFleet refuses', () => {
  it('a module without the functions, naming what is missing', async () => {
    const error = await rejection(runFleet({ devices: 2, workers: 1, module: MODULE, drive: 'go' }));
    expect(error).toBeInstanceOf(EmulatorError);
    expect(error).toHaveProperty('code', 'FLEET_MODULE');
    expect((error as Error).message).toBe(`Failed to load the fleet scenario from ${MODULE}: it exports no function "go". Export device(index, context) and drive(device, context), or name yours with the device and drive options.`);
  }, MINUTES);

  it('a concurrency below 1 and an https target', async () => {
    expect(await rejection(runFleet({ devices: 2, concurrency: 0, module: MODULE }))).toEqual(expect.objectContaining({ code: 'FLEET_OPTIONS' }));
    const https = await rejection(runFleet({ devices: 2, module: MODULE, target: 'https://127.0.0.1:8443' }));
    expect(https).toBeInstanceOf(EmulatorError);
    expect((https as EmulatorError).message).toBe("Failed to use https://127.0.0.1:8443 as the fleet's server: the devices speak plain HTTP over TCPClient. Give an http:// address.");
  });
});

/** Measured once; every figure comes from virtual time, so it does not change from run to run. */
const EXPECTED_MSW: Omit<FleetReport, 'perDevice'> = {
  devices: 100,
  concurrency: 25,
  outcomes: { 'kept-old-firmware': 4, updated: 96 },
  virtualMs: { min: 25064.342, p50: 25105.034, p95: 26712.05, p99: 195151.808, max: 195153.616, mean: 32167.64951 },
  server: { requests: 200, rolloutMs: 295546.598, requestsPerSecond: 0.6767122387922055, peakRequestsPerSecond: 48 },
  dataUsage: { uplinkBytes: 107353, downlinkBytes: 2517378, totalBytes: 2624731, payloadBytes: 2405592, headerBytes: 181440, retransmittedBytes: 8459, dnsBytes: 29240, packets: 4974, connections: 200 },
  bytesOnAirPerDevice: { min: 896, p50: 27148, p95: 28212, p99: 28212, max: 28441, mean: 26247.31 },
};
