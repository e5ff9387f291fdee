import { millisToMicros, type Micros } from '../sim/clock';
import type { Delivery, LinkChannel } from './link';

/** Which connections a fault hits: the nth one the device opens (from 0), and/or a host and port. Default: all. */
export interface FaultTarget {
  connection?: number;
  host?: string;
  port?: number;
}

/**
 * Things that go wrong between a device and its server, at a chosen moment or byte. Byte counts are
 * of the server's response stream (headers included); times are the device's virtual milliseconds.
 */
export type NetworkFault =
  | ({ kind: 'dns-failure' } & FaultTarget)
  | ({ kind: 'connection-refused' } & FaultTarget)
  /** The handshake never completes; connect() gives up after `afterMs` (lwIP's SYN retries). */
  | ({ kind: 'connect-timeout'; afterMs: number } & FaultTarget)
  /** The server closes after sending `afterBytes`: a FIN, or an RST with `reset`. */
  | ({ kind: 'server-close'; afterBytes: number; reset?: boolean } & FaultTarget)
  /** The stream stops after `afterBytes` for `forMs`, then carries on (slow headers: a stall inside them). */
  | ({ kind: 'stall'; afterBytes: number; forMs: number } & FaultTarget)
  /** The modem drops the socket at `atMs`: the connection is reset and unread data is lost. */
  | ({ kind: 'socket-dropped'; atMs: number } & FaultTarget)
  /** The link is down from `fromMs` to `toMs`: nothing arrives in between; what was sent comes after. */
  | ({ kind: 'link-down'; fromMs: number; toMs: number } & FaultTarget);

export type FaultKind = NetworkFault['kind'];

/**
 * Each fault kind and the fields it takes beyond its target: `ms` a virtual time in milliseconds,
 * `bytes` a byte count, `flag` a boolean; required unless marked optional. The options check reads it.
 */
export const FAULT_FIELDS: { readonly [K in FaultKind]: Readonly<Record<string, { type: 'ms' | 'bytes' | 'flag'; optional?: true }>> } = {
  'dns-failure': {},
  'connection-refused': {},
  'connect-timeout': { afterMs: { type: 'ms' } },
  'server-close': { afterBytes: { type: 'bytes' }, reset: { type: 'flag', optional: true } },
  stall: { afterBytes: { type: 'bytes' }, forMs: { type: 'ms' } },
  'socket-dropped': { atMs: { type: 'ms' } },
  'link-down': { fromMs: { type: 'ms' }, toMs: { type: 'ms' } },
};

/** The fields every fault may have to choose its connections. */
export const FAULT_TARGET_FIELDS = ['connection', 'host', 'port'] as const;

export const faultHits = (fault: NetworkFault, connection: number, host: string, port: number): boolean =>
  (fault.connection === undefined || fault.connection === connection) && (fault.host === undefined || fault.host === host) && (fault.port === undefined || fault.port === port);

/** The first fault of `kind` that hits this connection. */
export function faultFor<K extends FaultKind>(faults: readonly NetworkFault[], kind: K, connection: number, host: string, port: number): Extract<NetworkFault, { kind: K }> | undefined {
  return faults.find((f): f is Extract<NetworkFault, { kind: K }> => f.kind === kind && faultHits(f, connection, host, port));
}

/**
 * A channel whose timings suffer the stream faults: a stall after byte k delays everything from
 * k on; a down link holds whatever would have arrived (or been sent) until it is up again.
 */
export function withStreamFaults(channel: LinkChannel, stall: { afterBytes: number; forMs: number } | undefined, down: { fromMs: number; toMs: number } | undefined): LinkChannel {
  if (!stall && !down) return channel;
  const from = down ? millisToMicros(down.fromMs) : 0;
  const to = down ? millisToMicros(down.toMs) : 0;
  const hold = (at: Micros): Micros => (down && at >= from && at < to ? to : at);
  const pause = stall ? millisToMicros(stall.forMs) : 0;
  let sent = 0;
  return {
    dnsMicros: () => channel.dnsMicros(),
    // A handshake that starts while the link is down completes only after it is back.
    connectMicros: (startedAt) => hold(startedAt + channel.connectMicros(startedAt)) - startedAt,
    uplinkArrival: (sentAt, length) => hold(channel.uplinkArrival(sentAt, length)),
    downlink(readyAt, offset, length) {
      const out: Delivery[] = [];
      let at = offset;
      sent = Math.max(sent, offset + length);
      for (const d of channel.downlink(readyAt, offset, length)) {
        // Split the piece that holds the stall point; everything after it comes `forMs` later.
        const cut = stall && at < stall.afterBytes && at + d.length > stall.afterBytes ? stall.afterBytes - at : 0;
        if (cut > 0) out.push({ atMicros: hold(d.atMicros), length: cut });
        const late = stall && at + cut >= stall.afterBytes ? pause : 0;
        out.push({ atMicros: hold(d.atMicros + late), length: d.length - cut });
        at += d.length;
      }
      return out;
    },
    // The FIN waits out the stall only if the stream got that far.
    finArrival: (sentAt) => hold(channel.finArrival(sentAt) + (stall && sent > stall.afterBytes ? pause : 0)),
  };
}
