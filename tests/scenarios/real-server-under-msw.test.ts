/**
 * A project that mocks its own HTTP with msw's `setupServer({ onUnhandledRequest: 'error' })` and
 * also points the device at a real server: the device's connection is a raw socket and its answer
 * is parsed by Node's HTTP parser directly, so the project's interceptor never sees either (it used
 * to catch the parser's `http.request`, and the download waited forever).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { buildModule, VirtualBoron } from '../../src/index';
import { otaTestSketch, simpleApp } from '../../examples/forum-ota/sketches';

const SIMPLE = buildModule({ sketch: simpleApp, size: 5012, deviceOs: '1.4.4' });

describe("a real server under the project's own msw interceptor", () => {
  const unhandled: string[] = [];
  const project = setupServer(http.get('http://api.example/health', () => HttpResponse.text('ok')));
  let firmware: Server;
  let port = 0;

  beforeAll(async () => {
    project.listen({ onUnhandledRequest: (request) => void unhandled.push(`${request.method} ${request.url}`) });
    firmware = createServer((req, res) => {
      if (req.url !== '/firmware/simple.bin') return void res.writeHead(404).end();
      res.writeHead(200, { 'Content-Length': SIMPLE.length }).end(Buffer.from(SIMPLE));
    });
    await new Promise<void>((resolve) => firmware.listen(0, '127.0.0.1', () => resolve()));
    port = (firmware.address() as AddressInfo).port;
  });
  afterAll(async () => {
    project.close();
    await new Promise<void>((resolve) => firmware.close(() => resolve()));
  });

  it('is intercepting: a request of the test itself goes to its handlers', async () => {
    expect(await (await fetch('http://api.example/health')).text()).toBe('ok');
  });

  it("installs the app from the real server, and the project's interceptor sees no request of the device", async () => {
    const device = new VirtualBoron({ deviceOs: '1.4.4', app: otaTestSketch({ initialiseChunkAddress: true }), link: 'lte-m', realServers: { 'mydomain.com': { host: '127.0.0.1', port } } }).powerOn();
    await device.runUntil('Press o for OTA.');
    device.serial.type('o');
    await device.runUntil('simple.bin is running', { timeoutMs: 120_000 });
    expect(device.logs.filter((r) => r.category === 'hal').map((r) => r.message)).toEqual(['module fetched 1, checks=5e, result=5e']);
    expect(device.appName).toBe('simple');
    expect(unhandled).toEqual([]);
  });

  it("with onUnhandledRequest: 'error' as well", async () => {
    project.close();
    project.listen({ onUnhandledRequest: 'error' });
    const device = new VirtualBoron({ deviceOs: '1.4.4', app: otaTestSketch({ initialiseChunkAddress: true }), realServers: { 'mydomain.com': { host: '127.0.0.1', port } } }).powerOn();
    await device.runUntil('Press o for OTA.');
    device.serial.type('o');
    await device.runUntil('simple.bin is running', { timeoutMs: 120_000 });
    expect(device.appName).toBe('simple');
  });
});
