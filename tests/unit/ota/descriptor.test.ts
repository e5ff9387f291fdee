import { Descriptor, DESCRIPTOR_SIZE, FileTransferStore, type DescriptorField } from '../../../src/ota/descriptor';

/** Stack garbage per field, as a device's stack might hold it (the forum's chunk_address among it). */
const GARBAGE: Record<DescriptorField, number> = {
  size: 0x1111,
  reserved2: 0x2222,
  chunk_address: 0x202a06a8,
  chunk_size: 0x3333,
  store: 0x44,
  reserved: 0x55,
  file_length: 0x66666666,
  file_address: 0x77777777,
};

function descriptor() {
  const filled: Array<[DescriptorField, number]> = [];
  const reads: Array<[DescriptorField, number, string]> = [];
  const d = new Descriptor(
    (field, bits) => {
      filled.push([field, bits]);
      return GARBAGE[field];
    },
    (field, value, reader) => reads.push([field, value, reader]),
  );
  return { d, filled, reads };
}

describe('Descriptor', () => {
  it('is the packed 20-byte FileTransfer::Descriptor', () => {
    expect(DESCRIPTOR_SIZE).toBe(20);
    expect(descriptor().d.bytes.length).toBe(20);
  });

  it('asks for stack garbage for every field, then writes only size = 20', () => {
    const { d, filled, reads } = descriptor();
    expect(filled).toEqual([
      ['size', 16],
      ['reserved2', 16],
      ['chunk_address', 32],
      ['chunk_size', 16],
      ['store', 8],
      ['reserved', 8],
      ['file_length', 32],
      ['file_address', 32],
    ]);
    // prettier-ignore
    expect(Array.from(d.bytes)).toEqual([
      20, 0, 0x22, 0x22, 0xa8, 0x06, 0x2a, 0x20, 0x33, 0x33, 0x44, 0x55,
      0x66, 0x66, 0x66, 0x66, 0x77, 0x77, 0x77, 0x77,
    ]);
    expect(d.size).toBe(20);
    expect(d.isWritten('size')).toBe(true);
    expect(d.isWritten('chunk_address')).toBe(false);
    expect(reads).toEqual([]);
  });

  it('truncates garbage wider than the field', () => {
    const d = new Descriptor(() => 0x12345678, () => undefined);
    expect([d.chunk_size, d.store]).toEqual([0x5678, 0x78]);
  });

  it('reports a read of a never-written field once, with its garbage value and the reader', () => {
    const { d, reads } = descriptor();
    expect(d.read('chunk_address', 'Spark_Prepare_For_Firmware_Update')).toBe(0x202a06a8);
    expect(d.chunk_address).toBe(0x202a06a8);
    expect(reads).toEqual([['chunk_address', 0x202a06a8, 'Spark_Prepare_For_Firmware_Update']]);
  });

  it('names "your sketch" as the reader of a property getter', () => {
    const { d, reads } = descriptor();
    expect(d.file_length).toBe(0x66666666);
    expect(reads).toEqual([['file_length', 0x66666666, 'your sketch']]);
  });

  it('does not report a read after a write', () => {
    const { d, reads } = descriptor();
    d.chunk_address = 0;
    d.file_address = 0x289000;
    expect(d.chunk_address).toBe(0);
    expect(d.read('file_address', 'HAL_FLASH_Begin')).toBe(0x289000);
    expect(reads).toEqual([]);
  });

  it('truncates chunk_size to a uint16 (70000 → 4464)', () => {
    const { d } = descriptor();
    d.chunk_size = 70000;
    expect(d.chunk_size).toBe(4464);
    expect(Array.from(d.bytes.subarray(8, 10))).toEqual([0x70, 0x11]);
  });

  it('truncates store to a uint8', () => {
    const { d } = descriptor();
    d.store = FileTransferStore.APPLICATION + 0x100;
    expect(d.store).toBe(128);
    d.store = FileTransferStore.FIRMWARE;
    expect(d.store).toBe(0);
  });

  it('wraps 32-bit fields like a uint32_t', () => {
    const { d } = descriptor();
    d.file_length = -1;
    d.file_address = 2 ** 32 + 0x289000;
    d.chunk_address = 0x289000 + 0x202a06a8;
    expect(d.file_length).toBe(0xffffffff);
    expect(d.file_address).toBe(0x289000);
    expect(d.chunk_address).toBe(0x205296a8);
  });

  it('writes fields without touching their neighbours', () => {
    const { d } = descriptor();
    d.store = 0xff;
    expect(d.bytes[11]).toBe(0x55);
    expect(Array.from(d.bytes.subarray(8, 10))).toEqual([0x33, 0x33]);
  });

  it('counts chunks as ceil(file_length / chunk size), 0 for a zero chunk size', () => {
    const { d } = descriptor();
    d.file_length = 1000;
    expect(d.chunk_count(512)).toBe(2);
    expect(d.chunk_count(1000)).toBe(1);
    expect(d.chunk_count(999)).toBe(2);
    expect(d.chunk_count(1)).toBe(1000);
    expect(d.chunk_count(0)).toBe(0);
    // The argument is an `unsigned`, not the field's uint16 (`file_transfer.h:78-80` at v1.4.4).
    expect(d.chunk_count(0x10000 + 512)).toBe(1);
    expect(d.chunk_count(0x10000)).toBe(1);
    // And the sum wraps in 32 bits, as C's does.
    d.file_length = 0xffffff00;
    expect(d.chunk_count(512)).toBe(0);
  });

  it('reports chunk_count reading an unwritten file_length', () => {
    const { d, reads } = descriptor();
    expect(d.chunk_count(0x66666666 & 0xffff)).toBe(Math.ceil(0x66666666 / 0x6666));
    expect(reads).toEqual([['file_length', 0x66666666, 'your sketch']]);
  });
});
