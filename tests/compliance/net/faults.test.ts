/**
 * Network faults at a chosen moment or byte, and how TCPClient reacts as Device OS does
 * (`spark_wiring_tcpclient_posix.cpp`; reference note §7).
 */
import { http } from 'msw';
import { parametricLink, recordedLink, wireResponse, type NetworkFault, type SketchApi } from '../../../src/index';
import { deviceRunning, logMessages } from '../../helpers';

const BODY = Uint8Array.from({ length: 2000 }, (_, i) => (i * 7) & 0xff);
const server = [http.get('http://files.example/blob', () => wireResponse(BODY, { headers: [['Connection', 'close']] }))];
/** Response pieces of 500 bytes every 100 ms, from 50 ms after the request. */
const steady = recordedLink({ dnsMs: 20, connectMs: 30, uplinkMs: 10, downlink: [0, 1, 2, 3, 4].map((i) => ({ atMs: 50 + 100 * i, bytes: 500 })) });

interface Outcome {
  connect: number;
  bytes: number;
  status: boolean;
  connected: boolean;
  ms: number;
}

/** Connect, send a GET, and read until connected() says no (or 30 s pass); report what the sketch saw. */
function fetchWith(faults: NetworkFault[], deviceOs: '1.2.1' | '1.4.4' = '1.4.4') {
  const outcome: Partial<Outcome> = {};
  const device = deviceRunning(
    async ({ TCPClient, millis, delay }: SketchApi) => {
      const start = millis();
      const client = new TCPClient();
      outcome.connect = await client.connect('files.example', 80);
      outcome.ms = millis() - start;
      if (outcome.connect !== 1) return;
      await client.write('GET /blob HTTP/1.0\r\nHost: files.example\r\n\r\n');
      const buf = new Uint8Array(128);
      let bytes = 0;
      while ((await client.connected()) && millis() - start < 30_000) {
        const n = await client.read(buf, 128);
        if (n > 0) bytes += n;
        else await delay(1);
      }
      Object.assign(outcome, { bytes, status: client.status(), connected: await client.connected(), ms: millis() - start });
    },
    { server, link: steady, faults, deviceOs },
  );
  return { device, outcome };
}

const headerLength = (device: ReturnType<typeof fetchWith>['device']) => device.trace.filter((e) => e.type === 'tcp:data').reduce((n, e) => n + e.bytes, 0) - BODY.length;

