/**
 * Bytes on the air: what a device's connections cost on a cellular plan. A carrier counts IP
 * packets, so this counts IPv4 packets — TCP segments with their headers, the handshake, pure ACKs,
 * FIN and RST, segments sent again after the link lost them, DNS over UDP — and not the PPP framing
 * between the nRF52840 and the modem, which never leaves the board.
 *
 * Device OS's lwIP settings are from `hal/src/nRF52840/lwip/lwipopts.h`: TCP_MSS 1460,
 * LWIP_TCP_TIMESTAMPS 0, LWIP_WND_SCALE 0, LWIP_TCP_SACK_OUT 0 (so segments carry no TCP options).
 */
export const PACKET_BYTES = {
  /** An IPv4 header without options (RFC 791 §3.1: IHL 5); lwIP sets none. */
  ipv4: 20,
  /** A TCP header without options (RFC 9293 §3.1: Data Offset 5): no timestamps, window scale or SACK in lwipopts.h. */
  tcp: 20,
  /**
   * The MSS option, the only one in the device's SYN (RFC 9293 §3.2: kind 2, length 4). A server
   * answers such a SYN with MSS alone: window scale and timestamps may only be sent back when the
   * SYN offered them (RFC 7323 §2.2, §3.2), and SACK-permitted likewise in practice (RFC 2018 §2).
   */
  mssOption: 4,
  /**
   * The most payload in one segment: TCP_MSS 1460, a 1500-byte MTU less 40 bytes of headers, which
   * the device advertises and a server on Ethernet advertises too. A carrier with a smaller MTU
   * (some LTE networks use ~1430) would make more, smaller segments: a few more header bytes.
   */
  mss: 1460,
  /** A UDP header (RFC 768). */
  udp: 8,
  /** A DNS message header (RFC 1035 §4.1.1). */
  dnsHeader: 12,
  /** QTYPE and QCLASS after a question's name (RFC 1035 §4.1.2). */
  dnsQuestionTail: 4,
  /**
   * One A record in an answer: a 2-byte pointer to the question's name (RFC 1035 §4.1.4), TYPE,
   * CLASS, TTL and RDLENGTH (10 bytes, §4.1.3) and a 4-byte address (§3.4.1). lwIP's query carries
   * no EDNS0 OPT record (`src/core/dns.c`), so the answer has none either (RFC 6891 §6.1.1).
   */
  dnsAnswerA: 16,
} as const;

/** An IPv4 + TCP header without options. */
const SEGMENT_HEADER = PACKET_BYTES.ipv4 + PACKET_BYTES.tcp;
/** SYN and SYN-ACK carry the MSS option. */
const SYN = SEGMENT_HEADER + PACKET_BYTES.mssOption;

/** A DNS query for `host` over UDP/IPv4: header, the name as labels (a length byte each, and the root's 0), QTYPE, QCLASS. */
export const dnsQueryBytes = (host: string): number => PACKET_BYTES.ipv4 + PACKET_BYTES.udp + PACKET_BYTES.dnsHeader + (host.length + 2) + PACKET_BYTES.dnsQuestionTail;

/** A device's bytes on the air so far. `totalBytes` = `uplinkBytes` + `downlinkBytes` = payload + headers + retransmitted + dns. */
export interface DataUsage {
  /** IP bytes the device sent. */
  uplinkBytes: number;
  /** IP bytes the device received. */
  downlinkBytes: number;
  /** Both ways: what a cellular plan counts. */
  totalBytes: number;
  /** The applications' own bytes (HTTP requests and responses), each counted once. */
  payloadBytes: number;
  /** IPv4 and TCP headers: of every data segment, of the handshake, of pure ACKs, FIN and RST. */
  headerBytes: number;
  /** Segments sent again after the link lost them, headers included. */
  retransmittedBytes: number;
  /** DNS queries (and a query sent again after a loss) and their answers, UDP/IPv4 headers included. */
  dnsBytes: number;
  /** IP packets, both ways. */
  packets: number;
  /** TCP connections the device opened (SYNs sent, answered or not). */
  connections: number;
}

type Way = 'up' | 'down';
type Part = 'payload' | 'header' | 'retransmitted' | 'dns';

/** What the link loses: a DNS query, a SYN, or one segment carrying `bytes` of payload. */
export type LinkLoss = 'dns' | 'syn' | Way;

/**
 * The meter of one device's network: every packet its connections put on the air, counted when it is
 * sent. Pure ACKs follow lwIP's delayed ACK (`tcp_ack` in `src/include/lwip/priv/tcp_priv.h`: every
 * second segment at once, an odd one after the 250 ms fast timer; RFC 9293 §3.8.6.3), and the server is
 * taken to ACK the device's segments the same way.
 */
