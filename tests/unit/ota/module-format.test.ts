import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  buildModuleImage,
  decodePrefix,
  encodePrefix,
  gen3PrefixOffset,
  ModuleFlag,
  ModuleFunction,
  PLATFORM_BORON,
  type ModulePrefix,
} from '../../../src/ota/module-format';
import { parseModule } from '../../../src/ota/module-file';
import { corrupt, thrown } from './fixtures';

const u16 = (bytes: Uint8Array, at: number) => new DataView(bytes.buffer, bytes.byteOffset).getUint16(at, true);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const SYSTEM_DEPS = [
  { function: ModuleFunction.BOOTLOADER, index: 0, version: 501 },
  { function: ModuleFunction.RADIO_STACK, index: 0, version: 202 },
];

describe.each([
  { kind: 'user part', fn: ModuleFunction.USER_PART, start: 0xd4000, index: 1, prefixOffset: 0, deps: [{ function: ModuleFunction.SYSTEM_PART, index: 1, version: 1406 }] },
  { kind: 'system part', fn: ModuleFunction.SYSTEM_PART, start: 0x30000, index: 1, prefixOffset: 0x200, deps: SYSTEM_DEPS },
  { kind: 'bootloader', fn: ModuleFunction.BOOTLOADER, start: 0xf4000, index: 0, prefixOffset: 0x200, deps: [] },
])('buildModuleImage → parseModule, $kind', ({ fn, start, index, prefixOffset, deps }) => {
  it.each([5012, 1001])('round-trips a %i-byte image with the Boron defaults', (size) => {
    const image = buildModuleImage({ function: fn, version: 77, dependencies: deps, size });
    const parsed = parseModule(image);

    expect(image.length).toBe(size);
    expect(parsed).toMatchObject({
      size,
      prefixOffset,
      startAddress: start,
      endAddress: start + size - 4,
      moduleLength: size - 4,
      platformId: PLATFORM_BORON,
      function: fn,
      index,
      version: 77,
      mcuTarget: 0,
      flags: 0,
      productId: 0xffff,
      productVersion: 0xffff,
      suffixSize: 40,
      shaOk: true,
    });
    expect(parsed.dependencies).toEqual([deps[0] ?? { function: 0, index: 0, version: 0 }, deps[1] ?? { function: 0, index: 0, version: 0 }]);
    expect(parsed.crc.ok).toBe(true);
    // The prefix really sits where parseModule says: its first word is the start address, little-endian.
    expect(new DataView(image.buffer).getUint32(prefixOffset, true)).toBe(start);
  });

  it('keeps explicit product id/version, mcu target, flags, index and start address', () => {
    const image = buildModuleImage({
      function: fn,
      version: 1,
      index: 3,
      startAddress: start + 0x1000,
      mcuTarget: 0xff,
      flags: ModuleFlag.DROP_MODULE_INFO,
      productId: 4321,
      productVersion: 9,
      size: 2048,
    });
    expect(parseModule(image)).toMatchObject({ index: 3, startAddress: start + 0x1000, endAddress: start + 0x1000 + 2044, mcuTarget: 0xff, flags: 1, productId: 4321, productVersion: 9 });
    expect(u16(image, 2048 - 44)).toBe(4321);
    expect(u16(image, 2048 - 42)).toBe(9);
  });

  it('places the payload right after the prefix', () => {
    const payload = Uint8Array.from({ length: 50 }, (_, i) => i + 1);
    const image = buildModuleImage({ function: fn, version: 1, payload });
    const head = prefixOffset + 24;
    expect(image.length).toBe(head + 50 + 44);
    expect(image.subarray(head, head + 50)).toEqual(payload);
    expect(parseModule(image).crc.ok).toBe(true);
  });
});

