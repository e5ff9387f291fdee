/**
 * Regression (issue 8, held-out check): the 'outside-ota' diagnostic said "first at X" but reported the
 * address of the latest chunk outside the OTA region (here 0x100, where a chunk at 0x400100 wrapped).
 */
import { deviceRunning, firmwareFile } from '../helpers';

test('"first at" names the first chunk programmed outside the OTA region', async () => {
  const device = deviceRunning(async ({ FileTransfer, Spark_Prepare_For_Firmware_Update, Spark_Save_Firmware_Chunk }) => {
    const file = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 16, file_length: 4096 });
    await Spark_Prepare_For_Firmware_Update(file, 0, null);
    for (const address of [0x100000, 0x100010, 0x400100]) {
      file.chunk_address = address;
      await Spark_Save_Firmware_Chunk(file, new Uint8Array(16).fill(0x5a), null);
    }
  });
  await device.runUntil('DONE');
  expect(device.diagnostics.map((d) => d.message)).toEqual([
    'Failed to keep the chunks inside the OTA region (0x289000 to 0x400000): 48 bytes were programmed outside it, first at 0x100000. Keep chunk_address between file_address and file_address + file_length.',
  ]);
});
