/**
 * C's printf as newlib formats for a 32-bit Cortex-M: the subset sketches use in `Log.info`,
 * `Serial.printf` and `sprintf` (flags - 0 + space #, width and precision, *, and
 * d i u x X o c s p f %). Integers wrap to 32 bits as `int`/`unsigned` do on the device.
 */
export type PrintfArg = number | string | bigint | boolean;

const SPEC = /%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z|j|t)?([diuxXocspfFeEgG%])/g;

/** One conversion of a format, parsed once: its flags, width and precision (`*`: from the arguments), length and letter. */
interface Conversion {
  literal: false;
  left: boolean;
  plus: boolean;
  space: boolean;
  zero: boolean;
  alternate: boolean;
  /** A number, '*' (the next argument), or 0 when absent. */
  width: number | '*';
  /** A number, '*' (the next argument), or undefined when absent. */
  precision: number | '*' | undefined;
  length: string | undefined;
  conv: string;
  /** An integer conversion (d i u x X o) with no flag, width or precision: its digits alone. */
  plain: boolean;
}

/** Text of a format as it is, with its bytes when every character is Latin-1 (copied at once, not a character at a time). */
export interface Literal {
  literal: true;
  text: string;
  latin1: Uint8Array | undefined;
}

export function literal(text: string): Literal {
  return { literal: true, text, latin1: /[^\x00-\xff]/.test(text) ? undefined : Uint8Array.from(text, (c) => c.charCodeAt(0)) };
}

/** A format as literal text and conversions, in order. */
type CompiledFormat = (Literal | Conversion)[];

/** Formats seen so far, parsed; cleared when it grows past this many (a sketch may build formats at run time). */
const compiled = new Map<string, CompiledFormat>();
const COMPILED_LIMIT = 512;

function compile(format: string): CompiledFormat {
  const out: CompiledFormat = [];
  let at = 0;
  for (const m of format.matchAll(SPEC)) {
    if (m.index > at) out.push(literal(format.slice(at, m.index)));
    at = m.index + m[0].length;
    const [, flags, width, precision, length, conv] = m;
    if (conv === '%') {
      out.push(literal('%'));
      continue;
    }
    const plain = /^0*$/.test(flags) && width === undefined && precision === undefined && 'diuxXo'.includes(conv);
    out.push({
      literal: false,
      plain,
      left: flags.includes('-'),
      plus: flags.includes('+'),
      space: flags.includes(' '),
      zero: flags.includes('0'),
      alternate: flags.includes('#'),
      width: width === '*' ? '*' : width === undefined ? 0 : Number(width),
      precision: precision === '*' ? '*' : precision === undefined ? undefined : Number(precision),
      length,
      conv,
    });
  }
  if (at < format.length) out.push(literal(format.slice(at)));
  return out;
}

function compiledFormat(format: string): CompiledFormat {
  let pieces = compiled.get(format);
  if (pieces === undefined) {
    if (compiled.size >= COMPILED_LIMIT) compiled.clear();
    pieces = compile(format);
    compiled.set(format, pieces);
  }
  return pieces;
}

export function sprintf(format: string, ...args: PrintfArg[]): string {
  return formatWith(format, args);
}

/** Where a format is written: `text` answers false when a character does not fit (one beyond Latin-1 in bytes). */
export interface Sink {
  text(text: string): boolean;
  literal(piece: Literal): boolean;
  /** An unsigned integer's digits, at least `min` of them. */
  digits(n: number, base: number, upper: boolean, min?: number): void;
}

class StringSink implements Sink {
  value = '';
  text(text: string): boolean {
    this.value += text;
    return true;
  }
  literal(piece: Literal): boolean {
    this.value += piece.text;
    return true;
  }
  digits(n: number, base: number, upper: boolean): void {
    this.value += upper ? n.toString(base).toUpperCase() : n.toString(base);
  }
}

/**
 * Latin-1 text as bytes, built without making strings: a log line is formatted here and copied
 * into the stores that keep it. Reused: `length = 0` empties it.
 */
