/** firmwareRoute: a firmware server that answers as real ones do — each pathology one line in a test. */
import { firmwareRoute, type FirmwareRouteOptions } from '../../../src/index';
import { deviceRunning } from '../../helpers';

const IMAGE = Uint8Array.from({ length: 1000 }, (_, i) => 0x41 + (i % 26));
const URL = 'http://fw.example/app.bin';

/** Send `request` raw and read until the server closes (or 20 s pass); the text on the wire, and whether it closed. */
async function exchange(options: FirmwareRouteOptions, request = 'GET /app.bin HTTP/1.0\r\nHost: fw.example\r\n\r\n') {
  const seen = { text: '', closed: false };
  const device = deviceRunning(
    async ({ TCPClient, delay, millis }) => {
      const client = new TCPClient();
      await client.connect('fw.example', 80);
      await client.write(request);
      const buf = new Uint8Array(128);
      const start = millis();
      while ((seen.closed = !(await client.connected())) === false && millis() - start < 20_000) {
        const n = await client.read(buf, 128);
        if (n > 0) seen.text += Buffer.from(buf.subarray(0, n)).toString('latin1');
        else await delay(5);
      }
    },
    { server: [firmwareRoute(URL, IMAGE, options)] },
  );
  await device.runUntil('DONE', { timeoutMs: 60_000 });
  return seen;
}

const text = (from: number, to: number) => Buffer.from(IMAGE.subarray(from, to)).toString('latin1');

describe('firmwareRoute', () => {
  it('serves the whole file with its length', async () => {
    expect((await exchange({})).text).toBe(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nAccept-Ranges: bytes\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n${text(0, 1000)}`);
  });

  it('honours Range with 206 and Content-Range', async () => {
    const { text: wire } = await exchange({}, 'GET /app.bin HTTP/1.0\r\nHost: fw.example\r\nRange: bytes=900-\r\n\r\n');
    expect(wire).toBe(`HTTP/1.1 206 Partial Content\r\nContent-Type: application/octet-stream\r\nAccept-Ranges: bytes\r\nContent-Range: bytes 900-999/1000\r\nContent-Length: 100\r\nConnection: close\r\n\r\n${text(900, 1000)}`);
  });

  it('answers 416 to a range past the end', async () => {
    expect((await exchange({}, 'GET /app.bin HTTP/1.0\r\nHost: fw.example\r\nRange: bytes=5000-\r\n\r\n')).text).toMatch(/^HTTP\/1\.1 416 Range Not Satisfiable\r\nContent-Range: bytes \*\/1000\r\n/);
  });

  it('can ignore Range and answer 200 with the whole file', async () => {
    const { text: wire } = await exchange({ range: 'ignore' }, 'GET /app.bin HTTP/1.0\r\nHost: fw.example\r\nRange: bytes=900-\r\n\r\n');
    expect(wire.startsWith('HTTP/1.1 200 OK\r\n')).toBe(true);
    expect(wire.endsWith(text(0, 1000))).toBe(true);
  });

  it('can leave out Content-Length: the body ends when the server closes', async () => {
    const seen = await exchange({ contentLength: 'missing' });
    expect(seen.text).toBe(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n${text(0, 1000)}`);
    expect(seen.closed).toBe(true);
  });

  it('can send a Content-Length that lies', async () => {
    const seen = await exchange({ contentLength: 1200 });
    expect(seen.text).toMatch(/\r\nContent-Length: 1200\r\n/);
    expect(seen.text.endsWith(`\r\n\r\n${text(0, 1000)}`)).toBe(true);
  });

  it('can send the body chunked', async () => {
    const seen = await exchange({ chunked: true }, 'GET /app.bin HTTP/1.1\r\nHost: fw.example\r\n\r\n');
    expect(seen.text).toBe(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nAccept-Ranges: bytes\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3e8\r\n${text(0, 1000)}\r\n0\r\n\r\n`);
  });

  it('can redirect', async () => {
    expect((await exchange({ redirectTo: 'http://mirror.example/app.bin' })).text).toBe('HTTP/1.1 302 Found\r\nLocation: http://mirror.example/app.bin\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  it('can be unavailable with Retry-After', async () => {
    expect((await exchange({ status: 503, retryAfter: 120 })).text).toBe('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 120\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  it('keeps an HTTP/1.1 connection open when asked (keep-alive), but closes after HTTP/1.0', async () => {
    const open = await exchange({ keepAlive: true }, 'GET /app.bin HTTP/1.1\r\nHost: fw.example\r\n\r\n');
    const closed = await exchange({ keepAlive: true }, 'GET /app.bin HTTP/1.0\r\nHost: fw.example\r\n\r\n');
    expect({ open: open.closed, closed: closed.closed }).toEqual({ open: false, closed: true });
    expect(open.text.endsWith(text(0, 1000))).toBe(true);
  });
});
