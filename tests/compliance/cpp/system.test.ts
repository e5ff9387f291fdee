/**
 * System, time, the cloud and the system modes from C++ (`wiring/inc/spark_wiring_system.h`,
 * `system/src/system_update.cpp`, `system/src/main.cpp` at v1.4.4) against the TypeScript twin.
 */
import { defineSketch, type Sketch } from '../../../src/index';
import { compileAll, COMPILE_TIMEOUT, ino, run } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

const MANUAL = { systemMode: 'MANUAL' as const };

const INFO_SOURCE = `
SYSTEM_MODE(MANUAL);
void setup() {
  Serial.printlnf("free %lu", System.freeMemory());
  Serial.printlnf("version %s 0x%08lx", System.version().c_str(), (unsigned long)System.versionNumber());
  Serial.printlnf("built for 0x%08lx", (unsigned long)SYSTEM_VERSION);
  Serial.println("DONE");
}
void loop() {}
`;

/** A sketch that reports, in `mode`, whether setup() found the cloud connected, and when Particle.process() returned. */
const inMode = (mode: string) => `
SYSTEM_MODE(${mode});
void setup() {
  Serial.printlnf("setup at %lu, connected %d", millis(), Particle.connected());
  Particle.process();
  Serial.printlnf("after process at %lu", millis());
  Serial.println("DONE");
}
void loop() {}
`;

type Name = 'reset' | 'info' | 'updates' | 'events' | 'time' | 'automatic' | 'semiAutomatic' | 'manual' | 'defaultMode' | 'threaded' | 'waitFor';
let cpp: Record<Name, Sketch>;

beforeAll(async () => {
  cpp = await compileAll({
    reset: `
SYSTEM_MODE(MANUAL);
void setup() {
  Serial.printlnf("boot with reason %d", System.resetReason());
  if (System.resetReason() != RESET_REASON_USER) {
    delay(100);
    System.reset();
    Serial.println("never printed");
  }
  Serial.println("DONE");
}
void loop() {}
`,
    info: INFO_SOURCE,
    updates: `
SYSTEM_MODE(MANUAL);
void setup() {
  Serial.printlnf("enabled %d pending %d forced %d", System.updatesEnabled(), System.updatesPending(), System.updatesForced());
  System.disableUpdates();
  Serial.printlnf("enabled %d", System.updatesEnabled());
  FileTransfer::Descriptor file;
  file.store = FileTransfer::Store::FIRMWARE;
  file.chunk_address = 0;
  file.chunk_size = 512;
  file.file_length = 4096;
  Serial.printlnf("prepare while disabled %d", Spark_Prepare_For_Firmware_Update(file, 0, NULL));
  System.enableUpdates();
  Serial.printlnf("enabled %d", System.updatesEnabled());
  Serial.println("DONE");
}
void loop() {}
`,
    events: `
SYSTEM_MODE(MANUAL);
static uint8_t image[600];
void onUpdate(system_event_t event, int param, void* pointer) {
  FileTransfer::Descriptor* file = static_cast<FileTransfer::Descriptor*>(pointer);
  Serial.printlnf("event %lu param %d file_length %lu", (unsigned long)event, param, file ? (unsigned long)file->file_length : 0UL);
}
void onReset(system_event_t event, int param) { Serial.printlnf("event %lu param %d", (unsigned long)event, param); }
void onResetToo() { Serial.println("a handler without arguments"); }
void setup() {
  if (System.resetReason() == RESET_REASON_USER) {
    Serial.println("DONE");
    return;
  }
  System.on(firmware_update, onUpdate);
  System.on(reset_pending + reset, onReset);
  System.on(reset, onResetToo);
  FileTransfer::Descriptor file;
  file.store = FileTransfer::Store::FIRMWARE;
  file.chunk_address = 0;
  file.chunk_size = 256;
  file.file_length = sizeof(image);
  Spark_Prepare_For_Firmware_Update(file, 0, NULL);
  file.chunk_address = file.file_address;
  for (size_t at = 0; at < sizeof(image); at += 256) {
    file.chunk_size = at + 256 <= sizeof(image) ? 256 : sizeof(image) - at;
    Spark_Save_Firmware_Chunk(file, image + at, NULL);
    file.chunk_address += file.chunk_size;
  }
  Serial.printlnf("finish %d", Spark_Finish_Firmware_Update(file, 1, NULL));
}
void loop() {}
`,
    time: `
SYSTEM_MODE(MANUAL);
void setup() {
  unsigned long m0 = millis(), u0 = micros();
  delay(250);
  unsigned long m1 = millis(), u1 = micros();
  delay(0);
  unsigned long m2 = millis();
  Serial.printlnf("%lu %lu %lu %lu %lu", m0, u0, m1, u1, m2);
  Serial.println("DONE");
}
void loop() {}
`,
    automatic: inMode('AUTOMATIC'),
    semiAutomatic: inMode('SEMI_AUTOMATIC'),
    manual: inMode('MANUAL'),
    defaultMode: `
void setup() { Serial.printlnf("setup at %lu, connected %d", millis(), Particle.connected()); }
void loop() {}
`,
    waitFor: `
SYSTEM_MODE(MANUAL);
void setup() {
  unsigned long start = millis();
  bool connected = waitFor(Particle.connected, 3000);
  Serial.printlnf("waitFor gave %d after %lu ms", connected, millis() - start);
  start = millis();
  bool never = System.waitCondition([] { return false; }, 500);
  Serial.printlnf("waitCondition gave %d after %lu ms", never, millis() - start);
}
void loop() {}
`,
    threaded: `
SYSTEM_MODE(MANUAL);
SYSTEM_THREAD(ENABLED);
void setup() { Serial.println("DONE"); }
void loop() {}
`,
  });
});