export class Latin1Text implements Sink {
  bytes = new Uint8Array(256);
  length = 0;

  text(text: string): boolean {
    this.room(text.length);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0xff) return false;
      bytes[at++] = code;
    }
    this.length = at;
    return true;
  }

  literal(piece: Literal): boolean {
    if (piece.latin1 === undefined) return false;
    this.room(piece.latin1.length);
    this.bytes.set(piece.latin1, this.length);
    this.length += piece.latin1.length;
    return true;
  }

  /** `n` is a whole number below 2^32: `>>> 0` truncates its quotients. */
  digits(n: number, base: number, upper: boolean, min = 1): void {
    let count = 1;
    for (let rest = n; rest >= base; rest = (rest / base) >>> 0) count++;
    if (count < min) count = min;
    this.room(count);
    const bytes = this.bytes;
    const letters = upper ? 55 : 87; // 'A' - 10, 'a' - 10
    for (let at = this.length + count - 1; at >= this.length; at--) {
      const digit = n % base;
      bytes[at] = digit < 10 ? 48 + digit : letters + digit;
      n = (n / base) >>> 0;
    }
    this.length += count;
  }

  /** The characters from `start` to `end`, as a string. */
  latin1(start = 0, end = this.length): string {
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.length).toString('latin1', start, end);
  }

  private room(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(2 * this.bytes.length, this.length + count));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/** `sprintf` with the arguments as an array. Each format is parsed once; a format without `%` is its own text. */
export function formatWith(format: string, args: readonly PrintfArg[]): string {
  if (!format.includes('%')) return format;
  const sink = new StringSink();
  formatInto(sink, format, args);
  return sink.value;
}

/** `formatWith` into `sink`: false (with the format part written) when a character does not fit it (one beyond Latin-1 in bytes). */
export function formatInto(sink: Sink, format: string, args: readonly PrintfArg[]): boolean {
  let next = 0;
  for (const piece of compiledFormat(format)) {
    if (piece.literal) {
      if (!sink.literal(piece)) return false;
      continue;
    }
    if (piece.plain) {
      // The usual `%d` or `%x`: digits straight to the sink, no string for each piece.
      const value = next < args.length ? args[next++] : 0;
      const { conv, length } = piece;
      if (conv === 'd' || conv === 'i') {
        const n = narrowSigned(toInt32(value), length);
        if (n < 0) sink.text('-');
        sink.digits(Math.abs(n), 10, false);
      } else sink.digits(narrowUnsigned(toUint32(value), length), conv === 'o' ? 8 : conv === 'u' ? 10 : 16, conv === 'X');
      continue;
    }
    let left = piece.left;
    let w = piece.width === '*' ? Number(next < args.length ? args[next++] : 0) : piece.width;
    // A negative `*` width means left-justify; a negative `*` precision means none was given.
    if (w < 0) {
      left = true;
      w = -w;
    }
    let p = piece.precision;
    if (p === '*') {
      const star = Number(next < args.length ? args[next++] : 0);
      p = star < 0 ? undefined : star;
    }
    if (!sink.text(convert(piece, left, w, p, next < args.length ? args[next++] : 0))) return false;
  }
  return true;
}

