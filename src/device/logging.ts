import type { EventBus } from '../sim/events';
import { formatLogLine, formatLogMessage, levelName, LogLevel } from '../sim/log-format';
import type { PrintfArg } from '../sim/printf';
import type { Cpu } from './cpu';
import type { SerialPort } from './serial';

/** One log call as the device made it, whether or not a handler printed it. */
export interface LogRecord {
  millis: number;
  category: string;
  level: string;
  message: string;
  /** The line a `StreamLogHandler` prints for it, without the CR LF. */
  line: string;
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
    readonly records: LogRecord[],
  ) {}

  addSerialHandler(level: number, filters: LogFilter[]): void {
    this.handlers.push({ level, filters });
  }

  reset(): void {
    this.handlers = [];
  }

  log(category: string, level: number, message: string): void {
    const millis = Math.floor(this.cpu.sinceBootMicros / 1000) >>> 0;
    const text = formatLogLine(millis, category, level, message);
    const record = { millis, category, level: levelName(level), message, line: text.slice(0, -2) };
    this.records.push(record);
    this.cpu.activity++;
    this.cpu.charge(LOG_CALL_MICROS);
    this.events.emit('log', { category, level: record.level, message, line: record.line });
    if (this.handlers.some((h) => level >= thresholdFor(h, category))) this.serial.emit(text);
  }
}

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
  const at = (level: number) => (format: string, ...args: PrintfArg[]) => manager.log(category, level, formatLogMessage(format, args));
  return Object.assign(at(LogLevel.LOG_LEVEL_INFO), {
    trace: at(LogLevel.LOG_LEVEL_TRACE),
    info: at(LogLevel.LOG_LEVEL_INFO),
    warn: at(LogLevel.LOG_LEVEL_WARN),
    error: at(LogLevel.LOG_LEVEL_ERROR),
    log: (level: number, format: string, ...args: PrintfArg[]) => at(level)(format, ...args),
  });
}
