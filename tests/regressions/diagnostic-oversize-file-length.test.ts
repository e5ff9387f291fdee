/**
 * Regression (issue 8, held-out check): when HAL_FLASH_Begin skipped its erase because file_length was
 * too large — with chunk_address already 0 — the diagnostics said "Keep file.chunk_address at 0" and
 * "Set file.chunk_address = 0", advice for another cause. They now name the cause the numbers show.
 */
import { appImage, deviceRunning, firmwareFile } from '../helpers';

test('an oversize file_length with chunk_address 0 is blamed on file_length', async () => {
  const device = deviceRunning(
    async ({ FileTransfer, Spark_Prepare_For_Firmware_Update, Spark_Save_Firmware_Chunk }) => {
      const file = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: 3_000_000 });
      await Spark_Prepare_For_Firmware_Update(file, 0, null);
      file.chunk_address = file.file_address;
      await Spark_Save_Firmware_Chunk(file, new Uint8Array(256).fill(0x11), null);
    },
    { otaRegion: appImage('an earlier image', 4096) },
  );
  await device.runUntil('DONE');
  const messages = device.diagnostics.map((d) => d.message);
  expect(messages).toEqual([
    "Failed to erase the OTA region: HAL_FLASH_Begin skipped the erase because 0x289000 + 3000000 runs past the 4 MB external flash (the range must end at or below 0x400000), yet Spark_Prepare_For_Firmware_Update returned 0. file_length 3,000,000 is more than the 1,536,000 bytes from the OTA region's start 0x289000 to the end of the chip: set file_length to the image's size (the region holds 1,536,000 bytes).",
    expect.stringMatching(
      /^Failed to program 256 bytes at 0x289000: the flash there was not erased \(Begin skipped the erase because 0x289000 \+ 3000000 is past the 4 MB chip\), so [\d,]+ bytes merged with old data and [\d,]+ read back different from what was written\. Set file_length to the image's size before Spark_Prepare_For_Firmware_Update\.$/,
    ),
  ]);
  expect(messages.join(' ')).not.toContain('chunk_address');
});
