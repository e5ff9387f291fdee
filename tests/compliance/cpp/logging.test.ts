/**
 * Logging from C++ (`wiring/inc/spark_wiring_logging.h`, `services/src/logging.cpp` at v1.4.4):
 * Log, Logger, SerialLogHandler with a level and category filters, against the TypeScript twin.
 */
import { defineSketch, type Sketch } from '../../../src/index';
import { compileAll, COMPILE_TIMEOUT, run } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

const MANUAL = { systemMode: 'MANUAL' as const };

let cpp: Record<'levels' | 'categories' | 'cut' | 'filters' | 'noHandler', Sketch>;

beforeAll(async () => {
  cpp = await compileAll({
    levels: `
SYSTEM_MODE(MANUAL);
SerialLogHandler logHandler(LOG_LEVEL_ALL);
void setup() {
  Log.trace("trace %d", 1);
  Log.info("info %s", "two");
  Log.warn("warn %u", 3u);
  Log.error("error %x", 0xbeef);
  Log("call operator %d", 5);
  Log(LOG_LEVEL_WARN, "call operator at a level %d", 6);
  Log.log("log() at the default level %d", 7);
  Log.log(LOG_LEVEL_ERROR, "log() at a level %d", 8);
  Log.log(LOG_LEVEL_PANIC, "panic %d", 9);
  LOG(WARN, "LOG macro %d", 10);
  Serial.println("DONE");
}
void loop() {}
`,
    categories: `
SYSTEM_MODE(MANUAL);
SerialLogHandler logHandler(LOG_LEVEL_TRACE);
Logger otaLog("app.ota");
Logger plain;
void setup() {
  otaLog.info("chunk %d", 1);
  otaLog.trace("detail");
  plain.warn("default category");
  Logger("app.net").error("a temporary logger");
  Serial.println("DONE");
}
void loop() {}
`,
    cut: `
SYSTEM_MODE(MANUAL);
SerialLogHandler logHandler;
void setup() {
  char text[201];
  for (int i = 0; i < 200; i++) text[i] = 'a' + i % 26;
  text[200] = 0;
  Log.info("%s", text);
  text[160] = 0;
  Log.info("%s", text);
  text[159] = 0;
  Log.info("%s", text);
  Serial.println("DONE");
}
void loop() {}
`,
    filters: `
SYSTEM_MODE(MANUAL);
SerialLogHandler logHandler(LOG_LEVEL_WARN, {
  { "app.ota", LOG_LEVEL_ALL },
  { "app.net", LOG_LEVEL_NONE },
  { "app.ota.verbose", LOG_LEVEL_ERROR }
});
void setup() {
  Log.info("app info: hidden");
  Log.warn("app warn: shown");
  Logger("app.ota").trace("ota trace: shown");
  Logger("app.ota.flash").info("ota.flash info: shown (inherits app.ota)");
  Logger("app.ota.verbose").warn("ota.verbose warn: hidden");
  Logger("app.ota.verbose").error("ota.verbose error: shown");
  Logger("app.net").error("net error: hidden");
  Logger("app.network").warn("app.network is not under app.net: shown");
  Serial.println("DONE");
}
void loop() {}
`,
    noHandler: `
SYSTEM_MODE(MANUAL);
void setup() {
  Log.error("recorded, not printed");
  Serial.println("DONE");
}
void loop() {}
`,
  });
});

