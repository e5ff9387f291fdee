import { copyBytes } from '../sim/bytes';
import { LogLevel } from '../sim/log-format';
import { andThen, promised, type NowOrLater } from '../sim/now-or-later';
import type { NetContext } from './context';
import type { VirtualNetwork } from './network';
import type { VirtualSocket } from './socket';

/** `TCPCLIENT_BUF_MAX_SIZE` (`wiring/inc/spark_wiring_tcpclient.h:37,77`). */
export const TCPCLIENT_BUF_MAX_SIZE = 128;

/**
 * newlib's ENOTCONN, what lwIP's recv reports after a clean FIN (`err_to_errno(ERR_CLSD)`).
 * Unverified: Particle's lwIP fork was not inspected (reference note §10.4).
 */
const ENOTCONN = 128;
const ECONNRESET = 104;

/** The furthest one empty poll is moved ahead: the resolution of millis(). */
const POLL_WAIT_CAP_MICROS = 1000;

/** Modelled CPU time of each call: a socket call takes the lwIP core lock and crosses into the system part. */
const COST = { connectSetup: 200, write: 40, writePerByte: 0.05, available: 12, read: 4, connected: 4, stop: 120 } as const;

/**
 * `TCPClient` as Gen3 implements it (`wiring/src/spark_wiring_tcpclient_posix.cpp`, byte-identical
 * v1.4.0–v6.2.0; reference note §7): a 128-byte buffer refilled from the socket by `available()`.
 * Calls that take time on the device return Promises.
 */
export class TCPClient {
  private socket?: VirtualSocket;
  private readonly buffer = new Uint8Array(TCPCLIENT_BUF_MAX_SIZE);
  private offset = 0;
  private total = 0;
  private remote = '0.0.0.0';
  /** The activity count when available() last found nothing, while nothing else has happened since. */
  private quietSince?: number;

  constructor(
    private readonly ctx: NetContext,
    private readonly network: VirtualNetwork,
  ) {}

  /**
   * Connect to `host` (a name the virtual DNS resolves, or a dotted address) on `port`, taking the
   * link's DNS and handshake time: 1 on success; on failure 0 (v1.4.0+) or a negative code before
   * (lines 53-73). Stops any connection this client had first.
   */
  async connect(host: string, port: number): Promise<number> {
    this.discard();
    await this.ctx.spend(COST.connectSetup);
    const result = await this.network.connect(host, port);
    if (!result.ok) return this.ctx.connectFailureResult;
    this.socket = result.socket;
    this.remote = result.address;
    return 1;
  }

  /** Send bytes (a Uint8Array, its first `size` bytes, a Latin-1 string, or one byte): the count sent, or 0 on error (lines 121-153). */
  async write(data: Uint8Array | string | number, size?: number): Promise<number> {
    const bytes = typeof data === 'number' ? Uint8Array.of(data & 0xff) : typeof data === 'string' ? Buffer.from(data, 'latin1') : data.subarray(0, size ?? data.length);
    await this.ctx.spend(COST.write + bytes.length * COST.writePerByte);
    const socket = this.socket;
    if (!socket || socket.closed || socket.resetReceived) return 0;
    socket.send(bytes);
    return bytes.length;
  }

  /**
   * Lines 159-188: refill the buffer from the socket (never past 128), then bytes buffered. A sketch
   * that polls an empty socket again without doing anything else in between is moved on to the next
   * network event, at most 1 ms at a time, so its millis()-based timeouts still fire on time.
   */
  available(): Promise<number> {
    return Promise.resolve(this.availableSoon());
  }

