/**
 * Device OS #1989 (fixed by PR #2036 in 1.5.0): Gen 2's FLASH_Update programmed the wrong last word
 * of a chunk whose length is not a multiple of 4. A Boron never had it; the emulator reproduces it
 * only behind `gen2UnalignedWriteBug`, to show the thread's "works just sometimes".
 */
import fc from 'fast-check';
import { recordedLink } from '../../src/index';
import { runForumScenario } from '../../examples/forum-ota/scenario';
import { deviceRunning, firmwareFile } from '../helpers';

/** Save `image` in chunks of the given sizes (cycled) from the OTA region's start; return what the region holds. */
async function saveInChunks(image: Uint8Array, sizes: number[], gen2UnalignedWriteBug: boolean): Promise<Uint8Array> {
  const device = deviceRunning(
    async ({ FileTransfer, Spark_Prepare_For_Firmware_Update, Spark_Save_Firmware_Chunk }) => {
      const file = firmwareFile(FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: image.length });
      await Spark_Prepare_For_Firmware_Update(file, 0, null);
      file.chunk_address = file.file_address;
      for (let at = 0, i = 0; at < image.length; i++) {
        const chunk = image.slice(at, at + sizes[i % sizes.length]);
        file.chunk_size = chunk.length;
        await Spark_Save_Firmware_Chunk(file, chunk, null);
        file.chunk_address += chunk.length;
        at += chunk.length;
      }
    },
    { gen2UnalignedWriteBug },
  );
  await device.runUntil('DONE');
  return device.flash.external.read(0x289000, image.length);
}

/** The sizes actually used to cut `length` bytes. */
function sizesUsed(length: number, sizes: number[]): number[] {
  const used: number[] = [];
  for (let at = 0, i = 0; at < length; i++) {
    const n = Math.min(sizes[i % sizes.length], length - at);
    used.push(n);
    at += n;
  }
  return used;
}

// Images without 0xFF bytes, so that a lost or misplaced byte always shows against erased flash.
const images = fc.uint8Array({ minLength: 1, maxLength: 1500 }).map((bytes) => bytes.map((b) => b % 0xff));
const chunkings = fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 8 });

describe('Gen 2 unaligned-write bug (#1989)', () => {
  it('never touches a Boron: any chunking of an image gives exactly the image', async () => {
    await fc.assert(
      fc.asyncProperty(images, chunkings, async (image, sizes) => {
        expect(Buffer.from(await saveInChunks(image, sizes, false)).equals(Buffer.from(image))).toBe(true);
      }),
      { numRuns: 40, seed: 1989 },
    );
  });

  it('with the switch on, corrupts the region exactly when some chunk length is not a multiple of 4', async () => {
    await fc.assert(
      fc.asyncProperty(images, chunkings, async (image, sizes) => {
        const intact = Buffer.from(await saveInChunks(image, sizes, true)).equals(Buffer.from(image));
        expect(intact).toBe(sizesUsed(image.length, sizes).every((n) => n % 4 === 0));
      }),
      { numRuns: 40, seed: 1989 },
    );
  });

  it('makes the forum routine work "just sometimes": it depends on the chunk sizes the link happens to deliver', async () => {
    // The thread's bursts give a 79-byte first chunk; a link that delivers the 305-byte header on its own, then 1024-byte bursts, gives 128s.
    const oddBursts = await runForumScenario({ fixed: true, gen2UnalignedWriteBug: true });
    const evenBursts = await runForumScenario({
      fixed: true,
      gen2UnalignedWriteBug: true,
      link: recordedLink({ dnsMs: 192, connectMs: 197, uplinkMs: 97, downlink: [{ atMs: 395, bytes: 305 }, ...[1, 2, 3, 4, 5].map((i) => ({ atMs: 395 + 50 * i, bytes: 1024 }))] }),
    });
    const hal = (d: typeof oddBursts) => d.logs.filter((r) => r.category === 'hal').map((r) => r.message);
    expect(hal(oddBursts)).toEqual(['module fetched 1, checks=5e, result=5c', 'OTA module not applied']);
    expect(oddBursts.diagnostics.map((d) => d.code)).toContain('gen2-unaligned-write');
    expect(oddBursts.diagnostics.find((d) => d.code === 'gen2-unaligned-write')!.message).toBe(
      "Failed to program the image intact: the Gen 2 unaligned-write bug (Device OS #1989, fixed by PR #2036 in 1.5.0) is switched on. 1 chunk with a length that is not a multiple of 4 (the first: 79 bytes at 0x289000) got a last word made of the byte before the buffer and the chunk's first bytes, and 40 chunks (4,933 bytes) started at an unaligned address, which the flash refused. A Boron never had this bug; on Gen 2, save chunks whose length is a multiple of 4, or update to 1.5.0.",
    );
    expect(hal(evenBursts)).toEqual(['module fetched 1, checks=5e, result=5e']);
    expect(evenBursts.appName).toBe('simple');
  });
});
