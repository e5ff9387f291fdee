import { EmulatorError, hex } from '../sim/messages';

export interface NorFlashGeometry {
  /** Bytes on the chip. */
  size: number;
  /** Erase granularity in bytes (4 KB on both Boron chips). */
  sectorSize: number;
  /** Program granularity in bytes: 4 for the nRF52840 NVMC and the QSPI path, 1 for byte-programmable parts. */
  writeUnit: number;
  /** What an erased byte reads as: 0xFF for NOR flash. */
  eraseValue: number;
}

/** Modelled durations, in microseconds, charged to the caller's virtual time. */
export interface NorFlashTiming {
  sectorEraseMicros: number;
  /** Fixed cost of one program command, plus a cost per byte programmed. */
  programSetupMicros: number;
  programMicrosPerByte: number;
  /** Reading (through XIP or the bus) per byte, e.g. for a CRC pass. */
  readMicrosPerByte: number;
}

export interface NorFlashStats {
  bytesProgrammed: number;
  programOperations: number;
  sectorErases: number;
  /** Bytes programmed where the chip did not hold the erase value: the new data was merged into old bits. */
  bytesProgrammedOverData: number;
  bytesRead: number;
}

export interface ProgramOutcome {
  /** Bytes in the range that already held data (not the erase value) before programming. */
  overData: number;
  /** Bytes that read back different from what was written. */
  mismatched: number;
  costMicros: number;
}

export type FlashOperation =
  | { kind: 'erase'; chip: string; address: number; length: number }
  | { kind: 'program'; chip: string; address: number; length: number };

/**
 * Called before each erase or program. Throw from it to model a power cut at that point: the
 * operation does not happen and the error propagates to whoever drove the flash.
 */
export type FlashOperationHook = (operation: FlashOperation) => void;

/**
 * A NOR flash chip: erase sets whole sectors to the erase value; programming can only move bits
 * away from it (AND for 0xFF parts, OR for 0x00 parts), so writing over data merges with it.
 * Storage is sparse: a sector gets memory only once programmed, and erasing frees it again.
 */
export class NorFlash {
  readonly stats: NorFlashStats = { bytesProgrammed: 0, programOperations: 0, sectorErases: 0, bytesProgrammedOverData: 0, bytesRead: 0 };
  operationHook?: FlashOperationHook;
  private readonly sectors = new Map<number, Uint8Array>();
  /**
   * Per written sector, the offset from which every byte still holds the erase value: a program
   * that starts there only copies its bytes in (nothing to merge, nothing over data), as an OTA
   * writing an erased region in order does.
   */
  private readonly erasedFrom = new Map<number, number>();

  constructor(
    readonly name: string,
    readonly geometry: NorFlashGeometry,
    readonly timing: NorFlashTiming,
  ) {
    const { size, sectorSize, writeUnit } = geometry;
    if (size % sectorSize !== 0 || sectorSize % writeUnit !== 0) {
      throw new EmulatorError('FLASH_GEOMETRY', 'Failed to create flash "{name}": size {size} must be whole sectors of {sectorSize} bytes, each whole write units of {writeUnit}.', {
        name,
        size,
        sectorSize,
        writeUnit,
      });
    }
  }

  get size(): number {
    return this.geometry.size;
  }

  /** Bytes of host memory the sparse storage holds now. */
  get allocatedBytes(): number {
    return this.sectors.size * this.geometry.sectorSize;
  }

  read(address: number, length: number): Uint8Array {
    this.checkRange('read', address, length);
    const out = new Uint8Array(length);
    this.copyOut(address, out);
    this.stats.bytesRead += length;
    return out;
  }

  /** Calls `visit` with consecutive views of [address, address + length) without copying sectors. */
  scan(address: number, length: number, visit: (chunk: Uint8Array) => void): void {
    this.checkRange('read', address, length);
    const { sectorSize, eraseValue } = this.geometry;
    let erased: Uint8Array | undefined;
    for (let pos = address; pos < address + length; ) {
      const index = Math.floor(pos / sectorSize);
      const offset = pos - index * sectorSize;
      const n = Math.min(sectorSize - offset, address + length - pos);
      const sector = this.sectors.get(index);
      if (sector) visit(sector.subarray(offset, offset + n));
      else visit((erased ??= new Uint8Array(sectorSize).fill(eraseValue)).subarray(0, n));
      pos += n;
    }
    this.stats.bytesRead += length;
  }

