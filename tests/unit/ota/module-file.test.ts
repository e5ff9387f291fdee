/** Broken module files give typed errors, never a crash (issue: "read real binaries as Particle's tools do"). */
import fc from 'fast-check';
import { ExtensionType, findPrefixOffset, parseModule } from '../../../src/ota/module-file';
import { buildModuleImage, ModuleFlag, ModuleFunction } from '../../../src/ota/module-format';
import { EmulatorError } from '../../../src/sim/messages';
import { thrown } from './fixtures';

/** A module whose prefix says "extensions follow" (flag 0x10), with `extension` right after the prefix. */
function withPrefixExtension(extension: number[]): Uint8Array {
  const body = Uint8Array.from([...extension, ...new Array(64).fill(0x11)]);
  return buildModuleImage({ function: ModuleFunction.USER_PART, version: 6, flags: ModuleFlag.PREFIX_EXTENSIONS, payload: body, platformId: 32 });
}

describe('parseModule on broken input', () => {
  it('rejects an empty file', () => {
    expect(thrown(() => parseModule(new Uint8Array(0))).message).toBe('Failed to parse module: 0 bytes is shorter than a 24-byte prefix, a 36-byte suffix and a 4-byte CRC. Pass the whole .bin file.');
  });

  it('rejects bytes with no module prefix anywhere', () => {
    const error = thrown(() => parseModule(new Uint8Array(4096).fill(0x00)));
    expect(error.code).toBe('MODULE_NO_PREFIX');
    expect(error.message).toBe('Failed to parse module: no module prefix was found at any offset up to 8 KB in these 4096 bytes. This is not a Particle module.');
  });

  it('rejects a zero-length extension', () => {
    const error = thrown(() => parseModule(withPrefixExtension([ExtensionType.NAME, 0, 0, 0])));
    expect(error.code).toBe('MODULE_EXTENSION');
    expect(error.message).toBe('Failed to parse module: the prefix extension at offset 0x18 has length 0. The file is damaged.');
  });

  it('rejects prefix extensions that never reach an END extension', () => {
    const error = thrown(() => parseModule(withPrefixExtension([ExtensionType.NAME, 0, 8, 0, 0x61, 0x62, 0x63, 0x64, 0xff, 0xff, 0, 0])));
    expect(error.message).toBe('Failed to parse module: its prefix extensions (flag 0x10) do not end with an END extension. The file is damaged.');
  });

  it('rejects an extension too short for its own fields', () => {
    const error = thrown(() => parseModule(withPrefixExtension([ExtensionType.DYNAMIC_LOCATION, 0, 6, 0, 1, 2, ExtensionType.END, 0, 4, 0])));
    expect(error.message).toBe('Failed to parse module: the extension of type 2 at offset 0x18 is 6 bytes, too short for its fields. The file is damaged.');
  });

  it('reads a NAME prefix extension followed by END', () => {
    const parsed = parseModule(withPrefixExtension([ExtensionType.NAME, 0, 8, 0, 0x61, 0x62, 0x63, 0x64, ExtensionType.END, 0, 4, 0]));
    expect(parsed.prefixExtensions).toEqual([
      { type: ExtensionType.NAME, length: 8, offset: 24, name: 'abcd' },
      { type: ExtensionType.END, length: 4, offset: 32 },
    ]);
    expect(parsed.prefixSize).toBe(36);
  });

  it('never throws anything but an EmulatorError, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        try {
          parseModule(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(EmulatorError);
        }
      }),
      { numRuns: 300, seed: 2036 },
    );
  });

  it('never throws anything but an EmulatorError for a real module with bytes flipped', () => {
    const image = buildModuleImage({ function: ModuleFunction.SYSTEM_PART, version: 1406, size: 2048, flags: ModuleFlag.PREFIX_EXTENSIONS });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(image.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 12 }), (flips) => {
        const copy = image.slice();
        for (const [at, value] of flips) copy[at] = value;
        try {
          parseModule(copy);
        } catch (error) {
          expect(error).toBeInstanceOf(EmulatorError);
        }
      }),
      { numRuns: 300, seed: 2036 },
    );
  });

  it('finds a prefix that sits at an unusual offset by scanning', () => {
    const image = buildModuleImage({ function: ModuleFunction.USER_PART, version: 6, size: 2000 });
    const shifted = new Uint8Array(image.length + 0x40);
    shifted.set(image, 0x40);
    // The whole file must be the module for a full score, so this module claims the extra bytes.
    const view = new DataView(shifted.buffer);
    view.setUint32(0x40 + 4, view.getUint32(0x40, true) + shifted.length - 4, true);
    expect(findPrefixOffset(shifted).offset).toBe(0x40);
  });
});
