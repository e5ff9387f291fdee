import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { duplexPair, type Duplex } from 'node:stream';
import { bytes, EmulatorError } from '../sim/messages';
import type { NetContext, ServerConnection, ServerPeer } from './context';

/** Where a name the device connects to really lives: a server on loopback. */
export interface RealServerAddress {
  host: string;
  port: number;
}

/** Which real server a connection goes to, and how long (host time) it may keep virtual time waiting. */
export interface RealServerRoute {
  address: RealServerAddress;
  /** The name and port the device connected to, for messages. */
  name: string;
  timeoutMs: number;
}

/**
 * Node's own HTTP parser (llhttp), the one `http.request` parses responses with. Used directly, so
 * nothing a test patches (msw's `setupServer` replaces `http.request` and `http.ClientRequest`)
 * comes between the device and its real server: the socket is a raw `node:net` one.
 */
interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void;
  execute(data: Buffer): number | Error;
  finish(): number | Error | undefined;
  close(): void;
  [callback: number]: unknown;
}
interface LlhttpParserClass {
  new (): LlhttpParser;
  RESPONSE: number;
  kOnHeaders: number;
  kOnHeadersComplete: number;
  kOnBody: number;
  kOnMessageComplete: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { HTTPParser } = require('node:_http_common') as { HTTPParser: LlhttpParserClass };

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A connection to a real server through a real socket. Node's HTTP machinery reads a copy of both
 * directions: once the device's bytes make a whole request, virtual time stands still until the
 * server's whole response has arrived — or, for a response that ends at the close, until the
 * server closes — and then the bytes cross the modelled link at once, as an msw answer would.
 * Bytes or a close that come outside a request's answer arrive when the host delivers them: the
 * one place host timing can show. A server that does not accept the connection, or does not
 * answer, within `timeoutMs` of host time fails the run (REAL_SERVER_TIMEOUT): this file is the
 * only one in `src/` that reads the host's clock, and only for that limit.
 */
export class RealConnection implements ServerConnection {
  private readonly requests: Duplex;
  private readonly methods: string[] = [];
  private ended = false;
  private held: Buffer[] = [];
  /** While an answer is awaited: feeds the response parser and ends the wait. */
  private answer?: { tap: (bytes: Buffer) => void; done: () => void; closed: () => void };

  /**
   * Connect to the real server: the connection once it is accepted, or undefined when the server
   * refuses it (the device's connect() then fails as the profile's does). Virtual time stands still meanwhile.
   */
  static open(ctx: NetContext, peer: ServerPeer, route: RealServerRoute): Promise<RealConnection | undefined> {
    const { address } = route;
    return new Promise((resolve) => {
      const socket = connect(address.port, address.host);
      // Host time, on purpose: the one documented place it enters a run (realServerTimeoutMs, README: A real server).
      const limit = setTimeout(() => {
        socket.destroy();
        ctx.fail(
          new EmulatorError(
            'REAL_SERVER_TIMEOUT',
            'Failed to connect to the real server at {host}:{port} (for {name}): it did not accept the connection within {ms} ms of host time, while virtual time stood still. Check that the server is listening there, or raise realServerTimeoutMs.',
            { host: address.host, port: address.port, name: route.name, ms: bytes(route.timeoutMs) },
          ),
        );
        resolve(undefined);
      }, route.timeoutMs);
      limit.unref();
      const refused = (error: Error): void => {
        clearTimeout(limit);
        ctx.diagnose(
          'real-server-error',
          `Failed to connect to the real server at ${address.host}:${address.port} (for ${route.name}): ${error.message}. The device's connect() fails, as it does when a server refuses; start the server first, or check realServers.`,
        );
        resolve(undefined);
      };
      socket.once('error', refused);
      socket.once('connect', () => {
        clearTimeout(limit);
        socket.off('error', refused);
        resolve(new RealConnection(ctx, peer, route, socket));
      });
    });
  }

  private constructor(
    private readonly ctx: NetContext,
    private readonly peer: ServerPeer,
    private readonly route: RealServerRoute,
    private readonly socket: Socket,
  ) {
    const { address } = route;
    socket.on('data', (bytes: Buffer) => {
      if (!this.answer) return this.peer.send(new Uint8Array(bytes));
      // Held until the answer is whole, so the host's socket reads do not decide where bursts fall.
      this.held.push(bytes);
      this.answer.tap(bytes);
    });
    socket.on('end', () => this.finish(() => this.peer.end()));
    socket.on('error', (error: Error) => {
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
    this.answer?.closed();
  }

  private flush(): void {
    if (this.held.length > 0) this.peer.send(new Uint8Array(Buffer.concat(this.held.splice(0))));
  }

  /**
   * Until the whole response to `method` has arrived (as Node's HTTP parser reads it), or the
   * connection ends; at most the route's time limit.
   */
  private awaitAnswer(method: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const parser = new HTTPParser();
      parser.initialize(HTTPParser.RESPONSE, {}, 0, 0);
      /** A response that ends at the close is only whole when the server has closed. */
      let untilClose = false;
      // Host time, on purpose: the one documented place it enters a run (realServerTimeoutMs, README: A real server).
      const limit = setTimeout(() => {
        this.ctx.fail(
          new EmulatorError(
            'REAL_SERVER_TIMEOUT',
            'Failed to get an answer from the real server at {host}:{port} (for {name}): no whole response to the device\'s {method} came within {ms} ms of host time, while virtual time stood still. Check that the server answers that request, or raise realServerTimeoutMs.',
            { host: this.route.address.host, port: this.route.address.port, name: this.route.name, method, ms: bytes(this.route.timeoutMs) },
          ),
        );
        this.socket.destroy();
        answer.done();
      }, this.route.timeoutMs);
      limit.unref();
      const answer = {
        tap: (chunk: Buffer) => {
          if (parser.execute(chunk) instanceof Error) answer.done();
        },
        done: () => {
          if (this.answer !== answer) return;
          this.answer = undefined;
          clearTimeout(limit);
          parser.close();
          this.flush();
          resolve();
        },
        closed: () => {
          // A body that runs to the close ends here; whatever else, the wait is over.
          parser.finish();
          answer.done();
        },
      };
      /** The final answer's headers have come (not a 1xx before it). */
      let final = false;
      parser[HTTPParser.kOnHeaders] = () => {};
      parser[HTTPParser.kOnHeadersComplete] = (major: number, minor: number, headers: string[], _method: unknown, _url: unknown, status: number): number => {
        // 1xx answers come before the final one (101 switches protocols: that one is the answer).
        if (status >= 100 && status < 200 && status !== 101) return 0;
        final = true;
        const close = headers.some((name, i) => i % 2 === 0 && name.toLowerCase() === 'connection' && headers[i + 1].toLowerCase() === 'close');
        untilClose = close || (major === 1 && minor === 0);
        // A response to HEAD has no body, whatever its Content-Length says.
        return method === 'HEAD' ? 1 : 0;
      };
      parser[HTTPParser.kOnBody] = () => {};
      parser[HTTPParser.kOnMessageComplete] = () => {
        if (final && !untilClose) answer.done();
      };
      this.answer = answer;
    });
  }
}