describe('network faults', () => {
  it('no fault: every byte arrives, then the FIN closes the socket with the recv error line', async () => {
    const { device, outcome } = fetchWith([]);
    await device.runUntil('DONE', { timeoutMs: 60_000 });
    expect(outcome).toMatchObject({ connect: 1, bytes: BODY.length + headerLength(device), status: false, connected: false });
    expect(logMessages(device, 'wiring')).toEqual(['recv error = 128']);
  });

  it('dns-failure: connect() returns 0 (1.4.4)', async () => {
    const { device, outcome } = fetchWith([{ kind: 'dns-failure', host: 'files.example' }]);
    await device.runUntil('DONE');
    expect(outcome.connect).toBe(0);
    expect(device.trace.find((e) => e.type === 'dns:lookup')).toEqual(expect.not.objectContaining({ address: expect.anything() }));
  });

  it('connection-refused: connect() returns 0 on 1.4.4 and -1 on 1.2.1, after one round trip', async () => {
    for (const [deviceOs, expected] of [['1.4.4', 0], ['1.2.1', -1]] as const) {
      const { device, outcome } = fetchWith([{ kind: 'connection-refused' }], deviceOs);
      await device.runUntil('DONE');
      expect(outcome).toMatchObject({ connect: expected, ms: 50 });
      expect(device.trace.find((e) => e.type === 'tcp:connect')).toMatchObject({ ok: false });
    }
  });

  it('connect-timeout: connect() blocks for the whole timeout, then returns 0', async () => {
    const { device, outcome } = fetchWith([{ kind: 'connect-timeout', afterMs: 20_000 }]);
    await device.runUntil('DONE', { timeoutMs: 60_000 });
    expect(outcome).toMatchObject({ connect: 0, ms: 20_020 });
  });

  it('server-close after 700 bytes: exactly 700 bytes are readable, then the FIN (recv error = 128)', async () => {
    const { device, outcome } = fetchWith([{ kind: 'server-close', afterBytes: 700 }]);
    await device.runUntil('DONE', { timeoutMs: 60_000 });
    expect(outcome).toMatchObject({ bytes: 700, status: false, connected: false });
    expect(logMessages(device, 'wiring')).toEqual(['recv error = 128']);
  });

  it('server-close with reset after 700 bytes: an RST (recv error = 104)', async () => {
    const { device, outcome } = fetchWith([{ kind: 'server-close', afterBytes: 700, reset: true }]);
    await device.runUntil('DONE', { timeoutMs: 60_000 });
    // The 200 bytes that arrived just before the RST sit in lwIP's receive mailbox, and recv hands them
    // over before it fails with 104 (device-os-app-model.md §6: lwIP at the v1.4.4 pin, api_lib.c:598-640,
    // api_msg.c:432-469, lwipopts.h:777,1255), so all 700 are read.
    expect(outcome.bytes).toBe(700);
    expect(logMessages(device, 'wiring')).toEqual(['recv error = 104']);
  });

  it('stall after 100 bytes for 5 s: byte 101 on arrives 5 s late, and all of it arrives', async () => {
    const { device, outcome } = fetchWith([{ kind: 'stall', afterBytes: 100, forMs: 5000 }]);
    await device.runUntil('DONE', { timeoutMs: 60_000 });
    const arrivals = device.trace.filter((e) => e.type === 'tcp:data');
    expect(arrivals[0].bytes).toBe(100);
    expect(arrivals[1].atMicros - arrivals[0].atMicros).toBe(5_000_000);
    expect(outcome.bytes).toBe(BODY.length + headerLength(device));
  });

  it('socket-dropped by the modem mid-download: the connection resets and the rest never comes', async () => {
    const { device, outcome } = fetchWith([{ kind: 'socket-dropped', atMs: 300 }]);
    await device.runUntil('DONE', { timeoutMs: 60_000 });
    expect(outcome.bytes).toBeLessThan(BODY.length);
    expect(outcome).toMatchObject({ status: false, connected: false });
    expect(logMessages(device, 'wiring')).toEqual(['recv error = 104']);
  });

  it('link-down: what would have arrived meanwhile comes when the link is back', async () => {
    const { device, outcome } = fetchWith([{ kind: 'link-down', fromMs: 450, toMs: 3000 }]);
    await device.runUntil('DONE', { timeoutMs: 60_000 });
    const times = device.trace.filter((e) => e.type === 'tcp:data').map((e) => e.atMicros);
    expect(times.some((t) => t >= 450_000 && t < 3_000_000)).toBe(false);
    expect(times.filter((t) => t < 450_000)).toHaveLength(2);
    expect(times).toContain(3_000_000);
    expect(outcome.bytes).toBe(BODY.length + headerLength(device));
  });

  it('targets the nth connection only', async () => {
    const outcomes: number[] = [];
    const device = deviceRunning(
      async ({ TCPClient }) => {
        for (let i = 0; i < 3; i++) outcomes.push(await new TCPClient().connect('files.example', 80));
      },
      { server, link: steady, faults: [{ kind: 'connection-refused', connection: 1 }] },
    );
    await device.runUntil('DONE');
    expect(outcomes).toEqual([1, 0, 1]);
  });
});

describe('a NAT that forgets idle connections (parametricLink natIdleTimeoutMs)', () => {
  /** Connect, wait `idleMs`, send a GET, then listen for 30 s: the bytes heard and whether a close came. */
  async function afterIdle(idleMs: number) {
    const heard = { bytes: 0, closed: false };
    const device = deviceRunning(
      async ({ TCPClient, delay, millis }) => {
        const client = new TCPClient();
        await client.connect('files.example', 80);
        await delay(idleMs);
        await client.write('GET /blob HTTP/1.0\r\nHost: files.example\r\n\r\n');
        const start = millis();
        const buf = new Uint8Array(128);
        while (millis() - start < 30_000 && (await client.connected())) {
          const n = await client.read(buf, 128);
          if (n > 0) heard.bytes += n;
          else await delay(10);
        }
        heard.closed = !(await client.connected());
      },
      { server, link: parametricLink({ rttMs: 200, downKbps: 300, upKbps: 150, burstBytes: 1024, natIdleTimeoutMs: 60_000 }) },
    );
    await device.runUntil('DONE', { timeoutMs: 600_000 });
    return heard;
  }

  it('lets a connection idle for less than the timeout through', async () => {
    expect(await afterIdle(30_000)).toMatchObject({ closed: true });
    expect((await afterIdle(30_000)).bytes).toBeGreaterThan(BODY.length);
  });

  it('silences one idle for longer: no answer, no FIN, no RST — the sketch must time out by itself', async () => {
    expect(await afterIdle(90_000)).toEqual({ bytes: 0, closed: false });
  });
});
