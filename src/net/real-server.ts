import { createServer, request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { duplexPair, type Duplex } from 'node:stream';
import type { NetContext, ServerConnection, ServerPeer } from './context';

/** Where a name the device connects to really lives: a server on loopback. */
export interface RealServerAddress {
  host: string;
  port: number;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A connection to a real server through a real socket. Node's HTTP machinery reads a copy of both
 * directions: once the device's bytes make a whole request, virtual time stands still until the
 * server's whole response has arrived — or, for a response that ends at the close, until the
 * server closes — and then the bytes cross the modelled link at once, as an msw answer would.
 * Bytes or a close that come outside a request's answer arrive when the host delivers them: the
 * one place host timing can show. A real server that never answers keeps virtual time waiting.
 */
export class RealConnection implements ServerConnection {
  private readonly socket: Socket;
  private readonly requests: Duplex;
  private readonly methods: string[] = [];
  private ended = false;
  private held: Buffer[] = [];
  /** While an answer is awaited: feeds the response parser and ends the wait. */
  private answer?: { tap: (bytes: Buffer) => void; done: () => void; untilClose: boolean };

  constructor(
    private readonly ctx: NetContext,
    private readonly peer: ServerPeer,
    address: RealServerAddress,
  ) {
    this.socket = connect(address.port, address.host);
    this.socket.on('data', (bytes: Buffer) => {
      if (!this.answer) return this.peer.send(new Uint8Array(bytes));
      // Held until the answer is whole, so the host's socket reads do not decide where bursts fall.
      this.held.push(bytes);
      this.answer.tap(bytes);
    });
    this.socket.on('end', () => this.finish(() => this.peer.end()));
    this.socket.on('error', (error: Error) => {
      this.ctx.diagnose('real-server-error', `Failed to talk to the real server at ${address.host}:${address.port}: ${error.message}. The device sees the connection reset.`);
      this.finish(() => this.peer.reset());
    });
    // The device's side, parsed only to know when a request is complete (and its method).
    const [device, parser] = duplexPair();
    this.requests = device;
    createServer((req) => {
      req.resume();
      req.on('end', () => {
        const method = req.method ?? 'GET';
        this.methods.push(method);
        // While the device's bytes are parsed virtual time stands still: stamped when the request reached the server.
        this.ctx.events.emit('http:request', { method, url: `http://${req.headers.host ?? `${address.host}:${address.port}`}${req.url ?? '/'}` });
      });
    }).emit('connection', parser);
  }

  receive(bytes: Uint8Array): void {
    if (this.ended) return;
    this.socket.write(bytes);
    this.requests.write(bytes);
    this.ctx.external.track(this.answerWholeRequests());
  }

  close(): void {
    this.socket.end();
    this.requests.end();
  }

  /** Let Node parse what the device sent; for each request it completed, wait for the answer. */
  private async answerWholeRequests(): Promise<void> {
    await nextTurn();
    await nextTurn();
    for (let method = this.methods.shift(); method && !this.ended; method = this.methods.shift()) await this.awaitAnswer(method);
  }

  private finish(then: () => void): void {
    if (this.ended) return;
    this.ended = true;
    this.flush();
    then();
    this.answer?.done();
  }

  private flush(): void {
    if (this.held.length > 0) this.peer.send(new Uint8Array(Buffer.concat(this.held.splice(0))));
  }

  /** Until the whole response has arrived (as Node's HTTP client parses it), or the connection ends. */
  private awaitAnswer(method: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const [ours, theirs] = duplexPair();
      const answer = {
        tap: (bytes: Buffer) => void ours.write(bytes),
        done: () => {
          if (this.answer !== answer) return;
          this.answer = undefined;
          this.flush();
          ours.destroy();
          resolve();
        },
        untilClose: false,
      };
      this.answer = answer;
      // A client request that never goes anywhere: it only parses the copy of the server's bytes.
      const parser = request({ createConnection: () => theirs, method, path: '/' });
      parser.on('response', (response: IncomingMessage) => {
        // A response that ends at the close is only whole when the server has closed.
        answer.untilClose = (response.headers.connection ?? '').toLowerCase() === 'close' || response.httpVersion === '1.0';
        response.resume();
        response.on('end', () => {
          if (!answer.untilClose) answer.done();
        });
      });
      parser.on('error', answer.done);
      parser.end();
      ours.resume();
    });
  }
}