describe('module suffix and CRC, checked independently with node:zlib and node:crypto', () => {
  const size = 1001;
  const image = buildModuleImage({ function: ModuleFunction.USER_PART, version: 6, size });
  const L = image.length;

  it('stores the CRC-32 of everything before it, big-endian, in the last 4 bytes', () => {
    const expected = crc32(image.subarray(0, L - 4)) >>> 0;
    expect(new DataView(image.buffer).getUint32(L - 4, false)).toBe(expected);
    expect(Array.from(image.subarray(L - 4))).toEqual([expected >>> 24, (expected >>> 16) & 0xff, (expected >>> 8) & 0xff, expected & 0xff]);
    expect(parseModule(image).crc).toEqual({ stored: expected, computed: expected, ok: true });
  });

  it('stores the SHA-256 of bytes [0, L−38) at L−38..L−6', () => {
    const expected = sha256(image.subarray(0, L - 38));
    expect(Buffer.from(image.subarray(L - 38, L - 6)).toString('hex')).toBe(expected);
    expect(parseModule(image).sha256).toBe(expected);
  });

  it('writes the suffix size 40 (0x28) at L−6, reserved 0 at L−40 and product 0xFFFF/0xFFFF by default', () => {
    expect(Array.from(image.subarray(L - 6, L - 4))).toEqual([0x28, 0x00]);
    expect(u16(image, L - 40)).toBe(0);
    expect(Array.from(image.subarray(L - 44, L - 40))).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it('flags a flipped payload byte as both a CRC and a SHA mismatch', () => {
    const parsed = parseModule(corrupt(image, 200));
    expect(parsed.crc.ok).toBe(false);
    expect(parsed.crc.stored).not.toBe(parsed.crc.computed);
    expect(parsed.shaOk).toBe(false);
  });

  it('flags a flipped CRC byte as a CRC mismatch only', () => {
    const parsed = parseModule(corrupt(image, L - 1));
    expect(parsed.crc.ok).toBe(false);
    expect(parsed.shaOk).toBe(true);
  });
});

describe('buildModuleImage determinism', () => {
  const spec = { function: ModuleFunction.USER_PART, version: 6, size: 4096 };

  it('builds identical bytes from the same spec', () => {
    expect(buildModuleImage(spec)).toEqual(buildModuleImage({ ...spec }));
    expect(buildModuleImage({ ...spec, fillSeed: 'a' })).toEqual(buildModuleImage({ ...spec, fillSeed: 'a' }));
  });

  it('builds different bytes (same header) from a different fillSeed', () => {
    const a = buildModuleImage({ ...spec, fillSeed: 'a' });
    const b = buildModuleImage({ ...spec, fillSeed: 'b' });
    expect(a).not.toEqual(b);
    expect(a.subarray(0, 24)).toEqual(b.subarray(0, 24));
  });
});

describe('errors', () => {
  it('refuses a 10-byte file as MODULE_TRUNCATED', () => {
    const error = thrown(() => parseModule(new Uint8Array(10)));
    expect(error.code).toBe('MODULE_TRUNCATED');
    expect(error.message).toBe('Failed to parse module: 10 bytes is shorter than a 24-byte prefix, a 36-byte suffix and a 4-byte CRC. Pass the whole .bin file.');
  });

  it('refuses a module missing its last 100 bytes as MODULE_LENGTH', () => {
    const image = buildModuleImage({ function: ModuleFunction.USER_PART, version: 6, size: 5012 });
    const error = thrown(() => parseModule(image.subarray(0, 5012 - 100)));
    expect(error.code).toBe('MODULE_LENGTH');
    expect(error.message).toBe(
      'Failed to parse module: its prefix says it spans 0xD4000 to 0xD5390 (5008 bytes plus a 4-byte CRC), but the file has 4912 bytes. The file is truncated.',
    );
  });

  it('refuses to build into a size that cannot hold header, payload, suffix and CRC (MODULE_SIZE)', () => {
    const error = thrown(() => buildModuleImage({ function: ModuleFunction.USER_PART, version: 6, payload: new Uint8Array(100), size: 150 }));
    expect(error.code).toBe('MODULE_SIZE');
    expect(error.message).toBe('Failed to build module: 150 bytes cannot hold a 24-byte header, a 100-byte payload and the 44-byte suffix and CRC. Use a size of at least 168.');
  });

  it('builds at exactly the minimum size, and not one byte below it', () => {
    expect(parseModule(buildModuleImage({ function: ModuleFunction.USER_PART, version: 6, size: 68 })).crc.ok).toBe(true);
    expect(thrown(() => buildModuleImage({ function: ModuleFunction.USER_PART, version: 6, size: 67 })).code).toBe('MODULE_SIZE');
    expect(thrown(() => buildModuleImage({ function: ModuleFunction.SYSTEM_PART, version: 1, size: 579 })).message).toContain('a 536-byte header');
  });
});

describe('gen3PrefixOffset', () => {
  it.each([
    { word: 0x2003f000, offset: 0x200, what: "system part's initial SP 0x2003F000" },
    { word: 0x20000000, offset: 0x200, what: 'start of RAM 0x20000000' },
    { word: 0x2003fffc, offset: 0x200, what: 'last word below 0x20040000' },
    { word: 0x000d4000, offset: 0, what: "user part's start address 0xD4000" },
    { word: 0x20040000, offset: 0, what: 'RAM address 0x20040000 (outside the mask)' },
    { word: 0xffffffff, offset: 0, what: 'erased flash 0xFFFFFFFF' },
  ])('$what → prefix at $offset', ({ word, offset }) => {
    expect(gen3PrefixOffset(word)).toBe(offset);
  });
});

describe('encodePrefix / decodePrefix', () => {
  const prefix: ModulePrefix = {
    startAddress: 0xd4000,
    endAddress: 0xfffffffc,
    mcuTarget: 0xff,
    flags: 0x11,
    version: 0x1234,
    platformId: PLATFORM_BORON,
    function: ModuleFunction.USER_PART,
    index: 1,
    dependencies: [
      { function: 4, index: 1, version: 0xabcd },
      { function: 2, index: 0, version: 501 },
    ],
  };

  it('lays the 24 bytes out little-endian as module_info_t', () => {
    expect(Array.from(encodePrefix(prefix))).toEqual([
      0x00, 0x40, 0x0d, 0x00, 0xfc, 0xff, 0xff, 0xff, 0xff, 0x11, 0x34, 0x12, 13, 0, 5, 1, 4, 1, 0xcd, 0xab, 2, 0, 0xf5, 0x01,
    ]);
  });

  it('round-trips', () => {
    expect(decodePrefix(encodePrefix(prefix))).toEqual(prefix);
  });
});
