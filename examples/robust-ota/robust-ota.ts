/**
 * An OTA-over-HTTP routine that survives the network and servers it will meet: it checks a
 * manifest, resumes with Range after a drop (and copes with a server that ignores Range), retries
 * with backoff within a total time limit, verifies the image's SHA-256 before Finish, and never
 * calls Finish(SUCCESS) on a partial or wrong image. It follows Device OS's rules for an update,
 * with or without SYSTEM_THREAD: the whole update runs inside one call (loop() is not called
 * again once Prepare has started it), and once Prepare has started it, it never calls delay()
 * (which, without SYSTEM_THREAD, does not return during an update) but waits with millis() and
 * Particle.process(). Copy it into a sketch.
 */
import { createHash } from 'node:crypto';
import { UpdateFlag, type SketchApi, type TCPClient } from 'virtual-boron';

export interface RobustOtaOptions {
  host: string;
  /** JSON `{ "path": "/firmware/app.bin", "size": 5012, "sha256": "…" }`. */
  manifestPath: string;
  port?: number;
  /** Give up (and keep the running firmware) after this long. */
  totalTimeoutMs?: number;
  attempts?: number;
  /** A connection that delivers nothing for this long is abandoned and retried. */
  idleTimeoutMs?: number;
}

interface Manifest {
  path: string;
  size: number;
  sha256: string;
}

interface Response {
  status: number;
  headers: Map<string, string>;
}

type Outcome = 'updated' | 'kept-old-firmware';

const MAX_HEADER = 4096;
/** How often to look for more bytes while none are there. */
const POLL_MS = 10;

/** The OTA region's size on a Boron (`module_ota`, `flash_mal.h`): 1500K in every version, only its start moves in 5.5. */
const OTA_REGION_BYTES = 1500 * 1024;

/**
 * Whether Spark_Finish_Firmware_Update(SUCCESS) accepted the image, per Device OS: 1.x returns 0
 * or 1 (failed); 2.x returns 1 (applied, pending restart) or a negative error; 3.x+ 0 or a
 * negative error (reference note §1.7).
 */
function finishAccepted(result: number, systemVersion: number): boolean {
  if (systemVersion < 0x02000000) return result === 0;
  if (systemVersion < 0x03000000) return result === 1;
  return result === 0;
}

