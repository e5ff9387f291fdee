import { Parser } from 'binary-parser';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { EmulatorError } from '../sim/messages';
import { SeededRandom } from '../sim/random';

/** `MOD_FUNC_*` (`dynalib/inc/module_info.h:83-91` at v1.4.4; ASSET from v6.2.0). */
export const ModuleFunction = {
  NONE: 0,
  RESOURCE: 1,
  BOOTLOADER: 2,
  MONO_FIRMWARE: 3,
  SYSTEM_PART: 4,
  USER_PART: 5,
  SETTINGS: 6,
  NCP_FIRMWARE: 7,
  RADIO_STACK: 8,
  ASSET: 9,
} as const;

const FUNCTION_NAMES: Record<number, string> = Object.fromEntries(Object.entries(ModuleFunction).map(([name, value]) => [value, name]));
export const moduleFunctionName = (fn: number): string => FUNCTION_NAMES[fn] ?? `UNKNOWN(${fn})`;

/** `module_info_t.flags` (DROP_MODULE_INFO in 1.x; the rest from v2 on). */
export const ModuleFlag = { DROP_MODULE_INFO: 0x01, COMPRESSED: 0x02, COMBINED: 0x04, ENCRYPTED: 0x08, PREFIX_EXTENSIONS: 0x10 } as const;

export const PLATFORM_BORON = 13;
export const PREFIX_SIZE = 24;
/** product id + product version + `module_info_suffix_t` (reserved, sha[32], size). */
export const SUFFIX_SIZE = 40;
export const CRC_SIZE = 4;
/** Gen3 modules that start with a vector table keep the prefix after it. */
export const GEN3_VECTOR_TABLE_SIZE = 0x200;
/** Initial stack pointer our system parts and bootloaders start with (top of Boron RAM, below backup RAM). */
const INITIAL_STACK_POINTER = 0x2003f000;
/** Initial stack pointer of the SoftDevice images we build: inside the SoftDevice's own RAM at the bottom of the chip's. */
const SOFTDEVICE_STACK_POINTER = 0x20000400;

/**
 * Where a SoftDevice keeps its own identity, counted from its first byte (the SoftDevice information
 * structure at 0x2000, `SOFTDEVICE_INFO_STRUCT_OFFSET` in Nordic's `nrf_sdm.h`): its end address
 * (`SD_SIZE_OFFSET`, 0x2008) and its firmware ID, a uint16 (`SD_FWID_OFFSET`, 0x200C). Device OS reads
 * the installed radio stack's version as `SD_FWID_GET(MBR_SIZE)`, i.e. at 0x1000 + 0x200C = 0x300C
 * (`hal/src/nRF52840/platform_radio_stack.cpp:36` at v1.4.4, `:27` at v4.1.0), and Particle's
 * `build/create_module.py:235,284-285` (v1.4.4) takes a radio-stack module's version from the same place.
 */
export const SoftDeviceInfo = { SIZE_OFFSET: 0x2008, FWID_OFFSET: 0x200c } as const;

export interface ModuleDependency {
  function: number;
  index: number;
  version: number;
}

/** `module_info_t`, 24 bytes little-endian (`dynalib/inc/module_info.h:35-77` at v1.4.4). */
export interface ModulePrefix {
  startAddress: number;
  endAddress: number;
  /** `reserved` byte: the MCU target on Gen3 (0 = main MCU). */
  mcuTarget: number;
  flags: number;
  version: number;
  platformId: number;
  function: number;
  index: number;
  dependencies: [ModuleDependency, ModuleDependency];
}

const dependencyParser = new Parser().uint8('function').uint8('index').uint16le('version');
const prefixParser = new Parser()
  .uint32le('startAddress')
  .uint32le('endAddress')
  .uint8('mcuTarget')
  .uint8('flags')
  .uint16le('version')
  .uint16le('platformId')
  .uint8('function')
  .uint8('index')
  .nest('dependency', { type: dependencyParser })
  .nest('dependency2', { type: dependencyParser });

