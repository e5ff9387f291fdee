/**
 * A reset restarts the MCU and its timers: millis(), micros() and the log lines' timestamps begin
 * again near 0 at every boot (device-os-app-model.md §7). Tests still see time since power-on.
 */
import { defineSketch, VirtualBoron } from '../../../src/index';

describe('clocks at boot', () => {
  it('restart at every boot: the same app logs the same timestamp each time it boots', async () => {
    const sketch = defineSketch(
      ({ Log, SerialLogHandler, LOG_LEVEL_INFO, millis, System, delay }) => {
        new SerialLogHandler(LOG_LEVEL_INFO);
        return {
          async setup() {
            Log.info('booted, millis() = %lu', millis());
            await delay(2000);
            if (System.resetReason() !== 140) System.reset();
          },
        };
      },
      { name: 'rebooter', systemMode: 'MANUAL' },
    );
    const device = new VirtualBoron({ app: sketch }).powerOn();
    await device.runFor(6000);
    const lines = device.serial.lines().filter((l) => l.includes('booted'));
    expect(lines).toEqual(['0000000230 [app] INFO: booted, millis() = 230', '0000000230 [app] INFO: booted, millis() = 230']);
    // The test still reads time since power-on.
    expect(device.millis).toBe(6000);
  });
});
