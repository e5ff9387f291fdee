import { copyBytes } from '../sim/bytes';
import { millisToMicros, type Alarm } from '../sim/clock';
import type { LinkChannel } from './link';
import type { NetContext, ServerConnection, ServerPeer } from './context';
import type { ConnectionMeter } from './data-usage';

/**
 * What lwIP still holds for the application when an RST arrives (reference note §6; lwIP at the commit
 * v1.4.4 pins: `api_lib.c:598-640`, `api_msg.c:432-469`, `lwipopts.h:777,1255`): the receive mailbox,
 * at most 10 pbufs (`DEFAULT_TCP_RECVMBOX_SIZE`), within the 5840-byte receive window (`TCP_WND`,
 * 4 × the 1460-byte MSS). recv hands those over first, and only then fails with ECONNRESET.
 */
export const RECV_MAILBOX = { pbufs: 10, windowBytes: 5840, mss: 1460 } as const;

interface InFlight {
  atMicros: number;
  bytes?: Uint8Array;
  /** 'fin' or 'rst' arrives after every byte sent before it. */
  close?: 'fin' | 'rst';
}

/**
 * The device's end of one TCP connection as lwIP holds it: bytes that have arrived wait in a
 * receive queue until the application reads them; a FIN is reported only after every byte.
 */
export class VirtualSocket {
  /** The server's handle on this connection: what it sends goes through the link to the device. */
  readonly peer: ServerPeer = {
    send: (bytes) => this.fromServer(bytes),
    end: () => this.closeFromServer('fin'),
    reset: () => this.closeFromServer('rst'),
  };
  private readonly queue: Uint8Array[] = [];
  /** Bytes of the queue's first piece already read. */
  private headRead = 0;
  private queued = 0;
  /** Pieces on their way to the device, in arrival order (the link never reorders). */
  private readonly inFlight: InFlight[] = [];
  private inFlightHead = 0;
  private readonly arrival: Alarm;
  /** Device → server pieces on their way, in order, and the one alarm that delivers them. */
  private readonly outbound: { atMicros: number; bytes: Uint8Array }[] = [];
  private readonly departure: Alarm;
  private server?: ServerConnection;
  private serverOffset = 0;
  /** The remote's FIN has arrived (after all its data). */
  finReceived = false;
  /** The remote reset the connection: what the receive mailbox held stays readable, nothing more comes. */
  resetReceived = false;
  /** The device closed this socket. */
  closed = false;
  /** A `server-close` fault has ended the server's stream. */
  private serverCut = false;

  /** The server stops after this many bytes of its stream (a `server-close` fault). */
  private readonly closeAfter?: { afterBytes: number; reset?: boolean };
  private readonly drop: Alarm;

  constructor(
    private readonly ctx: NetContext,
    private readonly channel: LinkChannel,
    /** The device's connection number, from 0. */
    readonly connection: number,
    readonly host: string,
    readonly port: number,
    closeAfter?: { afterBytes: number; reset?: boolean },
    dropped?: { atMs: number },
    /** Counts the packets this connection puts on the air. */
    private readonly usage?: ConnectionMeter,
  ) {
    this.arrival = ctx.clock.createAlarm(`tcp ${host}:${port} arrival`, () => this.arrive());
    this.departure = ctx.clock.createAlarm(`tcp ${host}:${port} uplink`, () => this.depart());
    this.drop = ctx.clock.createAlarm(`tcp ${host}:${port} modem drop`, () => this.dropped());
    this.closeAfter = closeAfter;
    // A drop planned for before this connection existed does not touch it.
    if (dropped && millisToMicros(dropped.atMs) > ctx.clock.nowMicros) this.drop.scheduleAt(millisToMicros(dropped.atMs));
  }

  attach(server: ServerConnection): void {
    this.server = server;
  }

  /** Bytes waiting in the receive queue. */
  get queuedBytes(): number {
    return this.queued;
  }

