/**
 * Time as a CPU spends it: C++ waits by spinning, as on the device, and the emulator neither hangs
 * the host nor bends the spin's outcome. Every call the spin makes takes its modelled time
 * (`millis()` 1 µs, `Serial.available()` 1 µs, `TCPClient::available()` up to the next network event).
 */
import { http } from 'msw';
import { recordedLink, VirtualBoron, wireResponse, type Sketch, type VirtualBoronOptions } from '../../../src/index';
import { compileAll, COMPILE_TIMEOUT } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

let cpp: Record<'clock' | 'socket' | 'keyboard' | 'printingLoop' | 'printingSetup', Sketch>;

beforeAll(async () => {
  cpp = await compileAll({
    clock: `
SYSTEM_MODE(MANUAL);
void setup() {
  unsigned long t = millis();
  Serial.printlnf("spinning at %lu", t);
  while (millis() - t < 1000) {}
  Serial.printlnf("waited %lu ms, until %lu", millis() - t, millis());
}
void loop() {}
`,
    socket: `
SYSTEM_MODE(MANUAL);
TCPClient client;
void setup() {
  client.connect("slow.example", 80);
  client.print("GET / HTTP/1.0\\r\\nHost: slow.example\\r\\n\\r\\n");
  unsigned long t = millis();
  while (!client.available() && millis() - t < 5000) {}
  unsigned long end = millis();
  int available = client.available();
  Serial.printlnf("available %d at %lu, after %lu ms", available, end, end - t);
}
void loop() {}
`,
    keyboard: `
SYSTEM_MODE(MANUAL);
void setup() {
  Serial.println("Press a key.");
  while (!Serial.available()) {}
  Serial.printlnf("got %c at %lu", Serial.read(), millis());
}
void loop() {}
`,
    printingLoop: `
SYSTEM_MODE(MANUAL);
unsigned long lines = 0;
void loop() { Serial.printlnf("line %lu", ++lines); }
`,
    printingSetup: `
SYSTEM_MODE(MANUAL);
void setup() {
  for (unsigned long n = 0;; n++) Serial.printlnf("line %lu", n);
}
`,
  });
});

const slowServer = (downlink: { atMs: number; bytes: number }[]): Omit<VirtualBoronOptions, 'app'> => ({
  link: recordedLink({ dnsMs: 10, connectMs: 20, uplinkMs: 30, downlink }),
  server: [http.get('http://slow.example/', () => wireResponse('hello', { headers: [['Server', 'test']] }))],
});

describe('busy-waiting C++', () => {
  it('while (millis() - t < 1000) {} ends exactly 1000 ms later, and a run can stop (and resume) in the middle of it', async () => {
    const device = new VirtualBoron({ app: cpp.clock }).powerOn();
    await device.runFor(500);
    expect(device.serial.output).toBe('spinning at 230\r\n');
    expect(device.millis).toBe(500);
    await device.runFor(1500);
    expect(device.serial.output).toBe('spinning at 230\r\nwaited 1000 ms, until 1230\r\n');
  });

  it('while (!client.available() && millis() - t < 5000) {} sees data the moment it arrives during the spin', async () => {
    const device = new VirtualBoron({ app: cpp.socket, ...slowServer([{ atMs: 700, bytes: 100_000 }]) }).powerOn();
    await device.runUntil('available');
    const arrived = device.trace.find((e) => e.type === 'tcp:data')!.atMicros;
    const [, available, at] = /^available (\d+) at (\d+),/.exec(device.serial.output)!;
    expect(Number(available)).toBeGreaterThan(0);
    expect(Number(at)).toBe(Math.floor(arrived / 1000));
  });

  it('ends the same spin by its 5000 ms timeout, to the millisecond, when nothing arrives', async () => {
    const device = new VirtualBoron({ app: cpp.socket, ...slowServer([{ atMs: 60_000, bytes: 100_000 }]) }).powerOn();
    await device.runUntil('available');
    expect(device.serial.output).toMatch(/^available 0 at \d+, after 5000 ms\r\n$/);
  });

  it('while (!Serial.available()) {} ends when the test types, at that virtual moment', async () => {
    const device = new VirtualBoron({ app: cpp.keyboard }).powerOn();
    await device.runFor(3000);
    expect(device.serial.output).toBe('Press a key.\r\n');
    device.serial.type('k');
    await device.runUntil('got');
    expect(device.serial.output).toBe('Press a key.\r\ngot k at 3000\r\n');
  });

  it.each(['printingLoop', 'printingSetup'] as const)('lets runFor() return from an app that prints forever (%s), and carries on at the next run', async (key) => {
    const device = new VirtualBoron({ app: cpp[key] }).powerOn();
    await device.runFor(1000);
    const first = device.serial.length;
    expect(device.millis).toBe(1000);
    expect(first).toBeGreaterThan(1000);
    await device.runFor(1000);
    expect(device.millis).toBe(2000);
    expect(device.serial.length).toBeGreaterThan(first);
    expect(device.state).toBe('running');
  });
});