describe('System from C++', () => {
  it('System.reset() resets at once with reason 140 (RESET_REASON_USER); code after it never runs, as in the TypeScript twin', async () => {
    const twin = defineSketch(({ Serial, System, delay }) => ({
      async setup() {
        Serial.printlnf('boot with reason %d', System.resetReason());
        if (System.resetReason() !== 140) {
          await delay(100);
          await System.reset();
          Serial.println('never printed');
        }
        Serial.println('DONE');
      },
    }), { name: 'reset twin', ...MANUAL });
    const a = await run(cpp.reset, 'DONE');
    const b = await run(twin, 'DONE');
    expect(a.seen.serial).toBe('boot with reason 0\r\nboot with reason 140\r\nDONE\r\n');
    expect(a.device.trace.filter((e) => e.type === 'device:reset')).toEqual([expect.objectContaining({ reason: 140, reasonName: 'USER' })]);
    expect(a.seen).toEqual(b.seen);
  });

  it.each([
    ['1.4.4', '0x010404ff'],
    ['3.3.1', '0x030301ff'],
  ] as const)('answers freeMemory(), version() and versionNumber() as the TypeScript twin does on %s; SYSTEM_VERSION is the version built for', async (deviceOs, number) => {
    const app = deviceOs === '1.4.4' ? cpp.info : await ino(INFO_SOURCE, { deviceOs });
    const twin = defineSketch(({ Serial, System }) => ({
      setup() {
        Serial.printlnf('free %lu', System.freeMemory());
        Serial.printlnf('version %s 0x%08lx', System.version(), System.versionNumber());
        Serial.printlnf('built for %s', number);
        Serial.println('DONE');
      },
    }), { name: `info twin ${deviceOs}`, ...MANUAL });
    const a = await run(app, 'DONE', { deviceOs });
    const b = await run(twin, 'DONE', { deviceOs });
    expect(a.seen.serial).toBe(`free 70184\r\nversion ${deviceOs} ${number}\r\nbuilt for ${number}\r\nDONE\r\n`);
    expect(a.seen).toEqual(b.seen);
  });

  it('disableUpdates() makes Prepare refuse with 1 (1.x) and says why; enableUpdates() turns them back on', async () => {
    const twin = defineSketch((api) => ({
      async setup() {
        const { Serial, System } = api;
        Serial.printlnf('enabled %d pending %d forced %d', System.updatesEnabled(), System.updatesPending(), System.updatesForced());
        System.disableUpdates();
        Serial.printlnf('enabled %d', System.updatesEnabled());
        const file = new api.FileTransfer.Descriptor();
        file.store = api.FileTransfer.Store.FIRMWARE;
        file.chunk_address = 0;
        file.chunk_size = 512;
        file.file_length = 4096;
        Serial.printlnf('prepare while disabled %d', await api.Spark_Prepare_For_Firmware_Update(file, 0, null));
        System.enableUpdates();
        Serial.printlnf('enabled %d', System.updatesEnabled());
        Serial.println('DONE');
      },
    }), { name: 'updates twin', ...MANUAL });
    const a = await run(cpp.updates, 'DONE');
    const b = await run(twin, 'DONE');
    expect(a.seen.serial).toBe('enabled 1 pending 0 forced 0\r\nenabled 0\r\nprepare while disabled 1\r\nenabled 1\r\nDONE\r\n');
    expect(a.seen.diagnostics.map((d) => d.code)).toEqual(['updates-disabled']);
    expect(a.seen).toEqual(b.seen);
  });

  it('calls System.on() handlers of every signature with their event and param, the firmware_update ones with the descriptor (system_update.cpp:306,388,412)', async () => {
    const twin = defineSketch((api) => {
      const { Serial, System } = api;
      return {
        async setup() {
          if (System.resetReason() === 140) return void Serial.println('DONE');
          const file = new api.FileTransfer.Descriptor();
          const bits = { firmware_update: 256, reset_pending: 1024, reset: 2048 };
          System.on('firmware_update', (_e, param) => Serial.printlnf('event %lu param %d file_length %lu', 256, param, file.file_length));
          System.on('reset_pending', (e, param) => Serial.printlnf('event %lu param %d', bits[e], param));
          System.on('reset', (e, param) => Serial.printlnf('event %lu param %d', bits[e], param));
          System.on('reset', () => Serial.println('a handler without arguments'));
          const image = new Uint8Array(600);
          file.store = api.FileTransfer.Store.FIRMWARE;
          file.chunk_address = 0;
          file.chunk_size = 256;
          file.file_length = image.length;
          await api.Spark_Prepare_For_Firmware_Update(file, 0, null);
          file.chunk_address = file.file_address;
          for (let at = 0; at < image.length; at += 256) {
            file.chunk_size = Math.min(256, image.length - at);
            await api.Spark_Save_Firmware_Chunk(file, image.subarray(at, at + 256), null);
            file.chunk_address += file.chunk_size;
          }
          Serial.printlnf('finish %d', await api.Spark_Finish_Firmware_Update(file, 1, null));
        },
      };
    }, { name: 'events twin', ...MANUAL });
    const a = await run(cpp.events, 'DONE');
    const b = await run(twin, 'DONE');
    expect(a.seen.serial.split('\r\n')).toEqual([
      'event 256 param 0 file_length 600',
      'event 256 param 2 file_length 600',
      'event 256 param 2 file_length 600',
      'event 256 param 2 file_length 600',
      'event 256 param 1 file_length 600', // 1.x's swapped result event: "complete" for a refused module
      'event 1024 param 0',
      'finish 1',
      'event 2048 param 0',
      'a handler without arguments',
      'DONE',
      '',
    ]);
    expect(a.seen).toEqual(b.seen);
  });
});

