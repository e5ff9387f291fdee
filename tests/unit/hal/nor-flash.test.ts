import { NorFlash, type FlashOperation, type NorFlashTiming } from '../../../src/hal/nor-flash';
import fc from 'fast-check';
import { thrown } from '../../thrown';

const KB = 1024;
const SIZE = 64 * KB;
const SECTOR = 4 * KB;
const TIMING: NorFlashTiming = { sectorEraseMicros: 1000, programSetupMicros: 10, programMicrosPerByte: 0.5, readMicrosPerByte: 0.25 };

const bytes = (...values: number[]) => Uint8Array.from(values);
const pattern = (length: number, seed = 1) => Uint8Array.from({ length }, (_, i) => (i * 37 + seed * 11 + 1) & 0xff);

describe.each([
  { writeUnit: 1, eraseValue: 0xff },
  { writeUnit: 4, eraseValue: 0xff },
  { writeUnit: 1, eraseValue: 0x00 },
  { writeUnit: 4, eraseValue: 0x00 },
])('NorFlash, write unit $writeUnit, erase value $eraseValue', ({ writeUnit, eraseValue }) => {
  let flash: NorFlash;
  /**
   * Bit values seen from the erased state: for 0xFF parts the value itself, for 0x00 parts its
   * complement. Programming only moves bits away from the erased state, so in these terms it is
   * always an AND, whichever kind of part this is.
   */
  const v = (value: number) => (eraseValue === 0xff ? value : value ^ 0xff);
  const erased = (length: number) => new Uint8Array(length).fill(eraseValue);
  const units = (address: number, length: number) => (Math.ceil((address + length) / writeUnit) - Math.floor(address / writeUnit)) * writeUnit;

  beforeEach(() => {
    flash = new NorFlash('test', { size: SIZE, sectorSize: SECTOR, writeUnit, eraseValue }, TIMING);
  });

  it('reads the erase value everywhere when fresh, holding no memory', () => {
    expect(flash.size).toBe(SIZE);
    expect(flash.read(0, SIZE)).toEqual(erased(SIZE));
    expect(flash.allocatedBytes).toBe(0);
  });

  it('programs erased bytes exactly, reporting nothing over data and no mismatch', () => {
    const data = bytes(v(0x12), v(0x34), v(0x56), v(0x78));
    const outcome = flash.program(0x100, data);
    expect(outcome.overData).toBe(0);
    expect(outcome.mismatched).toBe(0);
    expect(flash.read(0x100, 4)).toEqual(data);
    expect(flash.read(0xfc, 4)).toEqual(erased(4));
    expect(flash.read(0x104, 4)).toEqual(erased(4));
  });

  it('merges programming over data (AND for 0xFF parts, OR for 0x00 parts) and counts it', () => {
    flash.program(0x40, bytes(v(0b1100_1100), v(0xf0), v(0x0f), eraseValue));
    const outcome = flash.program(0x40, bytes(v(0b1010_1010), v(0xf0), v(0xff), v(0x01)));
    expect(flash.read(0x40, 4)).toEqual(bytes(v(0b1000_1000), v(0xf0), v(0x0f), v(0x01)));
    // Three bytes held data before; the first and third read back different from what was written.
    expect(outcome.overData).toBe(3);
    expect(outcome.mismatched).toBe(2);
    expect(flash.stats.bytesProgrammedOverData).toBe(3);
  });

  it('programming the same bytes again is harmless but counted as over data', () => {
    const data = pattern(16);
    flash.program(0, data);
    const again = flash.program(0, data);
    expect(again).toMatchObject({ overData: 16, mismatched: 0 });
    expect(flash.read(0, 16)).toEqual(data);
  });

  it(`programming 0x3C over 0x0F reads back ${eraseValue === 0xff ? "0x0C (AND)" : "0x3F (OR)"}`, () => {
    flash.program(0, bytes(0x0f));
    flash.program(0, bytes(0x3c));
    expect(flash.read(0, 1)).toEqual(bytes(eraseValue === 0xff ? 0x0c : 0x3f));
  });

  it('erase restores the erase value to every sector the range touches, and frees their memory', () => {
    flash.program(0, pattern(3 * SECTOR));
    expect(flash.allocatedBytes).toBe(3 * SECTOR);
    const cost = flash.erase(SECTOR + 100, 1);
    expect(cost).toBe(TIMING.sectorEraseMicros);
    expect(flash.read(SECTOR, SECTOR)).toEqual(erased(SECTOR));
    expect(flash.read(0, SECTOR)).toEqual(pattern(3 * SECTOR).subarray(0, SECTOR));
    expect(flash.read(2 * SECTOR, SECTOR)).toEqual(pattern(3 * SECTOR).subarray(2 * SECTOR));
    expect(flash.allocatedBytes).toBe(2 * SECTOR);
    expect(flash.stats.sectorErases).toBe(1);
  });

  it('erase of a range straddling a boundary erases both sectors; length 0 erases nothing', () => {
    flash.program(0, pattern(3 * SECTOR));
    expect(flash.erase(SECTOR - 1, 2)).toBe(2 * TIMING.sectorEraseMicros);
    expect(flash.read(0, 2 * SECTOR)).toEqual(erased(2 * SECTOR));
    expect(flash.erase(2 * SECTOR, 0)).toBe(0);
    expect(flash.read(2 * SECTOR, 4)).toEqual(pattern(3 * SECTOR).subarray(2 * SECTOR, 2 * SECTOR + 4));
    expect(flash.stats.sectorErases).toBe(2);
    expect(flash.allocatedBytes).toBe(SECTOR);
  });

  it('after erase, data can be programmed again exactly', () => {
    flash.program(0x200, pattern(8, 1));
    flash.erase(0, SECTOR);
    const outcome = flash.program(0x200, pattern(8, 2));
    expect(outcome).toMatchObject({ overData: 0, mismatched: 0 });
    expect(flash.read(0x200, 8)).toEqual(pattern(8, 2));
  });

  it('an unaligned write leaves the neighbouring bytes of its write units untouched', () => {
    const around = bytes(v(0x11), v(0x22), v(0x33), eraseValue, eraseValue, v(0x66), v(0x77), v(0x88));
    flash.load(0x20, around);
    const outcome = flash.program(0x23, bytes(v(0xa1), v(0xb2)));
    expect(outcome).toMatchObject({ overData: 0, mismatched: 0 });
    expect(flash.read(0x20, 8)).toEqual(bytes(v(0x11), v(0x22), v(0x33), v(0xa1), v(0xb2), v(0x66), v(0x77), v(0x88)));
  });

  it('odd-sized chunks at consecutive unaligned addresses on an erased region give exactly the concatenated bytes', () => {
    const start = 0x1003;
    const sizes = [79, 128, 69, 1, 2, 3, 511, 5];
    flash.erase(start, 1000);
    const image: number[] = [];
    let address = start;
    sizes.forEach((size, n) => {
      const chunk = pattern(size, n + 2);
      expect(flash.program(address, chunk)).toMatchObject({ overData: 0, mismatched: 0 });
      image.push(...chunk);
      address += size;
    });
    expect(flash.read(start, image.length)).toEqual(Uint8Array.from(image));
    expect(flash.read(start - 3, 3)).toEqual(erased(3));
    expect(flash.read(address, 8)).toEqual(erased(8));
  });

  it('counts whole write units, program operations and bytes programmed over data', () => {
    flash.program(1, pattern(3));
    flash.program(6, pattern(5));
    flash.program(6, pattern(2));
    expect(flash.stats).toEqual({
      bytesProgrammed: units(1, 3) + units(6, 5) + units(6, 2),
      programOperations: 3,
      sectorErases: 0,
      bytesProgrammedOverData: 2,
      bytesRead: 0,
    });
    expect(flash.stats.bytesProgrammed).toBe(writeUnit === 4 ? 4 + 8 + 4 : 3 + 5 + 2);
  });

  it('counts bytes read by read and scan', () => {
    flash.read(0, 10);
    const seen: number[] = [];
    flash.scan(SECTOR - 2, 6, (chunk) => seen.push(chunk.length));
    expect(seen).toEqual([2, 4]);
    expect(flash.stats.bytesRead).toBe(16);
  });

  it('scan visits the same bytes read returns', () => {
    flash.program(SECTOR - 5, pattern(10));
    const parts: number[] = [];
    flash.scan(SECTOR - 8, 20, (chunk) => parts.push(...chunk));
    expect(Uint8Array.from(parts)).toEqual(flash.read(SECTOR - 8, 20));
  });

  it('returns costs that follow the timing it was given', () => {
    expect(flash.program(0, pattern(8))).toMatchObject({ costMicros: TIMING.programSetupMicros + 8 * TIMING.programMicrosPerByte });
    expect(flash.program(7, pattern(2)).costMicros).toBe(Math.round(TIMING.programSetupMicros + units(7, 2) * TIMING.programMicrosPerByte));
    expect(flash.erase(0, 3 * SECTOR)).toBe(3 * TIMING.sectorEraseMicros);
    expect(flash.readCost(1000)).toBe(250);
    expect(flash.program(0, new Uint8Array(0))).toEqual({ overData: 0, mismatched: 0, costMicros: 0 });
  });

  it.each([
    ['read', () => flash.read(SIZE - 1, 2), 'Failed to read 2 bytes at 0xFFFF on test: the chip holds 65536 bytes (0x0 to 0xFFFF).'],
    ['program', () => flash.program(0x10000, bytes(1)), 'Failed to program 1 bytes at 0x10000 on test: the chip holds 65536 bytes (0x0 to 0xFFFF).'],
    ['erase', () => flash.erase(0xf000, 0x1001), 'Failed to erase 4097 bytes at 0xF000 on test: the chip holds 65536 bytes (0x0 to 0xFFFF).'],
    ['load', () => flash.load(0xfffe, pattern(3)), 'Failed to load 3 bytes at 0xFFFE on test: the chip holds 65536 bytes (0x0 to 0xFFFF).'],
  ])('out-of-range %s throws FLASH_RANGE', (_verb, action, message) => {
    const error = thrown(action);
    expect(error.code).toBe('FLASH_RANGE');
    expect(error.message).toBe(message);
  });

  it('rejects a negative address or length as out of range, changing nothing', () => {
    expect(thrown(() => flash.read(-1, 1)).code).toBe('FLASH_RANGE');
    expect(thrown(() => flash.erase(0, -1)).code).toBe('FLASH_RANGE');
    expect(flash.stats).toEqual({ bytesProgrammed: 0, programOperations: 0, sectorErases: 0, bytesProgrammedOverData: 0, bytesRead: 0 });
  });

  it('accepts the last byte of the chip', () => {
    flash.program(SIZE - 1, bytes(v(0x5a)));
    expect(flash.read(SIZE - 1, 1)).toEqual(bytes(v(0x5a)));
  });

  it('shows each erase and program to the operation hook', () => {
    const seen: FlashOperation[] = [];
    flash.operationHook = (operation) => seen.push(operation);
    flash.erase(0x1800, 0x100);
    flash.program(0x1803, pattern(5));
    flash.read(0, 4);
    flash.load(0, pattern(4));
    flash.erase(0, 0);
    expect(seen).toEqual([
      { kind: 'erase', chip: 'test', address: 0x1800, length: 0x100 },
      { kind: 'program', chip: 'test', address: 0x1803, length: 5 },
    ]);
  });

  it('does not carry out an operation whose hook throws (a power cut)', () => {
    flash.program(0, pattern(SECTOR));
    const statsBefore = { ...flash.stats };
    flash.operationHook = () => {
      throw new Error('power cut');
    };
    expect(() => flash.erase(0, SECTOR)).toThrow('power cut');
    expect(() => flash.program(SECTOR, pattern(4))).toThrow('power cut');
    expect(flash.read(0, SECTOR)).toEqual(pattern(SECTOR));
    expect(flash.read(SECTOR, 4)).toEqual(erased(4));
    expect(flash.stats).toEqual({ ...statsBefore, bytesRead: statsBefore.bytesRead + SECTOR + 4 });
    expect(flash.allocatedBytes).toBe(SECTOR);
  });

  it('merges, counts and stores as a byte-by-byte model does, whatever the order of erases, programs and loads', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('program' as const), address: fc.nat(3 * SECTOR), data: fc.uint8Array({ minLength: 1, maxLength: SECTOR + 9 }) }),
      fc.record({ kind: fc.constant('erase' as const), address: fc.nat(3 * SECTOR), length: fc.integer({ min: 1, max: SECTOR }) }),
      fc.record({ kind: fc.constant('load' as const), address: fc.nat(3 * SECTOR), data: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 24 }), (ops) => {
        const chip = new NorFlash('test', { size: SIZE, sectorSize: SECTOR, writeUnit, eraseValue }, TIMING);
        const model = erased(SIZE);
        for (const o of ops) {
          if (o.kind === 'erase') {
            chip.erase(o.address, o.length);
            model.fill(eraseValue, Math.floor(o.address / SECTOR) * SECTOR, Math.ceil((o.address + o.length) / SECTOR) * SECTOR);
          } else if (o.kind === 'load') {
            chip.load(o.address, o.data);
            model.set(o.data, o.address);
          } else {
            let overData = 0;
            let mismatched = 0;
            o.data.forEach((want, i) => {
              const old = model[o.address + i];
              const merged = eraseValue === 0xff ? old & want : old | want;
              if (old !== eraseValue) overData++;
              if (merged !== want) mismatched++;
              model[o.address + i] = merged;
            });
            expect(chip.program(o.address, o.data)).toMatchObject({ overData, mismatched });
          }
        }
        expect(chip.read(0, 5 * SECTOR)).toEqual(model.subarray(0, 5 * SECTOR));
      }),
    );
  });

  it('load() puts bytes on the chip as given, without stats or hooks', () => {
    const hook = jest.fn();
    flash.operationHook = hook;
    flash.program(0x10, bytes(v(0x0f)));
    hook.mockClear();
    const statsBefore = { ...flash.stats };
    flash.load(0x10, bytes(v(0xf0), v(0xaa)));
    expect(flash.read(0x10, 2)).toEqual(bytes(v(0xf0), v(0xaa)));
    expect(hook).not.toHaveBeenCalled();
    expect(flash.stats).toEqual({ ...statsBefore, bytesRead: 2 });
  });
});

