import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { defineSketch, type Sketch, type SystemMode } from '../device/sketch';
import { USER_BACKUP_RAM_SIZE } from '../device/backup-ram';
import { bytes, EmulatorError, formatMessage } from '../sim/messages';
import { describeValue, OptionCheck } from '../sim/option-check';
import { DEVICE_OS_VERSIONS, systemVersionNumber, type DeviceOsVersion } from '../ota/profiles';
import { readSketch, type SketchFiles, type SketchSource } from './sources';
import { CppApp, inspectImage, type CompiledImage } from './runtime';
import { asyncify, CPP_ROOT, runTool, toolchainVersions, type ClangRun, type FileTree } from './toolchain';

export interface CompileSketchOptions {
  /** The app's name in traces and `device.appName`; it also seeds its image's filler bytes. Default: the folder's or .ino's name and a content hash. */
  name?: string;
  /**
   * The Device OS the sketch is built for, as `particle compile boron --target` would: C++14
   * before 3.0, C++17 from it, and `SYSTEM_VERSION`. Default '1.4.4', the emulator's default.
   */
  deviceOs?: DeviceOsVersion;
  /**
   * Where compiled sketches are kept between runs: a folder, or false for memory only. Default:
   * $VIRTUAL_BORON_CACHE, else $XDG_CACHE_HOME/virtual-boron, else ~/.cache/virtual-boron.
   */
  cacheDir?: string | false;
  /** Preprocessor macros, as `-D NAME=value` (true: `-D NAME`). */
  defines?: Readonly<Record<string, string | number | true>>;
}

/** One clang diagnostic, by the sketch's own file names. */
export interface CompileDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'note' | 'fatal error';
  message: string;
}

/** The sketch did not compile or link: clang's (or wasm-ld's) words, with file:line. */
export class SketchCompileError extends EmulatorError {
  constructor(
    message: string,
    readonly diagnostics: CompileDiagnostic[],
    readonly output: string,
  ) {
    super('SKETCH_COMPILE', '{message}', { message });
  }
}

/** `System_Mode_TypeDef` (`system/inc/system_mode.h`): DEFAULT is AUTOMATIC. */
const SYSTEM_MODES: Record<number, SystemMode> = { 0: 'AUTOMATIC', 1: 'AUTOMATIC', 2: 'SEMI_AUTOMATIC', 3: 'MANUAL' };

/** Bumped whenever what a cache entry holds changes shape. */
const CACHE_FORMAT = 1;
/** Where Particle's headers and the runtime's sources sit in the compiler's file tree. */
const ASSETS = '.virtual-boron';
/**
 * `APPLICATION_STACK_SIZE` (`hal/src/nRF52840/core_hal.c:1137` at v1.4.4): the app thread's stack.
 * It is the shadow stack here; placed first, an overflow traps instead of overwriting globals.
 */
const APPLICATION_STACK_SIZE = 6144;
const LINK_FLAGS = [`-Wl,-z,stack-size=${APPLICATION_STACK_SIZE}`, '-Wl,--stack-first', '-Wl,--export=__stack_pointer'];
/** Asyncify's optimization level for the code it adds. */
const ASYNCIFY_LEVEL = 2;

/**
 * Compile a Particle sketch's C++ to WebAssembly in-process and return it as a `Sketch`, which
 * `VirtualBoron({ app })` and `buildModule({ sketch })` take like any other. Cached by content.
 */
