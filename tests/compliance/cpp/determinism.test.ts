/**
 * A C++ sketch runs the same way every time: the same seed and inputs give byte-identical serial
 * output, logs, trace and diagnostics; the C library's clocks read the virtual clock and its
 * randomness is the device's seeded source; stdout (printf, puts) goes nowhere, said once.
 */
import { http } from 'msw';
import { parametricLink, VirtualBoron, wireResponse, type Sketch } from '../../../src/index';
import { compileAll, COMPILE_TIMEOUT } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

let cpp: Record<'busy' | 'clocks' | 'longClock' | 'stdout', Sketch>;

beforeAll(async () => {
  cpp = await compileAll({
    busy: `
#include <unistd.h>
SYSTEM_MODE(MANUAL);
SerialLogHandler logHandler(LOG_LEVEL_ALL);
TCPClient client;
void setup() {
  unsigned char entropy[4];
  getentropy(entropy, sizeof(entropy));
  Serial.printlnf("entropy %02x%02x%02x%02x", entropy[0], entropy[1], entropy[2], entropy[3]);
  FileTransfer::Descriptor file;
  Log.info("garbage chunk_address %08lx", (unsigned long)file.chunk_address);
  client.connect("data.example", 80);
  client.print("GET /blob HTTP/1.0\\r\\nHost: data.example\\r\\n\\r\\n");
  uint8_t buffer[100];
  unsigned long total = 0;
  for (;;) {
    int n = client.read(buffer, sizeof(buffer));
    if (n > 0) {
      total += n;
      Log.trace("read %d at %lu", n, millis());
    } else if (!client.connected()) {
      break;
    }
  }
  Serial.printlnf("read %lu bytes by %lu", total, millis());
}
void loop() {}
`,
    clocks: `
#include <time.h>
SYSTEM_MODE(MANUAL);
void setup() {
  delay(2500);
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  unsigned long ms = millis();
  time_t seconds = time(NULL);
  Serial.printlnf("millis %lu monotonic %lu ms time %ld", ms, (unsigned long)(now.tv_sec * 1000 + now.tv_nsec / 1000000), (long)seconds);
}
void loop() {}
`,
    longClock: `
#include <time.h>
SYSTEM_MODE(MANUAL);
void setup() {
  time_t first = time(NULL);
  delay(2UL * 3600 * 1000);
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  Serial.printlnf("time %ld, then %ld s; micros() now %lu", (long)first, (long)now.tv_sec, micros());
}
void loop() {}
`,
    stdout: `
SYSTEM_MODE(MANUAL);
void setup() {
  printf("to stdout %d\\n", 1);
  puts("and again");
  fprintf(stderr, "to stderr\\n");
  Serial.println("on serial");
  if (System.resetReason() == 0) System.reset();
}
void loop() {}
`,
  });
});

const server = [http.get('http://data.example/blob', () => wireResponse(new Uint8Array(20_000), { headers: [['Server', 'test']] }))];
/** A link with seeded jitter and bursts: the run's timing depends on the seed. */
const link = parametricLink({ rttMs: 120, downKbps: 200, upKbps: 50, burstBytes: 700, jitterMs: 15 });

async function busyRun(seed: number) {
  const device = new VirtualBoron({ app: cpp.busy, seed, server, link, trace: 'all' }).powerOn();
  await device.runUntil('read 20', { timeoutMs: 60_000 });
  return { serial: device.serial.output, logs: device.logs, trace: device.trace, diagnostics: device.diagnostics };
}

describe('determinism of a C++ sketch', () => {
  it('gives byte-identical serial output, logs, trace and diagnostics for the same seed and inputs', async () => {
    const first = await busyRun(42);
    const second = await busyRun(42);
    expect(first.logs.length).toBeGreaterThan(10);
    expect(second).toEqual(first);
  });

  it('takes its randomness and stack garbage from the seed: another seed, other bytes and timings', async () => {
    const [a, b] = [await busyRun(42), await busyRun(43)];
    expect(a.serial.split('\r\n')[0]).toMatch(/^entropy [0-9a-f]{8}$/);
    expect(a.serial.split('\r\n')[0]).not.toBe(b.serial.split('\r\n')[0]);
    expect(a.logs.map((l) => l.line)).not.toEqual(b.logs.map((l) => l.line));
  });

  it('reads the virtual clock through time() and clock_gettime(): time since boot, as millis() counts it', async () => {
    const device = new VirtualBoron({ app: cpp.clocks }).powerOn();
    await device.runFor(5000);
    expect(device.serial.output).toBe('millis 2730 monotonic 2730 ms time 2\r\n');
  });

  it('keeps counting past micros()\' 71.6-minute wrap, however long between two reads', async () => {
    const device = new VirtualBoron({ app: cpp.longClock }).powerOn();
    await device.runFor(2 * 3600 * 1000 + 1000);
    expect(device.serial.output).toBe('time 0, then 7200 s; micros() now 2905262708\r\n');
  });

  it('sends printf, puts and stderr nowhere, and says so once per device in diagnostics', async () => {
    const device = new VirtualBoron({ app: cpp.stdout }).powerOn();
    await device.runFor(2000);
    expect(device.serial.output).toBe('on serial\r\non serial\r\n');
    expect(device.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['stdout-discarded', 'The app wrote to stdout (printf, puts or std::cout): a Boron has none, so the bytes went nowhere. Print with Serial.printf() or Log.info() to see them.'],
    ]);
  });
});
