/**
 * Regression (issue 8): parseModule threw a raw RangeError for a zero-length prefix extension of a
 * type with fields (its fields were read from a zero-length view). binary-version-reader 3.1.3 refuses
 * any zero-length extension ("Invalid extension length", `lib/HalModuleParser.js:480-485,670-673`);
 * parseModule now refuses it with a typed MODULE_EXTENSION error.
 */
import { HalModuleParser } from 'binary-version-reader';
import { buildModule, ExtensionType, ModuleFlag, ModuleFunction, parseModule } from '../../src/index';
import { thrown } from '../thrown';

const TYPES = Object.entries(ExtensionType).filter(([name]) => name !== 'INVALID');

describe.each(TYPES)('a zero-length %s prefix extension', (_name, type) => {
  const image = buildModule({
    function: ModuleFunction.USER_PART,
    version: 6,
    flags: ModuleFlag.PREFIX_EXTENSIONS,
    platformId: 32,
    payload: Uint8Array.from([type & 0xff, type >> 8, 0, 0, ...new Array(64).fill(0x11)]),
  });

  it('is refused by binary-version-reader', async () => {
    await expect((async () => new HalModuleParser().parseBuffer({ fileBuffer: Buffer.from(image) }))()).rejects.toThrow('Invalid extension length');
  });

  it('is refused by parseModule with a typed error', () => {
    const error = thrown(() => parseModule(image));
    expect(error.code).toBe('MODULE_EXTENSION');
    expect(error.message).toBe('Failed to parse module: the prefix extension at offset 0x18 has length 0. The file is damaged.');
  });
});
