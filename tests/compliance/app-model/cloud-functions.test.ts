/**
 * `Particle.function`: the cloud calls it, inline in the cloud loop without SYSTEM_THREAD and from
 * the app's event queue with it; the result goes back after the function returns, so a reset the
 * function scheduled (an OTA's) can come first (`system/src/system_cloud_internal.cpp:620-642` at v1.4.4).
 */
import { defineSketch, EmulatorError, UpdateFlag, VirtualBoron, type SketchApi } from '../../../src/index';
import { appImage, writeImage } from '../../helpers';

const NEW_APP = appImage('NEW APP RUNNING', 2048);
let apps = 0;

function withFunction(handler: (api: SketchApi, argument: string) => Promise<number>, options: { systemThread?: boolean; systemMode?: 'AUTOMATIC' | 'MANUAL' } = {}): VirtualBoron {
  const sketch = defineSketch(
    (api) => ({
      setup() {
        api.Particle.function('update', (argument) => handler(api, argument));
        api.Serial.println('READY');
      },
      loop: () => api.delay(10),
    }),
    { name: `functions ${++apps}`, systemMode: options.systemMode ?? 'AUTOMATIC', systemThread: options.systemThread },
  );
  return new VirtualBoron({ app: sketch }).powerOn();
}

describe('Particle.function', () => {
  it.each([false, true])('runs on the app thread and its result reaches the cloud (SYSTEM_THREAD %s)', async (systemThread) => {
    const device = withFunction(async (_api, argument) => argument.length, { systemThread });
    // With SYSTEM_THREAD, setup() runs while the system thread is still connecting.
    await device.runUntil(() => device.cloud.connected, { timeoutMs: 20_000 });
    const result = device.cloud.call('update', 'four');
    await device.runFor(2000);
    await expect(result).resolves.toBe(4);
  });

  it('loses its result when the function installs an update: the reset comes first', async () => {
    const device = withFunction(async (api) => {
      const { file } = await writeImage(api, NEW_APP);
      return api.Spark_Finish_Firmware_Update(file, UpdateFlag.SUCCESS, null);
    });
    await device.runUntil('READY', { timeoutMs: 20_000 });
    const result = device.cloud.call('update', '');
    await device.runUntil('NEW APP RUNNING', { timeoutMs: 20_000 });
    await expect(result).rejects.toMatchObject({
      code: 'CLOUD_CALL_LOST',
      message: 'Failed to call the function "update": the device reset (reason 140, USER) before its result reached the cloud (system_cloud_internal.cpp:620-642 at v1.4.4: the result goes back after the function returns, and a reset it scheduled can come first).',
    });
  });

  it('cannot be called without a cloud session, nor by a name the app did not register', async () => {
    const offline = withFunction(async () => 1, { systemMode: 'MANUAL' });
    await offline.runUntil('READY');
    await expect(offline.cloud.call('update')).rejects.toBeInstanceOf(EmulatorError);
    await expect(offline.cloud.call('update')).rejects.toMatchObject({ code: 'CLOUD_OFFLINE' });
    const online = withFunction(async () => 1);
    await online.runUntil('READY', { timeoutMs: 20_000 });
    await expect(online.cloud.call('upgrade')).rejects.toMatchObject({ code: 'CLOUD_NO_FUNCTION', message: 'Failed to call the function "upgrade": the app registered "update".' });
  });
});
