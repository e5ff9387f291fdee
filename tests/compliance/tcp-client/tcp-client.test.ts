/**
 * TCPClient on Gen3 (`wiring/src/spark_wiring_tcpclient_posix.cpp`, byte-identical v1.4.0–v6.2.0;
 * reference note §7): a 128-byte buffer, connect 1/0, read −1 when empty, and what happens after
 * the server closes.
 */
import { http } from 'msw';
import { recordedLink, wireResponse, type SketchApi } from '../../../src/index';
import { deviceRunning, logMessages } from '../../helpers';

const BODY = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
const server = [http.get('http://files.example/blob', () => wireResponse(BODY, { headers: [['Content-Type', 'application/octet-stream']] }))];
/** The whole response arrives in one piece 50 ms after the request reaches the server. */
const oneBurst = recordedLink({ dnsMs: 20, connectMs: 30, uplinkMs: 10, downlink: [{ atMs: 50, bytes: 100_000 }] });

async function requestBlob(client: InstanceType<SketchApi['TCPClient']>): Promise<void> {
  await client.connect('files.example', 80);
  await client.write('GET /blob HTTP/1.0\r\nHost: files.example\r\n\r\n');
}

describe('TCPClient (Gen3)', () => {
  it('never buffers more than 128 bytes: available() and read(buf, n) stop at 128', async () => {
    const seen: number[] = [];
    const device = deviceRunning(
      async (api) => {
        const client = new api.TCPClient();
        await requestBlob(client);
        await api.delay(200);
        seen.push(await client.available());
        seen.push(await client.read(new Uint8Array(512), 512));
        seen.push(await client.available());
      },
      { server, link: oneBurst },
    );
    await device.runUntil('DONE');
    expect(seen).toEqual([128, 128, 128]);
  });

  it('returns -1 from read() and read(buf) when nothing has arrived, and 0 from available()', async () => {
    const seen: number[] = [];
    const device = deviceRunning(
      async (api) => {
        const client = new api.TCPClient();
        await requestBlob(client);
        seen.push(await client.available(), await client.read(), await client.read(new Uint8Array(8), 8), await client.peek());
      },
      { server, link: oneBurst },
    );
    await device.runUntil('DONE');
    expect(seen).toEqual([0, -1, -1, -1]);
  });

  it('connect() returns 1 on success, and on a DNS failure 0 from 1.4.0 on but -1 (truthy) in 1.2.1', async () => {
    const results: Record<string, number[]> = {};
    for (const deviceOs of ['1.2.1', '1.4.4'] as const) {
      const seen: number[] = (results[deviceOs] = []);
      const device = deviceRunning(
        async (api) => {
          seen.push(await new api.TCPClient().connect('files.example', 80));
          seen.push(await new api.TCPClient().connect('nowhere.example', 80));
        },
        { deviceOs, server, link: oneBurst, dns: { unresolvable: ['nowhere.example'] } },
      );
      await device.runUntil('DONE');
    }
    expect(results).toEqual({ '1.2.1': [1, -1], '1.4.4': [1, 0] });
  });

  it('after the server closes, keeps every byte readable, logs the recv error once, then reports disconnected', async () => {
    const seen: Record<string, unknown> = {};
    const device = deviceRunning(
      async (api) => {
        const client = new api.TCPClient();
        await requestBlob(client);
        await api.delay(200);
        let total = 0;
        const buf = new Uint8Array(128);
        for (let n = await client.available(); n > 0; n = await client.available()) total += await client.read(buf, n);
        seen.total = total;
        seen.status = client.status();
        seen.connected = await client.connected();
        seen.read = await client.read();
      },
      { server, link: oneBurst },
    );
    await device.runUntil('DONE');
    const headerBytes = device.trace.filter((e) => e.type === 'tcp:data').reduce((n, e) => n + e.bytes, 0) - BODY.length;
    expect(seen).toEqual({ total: BODY.length + headerBytes, status: false, connected: false, read: -1 });
    expect(logMessages(device, 'wiring')).toEqual(['recv error = 128']);
    expect(device.logs.find((r) => r.category === 'wiring')?.level).toBe('ERROR');
  });

  it('stays connected() while bytes remain buffered after the socket closed', async () => {
    const seen: unknown[] = [];
    const device = deviceRunning(
      async (api) => {
        const client = new api.TCPClient();
        await requestBlob(client);
        await api.delay(200);
        // Drain the socket into the buffer and past EOF, reading one byte at a time.
        while ((await client.available()) > 0 && client.status()) await client.read();
        seen.push(client.status(), await client.connected(), await client.available() > 0);
      },
      { server, link: recordedLink({ dnsMs: 0, connectMs: 0, uplinkMs: 0, downlink: [{ atMs: 1, bytes: 1e6 }] }) },
    );
    await device.runUntil('DONE');
    expect(seen).toEqual([false, true, true]);
  });

  it('connect() stops first: bytes buffered from an earlier connection are gone', async () => {
    let after = 0;
    const device = deviceRunning(
      async (api) => {
        const client = new api.TCPClient();
        await requestBlob(client);
        await api.delay(200);
        await client.available();
        await client.connect('files.example', 80);
        after = await client.available();
      },
      { server, link: oneBurst },
    );
    await device.runUntil('DONE');
    expect(after).toBe(0);
  });
});

