/**
 * Regression (issue 8): FLASH_EraseMemory computes CEIL_DIV(length, 4096) in 32 bits after a range
 * check whose `start + length − 1` also wraps (`platform/MCU/nRF52840/src/flash_mal.c:45-105` at
 * v1.4.4). A file_length of 0xFFFFFFFF passes the check and erases zero sectors; the emulator erased
 * all 4 MB, the file system at 0x0 included.
 */
import { deviceRunning, firmwareFile } from '../helpers';

test('Prepare with file_length 0xFFFFFFFF erases nothing on 1.4.4', async () => {
  const device = deviceRunning(async ({ FileTransfer, Spark_Prepare_For_Firmware_Update }) => {
    await Spark_Prepare_For_Firmware_Update(firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: 0xffffffff }), 0, null);
  });
  device.flash.external.load(0x0, Uint8Array.of(1, 2, 3, 4));
  await device.runUntil('DONE');
  expect(device.flash.external.stats.sectorErases).toBe(0);
  expect(Array.from(device.flash.external.read(0x0, 4))).toEqual([1, 2, 3, 4]);
  expect(device.diagnostics.map((d) => d.code)).toEqual(['erase-skipped']);
});