export async function compileSketch(source: SketchSource, options: CompileSketchOptions = {}): Promise<Sketch> {
  const check: OptionCheck = new OptionCheck('compile the sketch');
  check.object(options, '', ['name', 'deviceOs', 'cacheDir', 'defines']);
  if (options.name !== undefined) check.string(options.name, 'name', 'a name that is not empty');
  if (options.cacheDir !== undefined && options.cacheDir !== false) check.string(options.cacheDir, 'cacheDir', 'a folder, or false for memory only');
  if (options.defines !== undefined) {
    for (const [name, value] of Object.entries(check.object(options.defines, 'defines', 'any'))) {
      if (typeof value !== 'string' && typeof value !== 'number' && value !== true) check.fail('defines.{name} is {actual}', 'Pass a string, a number, or true (for -D {name}).', { name, actual: describeValue(value) });
    }
  }
  const deviceOs = options.deviceOs ?? '1.4.4';
  if (!(DEVICE_OS_VERSIONS as readonly string[]).includes(deviceOs)) {
    throw new EmulatorError('UNKNOWN_PROFILE', 'Failed to compile the sketch: Device OS "{version}" has no profile. Use one of {known}.', { version: String(deviceOs), known: DEVICE_OS_VERSIONS.join(', ') });
  }
  const sketch = readSketch(source);
  const defines = Object.entries(options.defines ?? {}).map(([name, value]) => (value === true ? `-D${name}` : `-D${name}=${value}`));
  const build = new Build(options.name ? { ...sketch, name: options.name } : sketch, deviceOs, defines, options.cacheDir ?? defaultCacheDir());
  const image = await build.image();
  const name = options.name ?? `${sketch.name} (${build.key.slice(0, 8)})`;
  // The same sources under the same name are the same sketch, so their images never clash.
  const id = `${build.key}/${name}`;
  let compiled = sketches.get(id);
  if (!compiled) sketches.set(id, (compiled = defineSketch((api) => new CppApp(image, api), { name, systemMode: SYSTEM_MODES[image.systemModeCode], systemThread: image.systemThread })));
  return compiled;
}

const sketches = new Map<string, Sketch>();

function defaultCacheDir(): string {
  return process.env.VIRTUAL_BORON_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'virtual-boron');
}

/** Compiled images by cache key, for this process: a second compile of the same sources is a lookup. */
const images = new Map<string, Promise<CompiledImage>>();
const runtimeObjects = new Map<string, Promise<Record<string, Uint8Array>>>();

/** Particle's headers and the runtime's C++ sources, read once per process. */
let assets: { tree: FileTree; include: Record<string, Uint8Array>; runtime: Record<string, Uint8Array> } | undefined;

function loadAssets(): NonNullable<typeof assets> {
  if (assets) return assets;
  const read = (dir: string) => Object.fromEntries(listFiles(join(CPP_ROOT, dir)).map((path) => [relative(join(CPP_ROOT, dir), path).split(sep).join('/'), readFileSync(path)]));
  const include = read('include');
  const runtime = read('runtime');
  const tree: FileTree = {};
  for (const [path, bytes] of Object.entries(include)) place(tree, `${ASSETS}/include/${path}`, bytes);
  for (const [path, bytes] of Object.entries(runtime)) place(tree, `${ASSETS}/runtime/${path}`, bytes);
  return (assets = { tree, include, runtime });
}

let worker: Uint8Array | undefined;
const workerSource = (): Uint8Array => (worker ??= readFileSync(join(CPP_ROOT, 'toolchain-worker.mjs')));

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? listFiles(join(dir, name)) : [join(dir, name)]));
}

function place(tree: FileTree, path: string, bytes: Uint8Array): void {
  const parts = path.split('/');
  let dir = tree;
  for (const part of parts.slice(0, -1)) dir = (dir[part] ??= {}) as FileTree;
  dir[parts.at(-1)!] = bytes;
}

function hash(parts: (string | Uint8Array)[]): string {
  const h = createHash('sha256');
  for (const part of parts) {
    h.update(String(typeof part === 'string' ? part.length : part.byteLength));
    h.update(':');
    h.update(part);
  }
  return h.digest('hex');
}

const filesHash = (files: Record<string, Uint8Array>): (string | Uint8Array)[] => Object.keys(files).sort().flatMap((path) => [path, files[path]]);

/** One sketch's way from sources to a compiled image, through both caches. */
class Build {
  readonly key: string;
  private readonly runtimeKey: string;
  private readonly flags: { c: string[]; cxx: string[] };
  /** The sketch's own -D and -I flags: its sources only, not the runtime. */
  private readonly userFlags: string[];

