/** Spark_Save_Firmware_Chunk, 1.x (`system_update.cpp:408-419` at v1.4.4; reference note §1.3, §2.3). */
import { deviceRunning, firmwareFile } from '../../helpers';

describe('Spark_Save_Firmware_Chunk (1.x)', () => {
  it('programs chunk_size bytes at chunk_address taken as an absolute external-flash address', async () => {
    const device = deviceRunning(async ({ FileTransfer, Spark_Save_Firmware_Chunk }) => {
      const file = firmwareFile(FileTransfer, { chunk_address: 0x300001, chunk_size: 3 });
      await Spark_Save_Firmware_Chunk(file, Uint8Array.of(0xa1, 0xb2, 0xc3, 0xd4), null);
    });
    await device.runUntil('DONE');
    expect([...device.flash.external.read(0x300000, 5)]).toEqual([0xff, 0xa1, 0xb2, 0xc3, 0xff]);
  });

  it('lands an address above 4 MB modulo 4 MB (24-bit QSPI address, 22 bits decoded)', async () => {
    const device = deviceRunning(async ({ FileTransfer, Spark_Save_Firmware_Chunk }) => {
      const file = firmwareFile(FileTransfer, { chunk_address: 0x202a06a8, chunk_size: 2 });
      await Spark_Save_Firmware_Chunk(file, Uint8Array.of(0x12, 0x34), null);
    });
    await device.runUntil('DONE');
    expect([...device.flash.external.read(0x2a06a8, 2)]).toEqual([0x12, 0x34]);
  });

  it('writes even before any Prepare and never advances chunk_address itself', async () => {
    let after = 0;
    let result = -99;
    const device = deviceRunning(async ({ FileTransfer, Spark_Save_Firmware_Chunk }) => {
      const file = firmwareFile(FileTransfer, { chunk_address: 0x289000, chunk_size: 4 });
      result = await Spark_Save_Firmware_Chunk(file, Uint8Array.of(1, 2, 3, 4), null);
      after = file.chunk_address;
    });
    await device.runUntil('DONE');
    expect({ result, after }).toEqual({ result: 0, after: 0x289000 });
  });

  it('returns -1 and writes nothing when store is not FIRMWARE', async () => {
    let result = 0;
    const device = deviceRunning(async ({ FileTransfer, Spark_Save_Firmware_Chunk }) => {
      const file = new FileTransfer.Descriptor();
      file.store = FileTransfer.Store.SYSTEM;
      file.chunk_address = 0x289000;
      file.chunk_size = 4;
      result = await Spark_Save_Firmware_Chunk(file, Uint8Array.of(1, 2, 3, 4), null);
    });
    await device.runUntil('DONE');
    expect(result).toBe(-1);
    expect(device.flash.external.stats.programOperations).toBe(0);
  });

  it('gives a correct image from odd-sized chunks on an erased region (Gen3 pads partial words with 0xFF)', async () => {
    const image = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 0xff);
    const device = deviceRunning(async ({ FileTransfer, Spark_Prepare_For_Firmware_Update, Spark_Save_Firmware_Chunk }) => {
      const file = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: image.length });
      await Spark_Prepare_For_Firmware_Update(file, 0, null);
      file.chunk_address = file.file_address;
      for (let at = 0, n = 79; at < image.length; at += n, n = n === 79 ? 69 : 79) {
        const chunk = image.subarray(at, Math.min(at + n, image.length));
        file.chunk_size = chunk.length;
        await Spark_Save_Firmware_Chunk(file, chunk, null);
        file.chunk_address += file.chunk_size;
      }
    });
    await device.runUntil('DONE');
    expect(Buffer.from(device.flash.external.read(0x289000, image.length)).equals(Buffer.from(image))).toBe(true);
  });
});
