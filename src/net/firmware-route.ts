import { http, type HttpHandler } from 'msw';
import { OptionCheck } from '../sim/option-check';
import { wireResponse } from './wire-response';

/** How a firmware server answers — correctly, or in the ways real servers get it wrong. */
export interface FirmwareRouteOptions {
  /** 'honour' (default): a `Range: bytes=a-b` request gets 206 and Content-Range; 'ignore': always 200 and the whole file. */
  range?: 'honour' | 'ignore';
  /** 'exact' (default); 'missing': no Content-Length, the body ends at the close; a number: a header that lies. */
  contentLength?: 'exact' | 'missing' | number;
  /** Send the body with Transfer-Encoding: chunked. */
  chunked?: boolean;
  /** Answer with this status and no file (404, 500, 503…). */
  status?: number;
  /** With `status`: a Retry-After header, in seconds. */
  retryAfter?: number;
  /** Answer 302 pointing here instead. */
  redirectTo?: string;
  /** Keep the connection open after the response (no `Connection: close`). */
  keepAlive?: boolean;
  /** More header lines, in wire order. */
  headers?: [string, string][];
  /** Answer only the first matching request (msw's `once`), so a later route can answer the retry. */
  once?: boolean;
}

/**
 * An msw handler that serves `image` at `url` — the way a real firmware server does, or with one of
 * the pathologies a robust OTA routine must survive. msw itself has no Range support; this does.
 */
export function firmwareRoute(url: string, image: Uint8Array, options: FirmwareRouteOptions = {}): HttpHandler {
  checkRoute(url, image, options);
  const handler = http.get(url, ({ request }) => {
    const connection: [string, string][] = options.keepAlive ? [] : [['Connection', 'close']];
    const extra = options.headers ?? [];
    if (options.redirectTo) return wireResponse(null, { status: 302, headers: [['Location', options.redirectTo], ...connection, ...extra] });
    if (options.status) {
      const retry: [string, string][] = options.retryAfter === undefined ? [] : [['Retry-After', String(options.retryAfter)]];
      return wireResponse(null, { status: options.status, headers: [...retry, ...connection, ...extra] });
    }
    const range = options.range === 'ignore' ? undefined : parseRange(request.headers.get('range'), image.length);
    if (range === 'unsatisfiable') return wireResponse(null, { status: 416, headers: [['Content-Range', `bytes */${image.length}`], ...connection, ...extra] });
    const body = range ? image.subarray(range.start, range.end + 1) : image;
    const lines: [string, string][] = [['Content-Type', 'application/octet-stream'], ['Accept-Ranges', options.range === 'ignore' ? 'none' : 'bytes']];
    if (range) lines.push(['Content-Range', `bytes ${range.start}-${range.end}/${image.length}`]);
    if (options.chunked) lines.push(['Transfer-Encoding', 'chunked']);
    else if (typeof options.contentLength === 'number') lines.push(['Content-Length', String(options.contentLength)]);
    else if (options.contentLength !== 'missing') lines.push(['Content-Length', String(body.length)]);
    return wireResponse(body, { status: range ? 206 : 200, headers: [...lines, ...connection, ...extra], ...(options.contentLength === 'missing' ? { contentLength: false } : {}) });
  }, { once: options.once ?? false });
  routeImages.set(handler, image);
  return handler;
}

const ROUTE_OPTIONS = ['range', 'contentLength', 'chunked', 'status', 'retryAfter', 'redirectTo', 'keepAlive', 'headers', 'once'];

function checkRoute(url: unknown, image: unknown, options: FirmwareRouteOptions): void {
  const check: OptionCheck = new OptionCheck('make the firmware route');
  check.string(url, 'url', 'the URL it serves, such as "http://fw.example/app.bin"');
  check.bytes(image, 'image', 'the image it serves');
  const o = check.object(options, '', ROUTE_OPTIONS);
  if (o.range !== undefined) check.choice(o.range, 'range', 'a Range behaviour', ['honour', 'ignore']);
  if (o.contentLength !== undefined && typeof o.contentLength !== 'number') check.choice(o.contentLength, 'contentLength', 'a Content-Length behaviour', ['exact', 'missing'], ', or a number (a header that lies)');
  if (typeof o.contentLength === 'number') check.number(o.contentLength, 'contentLength', 'a whole number of bytes, 0 or more', { integer: true });
  if (o.status !== undefined) check.number(o.status, 'status', 'an HTTP status from 100 to 599', { integer: true, min: 100, max: 599 });
  if (o.retryAfter !== undefined) check.number(o.retryAfter, 'retryAfter', 'a whole number of seconds, 0 or more', { integer: true });
  if (o.redirectTo !== undefined) check.string(o.redirectTo, 'redirectTo', 'the URL to redirect to');
  for (const flag of ['chunked', 'keepAlive', 'once']) if (o[flag] !== undefined) check.boolean(o[flag], flag);
  if (o.headers !== undefined && !(Array.isArray(o.headers) && o.headers.every((h) => Array.isArray(h) && h.length === 2 && h.every((x) => typeof x === 'string')))) {
    check.fail('headers is {actual}', 'Pass header lines as [name, value] pairs of strings, in wire order.', { actual: JSON.stringify(o.headers) ?? 'undefined' });
  }
}

/** The image each firmware route serves, so a device whose server has the route knows what it serves. */
const routeImages = new WeakMap<object, Uint8Array>();

/** The image a handler made by `firmwareRoute` serves (undefined for any other handler). */
export const firmwareRouteImage = (handler: object): Uint8Array | undefined => routeImages.get(handler);

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; undefined when absent or not understood (serve it all). */
function parseRange(header: string | null, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  const start = match[1] === '' ? Math.max(0, size - Number(match[2])) : Number(match[1]);
  const end = match[1] === '' || match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start >= size || start > end ? 'unsatisfiable' : { start, end };
}

