import { Parser } from 'binary-parser';
import { createHash } from 'node:crypto';
import { EmulatorError, hex } from '../sim/messages';
import { CRC_SIZE, decodePrefix, ModuleFlag, ModuleFunction, moduleFunctionName, moduleCrc32, PREFIX_SIZE, type ModulePrefix } from './module-format';

/**
 * Reading a module *file* the way Particle's tools do (binary-version-reader's HalModuleParser):
 * the prefix may sit anywhere a vector table puts it, suffixes may be 36 or 40 bytes or carry
 * extensions. The device itself finds the prefix by a simpler rule (`gen3PrefixOffset`).
 */

/** Smallest `module_info_suffix_t`: reserved, sha[32], size. */
export const MIN_SUFFIX_SIZE = 36;

/** Platform IDs Particle's tools know (generation > 0 in Particle's device constants). */
export const KNOWN_PLATFORMS: ReadonlySet<number> = new Set([0, 6, 8, 10, 12, 13, 14, 15, 22, 23, 24, 25, 26, 28, 32, 35, 37, 38]);

/**
 * Where a vector table puts the prefix, tried first: none, Gen 3 (nRF52840, 0x200), Gen 2
 * (STM32F2, 0x184), Bluz (0xC0), Core (0x10C). Other offsets are found by scanning.
 */
const PREFERRED_OFFSETS = [0, 0x200, 0x184, 0xc0, 0x10c];
const MAX_PREFIX_OFFSET = 8 * 1024;
const FULL_SCORE = 7;
const KNOWN_FLAGS = Object.values(ModuleFlag).reduce((a, b) => a | b, 0);
const KNOWN_FUNCTIONS: ReadonlySet<number> = new Set(Object.values(ModuleFunction));

/** `module_info_extension` types. */
export const ExtensionType = {
  END: 0,
  PRODUCT_DATA: 1,
  DYNAMIC_LOCATION: 2,
  DEPENDENCY: 3,
  HASH: 0x10,
  NAME: 0x11,
  ASSET_DEPENDENCY: 0x12,
  SECURITY_MODE: 0x13,
  ASSET_TYPE: 0x14,
  INVALID: 0xffff,
} as const;

/** One extension record: type, length (header included), where it starts in the file, and what it says. */
export interface ModuleExtension {
  type: number;
  length: number;
  offset: number;
  productId?: number;
  productVersion?: number;
  moduleStartAddress?: number;
  dynalibLoadAddress?: number;
  dynalibStartAddress?: number;
  moduleFunction?: number;
  moduleIndex?: number;
  moduleVersion?: number;
  targetId?: number;
  hashType?: number;
  hash?: string;
  name?: string;
  securityMode?: number;
  assetType?: number;
}

export interface ParsedModule extends ModulePrefix {
  /** File size in bytes. */
  size: number;
  prefixOffset: number;
  /** 24, or more with prefix extensions. */
  prefixSize: number;
  functionName: string;
  /** `module_end_address − module_start_address`: where the CRC starts, counted from the file's start. */
  moduleLength: number;
  /** The file is exactly the module and its CRC (false for padded files and bundles). */
  sizeMatches: boolean;
  suffixSize: number;
  /** −1 when the suffix has no product fields (a 36-byte suffix). */
  productId: number;
  productVersion: number;
  prefixExtensions: ModuleExtension[];
  suffixExtensions: ModuleExtension[];
  /** The SHA-256 the suffix holds, hex. */
  sha256: string;
  shaOk: boolean;
  crc: { stored: number; computed: number; ok: boolean };
}

/** How much a candidate prefix at `offset` looks like one (`_validateModulePrefix`'s seven points). */
function prefixScore(bytes: Uint8Array, offset: number): number {
  if (offset + PREFIX_SIZE > bytes.length) return 0;
  const p = decodePrefix(bytes.subarray(offset));
  if (p.endAddress <= p.startAddress) return 0;
  const expected = p.endAddress - p.startAddress + CRC_SIZE;
  if (bytes.length < expected || p.function === ModuleFunction.NONE) return 0;
  if (p.dependencies.some((d) => d.function === ModuleFunction.NONE && (d.index !== 0 || d.version !== 0))) return 0;
  let score = 1;
  if (KNOWN_PLATFORMS.has(p.platformId)) score++;
  if (KNOWN_FUNCTIONS.has(p.function)) score++;
  for (const d of p.dependencies) if (KNOWN_FUNCTIONS.has(d.function)) score++;
  if (bytes.length === expected) score++;
  if ((p.flags & ~KNOWN_FLAGS) === 0) score++;
  return score;
}

