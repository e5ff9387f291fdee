import type { EventBus } from '../sim/events';
import { formatLogLine, formatLogMessage, levelName, LogLevel, writeLogMessage, writeLogPrefix } from '../sim/log-format';
import { Latin1Text, type PrintfArg } from '../sim/printf';
import type { Cpu } from './cpu';
import type { SerialPort } from './serial';
import { TextStore } from './text-store';

/** One log call as the device made it, whether or not a handler printed it. */
export interface LogRecord {
  millis: number;
  category: string;
  level: string;
  message: string;
  /** The line a `StreamLogHandler` prints for it, without the CR LF. */
  line: string;
}

/**
 * Every log call of a device, kept compactly: per call its time, category and level as numbers and
 * its message's characters in one store. `records` gives them as `LogRecord`s, made when asked for.
 */
export class LogBook {
  private readonly millis: number[] = [];
  private readonly categories: number[] = [];
  private readonly levels: number[] = [];
  /** Where each message ends in `text` (it starts where the one before ended). */
  private readonly ends: number[] = [];
  private readonly text = new TextStore();
  private readonly categoryNames: string[] = [];
  private readonly categoryIndex = new Map<string, number>();
  private readonly made: LogRecord[] = [];

  get length(): number {
    return this.ends.length;
  }

  add(millis: number, category: string, level: number, message: string): void {
    this.text.append(message);
    this.push(millis, category, level);
  }

  /** `add`, the message given as Latin-1 bytes. */
  addBytes(millis: number, category: string, level: number, bytes: Uint8Array, start: number, end: number): void {
    this.text.appendBytes(bytes, start, end);
    this.push(millis, category, level);
  }

  private push(millis: number, category: string, level: number): void {
    let index = this.categoryIndex.get(category);
    if (index === undefined) {
      index = this.categoryNames.push(category) - 1;
      this.categoryIndex.set(category, index);
    }
    this.millis.push(millis);
    this.categories.push(index);
    this.levels.push(level);
    this.ends.push(this.text.length);
  }

  /** The records so far, in order; the same array each time, grown by what was logged since. */
  get records(): readonly LogRecord[] {
    for (let i = this.made.length; i < this.ends.length; i++) {
      const category = this.categoryNames[this.categories[i]];
      const message = this.text.slice(i === 0 ? 0 : this.ends[i - 1], this.ends[i]);
      const line = formatLogLine(this.millis[i], category, this.levels[i], message);
      this.made.push({ millis: this.millis[i], category, level: levelName(this.levels[i]), message, line: line.slice(0, -2) });
    }
    return this.made;
  }
}

export interface LogFilter {
  category: string;
  level: number;
}

interface Handler {
  level: number;
  filters: LogFilter[];
}

/** Formatting a message and walking the handlers, before the bytes go out. */
const LOG_CALL_MICROS = 30;

/** The log manager of one boot: every record kept, each printed by the handlers that accept it. */
export class LogManager {
  private handlers: Handler[] = [];

  constructor(
    private readonly cpu: Cpu,
    private readonly serial: SerialPort,
    private readonly events: EventBus,
    readonly book: LogBook,
  ) {}

  addSerialHandler(level: number, filters: LogFilter[]): void {
    this.handlers.push({ level, filters });
  }

  reset(): void {
    this.handlers = [];
  }

  log(category: string, level: number, message: string): void {
    const millis = this.millisNow();
    this.book.add(millis, category, level, message);
    const printed = this.take(category, level);
    const heard = this.events.wants('log');
    if (!printed && !heard) return;
    const text = formatLogLine(millis, category, level, message);
    if (heard) this.events.emit('log', { category, level: levelName(level), message, line: text.slice(0, -2) });
    if (printed) this.serial.emit(text);
  }

  /**
   * `log` of `format` with `args`, as `Log.info(...)` calls it: the line is formatted as bytes and
   * copied into the book and the serial output, no string made unless a listener wants one.
   */
  logFormat(category: string, level: number, format: string, args: readonly PrintfArg[]): void {
    const millis = this.millisNow();
    const line = LINE;
    line.length = 0;
    const prefixed = writeLogPrefix(line, millis, category, level);
    const start = line.length;
    // A character beyond Latin-1 (in the category or the message): the line is made as a string.
    if (!prefixed || !writeLogMessage(line, format, args)) return this.log(category, level, formatLogMessage(format, args));
    const end = line.length;
    this.book.addBytes(millis, category, level, line.bytes, start, end);
    const printed = this.take(category, level);
    const heard = this.events.wants('log');
    if (!printed && !heard) return;
    line.text('\r\n');
    if (!heard) return this.serial.emitBytes(line.bytes, 0, line.length);
    // As strings, before a listener runs: it might log, and so reuse LINE.
    const text = line.latin1();
    this.events.emit('log', { category, level: levelName(level), message: text.slice(start, end), line: text.slice(0, -2) });
    if (printed) this.serial.emit(text);
  }

  private millisNow(): number {
    return Math.floor(this.cpu.sinceBootMicros / 1000) >>> 0;
  }

  /** Charge the call; whether a handler prints it. */
  private take(category: string, level: number): boolean {
    this.cpu.activity++;
    this.cpu.charge(LOG_CALL_MICROS);
    // A loop, not some(): no closure per log call.
    for (const h of this.handlers) {
      if (level >= thresholdFor(h, category)) return true;
    }
    return false;
  }
}

/** Where a log line is built (one at a time: nothing it calls logs). */
const LINE = new Latin1Text();

/** The most specific filter whose category is a prefix of this one (`app.ota` under `app`) wins. */
function thresholdFor(handler: Handler, category: string): number {
  let best: LogFilter | undefined;
  for (const f of handler.filters) {
    if ((category === f.category || category.startsWith(`${f.category}.`)) && (!best || f.category.length > best.category.length)) best = f;
  }
  return best?.level ?? handler.level;
}

export type LogFunction = ((format: string, ...args: PrintfArg[]) => void) & {
  trace(format: string, ...args: PrintfArg[]): void;
  info(format: string, ...args: PrintfArg[]): void;
  warn(format: string, ...args: PrintfArg[]): void;
  error(format: string, ...args: PrintfArg[]): void;
  /** `Logger::log(LogLevel, fmt, ...)`: any level. */
  log(level: number, format: string, ...args: PrintfArg[]): void;
};

/** A `Logger` for a category: callable like `Log(...)`, with `trace/info/warn/error`. */
export function makeLogger(manager: LogManager, category: string): LogFunction {
  const at = (level: number) => (format: string, ...args: PrintfArg[]) => manager.logFormat(category, level, format, args);
  return Object.assign(at(LogLevel.LOG_LEVEL_INFO), {
    trace: at(LogLevel.LOG_LEVEL_TRACE),
    info: at(LogLevel.LOG_LEVEL_INFO),
    warn: at(LogLevel.LOG_LEVEL_WARN),
    error: at(LogLevel.LOG_LEVEL_ERROR),
    log: (level: number, format: string, ...args: PrintfArg[]) => at(level)(format, ...args),
  });
}
