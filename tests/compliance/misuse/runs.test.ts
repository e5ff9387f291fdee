/**
 * Misuse: running a device that was never powered on (it used to wait out the whole timeout and
 * fail with RUN_TIMEOUT, as if the sketch were slow), and run options it does not take.
 */
import { VirtualBoron } from '../../../src/index';
import { deviceRunning, firmwareFile } from '../../helpers';

const app = { deviceOs: '1.4.4' } as const;

describe('before powerOn()', () => {
  it('runUntil says to power on', async () => {
    const device = new VirtualBoron(app);
    await expect(device.runUntil('v2 is up')).rejects.toMatchObject({
      code: 'NOT_POWERED_ON',
      message: 'Failed to run until "v2 is up": the device was never powered on, so nothing would run. Call powerOn() first, e.g. new VirtualBoron({ … }).powerOn().',
    });
    expect(device.millis).toBe(0);
  });

  it('runFor says to power on', async () => {
    await expect(new VirtualBoron(app).runFor(1000)).rejects.toMatchObject({
      code: 'NOT_POWERED_ON',
      message: 'Failed to run for 1000 ms: the device was never powered on, so nothing would run. Call powerOn() first, e.g. new VirtualBoron({ … }).powerOn().',
    });
  });

  it('a device powered off after running still lets time pass', async () => {
    const device = new VirtualBoron(app).powerOn();
    await device.runFor(100);
    device.powerOff();
    await device.runFor(100);
    expect(device.millis).toBe(200);
  });
});

describe('run options', () => {
  it.each([
    ['a negative timeout', { timeoutMs: -1 }, 'NOT_A_DURATION', 'Failed to run until "x": timeoutMs is -1. Pass a finite, non-negative number of milliseconds of virtual time.'],
    ['a timeout that is not a number', { timeoutMs: '5s' }, 'NOT_A_DURATION', 'Failed to run until "x": timeoutMs is "5s". Pass a finite, non-negative number of milliseconds of virtual time.'],
    ['a misspelt option', { timeout: 5 }, 'INVALID_OPTION', 'Failed to run until "x": there is no option "timeout". Use one of timeoutMs.'],
  ])('runUntil refuses %s', async (_what, options, code, message) => {
    const device = new VirtualBoron(app).powerOn();
    await expect(device.runUntil('x', options as { timeoutMs: number })).rejects.toMatchObject({ code, message });
  });

  it('runUntil refuses something that is not a condition', async () => {
    await expect(new VirtualBoron(app).powerOn().runUntil(undefined as never)).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      message: 'Failed to run until undefined: that is not a condition. Pass a function that returns true when done, or the text or RegExp the serial output must contain.',
    });
  });

  it('runFor refuses a duration that is not one', async () => {
    await expect(new VirtualBoron(app).powerOn().runFor(Number.NaN)).rejects.toMatchObject({ code: 'NOT_A_DURATION', message: 'Failed to run for NaN ms: pass a finite, non-negative number of milliseconds.' });
  });
});

describe('RUN_TIMEOUT', () => {
  it('carries the last serial lines and the latest diagnostics', async () => {
    const device = deviceRunning(async (api) => {
      const file = firmwareFile(api.FileTransfer, { chunk_address: 0, file_length: 256 });
      await api.Spark_Prepare_For_Firmware_Update(file, 0, null);
    });
    await expect(device.runUntil('never printed', { timeoutMs: 2_000 })).rejects.toMatchObject({
      code: 'RUN_TIMEOUT',
      message:
        'Failed to reach the condition "never printed" within 2000 ms of virtual time (now 2000 ms). Last serial lines: DONE. Why (device.diagnostics): ' +
        "Failed to initialise file.chunk_size before Spark_Prepare_For_Firmware_Update read it: it held 0x6200, left on the stack (FileTransfer::Descriptor's constructor sets only size). Assign it before the call.",
    });
    expect(device.diagnostics.map((d) => d.code)).toEqual(['uninitialised-read']);
  });
});