/** The preferred offsets first, then every 4-byte offset up to 8 KB; the first full score wins, else the best. */
export function findPrefixOffset(bytes: Uint8Array): { offset: number; score: number } {
  let best = { offset: 0, score: 0 };
  const last = Math.min(MAX_PREFIX_OFFSET, bytes.length - MIN_SUFFIX_SIZE - PREFIX_SIZE - CRC_SIZE);
  const candidates = [...PREFERRED_OFFSETS];
  for (let offset = 4; offset <= last; offset += 4) if (!PREFERRED_OFFSETS.includes(offset)) candidates.push(offset);
  for (const offset of candidates) {
    const score = prefixScore(bytes, offset);
    if (score >= FULL_SCORE) return { offset, score };
    if (score > best.score) best = { offset, score };
  }
  return best;
}

/** Bytes of fixed fields after the 4-byte header, per extension type. */
const FIELD_BYTES: Record<number, number> = {
  [ExtensionType.PRODUCT_DATA]: 4,
  [ExtensionType.DYNAMIC_LOCATION]: 12,
  [ExtensionType.DEPENDENCY]: 8,
  [ExtensionType.HASH]: 2,
  [ExtensionType.ASSET_DEPENDENCY]: 2,
  [ExtensionType.SECURITY_MODE]: 1,
  [ExtensionType.ASSET_TYPE]: 1,
};

const extensionHeader = new Parser().uint16le('type').uint16le('length');

/** One extension at `at`, or undefined where the list stops (INVALID type, or past the file). */
function readExtension(bytes: Uint8Array, at: number): ModuleExtension | undefined {
  if (at + 4 > bytes.length) return undefined;
  const { type, length } = extensionHeader.parse(bytes.subarray(at, at + 4)) as { type: number; length: number };
  if (type === ExtensionType.INVALID || at + length > bytes.length) return undefined;
  const ext: ModuleExtension = { type, length, offset: at };
  // A zero length is refused by the caller, as binary-version-reader refuses it ("Invalid extension length",
  // `lib/HalModuleParser.js:480-485,670-673` at 3.1.3); there are no fields to read.
  if (length === 0) return ext;
  if (length - 4 < (FIELD_BYTES[type] ?? 0)) {
    throw new EmulatorError('MODULE_EXTENSION', 'Failed to parse module: the extension of type {type} at offset {at} is {length} bytes, too short for its fields. The file is damaged.', { type, at: hex(at), length });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + at + 4, Math.max(0, length - 4));
  const text = (from: number, to = length - 4): string => Buffer.from(bytes.subarray(at + 4 + from, at + 4 + Math.max(from, to))).toString();
  const hexOf = (from: number, n: number): string => Buffer.from(bytes.subarray(at + 4 + from, at + 4 + from + n)).toString('hex');
  switch (type) {
    case ExtensionType.PRODUCT_DATA:
      ext.productId = view.getUint16(0, true);
      ext.productVersion = view.getUint16(2, true);
      break;
    case ExtensionType.DYNAMIC_LOCATION:
      ext.moduleStartAddress = view.getUint32(0, true);
      ext.dynalibLoadAddress = view.getUint32(4, true);
      ext.dynalibStartAddress = view.getUint32(8, true);
      break;
    case ExtensionType.DEPENDENCY:
      ext.moduleFunction = view.getUint8(0);
      ext.moduleIndex = view.getUint8(1);
      ext.moduleVersion = view.getUint16(2, true);
      ext.targetId = view.getUint32(4, true);
      break;
    case ExtensionType.HASH:
      ext.hashType = view.getUint8(0);
      ext.hash = hexOf(2, length - 6);
      break;
    case ExtensionType.NAME:
      ext.name = text(0);
      break;
    case ExtensionType.ASSET_DEPENDENCY: {
      ext.hashType = view.getUint8(0);
      const n = view.getUint8(1);
      ext.hash = hexOf(2, n);
      ext.name = text(2 + n);
      break;
    }
    case ExtensionType.SECURITY_MODE:
      ext.securityMode = view.getUint8(0);
      break;
    case ExtensionType.ASSET_TYPE:
      ext.assetType = view.getUint8(0);
      break;
  }
  return ext;
}

/** Extensions from `start` until END (or `limit`); a zero length would loop forever, so it is an error. */
function readExtensions(bytes: Uint8Array, start: number, limit: number, where: string): { list: ModuleExtension[]; end: number } {
  const list: ModuleExtension[] = [];
  let at = start;
  while (at < limit) {
    const ext = readExtension(bytes, at);
    if (!ext) break;
    list.push(ext);
    if (ext.length === 0) {
      throw new EmulatorError('MODULE_EXTENSION', 'Failed to parse module: the {where} extension at offset {at} has length 0. The file is damaged.', { where, at: hex(at) });
    }
    at += ext.length;
    if (ext.type === ExtensionType.END) break;
  }
  return { list, end: at };
}