describe('polling an empty socket', () => {
  it('still times out on time: a 5 s millis() timeout fires within a millisecond of 5 s', async () => {
    let waited = 0;
    let polls = 0;
    const device = deviceRunning(
      async (api) => {
        const client = new api.TCPClient();
        await client.connect('files.example', 80);
        const start = api.millis();
        while ((await client.available()) === 0 && api.millis() - start <= 5000) polls++;
        waited = api.millis() - start;
      },
      { server, link: oneBurst },
    );
    await device.runUntil('DONE');
    expect(waited).toBe(5001);
    // Skipped ahead a millisecond at a time rather than spinning every 12 µs.
    expect(polls).toBeLessThan(5100);
  });

  it('sees data the moment it arrives', async () => {
    let seenAt = 0;
    const device = deviceRunning(
      async (api) => {
        const client = new api.TCPClient();
        await requestBlob(client);
        while ((await client.available()) === 0);
        seenAt = device.nowMicros;
      },
      { server, link: oneBurst },
    );
    await device.runUntil('DONE');
    const arrived = device.trace.find((e) => e.type === 'tcp:data')!.atMicros;
    expect(seenAt - arrived).toBeLessThanOrEqual(12);
  });
});

describe('poll skipping leaves everything else alone', () => {
  it('does not skip a poll loop that also delays: each turn takes its delay, not a millisecond more', async () => {
    const stamps: number[] = [];
    const device = deviceRunning(
      async (api) => {
        const client = new api.TCPClient();
        await client.connect('files.example', 80);
        for (let i = 0; i < 5; i++) {
          await client.available();
          await api.delay(5);
          stamps.push(api.micros());
        }
      },
      { server, link: oneBurst },
    );
    await device.runUntil('DONE');
    // available() 12 µs + delay(5) + reading micros() 1 µs.
    expect(stamps.slice(1).map((t, i) => t - stamps[i])).toEqual([5013, 5013, 5013, 5013]);
  });

  it('gives the same answer however the test slices its runs', async () => {
    const endAt = async (slices: number) => {
      let end = 0;
      const device = deviceRunning(
        async (api) => {
          const client = new api.TCPClient();
          await client.connect('files.example', 80);
          for (let i = 0; i < 20; i++) await client.available();
          end = api.micros();
        },
        { server, link: oneBurst },
      );
      for (let i = 0; i < slices && end === 0; i++) await device.runFor(2000 / slices);
      await device.runUntil('DONE');
      return end;
    };
    expect(await endAt(400)).toBe(await endAt(1));
  });
});
