import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { processFile } from 'wiring-preprocessor';
import { EmulatorError } from '../sim/messages';

/** A sketch's C++: a project folder, an .ino (with the files beside it), or `{ fileName: text }`. */
export type SketchSource = string | Readonly<Record<string, string>>;

/** What the compiler sees of a sketch. */
export interface SketchFiles {
  /** A name for the app when none is given: the folder's or the .ino's. */
  name: string;
  /** Every file's bytes by its '/'-separated path, .ino files already turned into C++. */
  files: Record<string, Uint8Array>;
  /** The translation units, in a stable order. */
  sources: string[];
  /** Folders holding headers, so `#include "X.h"` and `<X.h>` find the sketch's own. */
  includeDirs: string[];
}

const SOURCE = /\.(ino|cpp|cc|cxx|c)$/i;
const HEADER = /\.(h|hh|hpp|hxx|inc)$/i;
const SKIPPED_DIRS = new Set(['node_modules', 'target']);
/** What turns Particle's preprocessor off (wiring-preprocessor's own test). */
const NO_PREPROCESSOR = /^[ \t]*#pragma (SPARK_NO_PREPROCESSOR|PARTICLE_NO_PREPROCESSOR)/m;

/** Read and preprocess a sketch as Particle's build does. */
export function readSketch(source: SketchSource): SketchFiles {
  if (typeof source !== 'string') {
    const given: Record<string, Uint8Array> = {};
    for (const [path, text] of Object.entries(source)) given[path] = Buffer.from(text, 'utf8');
    return prepare('sketch', given);
  }
  if (!existsSync(source)) {
    throw new EmulatorError('SKETCH_NOT_FOUND', 'Failed to compile the sketch: {path} does not exist. Pass a project folder, an .ino file or a { fileName: text } map.', { path: source });
  }
  if (statSync(source).isDirectory()) return prepare(basename(source), readProject(source));
  if (extname(source).toLowerCase() !== '.ino') {
    throw new EmulatorError('SKETCH_NOT_FOUND', 'Failed to compile the sketch: {path} is not an .ino file. Pass a project folder, an .ino file or a { fileName: text } map.', { path: source });
  }
  // An .ino compiles with the C++ and headers beside it, not with other .ino files there.
  const dir = dirname(source);
  const files: Record<string, Uint8Array> = {};
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isFile() && (path === source || ((SOURCE.test(name) || HEADER.test(name)) && !/\.ino$/i.test(name)))) files[name] = readFileSync(path);
  }
  return prepare(basename(source, extname(source)), files);
}

/**
 * A Particle project (`src/` and `lib/<name>/src/`, as `particle compile` takes it) or, without a
 * `src/` folder, every source and header under the folder.
 */
function readProject(root: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  const tops = existsSync(join(root, 'src')) ? ['src', ...libraries(root)] : [''];
  for (const top of tops) {
    for (const path of walk(join(root, top))) files[relative(root, path).split(sep).join('/')] = readFileSync(path);
  }
  return files;
}

function libraries(root: string): string[] {
  const lib = join(root, 'lib');
  if (!existsSync(lib)) return [];
  return readdirSync(lib)
    .sort()
    .map((name) => (existsSync(join(lib, name, 'src')) ? join('lib', name, 'src') : join('lib', name)))
    .filter((dir) => statSync(join(root, dir)).isDirectory());
}

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name.startsWith('.') || SKIPPED_DIRS.has(name) ? [] : walk(path);
      return SOURCE.test(name) || HEADER.test(name) ? [path] : [];
    });
}

function prepare(name: string, given: Record<string, Uint8Array>): SketchFiles {
  const files: Record<string, Uint8Array> = {};
  const sources: string[] = [];
  for (const path of Object.keys(given).sort()) {
    const clean = path.split('\\').join('/').replace(/^\.\//, '');
    if (clean.startsWith('/') || clean.split('/').includes('..')) {
      throw new EmulatorError('SKETCH_FILE_NAME', 'Failed to compile the sketch: the file name "{path}" leaves the sketch. Use paths relative to the sketch, such as "src/OTA.cpp".', { path });
    }
    if (/\.ino$/i.test(clean)) {
      // Particle's preprocessor: Particle.h first, prototypes, #line back to the .ino. It inserts
      // ASCII only, so Latin-1 carries the file's bytes through unchanged. Turned off by the
      // pragma, it adds no #line, and errors would name the .cpp it becomes: keep the .ino's name.
      const text = Buffer.from(given[path]).toString('latin1');
      const processed = processFile(clean, text);
      const named = NO_PREPROCESSOR.test(text) ? `#line 1 "${clean}"\n${processed}` : processed;
      files[`${clean}.cpp`] = Buffer.from(named, 'latin1');
      sources.push(`${clean}.cpp`);
    } else {
      files[clean] = given[path];
      if (SOURCE.test(clean)) sources.push(clean);
    }
  }
  if (sources.length === 0) {
    throw new EmulatorError('SKETCH_EMPTY', 'Failed to compile the sketch "{name}": it has no .ino, .cpp or .c file.', { name });
  }
  const includeDirs = [...new Set(Object.keys(files).filter((p) => HEADER.test(p)).map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.')))].sort();
  return { name, files, sources, includeDirs };
}