/**
 * Whether a prefix that failed only because the file is too short is a real one cut short, not random
 * bytes: every field but the length must make sense (a known platform, function and flags, dependencies
 * that are NONE or known, an end after the start).
 */
export function looksLikePrefix(p: ModulePrefix): boolean {
  const knownDependency = (d: ModulePrefix['dependencies'][number]) => (d.function === ModuleFunction.NONE ? d.index === 0 && d.version === 0 : KNOWN_FUNCTIONS.has(d.function));
  return (
    p.endAddress > p.startAddress &&
    p.function !== ModuleFunction.NONE &&
    KNOWN_FUNCTIONS.has(p.function) &&
    KNOWN_PLATFORMS.has(p.platformId) &&
    (p.flags & ~KNOWN_FLAGS) === 0 &&
    p.dependencies.every(knownDependency)
  );
}

/** Read a Particle module file as Particle's tools read it. Broken input gives a typed error. */
export function parseModule(bytes: Uint8Array): ParsedModule {
  if (bytes.length < PREFIX_SIZE + MIN_SUFFIX_SIZE + CRC_SIZE) {
    throw new EmulatorError('MODULE_TRUNCATED', 'Failed to parse module: {size} bytes is shorter than a 24-byte prefix, a 36-byte suffix and a 4-byte CRC. Pass the whole .bin file.', { size: bytes.length });
  }
  const { offset: prefixOffset, score } = findPrefixOffset(bytes);
  const prefix = decodePrefix(bytes.subarray(prefixOffset));
  const moduleLength = (prefix.endAddress - prefix.startAddress) >>> 0;
  if (score === 0) {
    const claimed = moduleLength + CRC_SIZE;
    throw looksLikePrefix(prefix) && claimed > bytes.length
      ? new EmulatorError('MODULE_LENGTH', 'Failed to parse module: its prefix says it spans {start} to {end} ({length} bytes plus a 4-byte CRC), but the file has {size} bytes. The file is truncated.', {
          start: hex(prefix.startAddress),
          end: hex(prefix.endAddress),
          length: moduleLength,
          size: bytes.length,
        })
      : new EmulatorError('MODULE_NO_PREFIX', 'Failed to parse module: no module prefix was found at any offset up to 8 KB in these {size} bytes. This is not a Particle module.', { size: bytes.length });
  }
  const end = bytes.length - CRC_SIZE;
  const prefixExtensions =
    prefix.flags & ModuleFlag.PREFIX_EXTENSIONS ? readExtensions(bytes, prefixOffset + PREFIX_SIZE, end - MIN_SUFFIX_SIZE, 'prefix') : { list: [], end: prefixOffset + PREFIX_SIZE };
  if (prefix.flags & ModuleFlag.PREFIX_EXTENSIONS && prefixExtensions.list.at(-1)?.type !== ExtensionType.END) {
    throw new EmulatorError('MODULE_EXTENSION', 'Failed to parse module: its prefix extensions (flag 0x10) do not end with an END extension. The file is damaged.');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const suffixSize = view.getUint16(end - 2, true);
  const hasProduct = suffixSize >= MIN_SUFFIX_SIZE + 4;
  const suffixStart = end - suffixSize;
  const suffixExtensions = suffixSize > MIN_SUFFIX_SIZE + 4 && suffixStart > 0 ? readExtensions(bytes, suffixStart, end - MIN_SUFFIX_SIZE, 'suffix').list : [];
  const shaAt = end - 2 - 32;
  const sha = bytes.subarray(shaAt, shaAt + 32);
  const stored = view.getUint32(end, false);
  const computed = moduleCrc32(bytes.subarray(0, end));
  return {
    ...prefix,
    size: bytes.length,
    prefixOffset,
    prefixSize: prefixExtensions.end - prefixOffset,
    functionName: moduleFunctionName(prefix.function),
    moduleLength,
    sizeMatches: moduleLength + CRC_SIZE === bytes.length,
    suffixSize,
    productId: hasProduct ? view.getUint16(end - 40, true) : -1,
    productVersion: hasProduct ? view.getUint16(end - 38, true) : -1,
    prefixExtensions: prefixExtensions.list,
    suffixExtensions,
    sha256: Buffer.from(sha).toString('hex'),
    shaOk: createHash('sha256').update(bytes.subarray(0, shaAt)).digest().equals(sha),
    crc: { stored, computed, ok: stored === computed },
  };
}