export function decodePrefix(bytes: Uint8Array): ModulePrefix {
  // A whole prefix is read directly, as prefixParser would (it is read at every boot); a short one is left to the parser's own error.
  if (bytes.length >= PREFIX_SIZE) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, PREFIX_SIZE);
    const dependency = (at: number): ModuleDependency => ({ function: view.getUint8(at), index: view.getUint8(at + 1), version: view.getUint16(at + 2, true) });
    return {
      startAddress: view.getUint32(0, true),
      endAddress: view.getUint32(4, true),
      mcuTarget: view.getUint8(8),
      flags: view.getUint8(9),
      version: view.getUint16(10, true),
      platformId: view.getUint16(12, true),
      function: view.getUint8(14),
      index: view.getUint8(15),
      dependencies: [dependency(16), dependency(20)],
    };
  }
  const raw = prefixParser.parse(bytes.subarray(0, PREFIX_SIZE)) as Omit<ModulePrefix, 'dependencies'> & { dependency: ModuleDependency; dependency2: ModuleDependency };
  const { dependency, dependency2, ...rest } = raw;
  return { ...rest, dependencies: [dependency, dependency2] };
}

export function encodePrefix(prefix: ModulePrefix): Uint8Array {
  const out = new Uint8Array(PREFIX_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, prefix.startAddress, true);
  view.setUint32(4, prefix.endAddress, true);
  view.setUint8(8, prefix.mcuTarget);
  view.setUint8(9, prefix.flags);
  view.setUint16(10, prefix.version, true);
  view.setUint16(12, prefix.platformId, true);
  view.setUint8(14, prefix.function);
  view.setUint8(15, prefix.index);
  prefix.dependencies.forEach((dep, i) => {
    view.setUint8(16 + i * 4, dep.function);
    view.setUint8(17 + i * 4, dep.index);
    view.setUint16(18 + i * 4, dep.version, true);
  });
  return out;
}

/**
 * Where the prefix sits in a Gen3 module: after the vector table when the first word looks like
 * an initial stack pointer in RAM (`FLASH_ModuleInfo`, `platform/MCU/nRF52840/src/flash_mal.c:492-530`).
 */
export const gen3PrefixOffset = (firstWord: number): number => ((firstWord & 0x2ffc0000) >>> 0 === 0x20000000 ? GEN3_VECTOR_TABLE_SIZE : 0);

/** The CRC-32 Device OS checks: standard IEEE CRC-32 over everything before it, stored big-endian. */
export const moduleCrc32 = (bytes: Uint8Array, previous = 0): number => crc32(bytes, previous) >>> 0;

export interface ModuleSpec {
  function: number;
  version: number;
  index?: number;
  platformId?: number;
  /** Defaults to the Boron 1.x address for the function. */
  startAddress?: number;
  mcuTarget?: number;
  flags?: number;
  dependencies?: ModuleDependency[];
  /** Start with a 0x200-byte vector table (system parts, bootloaders, monolithic images do). */
  vectorTable?: boolean;
  /** Code bytes after the prefix; padded with filler up to `size`. */
  payload?: Uint8Array;
  /** Total file size in bytes; defaults to the smallest that holds the payload. */
  size?: number;
  /** Seed for the filler bytes, so images of equal specs can still differ. */
  fillSeed?: string;
  productId?: number;
  productVersion?: number;
}

/** Boron 1.x start address per module function (`ota_module_bounds.c` at v1.4.4). */
const DEFAULT_START: Record<number, number> = {
  [ModuleFunction.BOOTLOADER]: 0xf4000,
  [ModuleFunction.MONO_FIRMWARE]: 0x30000,
  [ModuleFunction.SYSTEM_PART]: 0x30000,
  [ModuleFunction.USER_PART]: 0xd4000,
  [ModuleFunction.RADIO_STACK]: 0x1000,
};

const NO_DEPENDENCY: ModuleDependency = { function: 0, index: 0, version: 0 };

/**
 * Make a valid module file: prefix, payload (padded with seeded filler), suffix with product
 * fields and SHA-256, and the CRC-32 stored big-endian — byte for byte what the build produces.
 */