  /**
   * `available()` now or later, for the sketch's tracked call, which makes a settled promise only
   * when the result is there now. Written out, not with andThen: a sketch polls thousands of times.
   */
  availableSoon(): NowOrLater<number> {
    try {
      const waited = this.quietSince === this.ctx.activity() ? this.ctx.waitForEvent(COST.available, POLL_WAIT_CAP_MICROS) : this.ctx.spendPolling(COST.available);
      return waited === undefined ? this.availableNow() : this.availableAfter(waited);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The next byte, or -1 when there is none. With a buffer: up to `size` bytes copied, or -1. */
  read(): Promise<number>;
  read(buf: Uint8Array, size: number): Promise<number>;
  read(buf?: Uint8Array, size?: number): Promise<number> {
    return Promise.resolve(this.readSoon(buf, size));
  }

  /** `read()` now or later (see availableSoon). */
  readSoon(buf?: Uint8Array, size?: number): NowOrLater<number> {
    try {
      const waited = this.ctx.spend(COST.read);
      return waited === undefined ? this.readNow(buf, size) : this.readAfter(waited, buf, size);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The next byte without taking it, or -1 when there is none. */
  peek(): Promise<number> {
    return promised(() => andThen(this.ctx.spend(COST.read), () => (this.bufferCount() > 0 || this.fill() > 0 ? this.buffer[this.offset] : -1)));
  }

  /**
   * True while the socket is open or buffered bytes remain (`status() || bufferCount()`); when
   * neither, it tries `available()` and stops the client if that finds nothing: after the server's
   * FIN, true until every byte has been read.
   */
  connected(): Promise<boolean> {
    return Promise.resolve(this.connectedSoon());
  }

  /** `connected()` now or later (see availableSoon). */
  connectedSoon(): NowOrLater<boolean> {
    try {
      const waited = this.ctx.spendPolling(COST.connected);
      return waited === undefined ? this.connectedNow() : this.connectedAfter(waited);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The socket handle is valid; on Gen3 this says nothing about the TCP state. */
  status(): boolean {
    return this.socket !== undefined;
  }

  /** A no-op on Gen3. */
  flush(): void {}

  /** Close the connection and drop whatever was buffered. */
  async stop(): Promise<void> {
    await this.ctx.spend(COST.stop);
    this.discard();
  }

  /** The address connect() reached, as text; "0.0.0.0" when not connected. */
  remoteIP(): string {
    return this.remote;
  }

  // The closures that finish a call later live in functions of their own: one written in the
  // call itself would make V8 allocate the variables it captures on every call, even the many
  // that return at once.
  private availableAfter(waited: Promise<void>): Promise<number> {
    return waited.then(() => this.availableNow());
  }

  private readAfter(waited: Promise<void>, buf: Uint8Array | undefined, size: number | undefined): Promise<number> {
    return waited.then(() => this.readNow(buf, size));
  }

  private connectedAfter(waited: Promise<void>): Promise<boolean> {
    return waited.then(() => this.connectedNow());
  }

  /** The body of `available()`, once its time has passed. */
  private availableNow(): number {
    const n = this.fill();
    this.quietSince = n === 0 && this.socket !== undefined ? this.ctx.activity() : undefined;
    return n;
  }

  /** The body of `connected()`, once its time has passed. */
  private connectedNow(): boolean {
    if (this.status() || this.bufferCount() > 0) return true;
    if (this.fill() > 0) return true;
    this.discard();
    return false;
  }

  /** The body of `read()`, once its time has passed. */
  private readNow(buf: Uint8Array | undefined, size: number | undefined): number {
    if (this.bufferCount() === 0 && this.fill() === 0) return -1;
    if (!buf) return this.buffer[this.offset++];
    const n = Math.min(size ?? buf.length, this.bufferCount(), buf.length);
    copyBytes(this.buffer, this.offset, n, buf, 0);
    this.offset += n;
    return n;
  }

  private bufferCount(): number {
    return this.total - this.offset;
  }

  /** The body of `available()`, without its cost. */
  private fill(): number {
    if (this.offset >= this.total) this.offset = this.total = 0;
    const socket = this.socket;
    if (socket && this.total < TCPCLIENT_BUF_MAX_SIZE) {
      if (socket.queuedBytes > 0) {
        const bytes = socket.recvInto(this.buffer, this.total, TCPCLIENT_BUF_MAX_SIZE - this.total);
        this.total += bytes;
        this.ctx.events.emitBytes('tcp:recv', socket.connection, bytes);
      } else if (socket.finReceived || socket.resetReceived || socket.closed) {
        // recv returned 0 with an error other than EAGAIN: a FIN counts (lwIP returns 0, errno ENOTCONN).
        this.ctx.log('wiring', LogLevel.LOG_LEVEL_ERROR, `recv error = ${socket.resetReceived ? ECONNRESET : ENOTCONN}`);
        this.closeSocket();
      }
    }
    return this.bufferCount();
  }

  private closeSocket(): void {
    if (!this.socket) return;
    this.socket.close();
    this.network.forget(this.socket);
    this.socket = undefined;
  }

  /** `stop()`: close the socket, forget the peer, drop whatever was buffered. */
  private discard(): void {
    this.closeSocket();
    this.remote = '0.0.0.0';
    this.offset = this.total = 0;
  }
}
