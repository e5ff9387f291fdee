/**
 * Misuse: a sketch that does not await a call that takes time. On the device the C++ call would not
 * have returned; here the next call started while the first was pending, and the first then read a
 * descriptor the sketch had already moved on (a missing await on a Save was blamed on
 * chunk_address). Now the second call fails the run with CALL_NOT_AWAITED, naming both.
 */
import { deviceRunning, firmwareFile } from '../../helpers';

const notAwaited = (call: string, pending: string) => ({
  code: 'CALL_NOT_AWAITED',
  message: `Failed to call ${call}(): ${pending}(), called before it, has not returned yet (a missing await?). A sketch call that takes time returns a Promise, and the device runs one call at a time: await ${pending}() before making the next call.`,
});

describe('a call started while another is pending', () => {
  it('a Save not awaited, then the next Save: named, before the second reads the descriptor', async () => {
    const device = deviceRunning(async (api) => {
      const file = firmwareFile(api.FileTransfer, { chunk_address: 0, chunk_size: 128, file_length: 256 });
      await api.Spark_Prepare_For_Firmware_Update(file, 0, null);
      file.chunk_address = file.file_address;
      const chunk = new Uint8Array(128);
      for (let i = 0; i < 2; i++) {
        void api.Spark_Save_Firmware_Chunk(file, chunk, null);
        file.chunk_address += 128;
      }
      await api.Spark_Finish_Firmware_Update(file, 1, null);
    });
    await expect(device.runUntil('DONE')).rejects.toMatchObject(notAwaited('Spark_Save_Firmware_Chunk', 'Spark_Save_Firmware_Chunk'));
    expect(device.state).toBe('crashed');
    // Nothing was programmed at a chunk_address the sketch had already moved on, and nothing blames chunk_address.
    expect(device.trace.filter((e) => e.type === 'ota:chunk')).toEqual([]);
    expect(device.diagnostics.map((d) => d.code)).toEqual([]);
  });

  it('a delay not awaited, then another call', async () => {
    const device = deviceRunning(async (api) => {
      void api.delay(10);
      await new api.TCPClient().connect('fw.example', 80);
    });
    await expect(device.runUntil('DONE')).rejects.toMatchObject(notAwaited('TCPClient.connect', 'delay'));
  });

  it('a TCPClient read not awaited, then Finish', async () => {
    const device = deviceRunning(async (api) => {
      const client = new api.TCPClient();
      void client.read();
      await api.Spark_Finish_Firmware_Update(new api.FileTransfer.Descriptor(), 0, null);
    });
    await expect(device.runUntil('DONE')).rejects.toMatchObject(notAwaited('Spark_Finish_Firmware_Update', 'TCPClient.read'));
  });

  it('a TCPClient available() not awaited (its result is there at once), then read()', async () => {
    const device = deviceRunning(async (api) => {
      const client = new api.TCPClient();
      void client.available();
      await client.read();
    });
    await expect(device.runUntil('DONE')).rejects.toMatchObject(notAwaited('TCPClient.read', 'TCPClient.available'));
  });

  it('the run stays failed; a reset boots the app again', async () => {
    let boots = 0;
    const device = deviceRunning(async (api) => {
      if (boots++ > 0) return;
      void api.delay(10);
      await api.delay(10);
    });
    await expect(device.runUntil('DONE')).rejects.toMatchObject({ code: 'CALL_NOT_AWAITED' });
    await expect(device.runFor(10)).rejects.toMatchObject({ code: 'CALL_NOT_AWAITED' });
    device.pressReset();
    await device.runUntil('DONE');
    expect(device.state).toBe('running');
  });
});

describe('calls the device does run inside another', () => {
  it('a System.on() handler runs to the end at once: a call that takes time from one is refused', async () => {
    const device = deviceRunning(async (api) => {
      api.System.on('reset_pending', () => void api.delay(10));
      const file = firmwareFile(api.FileTransfer, { chunk_address: 0, chunk_size: 128, file_length: 256 });
      await api.Spark_Prepare_For_Firmware_Update(file, 0, null);
      await api.Spark_Finish_Firmware_Update(file, 1, null);
    });
    await expect(device.runUntil('DONE')).rejects.toMatchObject({
      code: 'SKETCH_NESTED_BLOCKING',
      message: 'Failed to run the app: delay() takes time, and it was called from a System.on() handler, which the emulator runs to the end at once. Do the work in loop() instead.',
    });
  });

  it('a cloud function runs inside delay() and may await calls of its own', async () => {
    const device = deviceRunning(
      async (api) => {
        api.Particle.function('ping', async () => {
          await api.delay(5);
          return 7;
        });
        for (let i = 0; i < 50; i++) await api.delay(100);
      },
      { systemMode: 'AUTOMATIC' },
    );
    await device.runUntil(() => device.cloud.connected, { timeoutMs: 60_000 });
    const result = device.cloud.call('ping');
    await device.runUntil('DONE');
    expect(await result).toBe(7);
  });

  it('awaited calls one after another never trip it, however many', async () => {
    const device = deviceRunning(async (api) => {
      for (let i = 0; i < 1000; i++) await api.delay(1);
      await Promise.all([]);
    });
    await device.runUntil('DONE');
    expect(device.state).toBe('running');
  });
});
