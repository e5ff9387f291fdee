/**
 * SYSTEM_THREAD(ENABLED) (device-os-app-model.md §2): the system thread raises the `reset` event
 * after Finish and queues it to the application thread (`system/src/system_event.cpp:63-76,138-153`
 * at v1.4.4), then waits up to 30 s for the app before it resets (`system_update.cpp:345-367`);
 * `System.disableReset()` holds a pending reset back (`system_update.cpp:326-343`).
 */
import { defineSketch, UpdateFlag, VirtualBoron, type SketchApi } from '../../../src/index';
import { appImage, writeImage } from '../../helpers';

const NEW_APP = appImage('NEW APP RUNNING', 2048);
let installers = 0;

/** An app that installs NEW_APP in setup() and then runs `loop`; `systemThread` as given. */
function installer(loop: (api: SketchApi) => Promise<void>, options: { systemThread: boolean; onEvent?: (api: SketchApi, event: string) => void }): VirtualBoron {
  const sketch = defineSketch(
    (api) => {
      for (const event of ['reset_pending', 'reset'] as const) api.System.on(event, () => options.onEvent?.(api, event));
      return {
        async setup() {
          const { file } = await writeImage(api, NEW_APP);
          const result = await api.Spark_Finish_Firmware_Update(file, UpdateFlag.SUCCESS, null);
          api.Serial.println(`FINISHED ${result}`);
        },
        loop: () => loop(api),
      };
    },
    { name: `installer ${++installers}`, systemMode: 'MANUAL', systemThread: options.systemThread },
  );
  return new VirtualBoron({ app: sketch }).powerOn();
}

const resetAt = (device: VirtualBoron) => device.trace.find((e) => e.type === 'device:reset');
const finishedAt = (device: VirtualBoron) => device.trace.find((e) => e.type === 'ota:finish')!.atMicros;

describe('the reset after Finish', () => {
  it('without SYSTEM_THREAD, comes at the idle pass after the loop() turn that follows setup() (app_loop, main.cpp:440-500 at v1.4.4), the reset event first', async () => {
    const order: string[] = [];
    const device = installer(async () => void order.push('loop'), { systemThread: false, onEvent: (_api, event) => order.push(event) });
    await device.runUntil('NEW APP RUNNING', { timeoutMs: 10_000 });
    expect(order).toEqual(['reset_pending', 'loop', 'reset']);
  });

  it('with SYSTEM_THREAD, is queued to the app thread, which handles it between loop() turns', async () => {
    const order: string[] = [];
    const device = installer(async ({ delay }) => {
      order.push('loop');
      await delay(5);
    }, { systemThread: true, onEvent: (_api, event) => order.push(event) });
    await device.runUntil('NEW APP RUNNING', { timeoutMs: 10_000 });
    // reset_pending is raised by Finish on the app thread, at once; reset comes from the system thread.
    expect(order.slice(0, 2)).toEqual(['reset_pending', 'loop']);
    expect(order.at(-1)).toBe('reset');
    expect(resetAt(device)!.atMicros - finishedAt(device)).toBeLessThan(20_000);
  });

  it('with SYSTEM_THREAD, comes 30 s later when the app thread never takes the event', async () => {
    let handled = false;
    const device = installer(async ({ delay }) => {
      // Never returns, and delay(500) never runs the app's event queue (it would from 1000 ms on).
      for (;;) await delay(500);
    }, { systemThread: true, onEvent: (_api, event) => void (event === 'reset' && (handled = true)) });
    await device.runUntil(() => resetAt(device) !== undefined, { timeoutMs: 60_000 });
    const waited = resetAt(device)!.atMicros - finishedAt(device);
    expect(waited).toBeGreaterThanOrEqual(30_000_000);
    expect(waited).toBeLessThan(30_002_000);
    expect(handled).toBe(false);
  });

  it('waits while System.disableReset() holds it back, and comes at the next idle pass after enableReset()', async () => {
    let turns = 0;
    const device = installer(async ({ System, Serial }) => {
      turns++;
      if (turns === 50) {
        Serial.println(`PENDING ${System.resetPending()}`);
        System.enableReset();
      }
    }, { systemThread: false, onEvent: ({ System }, event) => event === 'reset_pending' && System.disableReset() });
    await device.runUntil('NEW APP RUNNING', { timeoutMs: 10_000 });
    expect(device.serial.output).toContain('PENDING true');
    expect(turns).toBe(50);
  });
});