function convert(c: Conversion, left: boolean, width: number, p: number | undefined, value: PrintfArg): string {
  const { conv, length } = c;
  let zero = c.zero;
  let body: string;
  let sign = '';
  let integer = true;
  switch (conv) {
    case 'd':
    case 'i': {
      const n = narrowSigned(toInt32(value), length);
      sign = n < 0 ? '-' : c.plus ? '+' : c.space ? ' ' : '';
      body = digits(Math.abs(n), 10, p);
      break;
    }
    case 'u':
      body = digits(narrowUnsigned(toUint32(value), length), 10, p);
      break;
    case 'x':
    case 'X':
    case 'o': {
      const n = narrowUnsigned(toUint32(value), length);
      body = digits(n, conv === 'o' ? 8 : 16, p);
      if (conv === 'X') body = body.toUpperCase();
      if (c.alternate && n !== 0) sign = conv === 'o' ? '0' : conv === 'X' ? '0X' : '0x';
      break;
    }
    case 'p':
      body = toUint32(value).toString(16);
      sign = '0x';
      break;
    case 'c':
      integer = false;
      body = typeof value === 'string' ? value.charAt(0) : String.fromCharCode(toUint32(value) & 0xff);
      break;
    case 's': {
      integer = false;
      const text = String(value);
      body = p === undefined ? text : text.slice(0, p);
      break;
    }
    default: {
      integer = false;
      const n = Number(value);
      sign = n < 0 || Object.is(n, -0) ? '-' : c.plus ? '+' : c.space ? ' ' : '';
      body = formatFloat(Math.abs(n), conv, p ?? 6, c.alternate);
      if (!Number.isFinite(n)) zero = false;
    }
  }
  // C ignores the 0 flag for integer conversions that have a precision.
  const zeroAllowed = zero && conv !== 's' && conv !== 'c' && !(integer && p !== undefined);
  return pad(sign, body, width, left, zeroAllowed);
}

/** %f %e %g (and upper case) as C prints them: ties round to even, exponents have two digits at least. */
function formatFloat(n: number, conv: string, precision: number, alternate: boolean): string {
  const upper = conv === 'F' || conv === 'E' || conv === 'G';
  if (!Number.isFinite(n)) return upper ? (Number.isNaN(n) ? 'NAN' : 'INF') : Number.isNaN(n) ? 'nan' : 'inf';
  let text: string;
  if (conv === 'f' || conv === 'F') text = fixed(n, precision);
  else if (conv === 'e' || conv === 'E') text = exponential(n, precision);
  else {
    const p = precision === 0 ? 1 : precision;
    const exponent = n === 0 ? 0 : Number(exponential(n, p - 1).split('e')[1]);
    text = p > exponent && exponent >= -4 ? fixed(n, p - 1 - exponent) : exponential(n, p - 1);
    if (!alternate) text = text.replace(/\.?0+(?=e|$)/, (m) => (m.startsWith('.') || text.includes('.') ? '' : m));
  }
  return upper ? text.toUpperCase() : text;
}

/** `toFixed`, except that an exact tie rounds to the even digit as C does. */
function fixed(n: number, precision: number): string {
  const scaled = n * 10 ** precision;
  if (Number.isFinite(scaled) && scaled % 1 === 0.5 && scaled < Number.MAX_SAFE_INTEGER) {
    const down = Math.floor(scaled);
    const even = down % 2 === 0 ? down : down + 1;
    return (even / 10 ** precision).toFixed(precision);
  }
  return n.toFixed(precision);
}

function exponential(n: number, precision: number): string {
  const [mantissa, exponent] = n.toExponential(precision).split('e');
  const e = Number(exponent);
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** `hh` and `h` convert to char and short before printing. */
function narrowSigned(n: number, length: string | undefined): number {
  if (length === 'hh') return (n << 24) >> 24;
  if (length === 'h') return (n << 16) >> 16;
  return n;
}

function narrowUnsigned(n: number, length: string | undefined): number {
  if (length === 'hh') return n & 0xff;
  if (length === 'h') return n & 0xffff;
  return n;
}

function pad(sign: string, body: string, width: number, left: boolean, zero: boolean): string {
  const len = sign.length + body.length;
  if (len >= width) return sign + body;
  const fill = width - len;
  if (left) return sign + body + ' '.repeat(fill);
  if (zero) return sign + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + sign + body;
}

function digits(n: number, base: number, precision: number | undefined): string {
  if (precision === 0 && n === 0) return '';
  const text = n.toString(base);
  return precision !== undefined && text.length < precision ? '0'.repeat(precision - text.length) + text : text;
}

function toNumber(value: PrintfArg): number {
  if (typeof value === 'bigint') return Number(BigInt.asIntN(32, value));
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') return value.length > 0 ? value.charCodeAt(0) : 0;
  return Math.trunc(value);
}

const toInt32 = (value: PrintfArg): number => toNumber(value) | 0;
const toUint32 = (value: PrintfArg): number => toNumber(value) >>> 0;