export class DataMeter {
  private readonly usage: DataUsage = { uplinkBytes: 0, downlinkBytes: 0, totalBytes: 0, payloadBytes: 0, headerBytes: 0, retransmittedBytes: 0, dnsBytes: 0, packets: 0, connections: 0 };

  get snapshot(): DataUsage {
    return { ...this.usage };
  }

  /** One packet of `bytes`, `payload` of them the application's, the rest `part`. */
  packet(way: Way, bytes: number, part: Part, payload = 0): void {
    const u = this.usage;
    if (way === 'up') u.uplinkBytes += bytes;
    else u.downlinkBytes += bytes;
    u.totalBytes += bytes;
    u.packets++;
    u.payloadBytes += payload;
    const rest = bytes - payload;
    if (part === 'header' || part === 'payload') u.headerBytes += rest;
    else if (part === 'retransmitted') u.retransmittedBytes += rest;
    else u.dnsBytes += rest;
  }

  /** A meter for the device's next connection to `host`; it counts nothing until told what was sent. */
  connection(host: string): ConnectionMeter {
    return new ConnectionMeter(this, host);
  }

  /** A new connection's SYN. */
  opened(): void {
    this.usage.connections++;
    this.packet('up', SYN, 'header');
  }
}

/** One TCP connection's packets, from the lookup before it to its teardown. */
export class ConnectionMeter {
  private segmentsUp = 0;
  private segmentsDown = 0;
  private serverClosed = false;
  private finished = false;

  constructor(
    private readonly meter: DataMeter,
    private readonly host: string,
  ) {}

  /** The lookup of the host: the query, and an answer with one address (or none, when the name does not resolve). */
  lookup(answered: boolean): void {
    const query = dnsQueryBytes(this.host);
    this.meter.packet('up', query, 'dns');
    this.meter.packet('down', query + (answered ? PACKET_BYTES.dnsAnswerA : 0), 'dns');
  }

  /** The SYN. */
  syn(): void {
    this.meter.opened();
  }

  /** What the link lost is sent again: the DNS query, the SYN, or one segment with up to `bytes` of payload. */
  readonly lost = (what: LinkLoss, bytes: number): void => {
    if (what === 'dns') return this.meter.packet('up', dnsQueryBytes(this.host), 'dns');
    if (what === 'syn') return this.meter.packet('up', SYN, 'retransmitted');
    this.meter.packet(what, SEGMENT_HEADER + Math.min(bytes, PACKET_BYTES.mss), 'retransmitted');
  };

  /** The server answered the SYN: its SYN-ACK, and the device's ACK that completes the handshake. */
  established(): void {
    this.meter.packet('down', SYN, 'header');
    this.meter.packet('up', SEGMENT_HEADER, 'header');
  }

  /** The server refused the connection: an RST answers the SYN. */
  refused(): void {
    this.meter.packet('down', SEGMENT_HEADER, 'header');
    this.finished = true;
  }

  /** Application bytes one way, in full segments and a last short one; the other side ACKs every second one. */
  data(way: Way, bytes: number): void {
    if (this.finished) return;
    for (let left = bytes; left > 0; left -= PACKET_BYTES.mss) {
      const payload = Math.min(left, PACKET_BYTES.mss);
      this.meter.packet(way, SEGMENT_HEADER + payload, 'payload', payload);
      const count = way === 'up' ? this.segmentsUp++ : this.segmentsDown++;
      if (count % 2 === 0) this.meter.packet(way === 'up' ? 'down' : 'up', SEGMENT_HEADER, 'header');
    }
  }

  /** The server's FIN (the device ACKs it) or RST (nothing more passes on this connection). */
  serverClose(kind: 'fin' | 'rst'): void {
    if (this.finished || this.serverClosed) return;
    this.serverClosed = true;
    this.meter.packet('down', SEGMENT_HEADER, 'header');
    if (kind === 'fin') this.meter.packet('up', SEGMENT_HEADER, 'header');
    else this.finished = true;
  }

  /** The device closes: its FIN and the server's ACK, and, if the server had not closed yet, the server's FIN and the device's ACK. */
  deviceClose(): void {
    if (this.finished) return;
    this.finished = true;
    const packets = this.serverClosed ? 2 : 4;
    for (let i = 0; i < packets; i++) this.meter.packet(i % 2 === 0 ? 'up' : 'down', SEGMENT_HEADER, 'header');
  }

  /** The connection is gone without a word: the device reset, or the modem dropped the socket. */
  vanish(): void {
    this.finished = true;
  }
}
