import { formatInto, formatWith, literal, type Latin1Text, type Literal, type PrintfArg } from './printf';

/** Device OS log levels (`services/inc/logging.h:138-144` at v1.4.4). */
export const LogLevel = {
  LOG_LEVEL_ALL: 1,
  LOG_LEVEL_TRACE: 1,
  LOG_LEVEL_INFO: 30,
  LOG_LEVEL_WARN: 40,
  LOG_LEVEL_ERROR: 50,
  LOG_LEVEL_PANIC: 60,
  LOG_LEVEL_NONE: 70,
} as const;

export type LogLevelName = 'TRACE' | 'INFO' | 'WARN' | 'ERROR' | 'PANIC';

/** Level names as `services/src/logging.cpp:224-236` prints them; everything below 30 is TRACE. */
export function levelName(level: number): LogLevelName {
  if (level >= LogLevel.LOG_LEVEL_PANIC) return 'PANIC';
  if (level >= LogLevel.LOG_LEVEL_ERROR) return 'ERROR';
  if (level >= LogLevel.LOG_LEVEL_WARN) return 'WARN';
  if (level >= LogLevel.LOG_LEVEL_INFO) return 'INFO';
  return 'TRACE';
}

/**
 * `LOG_MAX_STRING_LENGTH` is 160: the message is formatted into a 160-byte buffer and, when it
 * does not fit, the 159th character becomes '~' (`services/src/logging.cpp:89-114` at v1.4.4).
 */
export const LOG_MAX_STRING_LENGTH = 160;

export function formatLogMessage(format: string, args: readonly PrintfArg[]): string {
  const text = formatWith(format, args);
  return text.length >= LOG_MAX_STRING_LENGTH ? text.slice(0, LOG_MAX_STRING_LENGTH - 2) + '~' : text;
}

/** `formatLogMessage` into bytes: false (with `out` part written) when a character is beyond Latin-1. */
export function writeLogMessage(out: Latin1Text, format: string, args: readonly PrintfArg[]): boolean {
  const start = out.length;
  if (!formatInto(out, format, args)) return false;
  if (out.length - start >= LOG_MAX_STRING_LENGTH) {
    out.length = start + LOG_MAX_STRING_LENGTH - 2;
    out.text('~');
  }
  return true;
}

/**
 * One line as `StreamLogHandler::logMessage` writes it: `%010u ` milliseconds, `[category] `,
 * the level name, `: `, the message, CR LF (`wiring/src/spark_wiring_logging.cpp:474-539`).
 */
export function formatLogLine(millis: number, category: string | undefined, level: number, message: string): string {
  const stamp = String(millis >>> 0).padStart(10, '0');
  return `${stamp} ${afterStamp(category, level)}${message}\r\n`;
}

/** What a line has between its stamp and its message: `[category] LEVEL: `. */
function afterStamp(category: string | undefined, level: number): string {
  return `${category ? `[${category}] ` : ''}${levelName(level)}: `;
}

/** `formatLogLine` up to the message, into bytes: false (with `out` part written) when the category is beyond Latin-1. */
export function writeLogPrefix(out: Latin1Text, millis: number, category: string | undefined, level: number): boolean {
  out.digits(millis >>> 0, 10, false, 10);
  return out.text(' ') && out.literal(prefixAfterStamp(category, level));
}

/** The last `[category] LEVEL: ` made: a run's log calls mostly repeat one. */
let lastPrefix: { category: string | undefined; level: number; text: Literal } | undefined;

function prefixAfterStamp(category: string | undefined, level: number): Literal {
  if (lastPrefix === undefined || lastPrefix.category !== category || lastPrefix.level !== level) {
    lastPrefix = { category, level, text: literal(afterStamp(category, level)) };
  }
  return lastPrefix.text;
}