  /** Move up to `max` bytes from the receive queue into `target` at `at` (lwIP `recv`); returns how many. */
  recvInto(target: Uint8Array, at: number, max: number): number {
    const n = Math.min(max, this.queued);
    for (let copied = 0; copied < n; ) {
      const head = this.queue[0];
      const from = this.headRead;
      const take = Math.min(head.length - from, n - copied);
      copyBytes(head, from, take, target, at + copied);
      copied += take;
      if (from + take === head.length) {
        this.queue.shift();
        this.headRead = 0;
      } else this.headRead = from + take;
    }
    this.queued -= n;
    return n;
  }

  /** Device → server: the bytes reach the server when the link says. */
  send(bytes: Uint8Array): void {
    if (this.resetReceived) return;
    const copy = bytes.slice();
    this.usage?.data('up', copy.length);
    this.outbound.push({ atMicros: this.channel.uplinkArrival(this.ctx.clock.nowMicros, copy.length), bytes: copy });
    if (!this.departure.armed) this.departure.scheduleAt(this.outbound[0].atMicros);
    this.ctx.events.emitBytes('tcp:send', this.connection, copy.length);
  }

  private depart(): void {
    const now = this.ctx.clock.nowMicros;
    while (this.outbound.length > 0 && this.outbound[0].atMicros <= now) this.server?.receive(this.outbound.shift()!.bytes);
    if (this.outbound.length > 0) this.departure.scheduleAt(this.outbound[0].atMicros);
  }

  /** The device closes its side; anything still on its way is dropped. `silently`: the device reset, and sends nothing. */
  close(silently = false): void {
    if (this.closed) return;
    this.closed = true;
    if (silently) this.usage?.vanish();
    else this.usage?.deviceClose();
    this.arrival.cancel();
    this.departure.cancel();
    this.drop.cancel();
    this.outbound.length = 0;
    this.inFlight.length = 0;
    this.inFlightHead = 0;
    this.server?.close();
    this.ctx.events.emit('tcp:close', { connection: this.connection, by: 'device' });
  }

  private fromServer(sent: Uint8Array | readonly Uint8Array[]): void {
    const pieces = sent instanceof Uint8Array ? [sent] : sent;
    let total = 0;
    for (const piece of pieces) total += piece.length;
    if (this.closed || this.serverCut || total === 0) return;
    this.ctx.served?.(lastBytes(pieces, total, SERVED_TAIL));
    const limit = this.closeAfter ? this.closeAfter.afterBytes - this.serverOffset : total;
    const length = Math.min(total, Math.max(0, limit));
    this.usage?.data('down', length);
    const stream = new PieceReader(pieces);
    for (const d of this.channel.downlink(this.ctx.clock.nowMicros, this.serverOffset, length)) {
      this.inFlight.push({ atMicros: d.atMicros, bytes: stream.take(d.length) });
    }
    this.serverOffset += length;
    if (this.closeAfter && this.serverOffset >= this.closeAfter.afterBytes) {
      this.closeFromServer(this.closeAfter.reset ? 'rst' : 'fin');
      this.serverCut = true;
    }
    this.rearm();
  }

  /** The modem dropped the socket: to the stack this is a reset; what was not read is gone, nothing more passes. */
  private dropped(): void {
    if (this.closed) return;
    this.usage?.vanish();
    this.resetReceived = true;
    this.serverCut = true;
    this.queue.length = 0;
    this.headRead = 0;
    this.queued = 0;
    this.inFlight.length = 0;
    this.inFlightHead = 0;
    this.outbound.length = 0;
    this.arrival.cancel();
    this.departure.cancel();
    this.server?.close();
    this.ctx.events.emit('tcp:close', { connection: this.connection, by: 'remote' });
  }

  private closeFromServer(kind: 'fin' | 'rst'): void {
    if (this.closed || this.serverCut) return;
    this.usage?.serverClose(kind);
    this.inFlight.push({ atMicros: this.channel.finArrival(this.ctx.clock.nowMicros), close: kind });
    this.rearm();
  }