  constructor(
    private readonly sketch: SketchFiles,
    deviceOs: DeviceOsVersion,
    defines: string[],
    private readonly cacheDir: string | false,
  ) {
    const { include, runtime } = loadAssets();
    const versions = toolchainVersions();
    const major = Number(deviceOs.split('.')[0]);
    const common = [
      '--target=wasm32-wasip1',
      '-Os',
      // The Boron's ABI where it differs from wasm32's: arm-none-eabi's char is unsigned and its enums as small as they fit.
      '-funsigned-char',
      '-fshort-enums',
      '-fno-exceptions',
      `-DVB_SYSTEM_VERSION=0x${systemVersionNumber(deviceOs).toString(16)}`,
      `-I${ASSETS}/include`,
    ];
    // Device OS builds apps as gnu++14 through 2.x and gnu++17 from 3.0 (`build/lang-std.mk`), gnu11 for C.
    this.flags = {
      c: [...common, '-std=gnu11'],
      cxx: [...common, `-std=gnu++${major >= 3 ? 17 : 14}`, '-fno-rtti', '-D_LIBCPP_STRING_H_HAS_CONST_OVERLOADS'],
    };
    // Everything that shapes the output: the toolchain, every flag, the headers, and the worker's own steps.
    const base = [String(CACHE_FORMAT), JSON.stringify(versions), JSON.stringify(this.flags), JSON.stringify(LINK_FLAGS), String(ASYNCIFY_LEVEL), workerSource(), ...filesHash(include)];
    this.runtimeKey = hash([...base, ...filesHash(runtime)]);
    this.userFlags = [...defines, ...sketch.includeDirs.map((dir) => `-I${dir}`)];
    this.key = hash([this.runtimeKey, ...this.userFlags, ...filesHash(sketch.files)]);
  }

  /** The compiled image: from memory, from disk, or built now. */
  image(): Promise<CompiledImage> {
    let image = images.get(this.key);
    if (!image) {
      image = this.module().then((module) => this.checked(inspectImage(module)));
      images.set(this.key, image);
      image.catch(() => images.delete(this.key));
    }
    return image;
  }

  private async module(): Promise<WebAssembly.Module> {
    const path = this.cacheDir === false ? undefined : join(this.cacheDir, `${this.key}.wasm`);
    if (path && existsSync(path)) {
      try {
        return await WebAssembly.compile(readFileSync(path));
      } catch {
        // A damaged cache entry (a disk that filled up, say): build it again.
      }
    }
    const wasm = await this.compile();
    if (path) writeAtomically(path, wasm);
    return WebAssembly.compile(wasm);
  }

  /** What the device's linker would refuse, it refuses too; what the emulator cannot run, it says so. */
  private checked(image: CompiledImage): CompiledImage {
    if (!(image.systemModeCode in SYSTEM_MODES)) {
      const mode = image.systemModeCode === 4 ? 'SAFE_MODE' : String(image.systemModeCode);
      throw new SketchCompileError(`Failed to compile sketch "${this.sketch.name}": SYSTEM_MODE(${mode}) is not modelled by virtual-boron yet. Use AUTOMATIC, SEMI_AUTOMATIC or MANUAL.`, [], '');
    }
    if (image.retainedBytes > USER_BACKUP_RAM_SIZE) {
      throw new SketchCompileError(
        formatMessage('Failed to link sketch "{name}": its retained variables take {size} bytes, more than the {limit} bytes of backup RAM a Boron app has (the device\'s linker refuses it too: section .backup will not fit in region BACKUPSRAM).', {
          name: this.sketch.name,
          size: bytes(image.retainedBytes),
          limit: bytes(USER_BACKUP_RAM_SIZE),
        }),
        [],
        '',
      );
    }
    return image;
  }

  private async compile(): Promise<Uint8Array> {
    const { tree } = loadAssets();
    const files: FileTree = structuredClone(tree);
    for (const [path, bytes] of Object.entries(this.sketch.files)) place(files, path, bytes);
    const objects: string[] = [];
    for (const [index, path] of this.sketch.sources.entries()) {
      const object = `${ASSETS}/objects/${index}.o`;
      const run = await runTool([...this.compilerFor(path), ...this.userFlags, '-c', path, '-o', object], files, [object]);
      if (run.exitCode !== 0) throw compileError(run, this.sketch.name);
      place(files, object, run.files[object]);
      objects.push(object);
    }
    for (const [name, bytes] of Object.entries(await this.runtime())) {
      place(files, `${ASSETS}/objects/runtime/${name}`, bytes);
      objects.push(`${ASSETS}/objects/runtime/${name}`);
    }
    const linked = await runTool(
      [
        'clang++',
        '--target=wasm32-wasip1',
        '-mexec-model=reactor',
        ...objects,
        '-o',
        'app.wasm',
        ...LINK_FLAGS,
      ],
      files,
      ['app.wasm'],
    );
    if (linked.exitCode !== 0) throw compileError(linked, this.sketch.name);
    const wasm = linked.files['app.wasm'];
    const blocking = WebAssembly.Module.imports(await WebAssembly.compile(wasm))
      .filter((i) => i.kind === 'function' && (i.module === 'particle' || `${i.module}.${i.name}` === 'wasi_snapshot_preview1.clock_time_get'))
      .map((i) => `${i.module}.${i.name}`);
    return asyncify(wasm, blocking, ASYNCIFY_LEVEL);
  }