  /** Erase every sector that [address, address + length) touches. Returns the modelled cost. */
  erase(address: number, length: number): number {
    this.checkRange('erase', address, length);
    if (length === 0) return 0;
    this.operationHook?.({ kind: 'erase', chip: this.name, address, length });
    const { sectorSize } = this.geometry;
    const first = Math.floor(address / sectorSize);
    const last = Math.floor((address + length - 1) / sectorSize);
    for (let i = first; i <= last; i++) {
      this.sectors.delete(i);
      this.erasedFrom.delete(i);
    }
    const count = last - first + 1;
    this.stats.sectorErases += count;
    return count * this.timing.sectorEraseMicros;
  }

  /**
   * Program `data` at `address`. Partial write units at either end are padded with the erase
   * value, as Device OS's `hal_flash_common_write` does, so the bytes around them are untouched.
   */
  program(address: number, data: Uint8Array): ProgramOutcome {
    this.checkRange('program', address, data.length);
    if (data.length === 0) return { overData: 0, mismatched: 0, costMicros: 0 };
    this.operationHook?.({ kind: 'program', chip: this.name, address, length: data.length });
    const { sectorSize, eraseValue, writeUnit } = this.geometry;
    const ones = eraseValue === 0xff;
    let overData = 0;
    let mismatched = 0;
    for (let pos = 0; pos < data.length; ) {
      const abs = address + pos;
      const index = Math.floor(abs / sectorSize);
      const offset = abs - index * sectorSize;
      const n = Math.min(sectorSize - offset, data.length - pos);
      const sector = this.sectorForWrite(index);
      if (offset >= this.erasedFrom.get(index)!) {
        // Erased bytes take the new ones as they are: AND with 0xFF (OR with 0x00) changes nothing.
        sector.set(data.subarray(pos, pos + n), offset);
      } else {
        for (let i = 0; i < n; i++) {
          const old = sector[offset + i];
          const want = data[pos + i];
          const merged = ones ? old & want : old | want;
          if (old !== eraseValue) overData++;
          if (merged !== want) mismatched++;
          sector[offset + i] = merged;
        }
      }
      this.wrote(index, offset + n);
      pos += n;
    }
    const unitsStart = Math.floor(address / writeUnit);
    const unitsEnd = Math.ceil((address + data.length) / writeUnit);
    const programmed = (unitsEnd - unitsStart) * writeUnit;
    this.stats.bytesProgrammed += programmed;
    this.stats.programOperations++;
    this.stats.bytesProgrammedOverData += overData;
    const costMicros = Math.round(this.timing.programSetupMicros + programmed * this.timing.programMicrosPerByte);
    return { overData, mismatched, costMicros };
  }

  /** Modelled cost of reading `length` bytes (a CRC pass, a copy). */
  readCost(length: number): number {
    return Math.round(length * this.timing.readMicrosPerByte);
  }

  /**
   * Put bytes on the chip as a factory or an earlier update left them: no stats, no hooks, no
   * cost. For setting up a scenario, not for the device's own writes.
   */
  load(address: number, data: Uint8Array): void {
    this.checkRange('load', address, data.length);
    const { sectorSize } = this.geometry;
    for (let pos = 0; pos < data.length; ) {
      const abs = address + pos;
      const index = Math.floor(abs / sectorSize);
      const offset = abs - index * sectorSize;
      const n = Math.min(sectorSize - offset, data.length - pos);
      this.sectorForWrite(index).set(data.subarray(pos, pos + n), offset);
      this.wrote(index, offset + n);
      pos += n;
    }
  }

  private sectorForWrite(index: number): Uint8Array {
    let sector = this.sectors.get(index);
    if (!sector) {
      sector = new Uint8Array(this.geometry.sectorSize).fill(this.geometry.eraseValue);
      this.sectors.set(index, sector);
      this.erasedFrom.set(index, 0);
    }
    return sector;
  }

  /** Bytes up to `end` of sector `index` may hold data now. */
  private wrote(index: number, end: number): void {
    if (end > this.erasedFrom.get(index)!) this.erasedFrom.set(index, end);
  }

  private copyOut(address: number, out: Uint8Array): void {
    let at = 0;
    this.scanRaw(address, out.length, (chunk) => {
      out.set(chunk, at);
      at += chunk.length;
    });
  }

  private scanRaw(address: number, length: number, visit: (chunk: Uint8Array) => void): void {
    const before = this.stats.bytesRead;
    this.scan(address, length, visit);
    this.stats.bytesRead = before;
  }

  private checkRange(verb: string, address: number, length: number): void {
    if (!Number.isInteger(address) || !Number.isInteger(length) || address < 0 || length < 0 || address + length > this.size) {
      throw new EmulatorError('FLASH_RANGE', 'Failed to {verb} {length} bytes at {address} on {name}: the chip holds {size} bytes (0x0 to {last}).', {
        verb,
        length,
        address: hex(address),
        name: this.name,
        size: this.size,
        last: hex(this.size - 1),
      });
    }
  }
}