  private rearm(): void {
    if (this.inFlightHead < this.inFlight.length && !this.arrival.armed) this.arrival.scheduleAt(this.inFlight[this.inFlightHead].atMicros);
  }

  /**
   * On an RST, keep what lwIP's mailbox can hold (oldest first): 10 segments of at most one MSS, within
   * the receive window. The emulator has no flow control, so bytes queued beyond the window are bytes a
   * real peer could not yet have sent; they go.
   */
  private keepMailbox(): void {
    let bytes = 0;
    let pbufs = 0;
    const kept: Uint8Array[] = [];
    if (this.headRead > 0) this.queue[0] = this.queue[0].subarray(this.headRead);
    this.headRead = 0;
    for (const piece of this.queue) {
      const room = Math.min(RECV_MAILBOX.windowBytes - bytes, (RECV_MAILBOX.pbufs - pbufs) * RECV_MAILBOX.mss);
      if (room <= 0) break;
      const take = piece.subarray(0, Math.min(piece.length, room));
      kept.push(take);
      bytes += take.length;
      pbufs += Math.ceil(take.length / RECV_MAILBOX.mss);
    }
    this.queue.length = 0;
    this.queue.push(...kept);
    this.queued = bytes;
  }

  private arrive(): void {
    const now = this.ctx.clock.nowMicros;
    let bytes = 0;
    while (this.inFlightHead < this.inFlight.length && this.inFlight[this.inFlightHead].atMicros <= now) {
      const piece = this.inFlight[this.inFlightHead++];
      // Nothing is accepted on a connection after its RST.
      if (piece.bytes && !this.resetReceived) {
        this.queue.push(piece.bytes);
        this.queued += piece.bytes.length;
        bytes += piece.bytes.length;
      }
      if (piece.close === 'rst') {
        this.resetReceived = true;
        this.keepMailbox();
      } else if (piece.close === 'fin') this.finReceived = true;
      if (piece.close) this.ctx.events.emit('tcp:close', { connection: this.connection, by: 'remote' });
    }
    if (this.inFlightHead === this.inFlight.length) {
      this.inFlight.length = 0;
      this.inFlightHead = 0;
    }
    if (bytes > 0) this.ctx.events.emitBytes('tcp:data', this.connection, bytes);
    this.rearm();
  }
}

/** Reads consecutive ranges of pieces sent as one: a view when a range lies in one piece, a copy of the range only when it spans two. */
class PieceReader {
  private index = 0;
  private offset = 0;

  constructor(private readonly pieces: readonly Uint8Array[]) {}

  take(length: number): Uint8Array {
    this.skipEmpty();
    const piece = this.pieces[this.index];
    if (piece !== undefined && piece.length - this.offset >= length) {
      const view = piece.subarray(this.offset, this.offset + length);
      this.offset += length;
      return view;
    }
    const out = new Uint8Array(length);
    for (let at = 0; at < length; ) {
      this.skipEmpty();
      const from = this.pieces[this.index];
      const n = Math.min(length - at, from.length - this.offset);
      out.set(from.subarray(this.offset, this.offset + n), at);
      this.offset += n;
      at += n;
    }
    return out;
  }

  private skipEmpty(): void {
    while (this.index < this.pieces.length && this.offset >= this.pieces[this.index].length) {
      this.index++;
      this.offset = 0;
    }
  }
}

/** How much of a server's write the device's sketch catalog looks at: an image's suffix ends it. */
const SERVED_TAIL = 64;

/** The last `n` bytes of a write made of pieces (a view when the last piece holds them). */
function lastBytes(pieces: readonly Uint8Array[], total: number, n: number): Uint8Array {
  const last = pieces[pieces.length - 1];
  if (last.length >= n) return last.subarray(last.length - n);
  const out = new Uint8Array(Math.min(n, total));
  let end = out.length;
  for (let i = pieces.length - 1; i >= 0 && end > 0; i--) {
    const piece = pieces[i];
    const take = Math.min(end, piece.length);
    out.set(piece.subarray(piece.length - take), end - take);
    end -= take;
  }
  return out;
}
