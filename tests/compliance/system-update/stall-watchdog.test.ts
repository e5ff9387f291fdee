/**
 * The flash-update stall watchdog: while an update is in progress, 300 s without a Save resets the
 * device with reason 90 (`system/src/main.cpp:376-388`, `system/inc/system_cloud.h:266-270` at v1.4.4).
 */
import { deviceRunning, firmwareFile } from '../../helpers';

/** Prepare, then `saves` Saves `pauseMs` apart; threaded, delay() returns during the update (without it, it would not). */
function stalled(pauseMs: number, saves: number, systemThread = false) {
  return deviceRunning(async ({ FileTransfer, delay, Spark_Prepare_For_Firmware_Update, Spark_Save_Firmware_Chunk }) => {
    const file = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 4, file_length: 4096 });
    await Spark_Prepare_For_Firmware_Update(file, 0, null);
    file.chunk_address = file.file_address;
    for (let i = 0; i < saves; i++) {
      await delay(pauseMs);
      await Spark_Save_Firmware_Chunk(file, Uint8Array.of(1, 2, 3, 4), null);
      file.chunk_address += 4;
    }
    await delay(pauseMs);
  }, { systemThread });
}

describe('flash update stall watchdog', () => {
  it('resets with reason 90 (UPDATE_TIMEOUT) 300 s after the last Save', async () => {
    const device = stalled(400_000, 0);
    const resetAt = () => device.trace.find((e) => e.type === 'device:reset');
    await device.runUntil(() => resetAt() !== undefined, { timeoutMs: 400_000 });
    const prepared = device.trace.find((e) => e.type === 'ota:begin')!;
    expect(resetAt()).toMatchObject({ reason: 90, reasonName: 'UPDATE_TIMEOUT' });
    expect(resetAt()!.atMicros - prepared.atMicros).toBe(300_000_000);
    expect(device.diagnostics.map((d) => d.code)).toContain('update-timeout');
  });

  it('does not fire while Saves come less than 300 s apart', async () => {
    const device = stalled(290_000, 3, true);
    await device.runUntil('DONE', { timeoutMs: 1_200_000 });
    expect(device.trace.some((e) => e.type === 'device:reset')).toBe(false);
  });
});
