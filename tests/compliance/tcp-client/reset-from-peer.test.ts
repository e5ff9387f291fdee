/**
 * TCP after an RST from the peer (device-os-app-model.md §6): Particle's lwIP still hands over what is
 * queued in the receive mailbox — at most 10 pbufs (`DEFAULT_TCP_RECVMBOX_SIZE`) within the 5840-byte
 * window (`TCP_WND`) — before `recv` fails with 104, ECONNRESET (lwIP at the commit v1.4.4 pins:
 * `api_lib.c:598-640`, `api_msg.c:432-469`, `lwipopts.h:777,1255`). TCPClient then logs the error and
 * closes the socket (`wiring/src/spark_wiring_tcpclient_posix.cpp:159-188`).
 */
import { http } from 'msw';
import { recordedLink, wireResponse, type DeviceOsVersion } from '../../../src/index';
import { deviceRunning, logMessages } from '../../helpers';

const BODY = Uint8Array.from({ length: 20_000 }, (_, i) => (i * 13) & 0xff);
const server = [http.get('http://files.example/blob', () => wireResponse(BODY, { headers: [['Connection', 'close']] }))];
/** Everything the server sends arrives in one piece, 50 ms after the request. */
const oneBurst = recordedLink({ dnsMs: 20, connectMs: 30, uplinkMs: 10, downlink: [{ atMs: 50, bytes: 1_000_000 }] });

/** Request the blob, wait until the data and the RST are in, then read until connected() says no. */
function readAfterReset(afterBytes: number, deviceOs: DeviceOsVersion = '1.4.4') {
  const seen = { bytes: 0, reads: 0 };
  const device = deviceRunning(
    async ({ TCPClient, delay }) => {
      const client = new TCPClient();
      await client.connect('files.example', 80);
      await client.write('GET /blob HTTP/1.0\r\nHost: files.example\r\n\r\n');
      await delay(1000);
      const buf = new Uint8Array(128);
      while (await client.connected()) {
        const n = await client.read(buf, 128);
        if (n > 0) seen.bytes += n;
        seen.reads++;
      }
    },
    { server, link: oneBurst, faults: [{ kind: 'server-close', afterBytes, reset: true }], deviceOs },
  );
  return { device, seen };
}

describe('recv after an RST', () => {
  it.each(['1.4.4', '6.2.0'] as DeviceOsVersion[])('%s: hands over the 3,000 bytes that arrived before the RST, then fails with 104', async (deviceOs) => {
    const { device, seen } = readAfterReset(3000, deviceOs);
    await device.runUntil('DONE');
    expect(device.trace.filter((e) => e.type === 'tcp:close').map((e) => e.by)).toEqual(['remote', 'device']);
    expect(seen.bytes).toBe(3000);
    expect(logMessages(device, 'wiring')).toEqual(['recv error = 104']);
  });

  it('hands over no more than the 5,840-byte receive window: the rest could not have been sent yet', async () => {
    const { device, seen } = readAfterReset(10_000);
    await device.runUntil('DONE');
    expect(seen.bytes).toBe(5840);
    expect(logMessages(device, 'wiring')).toEqual(['recv error = 104']);
  });
});
