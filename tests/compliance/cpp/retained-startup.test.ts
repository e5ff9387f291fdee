/**
 * Boot-time C++: `retained` variables in backup RAM (kept across a reset, lost with the power; set
 * to their initial values at power-on only from 2.0 — `src/ota/profiles.ts` `initialisesRetained`),
 * `STARTUP(...)` and global constructors, which run before setup() and may block.
 */
import { VirtualBoron, type DeviceOsVersion, type Sketch } from '../../../src/index';
import { compileAll, COMPILE_TIMEOUT } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

let cpp: Record<'retained' | 'startup', Sketch>;

beforeAll(async () => {
  cpp = await compileAll({
    retained: `
SYSTEM_MODE(MANUAL);
retained uint32_t boots = 0;
retained char note[8] = "initial";
uint32_t plain = 0;
void setup() {
  boots++;
  plain++;
  char text[9];
  memcpy(text, note, 8);
  text[8] = 0;
  for (int i = 0; i < 8; i++) if (text[i] && (text[i] < 32 || text[i] > 126)) text[i] = '?';
  Serial.printlnf("reason %d boots %lu plain %lu note %s", System.resetReason(), (unsigned long)boots, (unsigned long)plain, text);
  strcpy(note, "changed");
}
void loop() {
  if (Serial.available() && Serial.read() == 'r') System.reset();
}
`,
    startup: `
SYSTEM_MODE(MANUAL);
int order = 0;
int startupAt = 0;
STARTUP(startupAt = ++order);
struct Warmup {
  unsigned long before, after;
  int at;
  Warmup() {
    at = ++order;
    before = millis();
    delay(50);
    after = millis();
  }
};
Warmup warmup;
void setup() {
  Serial.printlnf("STARTUP ran %d, the constructor %d, setup %d", startupAt, warmup.at, ++order);
  Serial.printlnf("the constructor waited %lu ms; setup at %lu", warmup.after - warmup.before, millis());
}
`,
  });
});

/** The retained sketch's lines so far, without the CR LF. */
const lines = (device: VirtualBoron) => device.serial.lines().filter(Boolean);

/** Boot, reset with the button, reset with System.reset(), then cut the power and boot again. */
async function cycle(deviceOs: DeviceOsVersion): Promise<string[]> {
  const device = new VirtualBoron({ app: cpp.retained, deviceOs }).powerOn();
  await device.runFor(1000);
  device.pressReset();
  await device.runFor(1000);
  device.serial.type('r');
  await device.runFor(1000);
  device.powerOff();
  device.powerOn();
  await device.runFor(1000);
  return lines(device);
}

describe('retained variables from C++', () => {
  it('2.x: start with their initial values at power-on, survive pressReset() and System.reset(), start over after a power cycle', async () => {
    expect(await cycle('2.0.1')).toEqual([
      'reason 0 boots 1 plain 1 note initial',
      'reason 20 boots 2 plain 1 note changed',
      'reason 140 boots 3 plain 1 note changed',
      'reason 0 boots 1 plain 1 note initial',
    ]);
  });

  it('1.x: hold whatever backup RAM held at power-on (Device OS 1.x never initialises them on nRF52840), then survive resets', async () => {
    const seen = await cycle('1.4.4');
    const [first, second, third, afterPowerCut] = seen.map((l) => /^reason (\d+) boots (\d+) plain (\d+) note (.*)$/.exec(l)!.slice(1));
    expect(first[0]).toBe('0');
    expect(first[1]).not.toBe('1');
    expect(first[3]).not.toBe('initial');
    expect(second).toEqual(['20', String(Number(first[1]) + 1), '1', 'changed']);
    expect(third).toEqual(['140', String(Number(first[1]) + 2), '1', 'changed']);
    expect(afterPowerCut[0]).toBe('0');
    expect(afterPowerCut[3]).not.toBe('changed');
    expect(afterPowerCut.slice(1, 4)).not.toEqual(first.slice(1, 4));
  });

  it('1.x: the garbage is the seed\'s: the same seed gives the same values', async () => {
    expect(await cycle('1.4.4')).toEqual(await cycle('1.4.4'));
  });
});

describe('STARTUP() and global constructors from C++', () => {
  it('run before setup(), in order, and a constructor that calls delay() blocks the boot for it', async () => {
    const device = new VirtualBoron({ app: cpp.startup }).powerOn();
    await device.runFor(1000);
    expect(lines(device)).toEqual(['STARTUP ran 1, the constructor 2, setup 3', 'the constructor waited 50 ms; setup at 280']);
  });
});
