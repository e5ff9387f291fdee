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
  /**
   * The most one program command writes, within one aligned page (256 bytes for a serial NOR chip's
   * Page Program): a program call is that many commands, and the operation hook sees each. Unset:
   * one command per call.
   */
  programPage?: number;
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
 * What a hook can ask of the operation it is shown, other than letting it happen (return) or cutting
 * the power before it (throw).
 */
export interface FlashOperationControl {
  /** A program's bytes (a view, valid during the call); undefined for an erase. */
  readonly data?: Uint8Array;
  /** The operation completes, then the power goes: the chip throws `error` right after it. */
  cutAfter(error: unknown): void;
  /**
   * The power goes part-way through, and the chip throws `error`: a program writes only its first
   * `bytes` bytes, in whole write units (a unit is written whole or not at all); an erase leaves the
   * erase value in the first `bytes` bytes of the sectors it erases and the old data in the rest.
   */
  tear(bytes: number, error: unknown): void;
}

/**
 * Called before each erase and each program command (a program call is one command per
 * `programPage`). Throw from it to model a power cut at that point: the operation does not happen
 * and the error propagates to whoever drove the flash. `control` cuts the power after it, or
 * part-way through it, instead.
 */
export type FlashOperationHook = (operation: FlashOperation, control: FlashOperationControl) => void;

/** A chip's contents at one moment: its written sectors, shared with the chip until either writes them (copy on write). */
export interface FlashImage {
  readonly chip: string;
  readonly sectors: ReadonlyMap<number, Uint8Array>;
  /** Where each sector's erased tail starts, if known. */
  readonly cleanFrom?: ReadonlyMap<number, number>;
}

/** What a hook asked for, read back by the chip once the hook has returned. */
class OperationControl implements FlashOperationControl {
  data?: Uint8Array;
  cut?: { error: unknown; bytes?: number };

  cutAfter(error: unknown): void {
    this.cut = { error };
  }

  tear(bytes: number, error: unknown): void {
    if (!Number.isInteger(bytes) || bytes < 0) {
      throw new EmulatorError('FLASH_TEAR', 'Failed to tear the flash operation: {bytes} is not a byte count. Pass a whole number of bytes from 0 up to the operation\'s length.', { bytes: String(bytes) });
    }
    this.cut = { error, bytes };
  }
}

/**
 * A NOR flash chip: erase sets whole sectors to the erase value; programming can only move bits
 * away from it (AND for 0xFF parts, OR for 0x00 parts), so writing over data merges with it.
 * Storage is sparse: a sector gets memory only once programmed, and erasing frees it again.
 */
export class NorFlash {
  readonly stats: NorFlashStats = { bytesProgrammed: 0, programOperations: 0, sectorErases: 0, bytesProgrammedOverData: 0, bytesRead: 0 };
  operationHook?: FlashOperationHook;
  private sectors = new Map<number, Uint8Array>();
  /** Sectors this chip may write in place; any other written sector is shared with an image and copied before its first write. */
  private owned = new Set<number>();
  /** For each written sector, the offset from which it holds only the erase value: a program there needs no merging. */
  private cleanFrom = new Map<number, number>();
  /**
   * Sectors this chip holds together with one other chip only (`programSectorFrom`), by sector: the other
   * chip and the index here. Whichever chip is released first hands the sector to the other to own, so
   * the last one gives it back for reuse.
   */
  private joint = new Map<Uint8Array, { partner: NorFlash; index: number }>();