export function buildModuleImage(spec: ModuleSpec): Uint8Array {
  // A radio stack is built as create_module.py builds one (`build/create_module.py:178-199,283-295` at
  // v1.4.4): the 24-byte prefix first, then the SoftDevice itself, which starts with its own vector table.
  const softDevice = spec.function === ModuleFunction.RADIO_STACK && !spec.vectorTable && !spec.payload;
  const vectorTable = spec.vectorTable ?? (spec.function !== ModuleFunction.USER_PART && spec.function !== ModuleFunction.RESOURCE && spec.function !== ModuleFunction.RADIO_STACK);
  const head = vectorTable ? GEN3_VECTOR_TABLE_SIZE + PREFIX_SIZE : PREFIX_SIZE;
  const payload = spec.payload ?? new Uint8Array(0);
  const minimumBody = softDevice ? SoftDeviceInfo.FWID_OFFSET + 4 : payload.length;
  const size = spec.size ?? head + minimumBody + SUFFIX_SIZE + CRC_SIZE;
  const bodyLength = size - head - SUFFIX_SIZE - CRC_SIZE;
  if (softDevice && bodyLength < minimumBody) {
    throw new EmulatorError(
      'MODULE_SIZE',
      'Failed to build module: a RADIO_STACK (SoftDevice) keeps its version, the FWID, at 0x{fwid} inside the SoftDevice (0x300C once installed above the MBR), so {size} bytes cannot hold it. Use a size of at least {min}.',
      { fwid: SoftDeviceInfo.FWID_OFFSET.toString(16).toUpperCase(), size, min: head + minimumBody + SUFFIX_SIZE + CRC_SIZE },
    );
  }
  if (bodyLength < payload.length) {
    throw new EmulatorError('MODULE_SIZE', 'Failed to build module: {size} bytes cannot hold a {head}-byte header, a {payload}-byte payload and the 44-byte suffix and CRC. Use a size of at least {min}.', {
      size,
      head,
      payload: payload.length,
      min: head + payload.length + SUFFIX_SIZE + CRC_SIZE,
    });
  }
  const startAddress = spec.startAddress ?? DEFAULT_START[spec.function] ?? 0;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  const filler = new SeededRandom(spec.fillSeed ?? `module/${spec.function}/${spec.index ?? 0}/${spec.version}/${size}`);
  filler.fill(out.subarray(0, size - SUFFIX_SIZE - CRC_SIZE));
  if (vectorTable) view.setUint32(0, INITIAL_STACK_POINTER, true);
  if (softDevice) {
    const sd = head;
    view.setUint32(sd, SOFTDEVICE_STACK_POINTER, true);
    view.setUint32(sd + SoftDeviceInfo.SIZE_OFFSET, startAddress + bodyLength, true);
    view.setUint16(sd + SoftDeviceInfo.FWID_OFFSET, spec.version, true);
  }
  const deps = spec.dependencies ?? [];
  out.set(
    encodePrefix({
      startAddress,
      endAddress: startAddress + size - CRC_SIZE,
      mcuTarget: spec.mcuTarget ?? 0,
      flags: spec.flags ?? 0,
      version: spec.version,
      platformId: spec.platformId ?? PLATFORM_BORON,
      function: spec.function,
      index: spec.index ?? defaultIndex(spec.function),
      dependencies: [deps[0] ?? NO_DEPENDENCY, deps[1] ?? NO_DEPENDENCY],
    }),
    head - PREFIX_SIZE,
  );
  out.set(payload, head);
  const suffixAt = size - CRC_SIZE - SUFFIX_SIZE;
  view.setUint16(suffixAt, spec.productId ?? 0xffff, true);
  view.setUint16(suffixAt + 2, spec.productVersion ?? 0xffff, true);
  view.setUint16(suffixAt + 4, 0, true);
  view.setUint16(size - CRC_SIZE - 2, SUFFIX_SIZE, true);
  const shaAt = size - CRC_SIZE - 2 - 32;
  out.set(createHash('sha256').update(out.subarray(0, shaAt)).digest(), shaAt);
  view.setUint32(size - CRC_SIZE, moduleCrc32(out.subarray(0, size - CRC_SIZE)), false);
  return out;
}

/** Boron 1.x module index per function: system part 1 and user part 1; the rest 0. */
const defaultIndex = (fn: number): number => (fn === ModuleFunction.SYSTEM_PART || fn === ModuleFunction.USER_PART ? 1 : 0);
