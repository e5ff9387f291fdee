import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { duplexPair } from 'node:stream';
import type { NetContext, ServerConnection, ServerPeer } from './context';

/** Where a name the device connects to really lives: a server on loopback. */
export interface RealServerAddress {
  host: string;
  port: number;
}

/**
 * A connection to a real server through a real socket. Virtual time stands still from the moment a
 * request reaches the server until its whole HTTP response has arrived (Node's own parser says when,
 * fed a copy of the bytes) or the server closes — as with an msw handler, the answer is instantaneous
 * in virtual time and then crosses the modelled link. Unlike msw, the host's timing can show: a
 * server that pauses mid-response is seen as one that answered in pieces.
 */
export class RealConnection implements ServerConnection {
  private readonly socket: Socket;
  private ended = false;
  /** Resolves the tracked wait for the current response, when one is being awaited. */
  private responseDone?: () => void;
  private tap?: (bytes: Buffer) => void;
  private held: Buffer[] = [];

  constructor(
    private readonly ctx: NetContext,
    private readonly peer: ServerPeer,
    address: RealServerAddress,
  ) {
    this.socket = connect(address.port, address.host);
    this.socket.on('data', (bytes: Buffer) => {
      if (this.tap) {
        // Held until the response is whole, so the host's socket reads do not decide where bursts fall.
        this.held.push(bytes);
        this.tap(bytes);
      } else this.peer.send(new Uint8Array(bytes));
    });
    this.socket.on('end', () => this.finish(() => this.peer.end()));
    this.socket.on('error', (error: Error) => {
      this.ctx.diagnose('real-server-error', `Failed to talk to the real server at ${address.host}:${address.port}: ${error.message}. The device sees the connection reset.`);
      this.finish(() => this.peer.reset());
    });
  }

  receive(bytes: Uint8Array): void {
    if (this.ended) return;
    this.socket.write(bytes);
    if (!this.responseDone) this.ctx.external.track(this.awaitResponse());
  }

  close(): void {
    this.socket.end();
  }

  private finish(then: () => void): void {
    if (this.ended) return;
    this.ended = true;
    this.flush();
    then();
    this.responseDone?.();
  }

  private flush(): void {
    if (this.held.length > 0) this.peer.send(new Uint8Array(Buffer.concat(this.held.splice(0))));
  }

  /** Until one whole response has arrived (as Node's HTTP client parses it) or the connection ends. */
  private awaitResponse(): Promise<void> {
    return new Promise<void>((resolve) => {
      const [ours, theirs] = duplexPair();
      const done = () => {
        this.responseDone = undefined;
        this.tap = undefined;
        this.flush();
        ours.destroy();
        resolve();
      };
      this.responseDone = done;
      // A client request that never sends anywhere: it only parses the copy of the server's bytes.
      const parser = request({ createConnection: () => theirs, method: 'GET', path: '/' });
      parser.on('response', (response) => {
        response.resume();
        response.on('end', done);
        response.on('error', done);
      });
      parser.on('error', done);
      parser.end();
      ours.resume();
      this.tap = (bytes) => ours.write(bytes);
    });
  }
}