describe('NorFlash geometry', () => {
  it.each([
    [{ size: 1000, sectorSize: 4096, writeUnit: 4, eraseValue: 0xff }, 'Failed to create flash "bad": size 1000 must be whole sectors of 4096 bytes, each whole write units of 4.'],
    [{ size: 8192, sectorSize: 4096, writeUnit: 3, eraseValue: 0xff }, 'Failed to create flash "bad": size 8192 must be whole sectors of 4096 bytes, each whole write units of 3.'],
  ])('rejects %o with FLASH_GEOMETRY', (geometry, message) => {
    const error = thrown(() => new NorFlash('bad', geometry, TIMING));
    expect(error.code).toBe('FLASH_GEOMETRY');
    expect(error.message).toBe(message);
  });
});

describe('power cuts from the operation hook', () => {
  const geometry = { size: 64 * 1024, sectorSize: 4096, writeUnit: 4, eraseValue: 0xff };
  const cut = new Error('power cut');
  const chip = () => new NorFlash('cut', geometry, TIMING);
  const data = (length: number) => Uint8Array.from({ length }, (_, i) => i);

  it('torn: a program writes only the whole write units its first bytes reach, then the power is gone', () => {
    const flash = chip();
    flash.operationHook = (_op, control) => control.tear(6, cut);
    expect(() => flash.program(0x100, data(16))).toThrow(cut);
    expect([...flash.read(0x100, 8)]).toEqual([0, 1, 2, 3, 0xff, 0xff, 0xff, 0xff]);
  });

  it('torn: a tear that reaches the end of a short, unaligned program writes all of it', () => {
    const flash = chip();
    flash.operationHook = (_op, control) => control.tear(2, cut);
    expect(() => flash.program(0x10, data(2))).toThrow(cut);
    expect([...flash.read(0x10, 2)]).toEqual([0, 1]);
  });

  it('torn: an erase leaves the erase value in its first bytes and the old data after them', () => {
    const flash = chip();
    flash.program(0x1000, data(16));
    flash.operationHook = (_op, control) => control.tear(8, cut);
    expect(() => flash.erase(0x1000, 4096)).toThrow(cut);
    expect([...flash.read(0x1000, 12)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 8, 9, 10, 11]);
  });

  it('after: the operation happens, then the power is gone', () => {
    const flash = chip();
    flash.operationHook = (_op, control) => control.cutAfter(cut);
    expect(() => flash.program(0x200, data(4))).toThrow(cut);
    expect([...flash.read(0x200, 4)]).toEqual([0, 1, 2, 3]);
  });
});

