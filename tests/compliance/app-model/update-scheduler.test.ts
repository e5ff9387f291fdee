/**
 * Device OS's application model during an update (reference: device-os-app-model.md §1-§2):
 * without SYSTEM_THREAD, loop() stops once Prepare has started an update (`system/src/main.cpp:466`
 * at v1.4.4) and a delay() that reaches 1000 ms since the last idle pass never returns
 * (`system/src/system_task.cpp:533-543`); with SYSTEM_THREAD neither happens.
 */
import { defineSketch, VirtualBoron, type DeviceOsVersion, type SketchApi } from '../../../src/index';
import { deviceRunning, firmwareFile } from '../../helpers';

/** Prepare a 4 KiB update in setup(), then run `after`. */
function preparedThen(after: (api: SketchApi) => Promise<void>, options: { deviceOs?: DeviceOsVersion; systemThread?: boolean } = {}): VirtualBoron {
  return deviceRunning(async (api) => {
    const file = firmwareFile(api.FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: 4096 });
    await api.Spark_Prepare_For_Firmware_Update(file, 0, null);
    api.Serial.println('PREPARED');
    await after(api);
  }, options);
}

const resets = (device: VirtualBoron) => device.trace.filter((e) => e.type === 'device:reset');

describe('delay() during an update, without SYSTEM_THREAD', () => {
  it('never returns once 1000 ms of delays add up; 1.x resets with reason 90 300 s after Prepare (system_task.cpp:533-543, main.cpp:376-388 at v1.4.4)', async () => {
    const device = preparedThen(async ({ delay, Serial }) => {
      await delay(1000);
      Serial.println('RETURNED');
    });
    await device.runUntil(() => resets(device).length > 0, { timeoutMs: 400_000 });
    expect(device.serial.output).not.toContain('RETURNED');
    expect(resets(device)).toEqual([expect.objectContaining({ reason: 90, reasonName: 'UPDATE_TIMEOUT' })]);
    const prepared = device.trace.find((e) => e.type === 'ota:begin')!;
    expect(resets(device)[0].atMicros - prepared.atMicros).toBe(300_000_000);
  });

  it('names the call, the time since Prepare, the rule, what follows and the fixes', async () => {
    const device = preparedThen(({ delay }) => delay(1000));
    await device.runFor(5000);
    const why = device.diagnostics.find((d) => d.code === 'delay-during-update')!;
    expect(why.message).toMatch(
      /^delay\(1000\) at \d+ ms, 0 ms after Spark_Prepare_For_Firmware_Update, never returns: without SYSTEM_THREAD\(ENABLED\), delay\(\) runs the system loop once 1000 ms of delays have added up since the last loop\(\) turn \(or 1000 ms pass in one delay\), and while an update is in progress it keeps running it until the update ends \(system_task\.cpp:533-543 at v1\.4\.4\), which nothing will now do\. The update watchdog resets the device with reason 90 \(UPDATE_TIMEOUT\) 300 s after the last saved chunk\. Do the whole download inside one loop\(\) call without delay\(\), or use SYSTEM_THREAD\(ENABLED\)\.$/,
    );
  });

  it('hangs for good from 3.0, where the nRF52840 has no update watchdog, and a run ends in RUN_TIMEOUT that says why', async () => {
    const device = preparedThen(({ delay }) => delay(1000), { deviceOs: '3.3.1' });
    await expect(device.runUntil('never', { timeoutMs: 900_000 })).rejects.toMatchObject({ code: 'RUN_TIMEOUT', message: expect.stringContaining('Device OS 3.3.1 has no update watchdog on a Boron (compiled out from 3.0), so the device hangs until its power is cut') });
    expect(resets(device)).toEqual([]);
  });

  it('counts the delays of one loop() turn: a hundred delay(10) polls never return either', async () => {
    const device = preparedThen(async ({ delay, Serial }) => {
      for (let i = 0; i < 100; i++) await delay(10);
      Serial.println('RETURNED');
    }, { deviceOs: '3.3.1' });
    await device.runFor(60_000);
    expect(device.serial.output).not.toContain('RETURNED');
    expect(device.diagnostics.find((d) => d.code === 'delay-during-update')?.message).toMatch(/^delay\(10\) at /);
  });

  it('returns while the delays add up to less than 1000 ms', async () => {
    const device = preparedThen(async ({ delay, Serial }) => {
      for (let i = 0; i < 99; i++) await delay(10);
      Serial.println('RETURNED');
    }, { deviceOs: '3.3.1' });
    await device.runUntil('RETURNED', { timeoutMs: 5000 });
  });

  it('returns with SYSTEM_THREAD(ENABLED), where the system loop runs on its own thread', async () => {
    const device = preparedThen(async ({ delay, Serial }) => {
      await delay(1000);
      Serial.println('RETURNED');
    }, { systemThread: true });
    await device.runUntil('RETURNED', { timeoutMs: 5000 });
    expect(device.diagnostics.map((d) => d.code)).not.toContain('delay-during-update');
  });
});

