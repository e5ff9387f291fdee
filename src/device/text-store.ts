import { copyBytes } from '../sim/bytes';

/** Any character beyond Latin-1: one makes the store keep two bytes a character. */
const WIDE = /[^\x00-\xff]/;

/** The first chunk's bytes at least. */
const FIRST_CHUNK = 256;
/** Up to this many bytes a store is one chunk, grown by copying: one object for the heap to keep, as a small store should be. */
const ONE_CHUNK_LIMIT = 64 * 1024;

/**
 * Chunks of cleared stores, by size, for new ones to reuse: memory already in use is cheaper to
 * write than fresh memory. A store never hands out its chunks (only strings copied from them).
 */
const SPARE_CHUNKS = new Map<number, Buffer[]>();
let spareBytes = 0;
const MAX_SPARE_BYTES = 4 * 1024 * 1024;

/**
 * Text appended piece by piece and kept as bytes: one a character while every character is
 * Latin-1 (a device's output is bytes), two (UTF-16, any JavaScript string, exactly) once one is
 * not. A run's thousands of lines become no objects for the garbage collector to trace or move,
 * and take no more memory than their characters.
 *
 * Past 64 KiB the bytes are in chunks, each new one as big as all before it: growing copies nothing
 * held (copying into fresh memory was a large part of a long run's cost).
 */
export class TextStore {
  private chunks: Buffer[] = [];
  /** The character each chunk starts with. */
  private starts: number[] = [];
  /** Bytes used in the last chunk. */
  private used = 0;
  /** Bytes of all chunks. */
  private capacity = 0;
  private chars = 0;
  private wide = false;

  /** Characters held. */
  get length(): number {
    return this.chars;
  }

  append(text: string): void {
    if (text.length === 0) return;
    if (!this.wide && WIDE.test(text)) this.widen();
    const chunk = this.room(text.length * (this.wide ? 2 : 1));
    this.used += chunk.write(text, this.used, this.wide ? 'utf16le' : 'latin1');
    this.chars += text.length;
  }

  /** Append Latin-1 characters given as bytes. */
  appendBytes(bytes: Uint8Array, start: number, end: number): void {
    if (end <= start) return;
    const chunk = this.room((end - start) * (this.wide ? 2 : 1));
    if (this.wide) {
      let at = this.used;
      for (let i = start; i < end; i++) {
        chunk[at++] = bytes[i];
        chunk[at++] = 0;
      }
      this.used = at;
    } else {
      copyBytes(bytes, start, end - start, chunk, this.used);
      this.used += end - start;
    }
    this.chars += end - start;
  }

  /** The chunk to write `bytes` more into, at `used`. */
  private room(bytes: number): Buffer {
    let last = this.chunks[this.chunks.length - 1];
    if (last !== undefined && this.used + bytes > last.length && this.chunks.length === 1 && this.capacity < ONE_CHUNK_LIMIT) {
      const grown = takeChunk(Math.min(ONE_CHUNK_LIMIT, Math.max(this.used + bytes, 2 * this.capacity)));
      last.copy(grown, 0, 0, this.used);
      this.chunks[0] = last = grown;
      this.capacity = grown.length;
    }
    // A piece never spans two chunks: it goes whole into a new one when it does not fit.
    if (last === undefined || this.used + bytes > last.length) {
      last = takeChunk(Math.max(bytes, FIRST_CHUNK, this.capacity));
      this.chunks.push(last);
      this.starts.push(this.chars);
      this.capacity += last.length;
      this.used = 0;
    }
    return last;
  }

  /** The characters from `start` to `end` (as `String.prototype.slice` takes them, within the text). */
  slice(start = 0, end = this.chars): string {
    const from = Math.max(0, Math.min(start, this.chars));
    const to = Math.max(from, Math.min(end, this.chars));
    const unit = this.wide ? 2 : 1;
    const encoding = this.wide ? 'utf16le' : 'latin1';
    let text = '';
    for (let i = 0; i < this.chunks.length; i++) {
      const first = this.starts[i];
      const next = i + 1 < this.chunks.length ? this.starts[i + 1] : this.chars;
      if (next <= from || first >= to) continue;
      text += this.chunks[i].toString(encoding, (Math.max(from, first) - first) * unit, (Math.min(to, next) - first) * unit);
    }
    return text;
  }

  clear(): void {
    for (const chunk of this.chunks) giveChunk(chunk);
    this.chunks = [];
    this.starts = [];
    this.used = 0;
    this.capacity = 0;
    this.chars = 0;
    this.wide = false;
  }

  private widen(): void {
    const text = this.slice();
    this.clear();
    this.wide = true;
    this.append(text);
  }
}

function takeChunk(size: number): Buffer {
  const spare = SPARE_CHUNKS.get(size)?.pop();
  if (!spare) return Buffer.allocUnsafeSlow(size);
  spareBytes -= size;
  return spare;
}

function giveChunk(chunk: Buffer): void {
  // Only big ones: small ones are cheap to make, and each kept would be one more object on the heap.
  if (chunk.length < ONE_CHUNK_LIMIT || spareBytes + chunk.length > MAX_SPARE_BYTES) return;
  let spares = SPARE_CHUNKS.get(chunk.length);
  if (!spares) SPARE_CHUNKS.set(chunk.length, (spares = []));
  spares.push(chunk);
  spareBytes += chunk.length;
}