describe('time from C++', () => {
  it('reads millis() and micros() from the virtual clock and delay() blocks for its milliseconds, as in the TypeScript twin', async () => {
    const twin = defineSketch(({ Serial, millis, micros, delay }) => ({
      async setup() {
        const m0 = millis();
        const u0 = micros();
        await delay(250);
        const m1 = millis();
        const u1 = micros();
        await delay(0);
        const m2 = millis();
        Serial.printlnf('%lu %lu %lu %lu %lu', m0, u0, m1, u1, m2);
        Serial.println('DONE');
      },
    }), { name: 'time twin', ...MANUAL });
    const a = await run(cpp.time, 'DONE');
    const b = await run(twin, 'DONE');
    const [m0, u0, m1, u1, m2] = a.seen.serial.split('\r\n')[0].split(' ').map(Number);
    expect([m0, u0 - m0 * 1000 < 1000, m1 - m0, u1 - u0, m2 - m1]).toEqual([230, true, 250, 250_002, 0]);
    expect(a.seen).toEqual(b.seen);
  });
});

describe('the cloud and SYSTEM_MODE from C++', () => {
  const modeTwin = (systemMode: 'AUTOMATIC' | 'SEMI_AUTOMATIC' | 'MANUAL') =>
    defineSketch(({ Serial, millis, Particle }) => ({
      async setup() {
        Serial.printlnf('setup at %lu, connected %d', millis(), Particle.connected());
        await Particle.process();
        Serial.printlnf('after process at %lu', millis());
        Serial.println('DONE');
      },
    }), { name: `mode twin ${systemMode}`, systemMode });

  it.each([
    ['automatic', 'AUTOMATIC', 'setup at 10630, connected 1\r\nafter process at 10631\r\nDONE\r\n'],
    ['semiAutomatic', 'SEMI_AUTOMATIC', 'setup at 230, connected 0\r\nafter process at 231\r\nDONE\r\n'],
    ['manual', 'MANUAL', 'setup at 230, connected 0\r\nafter process at 231\r\nDONE\r\n'],
  ] as const)('SYSTEM_MODE(%s) is the sketch\'s mode; only AUTOMATIC waits for the cloud before setup() (system/src/main.cpp)', async (key, mode, output) => {
    expect(cpp[key].systemMode).toBe(mode);
    const a = await run(cpp[key], 'DONE');
    const b = await run(modeTwin(mode), 'DONE');
    expect(a.seen.serial).toBe(output);
    expect(a.seen).toEqual(b.seen);
  });

  it('without SYSTEM_MODE a sketch is AUTOMATIC (the DEFAULT mode)', async () => {
    expect(cpp.defaultMode.systemMode).toBe('AUTOMATIC');
    const { seen } = await run(cpp.defaultMode, 'connected');
    expect(seen.serial).toBe('setup at 10630, connected 1\r\n');
  });

  it('waitFor(Particle.connected, 3000) gives up after 3 s when nothing connects, running the system loop meanwhile (spark_wiring_system.h waitCondition)', async () => {
    const { seen } = await run(cpp.waitFor, 'waitCondition');
    expect(seen.serial).toBe('waitFor gave 0 after 3001 ms\r\nwaitCondition gave 0 after 500 ms\r\n');
  });

  it('SYSTEM_THREAD(ENABLED) is recorded on the Sketch; a sketch that does not say gets the Device OS default', async () => {
    expect(cpp.threaded.systemThread).toBe(true);
    expect(cpp.manual.systemThread).toBeUndefined();
    const { seen } = await run(cpp.threaded, 'DONE');
    expect(seen.diagnostics).toEqual([]);
  });
});

