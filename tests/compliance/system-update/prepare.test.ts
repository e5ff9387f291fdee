/**
 * Spark_Prepare_For_Firmware_Update, 1.x (`system/src/system_update.cpp:280-314` at v1.4.4;
 * reference note §1.2) over HAL_FLASH_Begin (`flash_mal.c:665-675,45-105`, §2.2).
 */
import { deviceRunning, firmwareFile } from '../../helpers';

describe('Spark_Prepare_For_Firmware_Update (1.x)', () => {
  it('sets file_address = 0x289000 + chunk_address and erases ceil(file_length / 4 KB) sectors from there', async () => {
    let seen = { result: -99, fileAddress: 0 };
    const device = deviceRunning(async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
      const file = firmwareFile(FileTransfer, { chunk_address: 0x1000, chunk_size: 256, file_length: 5012 });
      const result = await Spark_Prepare_For_Firmware_Update(file, 0, null);
      seen = { result, fileAddress: file.file_address };
    });
    await device.runUntil('DONE');
    expect(seen).toEqual({ result: 0, fileAddress: 0x28a000 });
    expect(device.trace.filter((e) => e.type === 'flash:erase')).toEqual([expect.objectContaining({ chip: 'external', address: 0x28a000, length: 8192 })]);
    expect(device.flash.external.stats.sectorErases).toBe(2);
  });

  it('with chunk_size 0 sets chunk_size 512 and overwrites file_length with the whole 1,536,000-byte region', async () => {
    let fields = { chunkSize: 0, fileLength: 0 };
    const device = deviceRunning(async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
      const file = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 0, file_length: 5012 });
      await Spark_Prepare_For_Firmware_Update(file, 0, null);
      fields = { chunkSize: file.chunk_size, fileLength: file.file_length };
    });
    const start = device.millis;
    await device.runUntil('DONE');
    expect(fields).toEqual({ chunkSize: 512, fileLength: 1_536_000 });
    expect(device.flash.external.stats.sectorErases).toBe(375);
    // 375 sector erases at 40 ms each.
    expect(device.millis - start).toBeGreaterThanOrEqual(15_000);
  });

  it('skips the erase when file_address + file_length runs past the 4 MB chip, yet returns 0', async () => {
    let result = -99;
    const device = deviceRunning(async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
      const file = firmwareFile(FileTransfer, { chunk_address: 0x200176a8, chunk_size: 256, file_length: 5012 });
      result = await Spark_Prepare_For_Firmware_Update(file, 0, null);
    });
    await device.runUntil('DONE');
    expect(result).toBe(0);
    expect(device.flash.external.stats.sectorErases).toBe(0);
    expect(device.trace.find((e) => e.type === 'ota:begin')).toMatchObject({ fileAddress: 0x202a06a8, fileLength: 5012, erased: false });
    expect(device.diagnostics.map((d) => d.code)).toEqual(['erase-skipped']);
  });

  it('accepts an end exactly one past the chip (end <= 0x400000 is permissive by one byte)', async () => {
    const device = deviceRunning(async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
      const file = firmwareFile(FileTransfer, { chunk_address: 0x400000 - 0x289000 - 4096 + 1, chunk_size: 256, file_length: 4096 });
      await Spark_Prepare_For_Firmware_Update(file, 0, null);
    });
    await device.runUntil('DONE');
    expect(device.trace.find((e) => e.type === 'ota:begin')).toMatchObject({ erased: true });
  });

  it('returns 1 and erases nothing when updates are disabled, after rewriting file_address', async () => {
    let seen = { result: -99, fileAddress: 0 };
    const device = deviceRunning(async ({ FileTransfer, System, Spark_Prepare_For_Firmware_Update }) => {
      System.disableUpdates();
      const file = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: 5012 });
      const result = await Spark_Prepare_For_Firmware_Update(file, 0, null);
      seen = { result, fileAddress: file.file_address };
    });
    await device.runUntil('DONE');
    expect(seen).toEqual({ result: 1, fileAddress: 0x289000 });
    expect(device.flash.external.stats.sectorErases).toBe(0);
    expect(device.diagnostics.map((d) => d.message)).toEqual([
      'Failed to prepare the update: updates are disabled (System.disableUpdates()), so Spark_Prepare_For_Firmware_Update returned 1 and erased nothing. Call System.enableUpdates() first.',
    ]);
  });

  it('reports reading a descriptor field the sketch never wrote, with the garbage it held', async () => {
    const device = deviceRunning(
      async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
        const file = firmwareFile(FileTransfer, { chunk_size: 256, file_length: 5012 });
        await Spark_Prepare_For_Firmware_Update(file, 0, null);
      },
      { stack: { values: { chunk_address: 0x1234 }, otherwise: 'zero' } },
    );
    await device.runUntil('DONE');
    expect(device.diagnostics[0].message).toBe(
      "Failed to initialise file.chunk_address before Spark_Prepare_For_Firmware_Update read it: it held 0x1234, left on the stack (FileTransfer::Descriptor's constructor sets only size). Assign it before the call.",
    );
  });
});