  constructor(
    readonly name: string,
    readonly geometry: NorFlashGeometry,
    readonly timing: NorFlashTiming,
  ) {
    const { size, sectorSize, writeUnit, programPage } = geometry;
    if (size % sectorSize !== 0 || sectorSize % writeUnit !== 0 || (programPage !== undefined && (programPage <= 0 || sectorSize % programPage !== 0 || programPage % writeUnit !== 0))) {
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

  /**
   * [address, address + length) without a copy when it lies in one sector (a view, valid until the chip
   * next writes that sector), else as `read` gives it. Counted as read.
   */
  readView(address: number, length: number): Uint8Array {
    this.checkRange('read', address, length);
    const { sectorSize } = this.geometry;
    const index = Math.floor(address / sectorSize);
    const offset = address - index * sectorSize;
    const sector = this.sectors.get(index);
    if (!sector || offset + length > sectorSize) return this.read(address, length);
    this.stats.bytesRead += length;
    return sector.subarray(offset, offset + length);
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
    const { sectorSize, eraseValue } = this.geometry;
    const first = Math.floor(address / sectorSize);
    const last = Math.floor((address + length - 1) / sectorSize);
    const control = this.ask({ kind: 'erase', chip: this.name, address, length });
    const torn = control?.cut?.bytes;
    // Torn: the erase value reaches only the first `torn` bytes of the sectors; the rest keeps its old data.
    const erasedTo = torn === undefined ? Number.POSITIVE_INFINITY : first * sectorSize + torn;
    for (let i = first; i <= last; i++) {
      const start = i * sectorSize;
      if (erasedTo >= start + sectorSize) {
        this.sectors.delete(i);
        this.owned.delete(i);
        this.cleanFrom.delete(i);
      } else if (erasedTo > start && this.sectors.has(i)) {
        this.sectorForWrite(i).fill(eraseValue, 0, erasedTo - start);
        this.cleanFrom.set(i, sectorSize);
      }
    }
    const count = last - first + 1;
    this.stats.sectorErases += count;
    if (control?.cut) throw control.cut.error;
    return count * this.timing.sectorEraseMicros;
  }

  /**
   * Program `data` at `address`. Partial write units at either end are padded with the erase
   * value, as Device OS's `hal_flash_common_write` does, so the bytes around them are untouched.
   */
  program(address: number, data: Uint8Array): ProgramOutcome {
    this.checkRange('program', address, data.length);
    if (data.length === 0) return { overData: 0, mismatched: 0, costMicros: 0 };
    const { writeUnit, programPage } = this.geometry;
    const unitsStart = Math.floor(address / writeUnit);
    const unitsEnd = Math.ceil((address + data.length) / writeUnit);
    const programmed = (unitsEnd - unitsStart) * writeUnit;
    const outcome = { overData: 0, mismatched: 0, costMicros: Math.round(this.timing.programSetupMicros + programmed * this.timing.programMicrosPerByte) };
    if (!this.operationHook) {
      this.write(address, data, outcome);
      this.countProgram(programmed, outcome.overData);
      return outcome;
    }
    // One command per page: the hook sees each, and a cut stops the call after the commands before it.
    const end = address + data.length;
    let done = 0;
    for (let at = address; at < end; ) {
      const next = programPage === undefined ? end : Math.min(end, (Math.floor(at / programPage) + 1) * programPage);
      const piece = data.subarray(at - address, next - address);
      let control: OperationControl | undefined;
      try {
        control = this.ask({ kind: 'program', chip: this.name, address: at, length: piece.length }, piece);
      } catch (error) {
        this.countProgram(done, outcome.overData, done > 0);
        throw error;
      }
      const torn = control?.cut?.bytes;
      if (torn === undefined) {
        this.write(at, piece, outcome);
        done += unitSpan(at, piece.length, writeUnit);
      } else {
        // Whole write units only, counted from the unit the piece starts in; a tear that reaches the piece's end writes all of it.
        const reach = at + Math.min(torn, piece.length);
        const upTo = reach >= next ? next : Math.floor(reach / writeUnit) * writeUnit;
        if (upTo > at) {
          this.write(at, piece.subarray(0, upTo - at), outcome);
          done += unitSpan(at, upTo - at, writeUnit);
        }
      }
      if (control?.cut) {
        this.countProgram(done, outcome.overData, done > 0);
        throw control.cut.error;
      }
      at = next;
    }
    this.countProgram(programmed, outcome.overData);
    return outcome;
  }

  /**
   * Program the whole sector at `address` with the bytes of `source`'s sector at `sourceAddress`, as
   * `block`-byte `program` calls would (same stats, cost and bytes), but by sharing that sector (copy on
   * write) instead of copying it: a bootloader's copy then takes no new memory. Only where nothing could
   * tell: both sector-aligned, this sector erased, the source's written, and no hook to show each command
   * to. Returns the cost, or undefined when the caller must program block by block.
   */
  programSectorFrom(address: number, source: NorFlash, sourceAddress: number, block: number): number | undefined {
    const { sectorSize, writeUnit } = this.geometry;
    if (this.operationHook || source === this || source.geometry.sectorSize !== sectorSize || address % sectorSize !== 0 || sourceAddress % sectorSize !== 0) return undefined;
    if (block <= 0 || sectorSize % block !== 0 || block % writeUnit !== 0) return undefined;
    this.checkRange('program', address, sectorSize);
    source.checkRange('read', sourceAddress, sectorSize);
    const index = address / sectorSize;
    const from = sourceAddress / sectorSize;
    const bytes = source.sectors.get(from);
    if (!bytes || this.sectors.has(index)) return undefined;
    // Erased bits ANDed (or ORed) with the source's give the source's bytes: the sector is theirs, shared by both.
    if (source.owned.delete(from)) {
      source.joint.set(bytes, { partner: this, index: from });
      this.joint.set(bytes, { partner: source, index });
    } else {
      // Held elsewhere too (an image, or a chip it was shared with before): never handed on nor given back.
      const other = source.joint.get(bytes)?.partner;
      other?.joint.delete(bytes);
      source.joint.delete(bytes);
    }
    this.sectors.set(index, bytes);
    this.cleanFrom.set(index, sectorSize);
    const blocks = sectorSize / block;
    source.stats.bytesRead += sectorSize;
    this.stats.bytesProgrammed += sectorSize;
    this.stats.programOperations += blocks;
    return blocks * Math.round(this.timing.programSetupMicros + block * this.timing.programMicrosPerByte);
  }

  /** This chip's contents now, sharing its sectors (each is copied before the chip next writes it). */
  image(): FlashImage {
    this.owned.clear();
    this.joint.clear();
    return { chip: this.name, sectors: new Map(this.sectors), cleanFrom: new Map(this.cleanFrom) };
  }

  /** The first address where the chip and `image` differ (unwritten sectors read as erased), or undefined when they hold the same bytes. */
  firstDifference(image: FlashImage): number | undefined {
    const { sectorSize, eraseValue } = this.geometry;
    const indices = [...new Set([...this.sectors.keys(), ...image.sectors.keys()])].sort((a, b) => a - b);
    for (const index of indices) {
      const mine = this.sectors.get(index);
      const theirs = image.sectors.get(index);
      if (mine === theirs) continue;
      for (let i = 0; i < sectorSize; i++) if ((mine ? mine[i] : eraseValue) !== (theirs ? theirs[i] : eraseValue)) return index * sectorSize + i;
    }
    return undefined;
  }

  /**
   * Give the sectors only this chip holds (written since its last image) back for other chips to reuse,
   * and leave it empty (erased throughout). For tools that make many short-lived devices, such as the
   * power-cut harness: a chip must not be used, nor views of it kept, after this.
   */
  release(): void {
    const { sectorSize } = this.geometry;
    let spare = SPARE_SECTORS.get(sectorSize);
    if (!spare) SPARE_SECTORS.set(sectorSize, (spare = []));
    for (const [sector, { partner, index }] of this.joint) {
      const theirs = partner.joint.get(sector);
      if (!theirs || this.sectors.get(index) !== sector || partner.sectors.get(theirs.index) !== sector) continue;
      // The partner is its only holder now.
      partner.joint.delete(sector);
      partner.owned.add(theirs.index);
    }
    for (const index of this.owned) {
      if (spare.length >= MAX_SPARE_SECTORS) break;
      spare.push(this.sectors.get(index)!);
    }
    this.sectors = new Map();
    this.owned = new Set();
    this.cleanFrom = new Map();
    this.joint = new Map();
  }

  /** Put the chip back to `image` (no stats, no hooks, no cost): its sectors stay shared until written. */
  restore(image: FlashImage): void {
    this.sectors = new Map(image.sectors);
    this.owned = new Set();
    this.joint = new Map();
    this.cleanFrom = new Map(image.cleanFrom ?? [...image.sectors.keys()].map((i) => [i, this.geometry.sectorSize]));
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
      this.cleanFrom.set(index, Math.max(this.cleanFrom.get(index)!, offset + n));
      pos += n;
    }
  }

  /** Show `operation` to the hook; what it asked for, if anything. */
  private ask(operation: FlashOperation, data?: Uint8Array): OperationControl | undefined {
    const hook = this.operationHook;
    if (!hook) return undefined;
    const control = new OperationControl();
    control.data = data;
    hook(operation, control);
    return control;
  }

  /** Merge `data` into the chip at `address`, adding to `outcome`'s counts. */
  private write(address: number, data: Uint8Array, outcome: { overData: number; mismatched: number }): void {
    const { sectorSize, eraseValue } = this.geometry;
    const ones = eraseValue === 0xff;
    for (let pos = 0; pos < data.length; ) {
      const abs = address + pos;
      const index = Math.floor(abs / sectorSize);
      const offset = abs - index * sectorSize;
      const n = Math.min(sectorSize - offset, data.length - pos);
      const sector = this.sectorForWrite(index);
      const clean = this.cleanFrom.get(index)!;
      if (offset >= clean) {
        // Only the erase value there: the bytes land as they are (a chunk within one sector needs no view).
        sector.set(n === data.length ? data : data.subarray(pos, pos + n), offset);
      } else {
        for (let i = 0; i < n; i++) {
          const old = sector[offset + i];
          const want = data[pos + i];
          const merged = ones ? old & want : old | want;
          if (old !== eraseValue) outcome.overData++;
          if (merged !== want) outcome.mismatched++;
          sector[offset + i] = merged;
        }
      }
      this.cleanFrom.set(index, Math.max(clean, offset + n));
      pos += n;
    }
  }

  private countProgram(programmedBytes: number, overData: number, counted = true): void {
    if (!counted) return;
    this.stats.bytesProgrammed += programmedBytes;
    this.stats.programOperations++;
    this.stats.bytesProgrammedOverData += overData;
  }

  private sectorForWrite(index: number): Uint8Array {
    let sector = this.sectors.get(index);
    if (sector && this.owned.has(index)) return sector;
    if (!sector) this.cleanFrom.set(index, 0);
    const { sectorSize, eraseValue } = this.geometry;
    const spare = SPARE_SECTORS.get(sectorSize)?.pop();
    if (sector) sector = spare ? (spare.set(sector), spare) : sector.slice();
    else sector = (spare ?? new Uint8Array(sectorSize)).fill(eraseValue);
    this.sectors.set(index, sector);
    this.owned.add(index);
    return sector;
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

/** Bytes of whole write units that [address, address + length) touches. */
const unitSpan = (address: number, length: number, writeUnit: number): number => (Math.ceil((address + length) / writeUnit) - Math.floor(address / writeUnit)) * writeUnit;

/** Sectors released by chips no longer in use, by size, for new writes to reuse: fewer buffers for the host to allocate and collect. */
const SPARE_SECTORS = new Map<number, Uint8Array[]>();
/** 16 MiB of 4 KB sectors: room for what a fleet worker's devices give back when dozens end together, so the next ones start on reused memory. */
const MAX_SPARE_SECTORS = 4096;
