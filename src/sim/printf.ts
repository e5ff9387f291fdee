/**
 * C's printf as newlib formats for a 32-bit Cortex-M: the subset sketches use in `Log.info`,
 * `Serial.printf` and `sprintf` (flags - 0 + space #, width and precision, *, and
 * d i u x X o c s p f %). Integers wrap to 32 bits as `int`/`unsigned` do on the device.
 */
export type PrintfArg = number | string | bigint | boolean;

const SPEC = /%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|z|j|t)?([diuxXocspfFeEgG%])/g;

export function sprintf(format: string, ...args: PrintfArg[]): string {
  let next = 0;
  const take = (): PrintfArg => (next < args.length ? args[next++] : 0);
  return format.replace(SPEC, (_m, flags: string, width?: string, precision?: string, _len?: string, conv?: string) => {
    if (conv === '%') return '%';
    const w = width === '*' ? Number(take()) : width === undefined ? 0 : Number(width);
    const p = precision === '*' ? Number(take()) : precision === undefined ? undefined : Number(precision);
    const value = take();
    let body: string;
    let sign = '';
    switch (conv) {
      case 'd':
      case 'i': {
        const n = toInt32(value);
        sign = n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
        body = digits(Math.abs(n), 10, p);
        break;
      }
      case 'u':
        body = digits(toUint32(value), 10, p);
        break;
      case 'x':
      case 'X':
      case 'o': {
        const base = conv === 'o' ? 8 : 16;
        body = digits(toUint32(value), base, p);
        if (conv === 'X') body = body.toUpperCase();
        if (flags.includes('#') && toUint32(value) !== 0) sign = conv === 'o' ? '0' : conv === 'X' ? '0X' : '0x';
        break;
      }
      case 'p':
        body = toUint32(value).toString(16);
        sign = '0x';
        break;
      case 'c':
        body = typeof value === 'string' ? value.charAt(0) : String.fromCharCode(toUint32(value) & 0xff);
        break;
      case 's': {
        const text = String(value);
        body = p === undefined ? text : text.slice(0, p);
        break;
      }
      default: {
        const n = Number(value);
        sign = n < 0 ? '-' : flags.includes('+') ? '+' : '';
        body = Math.abs(n).toFixed(p ?? 6);
      }
    }
    return pad(sign, body, w, flags, conv !== 's' && conv !== 'c' && p === undefined);
  });
}

function pad(sign: string, body: string, width: number, flags: string, zeroAllowed: boolean): string {
  const len = sign.length + body.length;
  if (len >= width) return sign + body;
  const fill = width - len;
  if (flags.includes('-')) return sign + body + ' '.repeat(fill);
  if (flags.includes('0') && zeroAllowed) return sign + '0'.repeat(fill) + body;
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