export function makeRobustOta(api: SketchApi) {
  const { TCPClient, FileTransfer, Log, System, Particle, millis, delay } = api;
  /** The update's total time limit: every wait below ends by then too. */
  let hardDeadline = Number.POSITIVE_INFINITY;
  const until = (idleMs: number): number => Math.min(millis() + idleMs, hardDeadline);
  const { Spark_Prepare_For_Firmware_Update, Spark_Save_Firmware_Chunk, Spark_Finish_Firmware_Update } = api;

  /** Whether Prepare has started an update, which changes how this routine may wait. */
  let updating = false;

  /**
   * Wait `ms`: with delay() until an update is in progress; from then on without it — with no
   * SYSTEM_THREAD a delay() would never return — by running the system loop (Particle.process)
   * until the time is up.
   */
  async function wait(ms: number): Promise<void> {
    if (!updating) return delay(ms);
    const end = millis() + ms;
    while (millis() < end) await Particle.process();
  }

  /** Read the status line and headers, byte by byte, up to the blank line. */
  async function readHead(client: TCPClient, deadline: number): Promise<Response | undefined> {
    let head = '';
    while (!head.endsWith('\r\n\r\n')) {
      if (head.length > MAX_HEADER || millis() > deadline) return undefined;
      const c = await client.read();
      if (c >= 0) head += String.fromCharCode(c);
      else if (!(await client.connected())) return undefined;
      else await wait(POLL_MS);
    }
    const [statusLine, ...lines] = head.trimEnd().split('\r\n');
    const status = Number(/^HTTP\/\d\.\d (\d{3})/i.exec(statusLine)?.[1] ?? 0);
    // An interim 100 Continue comes before the real answer: read on.
    if (status === 100) return readHead(client, deadline);
    // Header names are case-insensitive (RFC 9110 §5.1).
    const headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()] as [string, string]));
    return { status, headers };
  }

  /** GET `path` from `host`, optionally from byte `from`; the client is left positioned at the body. */
  async function get(host: string, port: number, path: string, from: number, idleMs: number): Promise<{ client: TCPClient; response: Response } | undefined> {
    const client = new TCPClient();
    if ((await client.connect(host, port)) !== 1) return undefined;
    const range = from > 0 ? `Range: bytes=${from}-\r\n` : '';
    await client.write(`GET ${path} HTTP/1.1\r\nHost: ${port === 80 ? host : `${host}:${port}`}\r\n${range}Connection: close\r\n\r\n`);
    const response = await readHead(client, until(idleMs));
    if (!response) {
      await client.stop();
      return undefined;
    }
    return { client, response };
  }

  /** Body bytes as they come, de-chunked if the server chunked them; undefined at the end or when the link goes quiet. */
  function bodyReader(client: TCPClient, chunked: boolean, idleMs: number) {
    const buf = new Uint8Array(128);
    let chunkLeft = 0;
    let finished = false;
    async function readLine(): Promise<string | undefined> {
      let line = '';
      const deadline = until(idleMs);
      while (!line.endsWith('\r\n')) {
        const c = await client.read();
        if (c >= 0) line += String.fromCharCode(c);
        else if (!(await client.connected()) || millis() > deadline) return undefined;
        else await wait(POLL_MS);
      }
      return line.trimEnd();
    }
    return async (): Promise<Uint8Array | undefined> => {
      if (finished) return undefined;
      if (chunked && chunkLeft === 0) {
        const size = await readLine();
        if (size === undefined) return undefined;
        chunkLeft = Number.parseInt(size === '' ? ((await readLine()) ?? '0') : size, 16);
        if (!(chunkLeft > 0)) {
          finished = true;
          return undefined;
        }
      }
      const deadline = until(idleMs);
      for (;;) {
        const available = await client.available();
        if (available > 0) {
          const n = await client.read(buf, chunked ? Math.min(chunkLeft, 128) : 128);
          if (chunked) chunkLeft -= n;
          return buf.slice(0, n);
        }
        if (!(await client.connected()) || millis() > deadline) return undefined;
        await wait(POLL_MS);
      }
    };
  }

  async function fetchManifest(o: Required<RobustOtaOptions>): Promise<Manifest | undefined> {
    const got = await get(o.host, o.port, o.manifestPath, 0, o.idleTimeoutMs);
    if (!got || got.response.status !== 200) return undefined;
    const read = bodyReader(got.client, isChunked(got.response), o.idleTimeoutMs);
    let text = '';
    for (let part = await read(); part; part = await read()) text += Buffer.from(part).toString('latin1');
    await got.client.stop();
    try {
      const m = JSON.parse(text) as Manifest;
      return typeof m.path === 'string' && Number.isInteger(m.size) && m.size > 0 && /^[0-9a-f]{64}$/.test(m.sha256) ? m : undefined;
    } catch {
      return undefined;
    }
  }

  return async function robustUpdate(options: RobustOtaOptions): Promise<Outcome> {
    const o: Required<RobustOtaOptions> = { port: 80, totalTimeoutMs: 15 * 60_000, attempts: 8, idleTimeoutMs: 30_000, ...options };
    const deadline = millis() + o.totalTimeoutMs;
    hardDeadline = deadline;
    let backoff = 1000;
    const pause = async (ms = backoff): Promise<void> => {
      await wait(Math.min(ms, Math.max(0, deadline - millis())));
      backoff = Math.min(backoff * 2, 60_000);
    };

    let manifest: Manifest | undefined;
    for (let attempt = 0; !manifest && attempt < o.attempts && millis() < deadline; attempt++) {
      manifest = await fetchManifest(o);
      if (!manifest) await pause();
    }
    if (!manifest) {
      Log.warn('OTA: no manifest; keeping the running firmware');
      return 'kept-old-firmware';
    }
    const systemVersion = System.versionNumber();
    if (manifest.size > OTA_REGION_BYTES) {
      Log.warn('OTA: the image (%d bytes) is larger than the OTA region (%d bytes); keeping the running firmware', manifest.size, OTA_REGION_BYTES);
      return 'kept-old-firmware';
    }

    const file = new FileTransfer.Descriptor();
    file.store = FileTransfer.Store.FIRMWARE;
    file.chunk_address = 0;
    file.chunk_size = 128;
    file.file_length = manifest.size;
    file.file_address = 0;
    if ((await Spark_Prepare_For_Firmware_Update(file, 0, null)) !== 0) return 'kept-old-firmware';
    updating = true;

    const sha = createHash('sha256');
    let offset = 0;
    let target = { host: o.host, port: o.port, path: manifest.path };
    let redirects = 0;
    for (let attempt = 0; offset < manifest.size && attempt < o.attempts && millis() < deadline; attempt++) {
      const got = await get(target.host, target.port, target.path, offset, o.idleTimeoutMs);
      if (!got) {
        Log.warn('OTA: no answer (attempt %d); retrying from byte %d', attempt + 1, offset);
        await pause();
        continue;
      }
      const { client, response } = got;
      const { status, headers } = response;
      if (status === 301 || status === 302 || status === 307 || status === 308) {
        await client.stop();
        const location = headers.get('location') ?? '';
        const url = /^http:\/\/([^/:]+)(?::(\d+))?(\/.*)?$/.exec(location);
        if (++redirects > 3 || !(url || location.startsWith('/'))) {
          Log.warn('OTA: too many or unusable redirects (%s); keeping the running firmware', location);
          break;
        }
        target = url ? { host: url[1], port: url[2] ? Number(url[2]) : 80, path: url[3] ?? '/' } : { ...target, path: location };
        attempt--;
        continue;
      }
      if (status === 503 || status === 500 || status === 429) {
        await client.stop();
        await pause(Number(headers.get('retry-after') ?? NaN) * 1000 || backoff);
        continue;
      }
      let skip = 0;
      if (status === 206) {
        const [, start, total] = /^bytes (\d+)-\d+\/(\d+)$/.exec(headers.get('content-range') ?? '') ?? [];
        if (Number(total) !== manifest.size) {
          await client.stop();
          Log.warn('OTA: the server holds a different file (%s); keeping the running firmware', headers.get('content-range') ?? 'no Content-Range');
          break;
        }
        if (Number(start) !== offset) {
          await client.stop();
          continue;
        }
      } else if (status === 200) {
        // The server ignored Range (or this is the first request): the body starts at 0, so skip what we have.
        skip = offset;
      } else {
        await client.stop();
        Log.warn('OTA: HTTP %d; keeping the running firmware', status);
        break;
      }
      const read = bodyReader(client, isChunked(response), o.idleTimeoutMs);
      for (let part = await read(); part && offset < manifest.size; part = await read()) {
        const used = part.subarray(Math.min(skip, part.length));
        skip -= part.length - used.length;
        if (used.length === 0) continue;
        const take = used.subarray(0, manifest.size - offset);
        file.chunk_address = file.file_address + offset;
        file.chunk_size = take.length;
        if ((await Spark_Save_Firmware_Chunk(file, take, null)) !== 0) break;
        sha.update(take);
        offset += take.length;
      }
      await client.stop();
      if (offset < manifest.size) {
        Log.warn('OTA: connection ended at byte %d of %d; resuming', offset, manifest.size);
        await pause();
      }
    }

    const complete = offset === manifest.size && sha.digest('hex') === manifest.sha256;
    if (!complete) {
      Log.error('OTA: image incomplete or its SHA-256 does not match; keeping the running firmware');
      await Spark_Finish_Firmware_Update(file, UpdateFlag.ERROR, null);
      updating = false;
      return 'kept-old-firmware';
    }
    Log.info('OTA: %d bytes verified; applying', offset);
    const result = await Spark_Finish_Firmware_Update(file, UpdateFlag.SUCCESS, null);
    updating = false;
    if (finishAccepted(result, systemVersion)) return 'updated';
    Log.error('OTA: Device OS refused the image (Finish returned %d); keeping the running firmware', result);
    return 'kept-old-firmware';
  };
}

const isChunked = (response: Response): boolean => /(^|,)\s*chunked\s*$/i.test(response.headers.get('transfer-encoding') ?? '');
