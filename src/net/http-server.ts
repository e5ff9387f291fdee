import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { duplexPair, type Duplex } from 'node:stream';
import { getResponse, type RequestHandler as CommonJsRequestHandler } from 'msw';
import type { RequestHandler as EsModuleRequestHandler } from 'msw' with { 'resolution-mode': 'import' };
import type { NetContext, ServerConnection, ServerPeer } from './context';
import { NO_CONTENT_LENGTH, wireHeaders } from './wire-response';

/**
 * An msw request handler, from either of msw's builds. msw ships CommonJS and ES module
 * declarations of the same classes; a test that imports msw as an ES module (or is type-checked
 * with `moduleResolution: bundler`) makes handlers of the second kind, which TypeScript would not
 * take for the first. At run time both work: `getResponse` only calls each handler's own `run()`.
 */
export type RequestHandler = CommonJsRequestHandler | EsModuleRequestHandler;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A web server in the virtual world whose routes are ordinary msw handlers. Node's own HTTP
 * machinery parses the device's bytes and writes the response (a `http.Server` that never
 * listens, fed through `stream.duplexPair()`); msw's `getResponse` picks the answer.
 */
export class VirtualHttpServer {
  private readonly server = createServer();
  private handlers: RequestHandler[];

  constructor(
    private readonly ctx: NetContext,
    handlers: readonly RequestHandler[],
  ) {
    this.handlers = [...handlers];
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const conn = (req.socket as Duplex & { vbConnection?: HttpConnection }).vbConnection;
      if (conn) void conn.handle(req, res);
    });
  }

  /** Told of every `use()`, so that a device can record it among its inputs. */
  onUse?: (handlers: RequestHandler[]) => void;
  /** The routes, in the order they are tried. */
  get routes(): readonly RequestHandler[] {
    return this.handlers;
  }

  /** Put routes in front of the existing ones, as `server.use()` does in msw's setupServer. */
  use(...handlers: RequestHandler[]): void {
    this.onUse?.(handlers);
    this.handlers = [...handlers, ...this.handlers];
  }

  accept(host: string, port: number, peer: ServerPeer): ServerConnection {
    const [device, server] = duplexPair();
    const conn = new HttpConnection(this.ctx, host, port, peer, device, () => this.handlers);
    (server as Duplex & { vbConnection?: HttpConnection }).vbConnection = conn;
    this.server.emit('connection', server);
    return conn;
  }
}

/** One accepted connection; everything the server writes during a burst of work goes out together. */
class HttpConnection implements ServerConnection {
  private activity = 0;
  private inFlight = 0;
  private readonly outbox: Buffer[] = [];
  private ended = false;
  private destroyed = false;
  private flushedEnd = false;

  constructor(
    private readonly ctx: NetContext,
    private readonly host: string,
    private readonly port: number,
    private readonly peer: ServerPeer,
    private readonly device: Duplex,
    private readonly handlers: () => RequestHandler[],
  ) {
    device.on('data', (chunk: Buffer) => {
      this.activity++;
      this.outbox.push(chunk);
    });
    device.on('end', () => {
      this.activity++;
      this.ended = true;
    });
    device.on('close', () => {
      this.activity++;
      if (!this.ended) this.destroyed = true;
    });
    device.on('error', () => {
      this.activity++;
      this.destroyed = true;
    });
  }

  receive(bytes: Uint8Array): void {
    this.activity++;
    this.device.write(bytes);
    this.ctx.external.track(this.quiesce());
  }

  close(): void {
    this.device.end();
    this.ctx.external.track(this.quiesce());
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight++;
    this.activity++;
    try {
      await this.answer(req, res);
    } catch (error) {
      // A request Fetch cannot represent (a bad Host, say) gets a 400, as a real server would.
      this.ctx.diagnose('bad-request', `Failed to answer ${req.method ?? '?'} ${req.url ?? '?'}: the request could not be read (${String(error)}), so the server answered 400.`);
      if (!res.headersSent) {
        res.sendDate = false;
        res.writeHead(400, 'Bad Request', ['Content-Length', '0', 'Connection', 'close']);
      }
      res.end();
    } finally {
      this.inFlight--;
      this.activity++;
    }
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const request = toFetchRequest(req, body, this.host, this.port);
    this.ctx.events.emit('http:request', { method: request.method, url: request.url });
    let response: Response | undefined;
    try {
      response = await getResponse(this.handlers() as CommonJsRequestHandler[], request);
    } catch (error) {
      this.ctx.diagnose('handler-threw', `Failed to answer ${request.method} ${request.url}: the msw handler threw (${String(error)}), so the server answered 500.`);
      response = new Response(null, { status: 500 });
    }
    if (!response) {
      this.ctx.diagnose('no-handler', `Failed to answer ${request.method} ${request.url}: no msw handler matched it, so the server answered 404. Add a handler for that URL.`);
      response = new Response(null, { status: 404 });
    }
    if (response.type === 'error') {
      // HttpResponse.error(): the connection drops without an answer (an RST on the wire).
      this.destroyed = true;
      res.socket?.destroy();
      return;
    }
    const bodyBytes = await writeResponse(res, response, req.method === 'HEAD');
    this.ctx.events.emit('http:response', { status: response.status, bytes: bodyBytes });
  }

  /** Wait until Node and the handlers have nothing left to do, then send what the server wrote. */
  private async quiesce(): Promise<void> {
    let seen = -1;
    while (this.inFlight > 0 || seen !== this.activity) {
      seen = this.activity;
      await nextTurn();
      await nextTurn();
    }
    if (this.outbox.length > 0) this.peer.send(this.outbox.splice(0));
    if (this.flushedEnd) return;
    if (this.destroyed) {
      this.flushedEnd = true;
      this.peer.reset();
    } else if (this.ended) {
      this.flushedEnd = true;
      this.peer.end();
    }
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toFetchRequest(req: IncomingMessage, body: Buffer, host: string, port: number): Request {
  const authority = req.headers.host ?? (port === 80 ? host : `${host}:${port}`);
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD' && body.length > 0;
  return new Request(`http://${authority}${req.url ?? '/'}`, { method, headers, body: hasBody ? new Uint8Array(body) : undefined });
}

/**
 * The response's body as one Buffer, read from its stream: a body given as bytes comes as one
 * piece, used as it is (`arrayBuffer()` would copy it twice more).
 */
async function bodyOf(response: Response): Promise<Buffer> {
  if (response.body === null) return Buffer.alloc(0);
  const pieces: Buffer[] = [];
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    pieces.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}

/** Exactly the handler's headers, in its order, plus Content-Length when it gave none. */
async function writeResponse(res: ServerResponse, response: Response, head: boolean): Promise<number> {
  const body = await bodyOf(response);
  const lines = wireHeaders(response);
  const has = (name: string): boolean => lines.some(([n]) => n.toLowerCase() === name);
  const closeDelimited = response.headers.has(NO_CONTENT_LENGTH);
  if (!has('content-length') && !has('transfer-encoding') && !closeDelimited) lines.push(['Content-Length', String(body.length)]);
  // Without a length the body ends at the close, as an HTTP/1.0 server sends it; Node must not chunk it.
  if (closeDelimited) res.useChunkedEncodingByDefault = false;
  res.sendDate = false;
  if (!has('connection')) res.removeHeader('connection');
  res.writeHead(response.status, response.statusText || STATUS_CODES[response.status] || '', lines.flat());
  res.end(head ? undefined : body);
  return head ? 0 : body.length;
}
