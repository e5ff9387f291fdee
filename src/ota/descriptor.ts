/** `FileTransfer::Store` (`communication/inc/file_transfer.h:27-33` at v1.4.4). */
export const FileTransferStore = { FIRMWARE: 0, SYSTEM: 1, APPLICATION: 128 } as const;

/** Field layout of the packed 20-byte `FileTransfer::Descriptor` (`file_transfer.h:27-78`); `bit` marks the field in a set of fields. */
const FIELDS = {
  size: { offset: 0, bits: 16, bit: 1 << 0 },
  reserved2: { offset: 2, bits: 16, bit: 1 << 1 },
  chunk_address: { offset: 4, bits: 32, bit: 1 << 2 },
  chunk_size: { offset: 8, bits: 16, bit: 1 << 3 },
  store: { offset: 10, bits: 8, bit: 1 << 4 },
  reserved: { offset: 11, bits: 8, bit: 1 << 5 },
  file_length: { offset: 12, bits: 32, bit: 1 << 6 },
  file_address: { offset: 16, bits: 32, bit: 1 << 7 },
} as const;

export type DescriptorField = keyof typeof FIELDS;
/** The struct's fields, in order. */
export const DESCRIPTOR_FIELDS = Object.keys(FIELDS) as DescriptorField[];
const FIELD_LIST = (Object.keys(FIELDS) as DescriptorField[]).map((name) => ({ name, offset: FIELDS[name].offset, width: FIELDS[name].bits / 8 }));
export const DESCRIPTOR_SIZE = 20;

/** What an uninitialised field holds when the descriptor is created: the device's stack source decides. */
export type UninitialisedValue = (field: DescriptorField, bits: 8 | 16 | 32) => number;

/** Told when a field is read before anything wrote it — what valgrind would report. */
export type UninitialisedRead = (field: DescriptorField, value: number, reader: string) => void;

/**
 * `FileTransfer::Descriptor` with C semantics: a 20-byte struct whose constructor sets only
 * `size`; every other field holds whatever was on the stack, and assignments truncate to the
 * field's width (`chunk_size` is a uint16).
 */
export class Descriptor {
  readonly bytes = new Uint8Array(DESCRIPTOR_SIZE);
  private readonly view = new DataView(this.bytes.buffer);
  /** The fields written so far, and those whose read before any write was reported: sets of `bit`s. */
  private written = 0;
  private reported = 0;

  constructor(
    uninitialised: UninitialisedValue,
    private readonly onUninitialisedRead: UninitialisedRead,
  ) {
    for (const [name, { bits }] of Object.entries(FIELDS) as [DescriptorField, (typeof FIELDS)[DescriptorField]][]) {
      this.store32(name, uninitialised(name, bits));
    }
    this.write('size', DESCRIPTOR_SIZE);
  }

  /** Read a field as `reader` (a function name), reporting the first read of an unwritten field. */
  read(field: DescriptorField, reader: string): number {
    const { offset, bits, bit } = FIELDS[field];
    const value = bits === 32 ? this.view.getUint32(offset, true) : bits === 16 ? this.view.getUint16(offset, true) : this.view.getUint8(offset);
    if (((this.written | this.reported) & bit) === 0) {
      this.reported |= bit;
      this.onUninitialisedRead(field, value, reader);
    }
    return value;
  }

  write(field: DescriptorField, value: number): void {
    this.written |= FIELDS[field].bit;
    this.store32(field, value);
  }

  /** The field at byte `offset` of the struct, as C code addresses it. */
  static fieldAt(offset: number): DescriptorField | undefined {
    return FIELD_LIST.find((f) => f.offset === offset)?.name;
  }

  /**
   * C code wrote the struct's bytes directly (`memcpy`, a pointer): take them. A field whose bytes
   * changed was written; with `all`, every field counts as written (a struct made by copying one).
   */
  absorb(bytes: Uint8Array, all = false): void {
    for (const { name, offset, width } of FIELD_LIST) {
      let changed = all;
      for (let i = offset; i < offset + width && !changed; i++) changed = bytes[i] !== this.bytes[i];
      if (changed) {
        for (let i = offset; i < offset + width; i++) this.bytes[i] = bytes[i];
        this.written |= FIELDS[name].bit;
      }
    }
  }

  isWritten(field: DescriptorField): boolean {
    return (this.written & FIELDS[field].bit) !== 0;
  }

  /** The struct's size, 20: the one field the constructor sets. */
  get size(): number {
    return this.read('size', 'your sketch');
  }
  /** Where `Spark_Save_Firmware_Chunk` writes this chunk (uint32): absolute through 2.x, from `file_address` on from 3.0. Set it to 0 before Prepare. */
  get chunk_address(): number {
    return this.read('chunk_address', 'your sketch');
  }
  set chunk_address(value: number) {
    this.write('chunk_address', value);
  }
  /** The chunk's length in bytes (uint16: 65,536 becomes 0); Prepare turns 0 into 512. */
  get chunk_size(): number {
    return this.read('chunk_size', 'your sketch');
  }
  set chunk_size(value: number) {
    this.write('chunk_size', value);
  }
  /** Where the file goes: `FileTransfer.Store.FIRMWARE` (0) for an update. */
  get store(): number {
    return this.read('store', 'your sketch');
  }
  set store(value: number) {
    this.write('store', value);
  }
  /** The whole file's length in bytes (uint32): how much Prepare erases. */
  get file_length(): number {
    return this.read('file_length', 'your sketch');
  }
  set file_length(value: number) {
    this.write('file_length', value);
  }
  /** Where the file starts in flash (uint32): Prepare sets it to the OTA region's start plus `chunk_address`. */
  get file_address(): number {
    return this.read('file_address', 'your sketch');
  }
  set file_address(value: number) {
    this.write('file_address', value);
  }

  /** `chunk_count(cs)`: `(file_length + cs - 1) / cs` in unsigned 32-bit arithmetic (it wraps near 4 GiB), 0 when cs is 0 (`file_transfer.h:66-68` at v1.4.4). */
  chunk_count(chunkSize: number): number {
    const cs = chunkSize >>> 0;
    return cs ? Math.floor(((this.file_length + cs - 1) >>> 0) / cs) : 0;
  }

  private store32(field: DescriptorField, value: number): void {
    const { offset, bits } = FIELDS[field];
    const v = Math.trunc(Number(value)) >>> 0;
    if (bits === 32) this.view.setUint32(offset, v, true);
    else if (bits === 16) this.view.setUint16(offset, v & 0xffff, true);
    else this.view.setUint8(offset, v & 0xff);
  }
}
