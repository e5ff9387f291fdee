/**
 * The real path: the device's TCPClient talks through a real socket to a real HTTP server on
 * loopback — a Node server here, and nginx when `.ci/run` has started one (VB_NGINX_PORT).
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildModule, VirtualBoron, type RealServerAddress } from '../../src/index';
import { appV2, FIRMWARE_HOST, MANIFEST_PATH, robustApp } from '../../examples/robust-ota/sketches';
import { otaTestSketch, simpleApp } from '../../examples/forum-ota/sketches';
import { deviceRunning } from '../helpers';

const IMAGE = buildModule({ sketch: appV2, size: 40_000, deviceOs: '1.4.4', fillSeed: 'real server' });
const SIMPLE = buildModule({ sketch: simpleApp, size: 5012, deviceOs: '1.4.4' });
const MANIFEST = JSON.stringify({ path: '/firmware/app.bin', size: IMAGE.length, sha256: createHash('sha256').update(IMAGE).digest('hex') });

/** A plain Node server with Range support, as a small firmware host would be. */
function nodeFirmwareServer(): Promise<Server> {
  const files: Record<string, Uint8Array | string> = { '/firmware/app.bin': IMAGE, '/firmware/simple.bin': SIMPLE, [MANIFEST_PATH]: MANIFEST };
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (file === undefined) return void res.writeHead(404).end();
    const body = Buffer.from(file);
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, { 'Content-Length': body.length - start, ...(range ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) });
    res.end(body.subarray(start));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function runForum(real: RealServerAddress): Promise<VirtualBoron> {
  const device = new VirtualBoron({ deviceOs: '1.4.4', app: otaTestSketch({ initialiseChunkAddress: true }), link: 'lte-m', realServers: { 'mydomain.com': real } }).powerOn();
  await device.runUntil('Press o for OTA.');
  device.serial.type('o');
  await device.runUntil('simple.bin is running', { timeoutMs: 120_000 });
  return device;
}

async function runRobust(real: RealServerAddress): Promise<VirtualBoron> {
  const device = new VirtualBoron({ deviceOs: '1.4.4', app: robustApp, link: 'lte-m', realServers: { [FIRMWARE_HOST]: real }, faults: [{ kind: 'server-close', afterBytes: 15_000, connection: 1 }] }).powerOn();
  await device.runUntil('press u to update');
  device.serial.type('u');
  await device.runUntil('app v2 running', { timeoutMs: 600_000 });
  return device;
}

describe('a real Node HTTP server on loopback', () => {
  let server: Server;
  let address: RealServerAddress;
  beforeAll(async () => {
    server = await nodeFirmwareServer();
    address = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves the fixed forum routine, which installs the new app', async () => {
    const device = await runForum(address);
    expect(device.logs.filter((r) => r.category === 'hal').map((r) => r.message)).toEqual(['module fetched 1, checks=5e, result=5e']);
    expect(device.appName).toBe('simple');
  });

  it('serves the robust routine, which resumes with Range after a drop', async () => {
    const device = await runRobust(address);
    expect(device.logs.map((r) => r.message)).toContain('OTA: 40000 bytes verified; applying');
    expect(device.logs.some((r) => r.message.startsWith('OTA: connection ended at byte'))).toBe(true);
    expect(device.appName).toBe('robust app v2');
  });

  it('waits for a request sent in pieces, then delivers the whole answer and the close at the same virtual moments every time', async () => {
    const run = async () => {
      const seen: { bytes: number; closedAt: number } = { bytes: 0, closedAt: 0 };
      const device = deviceRunning(
        async ({ TCPClient, delay, millis }) => {
          const client = new TCPClient();
          await client.connect('mydomain.com', 80);
          await client.write('GET /firmware/simple.bin HTTP/1.0\r\n');
          await delay(50);
          await client.write('Host: mydomain.com\r\n\r\n');
          const buf = new Uint8Array(128);
          while (await client.connected()) {
            const n = await client.read(buf, 128);
            if (n > 0) seen.bytes += n;
            else await delay(1);
          }
          seen.closedAt = millis();
        },
        { link: 'lte-m', realServers: { 'mydomain.com': address } },
      );
      await device.runUntil('DONE', { timeoutMs: 60_000 });
      return { seen, arrivals: device.trace.filter((e) => e.type === 'tcp:data' || e.type === 'tcp:close').map((e) => `${e.type}@${e.atMicros}`) };
    };
    const [a, b] = [await run(), await run()];
    expect(a.seen.bytes).toBeGreaterThan(SIMPLE.length);
    expect(a.seen.closedAt).toBeLessThan(5_000);
    expect(b).toEqual(a);
  });

  it('reports a real server that is not there as a refused connection: connect() fails as the profile says', async () => {
    const closed = await nodeFirmwareServer();
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    let connected = 0;
    const device = new VirtualBoron({ deviceOs: '1.4.4', app: otaTestSketch({ initialiseChunkAddress: true }), realServers: { 'mydomain.com': { host: '127.0.0.1', port } } }).powerOn();
    device.on('tcp:connect', (e) => void (connected += e.ok ? 1 : 0));
    await device.runUntil('Press o for OTA.');
    device.serial.type('o');
    await device.runUntil('Connection Error!', { timeoutMs: 120_000 });
    expect(device.diagnostics.map((d) => d.code)).toContain('real-server-error');
    // The connection was refused, so it never counted as made (it used to: connect() returned 1 and the socket reset later).
    expect(connected).toBe(0);
  });
});

const nginxPort = Number(process.env.VB_NGINX_PORT ?? 0);
const nginxRoot = process.env.VB_NGINX_ROOT;
const withNginx = nginxPort && nginxRoot ? describe : describe.skip;

withNginx('nginx on loopback (started by .ci/run)', () => {
  beforeAll(() => {
    writeFileSync(join(nginxRoot!, 'simple.bin'), SIMPLE);
    writeFileSync(join(nginxRoot!, 'app.bin'), IMAGE);
    writeFileSync(join(nginxRoot!, 'manifest.json'), MANIFEST);
  });

  it('serves the fixed forum routine', async () => {
    const device = await runForum({ host: '127.0.0.1', port: nginxPort });
    expect(device.appName).toBe('simple');
  });

  it('serves the robust routine with Range after a drop', async () => {
    const device = await runRobust({ host: '127.0.0.1', port: nginxPort });
    expect(device.appName).toBe('robust app v2');
  });
});
