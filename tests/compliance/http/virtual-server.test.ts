/** The virtual web server: msw handlers answer, Node's HTTP machinery writes exactly their headers. */
import { http, HttpResponse } from 'msw';
import { wireResponse, type SketchApi } from '../../../src/index';
import { deviceRunning, logMessages } from '../../helpers';

/** Send a GET for `path` and collect every byte of the response until the server closes. */
function fetchRaw(path: string, received: { text: string }) {
  return async (api: SketchApi) => {
    const client = new api.TCPClient();
    await client.connect('web.example', 80);
    await client.write(`GET ${path} HTTP/1.0\r\nHost: web.example\r\n\r\n`);
    const buf = new Uint8Array(128);
    while (await client.connected()) {
      const n = await client.read(buf, 128);
      if (n > 0) received.text += Buffer.from(buf.subarray(0, n)).toString('latin1');
      else await api.delay(5);
    }
  };
}

async function get(path: string, handlers: Parameters<typeof http.get>[1][] = []) {
  const received = { text: '' };
  const device = deviceRunning(fetchRaw(path, received), { server: handlers.map((h) => http.get(`http://web.example${path.split("?")[0]}`, h)) });
  await device.runUntil('DONE');
  return { received: received.text, device };
}

describe('virtual HTTP server', () => {
  it('writes a wireResponse\'s headers in its order and case, adding only Content-Length', async () => {
    const { received } = await get('/a', [() => wireResponse('hello', { headers: [['Server', 'Apache'], ['ETag', '"1"'], ['Connection', 'close']] })]);
    expect(received).toBe('HTTP/1.1 200 OK\r\nServer: Apache\r\nETag: "1"\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhello');
  });

  it('writes a plain msw response\'s headers Title-Cased, as Fetch\'s Headers hand them over (sorted)', async () => {
    const { received } = await get('/b', [() => new HttpResponse('{}', { status: 201, headers: { 'x-b': '2', 'content-type': 'application/json' } })]);
    expect(received).toBe('HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-B: 2\r\nContent-Length: 2\r\n\r\n{}');
  });

  it('answers 404 when no handler matches, and says so in diagnostics', async () => {
    const { received, device } = await get('/missing');
    expect(received.startsWith('HTTP/1.1 404 Not Found\r\n')).toBe(true);
    expect(device.diagnostics.map((d) => d.message)).toEqual(['Failed to answer GET http://web.example/missing: no msw handler matched it, so the server answered 404. Add a handler for that URL.']);
  });

  it('answers 500 when the handler throws', async () => {
    const { received, device } = await get('/boom', [
      () => {
        throw new Error('disk on fire');
      },
    ]);
    expect(received.startsWith('HTTP/1.1 500 Internal Server Error\r\n')).toBe(true);
    expect(device.diagnostics[0].message).toBe('Failed to answer GET http://web.example/boom: the msw handler threw (Error: disk on fire), so the server answered 500.');
  });

  it('drops the connection for HttpResponse.error(): the device sees a reset', async () => {
    const { received, device } = await get('/drop', [() => HttpResponse.error()]);
    expect(received).toBe('');
    expect(logMessages(device, 'wiring')).toEqual(['recv error = 104']);
  });

  it('lets a test swap routes mid-run with server.use(), as msw\'s setupServer does', async () => {
    const received = { text: '' };
    const device = deviceRunning(
      async (api) => {
        await api.delay(100);
        await fetchRaw('/v', received)(api);
      },
      { server: [http.get('http://web.example/v', () => new HttpResponse('old'))] },
    );
    device.server.use(http.get('http://web.example/v', () => new HttpResponse('new')));
    await device.runUntil('DONE');
    expect(received.text.endsWith('\r\n\r\nnew')).toBe(true);
  });

  it('answers 400 to a request Fetch cannot represent, instead of leaving the device hanging', async () => {
    const received = { text: '' };
    const device = deviceRunning(async (api) => {
      const client = new api.TCPClient();
      await client.connect('web.example', 80);
      await client.write('GET /x HTTP/1.1\r\nHost: bad host\r\nConnection: close\r\n\r\n');
      const buf = new Uint8Array(128);
      while (await client.connected()) {
        const n = await client.read(buf, 128);
        if (n > 0) received.text += Buffer.from(buf.subarray(0, n)).toString('latin1');
      }
    });
    await device.runUntil('DONE');
    expect(received.text).toBe('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(device.diagnostics[0].code).toBe('bad-request');
  });

  it('hands the handler the request as the device sent it', async () => {
    const seen: string[] = [];
    await get('/c?x=1', [
      ({ request }) => {
        seen.push(request.url, request.headers.get('host') ?? '');
        return new HttpResponse('ok');
      },
    ]);
    expect(seen).toEqual(['http://web.example/c?x=1', 'web.example']);
  });
});
