import type { VirtualClock } from '../sim/clock';
import type { EventBus } from '../sim/events';
import type { ExternalWork } from '../sim/external-work';
import type { SeededRandom } from '../sim/random';

/** What the network needs from the device it is part of. */
export interface NetContext {
  readonly clock: VirtualClock;
  readonly events: EventBus;
  readonly external: ExternalWork;
  readonly random: SeededRandom;
  /**
   * Charge the calling sketch's virtual time: undefined when it was taken at once (nothing was due
   * before it ends), else a promise that resolves once it has passed.
   */
  spend(micros: number): Promise<void> | undefined;
  /** Charge a poll's time, as `spend` does, without counting it as the sketch doing something (connected(), available()). */
  spendPolling(micros: number): Promise<void> | undefined;
  /** Take at least `minMicros`, up to `capMicros` more until the next event, as `spend` does: for a poll that found nothing. */
  waitForEvent(minMicros: number, capMicros: number): Promise<void> | undefined;
  /** A count that changes whenever the sketch does something (prints, reads input, makes a call that takes time). */
  activity(): number;
  log(category: string, level: number, message: string): void;
  diagnose(code: string, message: string): void;
  /** Stop the run with `error`: misuse of the emulator or its surroundings that the run cannot go on from. */
  fail(error: Error): void;
  /** Bytes a server sent toward the device (before the link delays them): the device learns the images it is served. */
  served?(bytes: Uint8Array): void;
  /** TCPClient::connect's result on failure for this Device OS version. */
  readonly connectFailureResult: number;
}

/** The far end of a TCP connection: a server's side of one accepted connection. */
export interface ServerConnection {
  /** Bytes from the device, at the current virtual time. */
  receive(bytes: Uint8Array): void;
  /** The device closed its side. */
  close(): void;
}

/**
 * How a server answers on a connection: `send` bytes back (pieces sent together are one send, as
 * if concatenated, without copying them), `end` with a FIN, `reset` with an RST.
 */
export interface ServerPeer {
  send(bytes: Uint8Array | readonly Uint8Array[]): void;
  end(): void;
  reset(): void;
}

/** Accepts connections for a host and port; returns undefined to refuse. A real server answers later: virtual time waits. */
export type ServerAcceptor = (host: string, port: number, peer: ServerPeer) => ServerConnection | undefined | Promise<ServerConnection | undefined>;
