import type { Micros } from '../sim/clock';
import { millisToMicros } from '../sim/clock';
import type { SeededRandom } from '../sim/random';
import { describeValue, OptionCheck } from '../sim/option-check';
import type { LinkLoss } from './data-usage';

/** Bytes becoming readable on the device's socket at a moment. */
export interface Delivery {
  atMicros: Micros;
  length: number;
}

/** One TCP connection's path through the link: how long things take, and when bytes arrive. */
export interface LinkChannel {
  dnsMicros(): Micros;
  /** The handshake's duration, starting at `startedAt`. */
  connectMicros(startedAt: Micros): Micros;
  /** When bytes the device sends at `sentAt` reach the server. */
  uplinkArrival(sentAt: Micros, length: number): Micros;
  /** When the server's bytes [offset, offset + length), ready at `readyAt`, reach the device. */
  downlink(readyAt: Micros, offset: number, length: number): Delivery[];
  /** When the server's FIN, sent at `sentAt`, reaches the device (after every byte before it). */
  finArrival(sentAt: Micros): Micros;
}

/** Told of each packet a link loses (a DNS query, a SYN, or a segment with `bytes` of payload), so what is sent again can be counted. */
export type LossListener = (what: LinkLoss, bytes: number) => void;

/** A link between the device and its servers; each connection gets its own channel. */
export interface LinkModel {
  readonly name: string;
  open(random: SeededRandom, onLoss?: LossListener): LinkChannel;
}

/** A recorded arrival schedule: the response stream arrived in these pieces at these times. */
export interface RecordedSchedule {
  dnsMs: number;
  /** TCP handshake. */
  connectMs: number;
  /** Device to server, one way. */
  uplinkMs: number;
  /** Response pieces, `atMs` after the request reached the server. Bytes past the last piece arrive with it. */
  downlink: { atMs: number; bytes: number }[];
}

/** Replays a recorded schedule exactly: the same pieces at the same offsets from the request. */
export function recordedLink(schedule: RecordedSchedule, name = 'recorded'): LinkModel {
  const check: OptionCheck = new OptionCheck('make the recorded link');
  const s = check.object(schedule, 'its schedule', ['dnsMs', 'connectMs', 'uplinkMs', 'downlink']);
  for (const key of ['dnsMs', 'connectMs', 'uplinkMs']) check.number(s[key], key, 'a finite number of virtual milliseconds, 0 or more');
  if (!Array.isArray(s.downlink)) check.fail('downlink is {actual}', 'Pass an array of { atMs, bytes } pieces.', { actual: describeValue(s.downlink) });
  s.downlink.forEach((piece: unknown, i) => {
    const p = check.object(piece, `downlink[${i}]`, ['atMs', 'bytes']);
    check.number(p.atMs, `downlink[${i}].atMs`, 'a finite number of virtual milliseconds, 0 or more');
    check.number(p.bytes, `downlink[${i}].bytes`, 'a whole number of bytes, 0 or more', { integer: true });
  });
  return {
    name,
    open() {
      let responseStart: Micros | undefined;
      let lastArrival = 0;
      return {
        dnsMicros: () => millisToMicros(schedule.dnsMs),
        connectMicros: () => millisToMicros(schedule.connectMs),
        uplinkArrival: (sentAt) => sentAt + millisToMicros(schedule.uplinkMs),
        downlink(readyAt, offset, length) {
          responseStart ??= readyAt;
          const out: Delivery[] = [];
          let pieceStart = 0;
          for (const [i, piece] of schedule.downlink.entries()) {
            const last = i === schedule.downlink.length - 1;
            const pieceEnd = last ? Number.POSITIVE_INFINITY : pieceStart + piece.bytes;
            const from = Math.max(offset, pieceStart);
            const to = Math.min(offset + length, pieceEnd);
            if (to > from) {
              const at = Math.max(readyAt, responseStart + millisToMicros(piece.atMs), lastArrival);
              out.push({ atMicros: at, length: to - from });
              lastArrival = at;
            }
            pieceStart = pieceEnd;
          }
          if (schedule.downlink.length === 0 && length > 0) out.push({ atMicros: Math.max(readyAt, lastArrival), length });
          return out;
        },
        finArrival: (sentAt) => Math.max(sentAt, lastArrival),
      };
    },
  };
}