describe('delay() without an update', () => {
  it('takes exactly its time, however many 1000 ms passes of the system loop it makes', async () => {
    const stamps: number[] = [];
    const device = deviceRunning(async ({ delay, micros }) => {
      stamps.push(micros());
      await delay(2500);
      stamps.push(micros());
    });
    await device.runUntil('DONE');
    expect(stamps[1] - stamps[0]).toBe(2_500_001);
  });
});

describe('loop() during an update, without SYSTEM_THREAD', () => {
  /** A state machine: Prepare in one loop() turn, one Save per later turn. */
  function stateMachine(deviceOs: DeviceOsVersion, systemThread?: boolean): VirtualBoron {
    const sketch = defineSketch(
      (api) => {
        let file: ReturnType<typeof firmwareFile> | undefined;
        let turns = 0;
        return {
          async loop() {
            turns++;
            if (!file) {
              file = firmwareFile(api.FileTransfer, { chunk_address: 0, chunk_size: 4, file_length: 4096 });
              await api.Spark_Prepare_For_Firmware_Update(file, 0, null);
              file.chunk_address = file.file_address;
              api.Serial.println('PREPARED');
            } else if (turns === 3) {
              api.Serial.println('SECOND TURN AFTER PREPARE');
            }
          },
        };
      },
      { name: `state machine ${deviceOs} ${systemThread}`, systemMode: 'MANUAL', systemThread },
    );
    return new VirtualBoron({ app: sketch, deviceOs }).powerOn();
  }

  it('is not called again once Prepare has started the update (main.cpp:466 at v1.4.4), and says so', async () => {
    const device = stateMachine('1.4.4');
    await device.runFor(10_000);
    expect(device.serial.output).toBe('PREPARED\r\n');
    expect(device.diagnostics.find((d) => d.code === 'loop-during-update')?.message).toMatch(
      /^loop\(\) returned at \d+ ms, 1 ms after Spark_Prepare_For_Firmware_Update, and is not called again: without SYSTEM_THREAD\(ENABLED\), Device OS runs loop\(\) only while no update is in progress \(main\.cpp:466 at v1\.4\.4\), so Saves planned for later loop\(\) turns never happen\. The update watchdog resets the device with reason 90 \(UPDATE_TIMEOUT\) 300 s after the last saved chunk\. Do the whole download inside one loop\(\) call, or use SYSTEM_THREAD\(ENABLED\)\.$/,
    );
  });

  it('keeps being called with SYSTEM_THREAD(ENABLED)', async () => {
    const device = stateMachine('1.4.4', true);
    await device.runUntil('SECOND TURN AFTER PREPARE', { timeoutMs: 10_000 });
  });

  it('keeps being called on 6.2.0, where SYSTEM_THREAD(ENABLED) is the default (CHANGELOG.md:5 at v6.2.0)', async () => {
    const device = stateMachine('6.2.0');
    await device.runUntil('SECOND TURN AFTER PREPARE', { timeoutMs: 10_000 });
  });

  it('stops on 6.2.0 too when the app asks for SYSTEM_THREAD(DISABLED)', async () => {
    const device = stateMachine('6.2.0', false);
    await device.runFor(10_000);
    expect(device.serial.output).toBe('PREPARED\r\n');
  });
});
