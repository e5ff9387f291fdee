/**
 * Bytes on the air (src/net/data-usage.ts): each packet of a download counted by hand from the
 * sourced sizes — 20-byte IPv4 and TCP headers, the 4-byte MSS option on SYN and SYN-ACK, 1460-byte
 * segments, an ACK for every second segment, DNS as RFC 1035 lays it out — and compared with
 * `device.dataUsage`.
 */
import { http } from 'msw';
import { parametricLink, PACKET_BYTES, recordedLink, type DataUsage, type SketchApi, type VirtualBoronOptions } from '../../../src/index';
import { SeededRandom } from '../../../src/sim/random';
import { deviceRunning, serve } from '../../helpers';

const HOST = 'files.example';
const BODY = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) & 0xff);
const REQUEST = `GET /blob HTTP/1.0\r\nHost: ${HOST}\r\n\r\n`;
const HEADERS = 40;
const SYN = 44;
/** 20 IPv4 + 8 UDP + 12 DNS header + "files.example" as labels (13 + 2) + QTYPE and QCLASS. */
const DNS_QUERY = 20 + 8 + 12 + (HOST.length + 2) + 4;
const DNS_ANSWER = DNS_QUERY + 16;

/** Fetch /blob, read to the server's close, stop: the response's length on the wire (status line and headers too). */
async function download(options: Omit<VirtualBoronOptions, 'app'>): Promise<{ usage: DataUsage; response: number }> {
  let response = 0;
  const device = deviceRunning(
    async ({ TCPClient, delay }: SketchApi) => {
      const client = new TCPClient();
      if (!(await client.connect(HOST, 80))) return;
      await client.write(REQUEST);
      const buf = new Uint8Array(128);
      while (await client.connected()) {
        const n = await client.read(buf, 128);
        if (n > 0) response += n;
        else await delay(5);
      }
      await client.stop();
    },
    { server: [serve(`http://${HOST}/blob`, BODY)], ...options },
  );
  await device.runUntil('DONE', { timeoutMs: 120_000 });
  return { usage: device.dataUsage, response };
}

describe('bytes on the air', () => {
  it('counts every packet of a download: DNS, handshake, request, response segments, ACKs and teardown', async () => {
    const { usage, response } = await download({ link: recordedLink({ dnsMs: 10, connectMs: 20, uplinkMs: 5, downlink: [] }) });
    const segments = Math.ceil(response / 1460);
    expect(segments).toBe(4);
    const up = DNS_QUERY + SYN + HEADERS /* handshake's ACK */ + (HEADERS + REQUEST.length) + 2 * HEADERS /* ACKs of 4 segments */ + HEADERS /* ACK of the FIN */ + HEADERS /* the device's FIN */;
    const down = DNS_ANSWER + SYN + HEADERS /* the server's ACK of the request */ + segments * HEADERS + response + HEADERS /* FIN */ + HEADERS /* ACK of the device's FIN */;
    expect(usage).toEqual({
      uplinkBytes: up,
      downlinkBytes: down,
      totalBytes: up + down,
      payloadBytes: REQUEST.length + response,
      headerBytes: SYN * 2 + HEADERS * (1 + 1 + 1 + 2 + 4 + 4),
      retransmittedBytes: 0,
      dnsBytes: DNS_QUERY + DNS_ANSWER,
      packets: 2 + 3 + 2 + 4 + 2 + 4,
      connections: 1,
    });
    expect(usage.totalBytes).toBe(usage.payloadBytes + usage.headerBytes + usage.retransmittedBytes + usage.dnsBytes);
  });

  it('adds what the link lost and sent again: the DNS query, the SYN, the request and each lost segment', async () => {
    // Every draw is a loss: each packet that can be lost is lost once.
    const allLost = parametricLink({ rttMs: 100, downKbps: 800, upKbps: 800, burstBytes: 1000, lossPercent: 100, retransmitMs: 100 });
    const lossless = parametricLink({ rttMs: 100, downKbps: 800, upKbps: 800, burstBytes: 1000 });
    const [lost, clean] = [await download({ link: allLost }), await download({ link: lossless })];
    expect(lost.response).toBe(clean.response);
    const bursts = Math.ceil(lost.response / 1000);
    expect(lost.usage.retransmittedBytes).toBe(SYN + (HEADERS + REQUEST.length) + bursts * HEADERS + lost.response);
    expect(lost.usage.dnsBytes).toBe(clean.usage.dnsBytes + DNS_QUERY);
    expect(lost.usage.totalBytes - clean.usage.totalBytes).toBe(lost.usage.retransmittedBytes + DNS_QUERY);
    expect({ ...lost.usage, retransmittedBytes: 0, dnsBytes: 0, totalBytes: 0, uplinkBytes: 0, downlinkBytes: 0, packets: 0 }).toEqual({ ...clean.usage, retransmittedBytes: 0, dnsBytes: 0, totalBytes: 0, uplinkBytes: 0, downlinkBytes: 0, packets: 0 });
  });

  it('tells the listener of each loss a parametric link draws, with the segment it re-sends', () => {
    const seen: string[] = [];
    const channel = parametricLink({ rttMs: 100, downKbps: 800, upKbps: 800, burstBytes: 1000, lossPercent: 100 }).open(new SeededRandom(1), (what, bytes) => void seen.push(`${what} ${bytes}`));
    channel.dnsMicros();
    channel.connectMicros(0);
    channel.uplinkArrival(0, 37);
    channel.downlink(0, 0, 2500);
    expect(seen).toEqual(['dns 0', 'syn 0', 'up 37', 'down 1000', 'down 1000', 'down 500']);
  });

  it('counts only the lookup when a name does not resolve, and SYN and RST when the server refuses', async () => {
    const unresolved = await download({ dns: { unresolvable: [HOST] } });
    expect(unresolved.usage).toMatchObject({ totalBytes: DNS_QUERY * 2, dnsBytes: DNS_QUERY * 2, packets: 2, connections: 0 });
    const refused = await download({ faults: [{ kind: 'connection-refused' }] });
    expect(refused.usage).toMatchObject({ uplinkBytes: DNS_QUERY + SYN, downlinkBytes: DNS_ANSWER + HEADERS, payloadBytes: 0, connections: 1 });
  });

  it('sends nothing more after an RST from the server, nor when the device resets mid-download', async () => {
    const reset = await download({ faults: [{ kind: 'server-close', afterBytes: 3000, reset: true }] });
    // Handshake, request and its ACK, 3000 bytes in 3 segments and 2 ACKs, the RST: no FIN either way.
    expect(reset.usage.headerBytes).toBe(SYN * 2 + HEADERS * (1 + 1 + 1 + 3 + 2 + 1));
    expect(reset.usage.payloadBytes).toBe(REQUEST.length + 3000);

    const device = deviceRunning(
      async ({ TCPClient, System }: SketchApi) => {
        await new TCPClient().connect(HOST, 80);
        await System.reset();
      },
      { server: [http.get(`http://${HOST}/blob`, () => new Response(BODY))] },
    );
    await device.runUntil(() => device.resetReason !== 0);
    // The handshake only: a reset sends no FIN.
    expect(device.dataUsage.headerBytes).toBe(SYN * 2 + HEADERS);
  });

  it('takes its sizes from the sources it names', () => {
    expect(PACKET_BYTES).toEqual({ ipv4: 20, tcp: 20, mssOption: 4, mss: 1460, udp: 8, dnsHeader: 12, dnsQuestionTail: 4, dnsAnswerA: 16 });
  });
});