  private compilerFor(path: string): string[] {
    return /\.c$/i.test(path) ? ['clang', ...this.flags.c] : ['clang++', ...this.flags.cxx];
  }

  /** The runtime's own C++ (String, Print, logging glue, newlib's answers), compiled once per toolchain and flags. */
  private runtime(): Promise<Record<string, Uint8Array>> {
    let objects = runtimeObjects.get(this.runtimeKey);
    if (!objects) {
      objects = this.buildRuntime();
      runtimeObjects.set(this.runtimeKey, objects);
      objects.catch(() => runtimeObjects.delete(this.runtimeKey));
    }
    return objects;
  }

  private async buildRuntime(): Promise<Record<string, Uint8Array>> {
    const dir = this.cacheDir === false ? undefined : join(this.cacheDir, `runtime-${this.runtimeKey}`);
    const { runtime, tree } = loadAssets();
    const names = Object.keys(runtime).filter((name) => /\.(cpp|c)$/.test(name));
    if (dir && names.every((name) => existsSync(join(dir, `${name}.o`)))) {
      return Object.fromEntries(names.map((name) => [`${name}.o`, readFileSync(join(dir, `${name}.o`))]));
    }
    const objects: Record<string, Uint8Array> = {};
    for (const name of names) {
      const object = `${ASSETS}/objects/${name}.o`;
      const run = await runTool([...this.compilerFor(name), '-c', `${ASSETS}/runtime/${name}`, '-o', object], tree, [object]);
      if (run.exitCode !== 0) throw new EmulatorError('TOOLCHAIN_FAILED', 'Failed to compile virtual-boron\'s C++ runtime ({name}): {output}', { name, output: run.output.trim() });
      objects[`${name}.o`] = run.files[object];
    }
    if (dir) for (const [name, bytes] of Object.entries(objects)) writeAtomically(join(dir, name), bytes);
    return objects;
  }
}

/** Write through a temporary file, so a reader never sees half a file (two processes may fill the cache at once). */
function writeAtomically(path: string, bytes: Uint8Array): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

const DIAGNOSTIC = /^(.+?):(\d+):(\d+): (error|warning|note|fatal error): (.*)$/;

function compileError(run: ClangRun, sketch: string): SketchCompileError {
  const lines = run.output.split('\n');
  const diagnostics: CompileDiagnostic[] = [];
  for (const line of lines) {
    const m = DIAGNOSTIC.exec(line);
    if (m) diagnostics.push({ file: m[1], line: Number(m[2]), column: Number(m[3]), severity: m[4] as CompileDiagnostic['severity'], message: m[5] });
  }
  const errors = diagnostics.filter((d) => d.severity === 'error' || d.severity === 'fatal error');
  // wasm-ld names a function nobody defines: either the sketch's own or a Particle API not modelled.
  const undefinedSymbols = [...run.output.matchAll(/undefined symbol: (.+)/g)].map((m) => m[1].trim());
  const what = undefinedSymbols.length
    ? `Failed to link sketch "${sketch}": ${undefinedSymbols.map((s) => `${s} is called but defined nowhere — not in the sketch's sources, and not a Particle API the emulator models`).join('; ')}.`
    : `Failed to compile sketch "${sketch}": clang reported ${errors.length === 1 ? '1 error' : `${errors.length || 'no'} errors`}.`;
  return new SketchCompileError(`${what}\n${run.output.trim()}`, diagnostics, run.output);
}
