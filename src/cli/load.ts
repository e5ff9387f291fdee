/** What `run` runs: a C++ project or .ino compiled in-process, or a TypeScript/JavaScript module exporting a sketch. */
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { compileSketch, EmulatorError, type DeviceOsVersion, type Sketch, type VirtualBoronOptions } from '../index';

const SCRIPT = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

/** A sketch module's exports that the CLI reads: the sketch, and options for the device it runs on. */
export interface LoadedSketch {
  sketch: Sketch;
  /** A module's `export const options`: msw handlers, faults, a factory image… (the CLI's flags win). */
  options: VirtualBoronOptions;
}

let typeScript = false;

/** Load a TypeScript or JavaScript module, compiled by tsx as it loads. */
export function loadModule(path: string): Record<string, unknown> {
  // One global tsx hook, not a namespaced one: a module loaded twice would split the library's state in two.
  if (!typeScript) (require('tsx/cjs/api') as { register: () => void }).register();
  typeScript = true;
  return require(resolve(path)) as Record<string, unknown>;
}

/** `path`, checked to be a file before anything loads it: a clear error rather than a require stack. */
export function modulePath(path: string, what: string): string {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new EmulatorError('FILE_NOT_FOUND', 'Failed to load the {what}: {path} is not a file. Pass the path of a .ts or .js module.', { what, path });
  }
  return path;
}

/** `path` is where a file can be written: its folder exists, and it is not itself a folder. */
export function writablePath(path: string, what: string): string {
  const folder = dirname(resolve(path));
  if (!existsSync(folder) || !statSync(folder).isDirectory() || (existsSync(path) && statSync(path).isDirectory())) {
    throw new EmulatorError('FILE_NOT_WRITABLE', 'Failed to write the {what} to {path}: {why}. Give a file in a folder that exists.', { what, path, why: existsSync(folder) ? 'that is a folder' : `the folder ${folder} does not exist` });
  }
  return path;
}

const isSketch = (value: unknown): value is Sketch =>
  typeof value === 'object' && value !== null && typeof (value as Sketch).name === 'string' && typeof (value as Sketch).create === 'function';

export async function loadSketch(path: string, deviceOs: DeviceOsVersion, compiling: (what: string) => void): Promise<LoadedSketch> {
  if (!existsSync(path)) {
    throw new EmulatorError('SKETCH_NOT_FOUND', 'Failed to load the sketch: {path} does not exist. Pass a C++ project folder, an .ino file, or a .ts/.js module exporting a sketch.', { path });
  }
  const extension = extname(path).toLowerCase();
  if (statSync(path).isDirectory() || extension === '.ino') {
    compiling(`Compiling ${path} for Device OS ${deviceOs} (the first build takes about 20 s; later ones come from the cache) …`);
    return { sketch: await compileSketch(path, { deviceOs }), options: {} };
  }
  if (!SCRIPT.has(extension)) {
    throw new EmulatorError('SKETCH_NOT_FOUND', 'Failed to load the sketch: {path} is not a C++ project folder, an .ino file, or a module ({kinds}).', { path, kinds: [...SCRIPT].join(', ') });
  }
  const exports = loadModule(path);
  const sketch = [exports.default, exports.sketch, (exports.default as Record<string, unknown> | undefined)?.default].find(isSketch);
  if (!sketch) {
    throw new EmulatorError('SKETCH_NOT_FOUND', 'Failed to load the sketch: {path} exports no sketch (its exports: {names}). Export one made with defineSketch(), as default or as `sketch`.', {
      path,
      names: Object.keys(exports).join(', ') || 'none',
    });
  }
  const options = exports.options;
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new EmulatorError('BAD_OPTIONS', 'Failed to load the sketch: {path} exports `options` that is not an object of VirtualBoron options.', { path });
  }
  return { sketch, options: (options ?? {}) as VirtualBoronOptions };
}