/** A parametric link, as the modem and the network deliver: bursts at a bandwidth after a latency. */
export interface ParametricLinkOptions {
  name?: string;
  /** Round-trip time. */
  rttMs: number;
  downKbps: number;
  upKbps: number;
  /** The modem hands the stack data in bursts of this many bytes. */
  burstBytes: number;
  /** Each burst arrives up to this much later than the bandwidth alone says (seeded, never reordering). */
  jitterMs?: number;
  /** Share of bursts lost once and retransmitted (seeded); each loss costs a retransmission timeout. */
  lossPercent?: number;
  /** The retransmission timeout a loss costs: lwIP's initial RTO is 3 s, then it adapts; default 2 × RTT, at least 1 s. */
  retransmitMs?: number;
  /**
   * The carrier's NAT forgets a connection idle this long: after that nothing gets through either
   * way and no FIN or RST comes — the connection just goes silent, as cellular ones do.
   */
  natIdleTimeoutMs?: number;
}

/** When a silenced connection's packets "arrive": never, as far as any run is concerned. */
const NEVER_MICROS = Number.MAX_SAFE_INTEGER;

export function parametricLink(options: ParametricLinkOptions): LinkModel {
  const check: OptionCheck = new OptionCheck('make the parametric link');
  const o = check.object(options, '', ['name', 'rttMs', 'downKbps', 'upKbps', 'burstBytes', 'jitterMs', 'lossPercent', 'retransmitMs', 'natIdleTimeoutMs']);
  check.number(o.rttMs, 'rttMs', 'a finite number of milliseconds, 0 or more');
  for (const key of ['downKbps', 'upKbps']) check.number(o[key], key, 'a rate in kbit/s, more than 0', { above: true });
  check.number(o.burstBytes, 'burstBytes', 'a whole number of bytes, more than 0', { integer: true, above: true });
  for (const key of ['jitterMs', 'retransmitMs', 'natIdleTimeoutMs']) if (o[key] !== undefined) check.number(o[key], key, 'a finite number of milliseconds, 0 or more');
  if (o.lossPercent !== undefined) check.number(o.lossPercent, 'lossPercent', 'a percentage from 0 to 100', { max: 100 });
  if (o.name !== undefined) check.string(o.name, 'name', 'a name');
  const oneWay = millisToMicros(options.rttMs / 2);
  const microsPerByte = (kbps: number): number => 8_000 / kbps;
  const retransmit = millisToMicros(options.retransmitMs ?? Math.max(1000, 2 * options.rttMs));
  return {
    name: options.name ?? 'parametric',
    open(random, onLoss) {
      const jitter = (): Micros => (options.jitterMs ? Math.round(random.nextFloat() * millisToMicros(options.jitterMs)) : 0);
      const loss = (what: LinkLoss, bytes = 0): Micros => {
        if (!options.lossPercent || random.nextFloat() * 100 >= options.lossPercent) return 0;
        onLoss?.(what, bytes);
        return retransmit;
      };
      let upFree = 0;
      let downFree = 0;
      let lastDelivered = 0;
      const idleLimit = options.natIdleTimeoutMs === undefined ? undefined : millisToMicros(options.natIdleTimeoutMs);
      let lastPacket: Micros | undefined;
      let silenced = false;
      /** Whether the NAT still maps this connection at `at`; any packet refreshes it. */
      const mapped = (at: Micros): boolean => {
        if (idleLimit !== undefined && lastPacket !== undefined && at - lastPacket > idleLimit) silenced = true;
        if (!silenced) lastPacket = Math.max(lastPacket ?? 0, at);
        return !silenced;
      };
      return {
        dnsMicros: () => millisToMicros(options.rttMs) + jitter() + loss('dns'),
        connectMicros(startedAt) {
          const micros = millisToMicros(options.rttMs) + jitter() + loss('syn');
          lastPacket = startedAt + micros;
          return micros;
        },
        uplinkArrival(sentAt, length) {
          if (!mapped(sentAt)) return NEVER_MICROS;
          upFree = Math.max(upFree, sentAt) + Math.round(length * microsPerByte(options.upKbps)) + loss('up', length);
          return upFree + oneWay;
        },
        downlink(readyAt, _offset, length) {
          const out: Delivery[] = [];
          if (!mapped(readyAt)) return out;
          downFree = Math.max(downFree, readyAt + oneWay);
          for (let left = length; left > 0; ) {
            const n = Math.min(left, options.burstBytes);
            // Losses cost the link time; jitter only delays a burst, never the ones after it.
            downFree += Math.round(n * microsPerByte(options.downKbps)) + loss('down', n);
            lastDelivered = Math.max(lastDelivered, downFree + jitter());
            out.push({ atMicros: lastDelivered, length: n });
            left -= n;
          }
          lastPacket = Math.max(lastPacket ?? 0, lastDelivered);
          return out;
        },
        finArrival: (sentAt) => (mapped(sentAt) ? Math.max(sentAt + oneWay, lastDelivered) : NEVER_MICROS),
      };
    },
  };
}

/** A link with no delay at all: everything arrives the moment it is sent. */
export const idealLink: LinkModel = recordedLink({ dnsMs: 0, connectMs: 0, uplinkMs: 0, downlink: [] }, 'ideal');
