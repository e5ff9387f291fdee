/** The sketch runtime: loop turns, resets, crashes and bad times. */
import { defineSketch, EmulatorError, UpdateFlag, VirtualBoron } from '../../src/index';
import { appImage, otaDevice } from '../helpers';

const manual = { systemMode: 'MANUAL' as const };

describe('loop() turns', () => {
  it('runs a loop that only counts at the normal turn rate (it is not skipped ahead)', async () => {
    const sketch = defineSketch(({ Serial, millis }) => {
      let n = 0;
      return { loop: () => void (++n === 1000 && Serial.println(`1000 turns at ${millis()} ms`)) };
    }, { name: 'counter', ...manual });
    const device = new VirtualBoron({ app: sketch }).powerOn();
    await device.runUntil('1000 turns', { timeoutMs: 5000 });
    expect(device.serial.output).toMatch(/^1000 turns at 12\d\d ms/);
  });

  it('runs a loop that delays between turns', async () => {
    const sketch = defineSketch(({ Serial, delay }) => {
      let n = 0;
      return {
        async loop() {
          await delay(100);
          if (++n === 50) Serial.println('50 delays');
        },
      };
    }, { name: 'delayer', ...manual });
    const device = new VirtualBoron({ app: sketch }).powerOn();
    await device.runUntil('50 delays', { timeoutMs: 10_000 });
    expect(device.millis).toBeGreaterThanOrEqual(5000);
  });

  it('skips ahead a loop that only waits for serial input, and sees the input at once', async () => {
    const sketch = defineSketch(({ Serial, millis }) => ({
      loop: () => void (Serial.available() && Serial.println(`got ${String.fromCharCode(Serial.read())} at ${millis()}`)),
    }), { name: 'waiter', ...manual });
    const device = new VirtualBoron({ app: sketch }).powerOn();
    await device.runFor(3_600_000);
    device.serial.type('x');
    await device.runUntil('got x');
    expect(device.serial.output).toBe('got x at 3600000\r\n');
  });
});

describe('resets and crashes', () => {
  it('stops the old boot where it is when a listener presses RESET mid-run', async () => {
    const sketch = defineSketch(({ Serial, System, delay }) => ({
      async setup() {
        Serial.println(`boot ${System.resetReason()}: A`);
        await delay(10);
        Serial.println(`boot ${System.resetReason()}: B`);
      },
    }), { name: 'two lines', ...manual });
    const device = new VirtualBoron({ app: sketch });
    let pressed = false;
    device.on('serial', (e) => {
      if (!pressed && e.text.includes('boot 0: A')) {
        pressed = true;
        device.pressReset();
      }
    });
    device.powerOn();
    await device.runFor(2000);
    expect(device.serial.lines().filter(Boolean)).toEqual(['boot 0: A', 'boot 20: A', 'boot 20: B']);
  });

  it('hands a sketch\'s error to the run, and a reset boots the app again', async () => {
    const sketch = defineSketch(({ Serial, System }) => ({
      setup() {
        if (System.resetReason() === 0) throw new Error('null pointer');
        Serial.println('up again');
      },
    }), { name: 'crasher', ...manual });
    const device = new VirtualBoron({ app: sketch }).powerOn();
    await expect(device.runFor(1000)).rejects.toThrow('null pointer');
    expect(device.state).toBe('crashed');
    device.pressReset();
    await device.runUntil('up again');
    expect(device.state).toBe('running');
  });
});

describe('times that are not times', () => {
  it('refuses runFor(NaN) with a typed error', async () => {
    const device = new VirtualBoron().powerOn();
    await expect(device.runFor(Number.NaN)).rejects.toThrow('Failed to run for NaN ms: pass a finite, non-negative number of milliseconds.');
  });

  it('fails the run when a sketch delays for NaN, instead of hanging', async () => {
    const sketch = defineSketch(({ delay }) => ({ setup: () => delay(Number.NaN) }), { name: 'nan delay', ...manual });
    const device = new VirtualBoron({ app: sketch }).powerOn();
    const error = await device.runFor(1000).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorError);
    expect((error as EmulatorError).message).toBe('Failed to spend: NaN µs is not a time. Pass a finite, non-negative number.');
  });
});

describe('a power cut through the flash hook', () => {
  it('fails the run mid-Save with the hook\'s error; the old app boots again after RESET', async () => {
    const { device } = otaDevice(appImage('NEVER BOOTS', 2048), UpdateFlag.SUCCESS);
    let programs = 0;
    device.flash.external.operationHook = (op) => {
      if (op.kind === 'program' && ++programs === 3) throw new Error('power cut');
    };
    await expect(device.runFor(60_000)).rejects.toThrow('power cut');
    device.flash.external.operationHook = undefined;
    const firstApp = device.appName;
    const cutAt = device.nowMicros;
    device.pressReset();
    await device.runFor(100);
    // The image never reached Finish: the same (old) app boots, and runs its routine again.
    expect(device.trace.filter((e) => e.type === 'device:boot' && e.atMicros > cutAt).map((e) => e.type === 'device:boot' && e.app)).toEqual([]);
    await device.runFor(200);
    expect(device.trace.filter((e) => e.type === 'device:boot' && e.atMicros > cutAt).map((e) => e.type === 'device:boot' && e.app)).toEqual([firstApp]);
  });
});