describe('programSectorFrom: a whole sector copied from another chip by sharing it', () => {
  const geometry = { size: SIZE, sectorSize: SECTOR, writeUnit: 4, eraseValue: 0xff };
  const chips = () => ({ source: new NorFlash('source', { ...geometry, programPage: 256 }, TIMING), target: new NorFlash('target', geometry, { ...TIMING, programMicrosPerByte: 41 / 4 }) });
  /** The copy as 256-byte program calls of views of the source: what programSectorFrom stands for. */
  const byBlocks = (target: NorFlash, address: number, source: NorFlash, from: number) => {
    let cost = 0;
    for (let at = 0; at < SECTOR; at += 256) cost += target.program(address + at, source.readView(from + at, 256)).costMicros;
    return cost;
  };

  it('gives the same bytes, stats and cost as programming it block by block, and each chip writes its own copy after', () => {
    const slow = chips();
    const fast = chips();
    for (const { source } of [slow, fast]) source.program(0x2000, pattern(SECTOR, 3));
    const cost = byBlocks(slow.target, 0x1000, slow.source, 0x2000);
    expect(fast.target.programSectorFrom(0x1000, fast.source, 0x2000, 256)).toBe(cost);
    expect(fast.target.stats).toEqual(slow.target.stats);
    expect(fast.source.stats).toEqual(slow.source.stats);
    const same = () => {
      for (const chip of ['source', 'target'] as const) expect(Buffer.from(fast[chip].read(0, SIZE)).equals(slow[chip].read(0, SIZE))).toBe(true);
    };
    same();
    expect(fast.target.allocatedBytes).toBe(slow.target.allocatedBytes);
    // Copy on write: a write to either chip leaves the other's bytes as they were, and merges as over any written data.
    for (const { source, target } of [slow, fast]) {
      source.program(0x2000, bytes(0, 0, 0, 0));
      expect(target.program(0x1ffc, bytes(0, 0, 0, 0)).overData).toBe(4);
    }
    same();
    expect([...fast.target.read(0x1000, 4)]).toEqual([...pattern(4, 3)]);
    expect([...fast.source.read(0x2ffc, 4)]).toEqual([...pattern(SECTOR, 3).subarray(SECTOR - 4)]);
  });

  it('the last of the two chips released gives the sector back for reuse, unless an image holds it too', () => {
    for (const imaged of [false, true]) {
      const { source, target } = chips();
      source.program(0x2000, pattern(SECTOR, 5));
      target.programSectorFrom(0x1000, source, 0x2000, 256);
      const view = target.readView(0x1000, 16);
      const image = imaged ? target.image() : undefined;
      source.release();
      target.release();
      // A new chip's first sector is the last one given back, if any: the shared one.
      new NorFlash('next', geometry, TIMING).program(0, pattern(SECTOR, 9));
      expect([...view]).toEqual([...pattern(16, imaged ? 5 : 9)]);
      if (image) expect([...image.sectors.get(1)!.subarray(0, 16)]).toEqual([...pattern(16, 5)]);
    }
  });

  it('declines (undefined, nothing changed) where it could be told apart: a hook, a written target, an erased source, misalignment', () => {
    const { source, target } = chips();
    source.program(0x2000, pattern(SECTOR));
    target.program(0x1800, bytes(1, 2, 3, 4));
    expect(target.programSectorFrom(0x1000, source, 0x2000, 256)).toBeUndefined();
    expect(target.programSectorFrom(0x3000, source, 0x4000, 256)).toBeUndefined();
    expect(target.programSectorFrom(0x3000, source, 0x2100, 256)).toBeUndefined();
    target.operationHook = () => {};
    expect(target.programSectorFrom(0x3000, source, 0x2000, 256)).toBeUndefined();
    expect(target.stats.programOperations).toBe(1);
    expect(target.allocatedBytes).toBe(SECTOR);
  });
});