describe('Log, Logger and SerialLogHandler from C++', () => {
  it('logs at every level, through Log.trace/info/warn/error, Log(...), Log.log(...) and LOG(), as the TypeScript twin does', async () => {
    const twin = defineSketch((api) => {
      new api.SerialLogHandler(api.LOG_LEVEL_ALL);
      const { Log, Serial } = api;
      return {
        setup() {
          Log.trace('trace %d', 1);
          Log.info('info %s', 'two');
          Log.warn('warn %u', 3);
          Log.error('error %x', 0xbeef);
          Log('call operator %d', 5);
          Log.log(api.LOG_LEVEL_WARN, 'call operator at a level %d', 6);
          Log('log() at the default level %d', 7);
          Log.log(api.LOG_LEVEL_ERROR, 'log() at a level %d', 8);
          Log.log(60, 'panic %d', 9);
          Log.warn('LOG macro %d', 10);
          Serial.println('DONE');
        },
      };
    }, { name: 'log levels twin', ...MANUAL });
    const a = await run(cpp.levels, 'DONE');
    const b = await run(twin, 'DONE');
    expect(a.seen.logs.map((l) => l.line.slice(11))).toEqual([
      '[app] TRACE: trace 1',
      '[app] INFO: info two',
      '[app] WARN: warn 3',
      '[app] ERROR: error beef',
      '[app] INFO: call operator 5',
      '[app] WARN: call operator at a level 6',
      '[app] INFO: log() at the default level 7',
      '[app] ERROR: log() at a level 8',
      '[app] PANIC: panic 9',
      '[app] WARN: LOG macro 10',
    ]);
    expect(a.seen).toEqual(b.seen);
  });

  it('logs under a Logger\'s category; a default-constructed Logger is [app], as user/build.mk:82 builds apps', async () => {
    const twin = defineSketch((api) => {
      new api.SerialLogHandler(api.LOG_LEVEL_TRACE);
      const otaLog = new api.Logger('app.ota');
      const plain = new api.Logger('app');
      return {
        setup() {
          otaLog.info('chunk %d', 1);
          otaLog.trace('detail');
          plain.warn('default category');
          new api.Logger('app.net').error('a temporary logger');
          api.Serial.println('DONE');
        },
      };
    }, { name: 'log categories twin', ...MANUAL });
    const a = await run(cpp.categories, 'DONE');
    const b = await run(twin, 'DONE');
    expect(a.seen.serial.split('\r\n').map((l) => l.slice(11))).toEqual(['[app.ota] INFO: chunk 1', '[app.ota] TRACE: detail', '[app] WARN: default category', '[app.net] ERROR: a temporary logger', '', '']);
    expect(a.seen).toEqual(b.seen);
  });

  it('cuts a message of 160 bytes or more to 158 and a ~ (services/src/logging.cpp:89-93); 159 bytes pass whole', async () => {
    const { seen } = await run(cpp.cut, 'DONE');
    const alphabet = Array.from({ length: 200 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    expect(seen.logs.map((l) => l.message)).toEqual([`${alphabet.slice(0, 158)}~`, `${alphabet.slice(0, 158)}~`, alphabet.slice(0, 159)]);
    expect(seen.serial.split('\r\n')[0]).toBe(`${seen.logs[0].line}`);
    expect(seen.logs[0].line.length).toBe(11 + '[app] INFO: '.length + 159);
  });

  it('prints through a SerialLogHandler\'s level and its most specific category filter, as the TypeScript twin does', async () => {
    const twin = defineSketch((api) => {
      new api.SerialLogHandler(api.LOG_LEVEL_WARN, [
        { category: 'app.ota', level: api.LOG_LEVEL_ALL },
        { category: 'app.net', level: api.LOG_LEVEL_NONE },
        { category: 'app.ota.verbose', level: api.LOG_LEVEL_ERROR },
      ]);
      const { Log, Logger, Serial } = api;
      return {
        setup() {
          Log.info('app info: hidden');
          Log.warn('app warn: shown');
          new Logger('app.ota').trace('ota trace: shown');
          new Logger('app.ota.flash').info('ota.flash info: shown (inherits app.ota)');
          new Logger('app.ota.verbose').warn('ota.verbose warn: hidden');
          new Logger('app.ota.verbose').error('ota.verbose error: shown');
          new Logger('app.net').error('net error: hidden');
          new Logger('app.network').warn('app.network is not under app.net: shown');
          Serial.println('DONE');
        },
      };
    }, { name: 'log filters twin', ...MANUAL });
    const a = await run(cpp.filters, 'DONE');
    const b = await run(twin, 'DONE');
    expect(a.seen.serial.split('\r\n').map((l) => l.slice(11))).toEqual([
      '[app] WARN: app warn: shown',
      '[app.ota] TRACE: ota trace: shown',
      '[app.ota.flash] INFO: ota.flash info: shown (inherits app.ota)',
      '[app.ota.verbose] ERROR: ota.verbose error: shown',
      '[app.network] WARN: app.network is not under app.net: shown',
      '',
      '',
    ]);
    expect(a.seen.logs).toHaveLength(8);
    expect(a.seen).toEqual(b.seen);
  });

  it('prints nothing without a log handler, though device.logs keeps the call', async () => {
    const { seen } = await run(cpp.noHandler, 'DONE');
    expect(seen.serial).toBe('DONE\r\n');
    expect(seen.logs.map((l) => l.line.slice(11))).toEqual(['[app] ERROR: recorded, not printed']);
  });
});
