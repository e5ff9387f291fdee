/**
 * Fetch's Headers lower-case and sort header names, but a device that echoes a response header
 * (as the forum routine does) sees them in the server's order and case. A handler that cares
 * returns `wireResponse(...)`: the names go on the wire exactly as listed here.
 */
export const HEADER_ORDER = 'x-virtual-boron-header-order';
/** Marks a response that must go out without a Content-Length (the body ends when the connection closes). */
export const NO_CONTENT_LENGTH = 'x-virtual-boron-no-content-length';

export interface WireResponseInit {
  status?: number;
  statusText?: string;
  /** Header lines in wire order, with their case. */
  headers?: [string, string][];
  /** false: send no Content-Length; the body ends when the server closes the connection. */
  contentLength?: false;
}

export type WireBody = Uint8Array | string | null;

export function wireResponse(body: WireBody, init: WireResponseInit = {}): Response {
  const headers = new Headers();
  for (const [name, value] of init.headers ?? []) headers.append(name, value);
  headers.set(HEADER_ORDER, JSON.stringify((init.headers ?? []).map(([name]) => name)));
  if (init.contentLength === false) headers.set(NO_CONTENT_LENGTH, '1');
  // Bytes, not a string: Fetch would add a Content-Type the handler never wrote.
  const payload = body === null ? null : streamOf(typeof body === 'string' ? new TextEncoder().encode(body) : body);
  return new Response(payload, { status: init.status ?? 200, statusText: init.statusText ?? '', headers });
}

/**
 * The bytes as a stream of one piece, the caller's own: Fetch copies a byte body it is given (a
 * firmware image, once per request), but passes a stream's pieces through as they are.
 */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.length > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** The header lines to write for `response`: in the listed order and case, or Title-Case for plain responses. */
export function wireHeaders(response: Response): [string, string][] {
  const order = response.headers.get(HEADER_ORDER);
  const listed: string[] = order ? (JSON.parse(order) as string[]) : [];
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const name of listed) {
    const lower = name.toLowerCase();
    if (seen.has(lower)) continue;
    seen.add(lower);
    const value = response.headers.get(lower);
    if (value !== null) out.push([name, value]);
  }
  response.headers.forEach((value, lower) => {
    if (lower === HEADER_ORDER || lower === NO_CONTENT_LENGTH || seen.has(lower)) return;
    out.push([titleCase(lower), value]);
  });
  return out;
}

const titleCase = (name: string): string => name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
