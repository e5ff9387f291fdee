import type { Cpu } from './cpu';
import type { EventBus } from '../sim/events';
import { sprintf, type PrintfArg } from '../sim/printf';
import { TextStore } from './text-store';

/**
 * USB CDC output costs about 11 µs a byte on a Boron: calibrated so that the forum thread's
 * ~90-character log lines, each with a 128-byte flash write, come ~1.3 ms apart as in its log.
 */
export const SERIAL_MICROS_PER_BYTE = 11;

/** `Serial.available()`/`read()`/`peek()` look at the USB receive buffer through the system part: a little time each, so a loop that only polls still lets time pass. */
const SERIAL_POLL_MICROS = 1;

/** The host's end of the USB serial port: what the device printed, and what a person types. */
export class SerialPort {
  /** What was printed since power-on (or the last `clear()`), kept as bytes rather than as thousands of strings. */
  private readonly printed = new TextStore();
  private input: number[] = [];

  constructor(
    private readonly cpu: Cpu,
    private readonly events: EventBus,
  ) {}

  /** Everything the device printed since power-on, as text (bytes as Latin-1). */
  get output(): string {
    return this.printed.slice();
  }

  /** How many characters have been printed. */
  get length(): number {
    return this.printed.length;
  }

  /** The text printed from character `position` on. */
  textSince(position: number): string {
    return this.printed.slice(position);
  }

  /** Told of what the host does to the port (typing, clearing), so that a device can record it among its inputs. */
  onHostInput?: (input: { kind: 'type'; text: string } | { kind: 'clear' }) => void;

  /** Type into the serial monitor: the bytes are readable by the sketch from now on. */
  type(text: string): void {
    this.onHostInput?.({ kind: 'type', text });
    for (const ch of Buffer.from(text, 'latin1')) this.input.push(ch);
  }

  /** The printed text split into lines (CR LF or LF). */
  lines(): string[] {
    return this.output.split(/\r?\n/);
  }

  clear(): void {
    this.onHostInput?.({ kind: 'clear' });
    this.printed.clear();
  }

  /** Device side: bytes typed and not yet read; an empty answer counts as a poll that found nothing. */
  pendingInput(): number {
    this.cpu.charge(SERIAL_POLL_MICROS);
    if (this.input.length === 0) this.cpu.emptyPolls++;
    return this.input.length;
  }

  takeInput(peek = false): number {
    this.cpu.charge(SERIAL_POLL_MICROS);
    if (this.input.length === 0) return -1;
    this.cpu.activity++;
    return peek ? this.input[0] : this.input.shift()!;
  }

  /** Device side: print text, charging the time the USB transfer takes. */
  emit(text: string): void {
    if (text.length === 0) return;
    this.printed.append(text);
    this.cpu.activity++;
    this.cpu.charge(text.length * SERIAL_MICROS_PER_BYTE);
    if (this.events.wants('serial')) this.events.emit('serial', { text });
  }

  /** `emit` for Latin-1 text given as bytes (a log line): no string is made unless a listener wants one. */
  emitBytes(bytes: Uint8Array, start: number, end: number): void {
    if (end <= start) return;
    this.printed.appendBytes(bytes, start, end);
    this.cpu.activity++;
    this.cpu.charge((end - start) * SERIAL_MICROS_PER_BYTE);
    if (this.events.wants('serial')) this.events.emit('serial', { text: Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1') });
  }

  dropInput(): void {
    this.input = [];
  }
}

/** What `Serial.print` takes: a number that is not whole prints with two decimals. */
export type Printable = string | number | boolean;

const printable = (value: Printable): string => (typeof value === 'number' && !Number.isInteger(value) ? printFloat(value, 2) : String(value));

/**
 * `Print::printFloat` (`wiring/src/spark_wiring_print.cpp` at v1.4.4): "nan", "inf", "ovf" past
 * ±4294967040, else the whole part and `digits` decimals, rounded half up at the last one.
 */
export function printFloat(value: number, digits: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return 'inf';
  if (value > 4294967040 || value < -4294967040) return 'ovf';
  let n = Math.abs(value) + 0.5 / 10 ** digits;
  const whole = Math.floor(n);
  let text = `${value < 0 ? '-' : ''}${whole}`;
  n -= whole;
  if (digits > 0) text += '.';
  for (let i = 0; i < digits; i++) {
    n *= 10;
    const digit = Math.floor(n);
    text += String(digit);
    n -= digit;
  }
  return text;
}

/** `Serial` as a sketch sees it (`USBSerial`): Particle's names, C-style results. */
export class SerialApi {
  constructor(private readonly port: SerialPort) {}

  /** Does nothing: the USB port is always open (the baud rate does not matter over USB). */
  begin(_baud?: number): void {}
  /** Does nothing. */
  end(): void {}
  /** Always true: the test is the host at the other end. */
  isConnected(): boolean {
    return true;
  }
  /** Bytes typed by the test (`device.serial.type(text)`) and not read yet. */
  available(): number {
    return this.port.pendingInput();
  }
  /** The next typed byte, or -1. */
  read(): number {
    return this.port.takeInput();
  }
  /** The next typed byte without taking it, or -1. */
  peek(): number {
    return this.port.takeInput(true);
  }
  /** Print one byte, a string (Latin-1) or bytes: the count written. */
  write(data: number | string | Uint8Array): number {
    const text = typeof data === 'number' ? String.fromCharCode(data & 0xff) : typeof data === 'string' ? data : Buffer.from(data).toString('latin1');
    this.port.emit(text);
    return text.length;
  }
  /** A number that is not whole prints as `Print::print(double, 2)` does: two decimals. */
  print(value: Printable): number {
    return this.write(printable(value));
  }
  /** `print`, then CR LF. */
  println(value: Printable = ''): number {
    return this.write(`${printable(value)}\r\n`);
  }
  /** Print `sprintf(format, …args)`. */
  printf(format: string, ...args: PrintfArg[]): number {
    return this.write(sprintf(format, ...args));
  }
  /** `printf`, then CR LF. */
  printlnf(format: string, ...args: PrintfArg[]): number {
    return this.write(`${sprintf(format, ...args)}\r\n`);
  }
}
