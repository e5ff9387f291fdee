import { formatLogLine, formatLogMessage, levelName, LogLevel, LOG_MAX_STRING_LENGTH, writeLogMessage, writeLogPrefix } from '../../../src/sim/log-format';
import { Latin1Text } from '../../../src/sim/printf';

describe('formatLogLine', () => {
  it('writes %010u millis, [category], level name, message and CR LF', () => {
    expect(formatLogLine(25677, 'hal', LogLevel.LOG_LEVEL_WARN, 'OTA module not applied')).toBe('0000025677 [hal] WARN: OTA module not applied\r\n');
  });

  it('leaves out the brackets when there is no category', () => {
    expect(formatLogLine(5, undefined, LogLevel.LOG_LEVEL_INFO, 'hi')).toBe('0000000005 INFO: hi\r\n');
  });

  it('wraps the millisecond stamp like an unsigned 32-bit value', () => {
    expect(formatLogLine(4294967296 + 12, 'app', LogLevel.LOG_LEVEL_INFO, 'x')).toBe('0000000012 [app] INFO: x\r\n');
  });
});

describe('levelName', () => {
  it.each([
    [0, 'TRACE'],
    [1, 'TRACE'],
    [29, 'TRACE'],
    [30, 'INFO'],
    [39, 'INFO'],
    [40, 'WARN'],
    [50, 'ERROR'],
    [60, 'PANIC'],
    [70, 'PANIC'],
  ])('level %i prints as %s', (level, name) => {
    expect(levelName(level)).toBe(name);
  });
});

describe('formatLogMessage (160-byte buffer, 159th character becomes ~)', () => {
  it('uses a 160-byte buffer', () => {
    expect(LOG_MAX_STRING_LENGTH).toBe(160);
  });

  it('formats the arguments like printf', () => {
    expect(formatLogMessage('module fetched %d, checks=%x, result=%x', [1, 0x5e, 0x5c])).toBe('module fetched 1, checks=5e, result=5c');
  });

  it('keeps a message of exactly 159 characters whole', () => {
    const text = 'a'.repeat(158) + 'Z';
    expect(formatLogMessage('%s', [text])).toBe(text);
  });

  it.each([160, 161, 500])('cuts a %i-character message to its first 158 characters plus ~', (length) => {
    const text = Array.from({ length }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    const message = formatLogMessage('%s', [text]);
    expect(message).toBe(text.slice(0, 158) + '~');
    expect(message).toHaveLength(159);
  });

  it("truncates the forum thread's header log exactly where the device did", () => {
    const header =
      'HTTP/1.1 200 OK\r\nDate: Sun, 26 May 2019 18:12:19 GMT\r\nServer: Apache/2.4.39 (cPanel) OpenSSL/1.0.2r mod_bwlimited/1.4\r\n' +
      'Last-Modified: Sun, 26 May 2019 16:57:04 GMT\r\nAccept-Ranges: bytes\r\nContent-Length: 5012\r\nConnection: close\r\n' +
      'Content-Type: application/octet-stream\r\n\r\n';
    const message = formatLogMessage('Header: %s', [header]);
    expect(message).toHaveLength(159);
    expect(message.endsWith('\r\nLast-Modified: Sun, 26 May 2019~')).toBe(true);
    expect(message).toBe(
      'Header: HTTP/1.1 200 OK\r\nDate: Sun, 26 May 2019 18:12:19 GMT\r\nServer: Apache/2.4.39 (cPanel) OpenSSL/1.0.2r mod_bwlimited/1.4\r\nLast-Modified: Sun, 26 May 2019~',
    );
  });
});

describe('a log line as bytes (writeLogPrefix, writeLogMessage)', () => {
  it.each([
    [25677, 'hal', LogLevel.LOG_LEVEL_WARN, 'module fetched %d, checks=%x', [1, 0x5e]],
    [4294967296 + 12, 'app.ota', LogLevel.LOG_LEVEL_TRACE, '%s', ['x'.repeat(500)]],
    [5, '', LogLevel.LOG_LEVEL_ERROR, 'exactly %s', ['a'.repeat(150)]],
    [0, 'app', LogLevel.LOG_LEVEL_PANIC, '', []],
  ])('gives formatLogLine of formatLogMessage: %i [%s] %i', (millis, category, level, format, args) => {
    const out = new Latin1Text();
    expect(writeLogPrefix(out, millis, category, level)).toBe(true);
    const start = out.length;
    expect(writeLogMessage(out, format, args)).toBe(true);
    const message = formatLogMessage(format, args);
    expect(out.latin1(start)).toBe(message);
    expect(`${out.latin1()}\r\n`).toBe(formatLogLine(millis, category, level, message));
  });

  it('answers false for a category or message beyond Latin-1', () => {
    expect(writeLogPrefix(new Latin1Text(), 1, 'app.→', LogLevel.LOG_LEVEL_INFO)).toBe(false);
    expect(writeLogMessage(new Latin1Text(), 'arrow → %d', [1])).toBe(false);
  });
});
