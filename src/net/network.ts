import { hashString } from '../sim/random';
import type { LinkModel } from './link';
import type { NetContext, ServerAcceptor } from './context';
import { VirtualSocket } from './socket';
import { faultFor, withStreamFaults, type FaultKind, type NetworkFault } from './faults';
import { millisToMicros } from '../sim/clock';
import { DataMeter } from './data-usage';

const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

export interface DnsOptions {
  /** Names that fail to resolve. */
  unresolvable?: string[];
  /** Fixed answers; other names get a stable address in 192.0.2.0/24 (TEST-NET-1). */
  records?: Record<string, string>;
}

export type ConnectResult = { ok: true; socket: VirtualSocket; address: string } | { ok: false; reason: 'dns' | 'refused' | 'timeout' };

/**
 * The device's view of the network: names resolve through a virtual DNS, connections go through
 * the link model to whichever server accepts them. Everything happens in the device's virtual time.
 */
export class VirtualNetwork {
  private readonly sockets = new Set<VirtualSocket>();
  /** Connections opened so far: faults can target the nth. */
  private connections = 0;
  /** Every packet the device's connections put on the air. */
  readonly usage = new DataMeter();

  constructor(
    private readonly ctx: NetContext,
    readonly link: LinkModel,
    private readonly accept: ServerAcceptor,
    private readonly dns: DnsOptions = {},
    private readonly faults: readonly NetworkFault[] = [],
  ) {}

  /** Connections opened so far (faults target the nth): part of a snapshot. */
  get connectionCount(): number {
    return this.connections;
  }

  /** A restored device carries on numbering its connections where the snapshot's left off. */
  continueNumberingAt(count: number): void {
    this.connections = count;
  }

  resolve(host: string): string | undefined {
    if (this.dns.unresolvable?.includes(host)) return undefined;
    if (IPV4.test(host)) return host;
    const records = this.dns.records ?? {};
    return Object.hasOwn(records, host) ? records[host] : `192.0.2.${(hashString(host) % 254) + 1}`;
  }

  /** DNS lookup and TCP handshake, taking the link's time for each — unless a fault says otherwise. */
  async connect(host: string, port: number): Promise<ConnectResult> {
    const index = this.connections++;
    const fault = <K extends FaultKind>(kind: K) => faultFor(this.faults, kind, index, host, port);
    const usage = this.usage.connection(host);
    const link = this.link.open(this.ctx.random.fork(`link/${host}:${port}/${this.ctx.clock.nowMicros}`), usage.lost);
    const channel = withStreamFaults(link, fault('stall'), fault('link-down'));
    // A dotted address needs no lookup: lwIP's gethostbyname parses it (and connect(IPAddress) skips it).
    const literal = IPV4.test(host);
    let address: string | undefined = host;
    if (!literal) {
      const dnsMicros = channel.dnsMicros();
      await this.ctx.spend(dnsMicros);
      address = fault('dns-failure') ? undefined : this.resolve(host);
      usage.lookup(address !== undefined);
      this.ctx.events.emit('dns:lookup', { connection: index, host, ...(address === undefined ? {} : { address }), micros: dnsMicros });
    }
    if (address === undefined) return { ok: false, reason: 'dns' };
    usage.syn();
    const timeout = fault('connect-timeout');
    if (timeout) {
      await this.ctx.spend(millisToMicros(timeout.afterMs));
      this.ctx.events.emit('tcp:connect', { connection: index, host, port, ok: false, micros: millisToMicros(timeout.afterMs) });
      return { ok: false, reason: 'timeout' };
    }
    const connectMicros = channel.connectMicros(this.ctx.clock.nowMicros);
    await this.ctx.spend(connectMicros);
    const refused = (): ConnectResult => {
      usage.refused();
      this.ctx.events.emit('tcp:connect', { connection: index, host, port, ok: false, micros: connectMicros });
      return { ok: false, reason: 'refused' };
    };
    if (fault('connection-refused')) return refused();
    const socket = new VirtualSocket(this.ctx, channel, index, host, port, fault('server-close'), fault('socket-dropped'), usage);
    const accepted = this.accept(host, port, socket.peer);
    // A real server: virtual time stands still until it has accepted or refused.
    const server = accepted instanceof Promise ? await this.ctx.external.track(accepted) : accepted;
    if (!server) {
      socket.close(true);
      return refused();
    }
    usage.established();
    this.ctx.events.emit('tcp:connect', { connection: index, host, port, ok: true, micros: connectMicros });
    socket.attach(server);
    this.sockets.add(socket);
    return { ok: true, socket, address };
  }

  forget(socket: VirtualSocket): void {
    this.sockets.delete(socket);
  }

  /** The device reset: every socket is gone without a word to the far end beyond a close. */
  closeAll(): void {
    for (const socket of this.sockets) socket.close(true);
    this.sockets.clear();
  }
}
