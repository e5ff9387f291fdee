/**
 * A real server that is not there, or that never answers. A refused connection used to make
 * connect() return 1 and the socket reset later; a server that never answered kept virtual time
 * waiting for ever. Now connect() fails as the profile's does, and a silent server fails the run
 * after `realServerTimeoutMs` of host time — the one place host time enters a run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeviceOsVersion } from '../../../src/index';
import { deviceRunning } from '../../helpers';

function listening(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** A port nothing listens on: one a server had, closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listening(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('a refused connection', () => {
  it.each([
    ['1.2.1', -1],
    ['1.4.4', 0],
    ['6.2.0', 0],
  ] as [DeviceOsVersion, number][])('on %s connect() returns %d, as when any server refuses', async (deviceOs, result) => {
    const port = await closedPort();
    const device = deviceRunning(
      async ({ Serial, TCPClient }) => {
        const client = new TCPClient();
        Serial.printlnf('connect %d, connected %d', await client.connect('fw.example', 80), (await client.connected()) ? 1 : 0);
      },
      { deviceOs, realServers: { 'fw.example': { host: '127.0.0.1', port } } },
    );
    await device.runUntil('DONE');
    expect(device.serial.output).toBe(`connect ${result}, connected 0\r\nDONE\r\n`);
    expect(device.trace.filter((e) => e.type === 'tcp:connect').map((e) => e.ok)).toEqual([false]);
    expect(device.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'real-server-error',
        `Failed to connect to the real server at 127.0.0.1:${port} (for fw.example:80): connect ECONNREFUSED 127.0.0.1:${port}. The device's connect() fails, as it does when a server refuses; start the server first, or check realServers.`,
      ],
    ]);
  });
});

describe('a server that never answers', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    // It accepts the connection, reads the request, and never writes a byte.
    server = createServer(() => {});
    port = await listening(server);
  });
  afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('fails the run after realServerTimeoutMs of host time, naming the server and the request', async () => {
    const device = deviceRunning(
      async ({ TCPClient, delay }) => {
        const client = new TCPClient();
        await client.connect('fw.example', 80);
        await client.write('GET /firmware.bin HTTP/1.1\r\nHost: fw.example\r\n\r\n');
        while ((await client.available()) === 0) await delay(1);
      },
      { realServers: { 'fw.example': { host: '127.0.0.1', port } }, realServerTimeoutMs: 200 },
    );
    await expect(device.runUntil('DONE', { timeoutMs: 60_000 })).rejects.toMatchObject({
      code: 'REAL_SERVER_TIMEOUT',
      message: `Failed to get an answer from the real server at 127.0.0.1:${port} (for fw.example:80): no whole response to the device's GET came within 200 ms of host time, while virtual time stood still. Check that the server answers that request, or raise realServerTimeoutMs.`,
    });
    expect(device.state).toBe('crashed');
  });
});
