/**
 * compileSketch's cache: a compile is kept by the hash of everything that shapes it (sources,
 * headers, flags, toolchain version), in memory and on disk, and any change to one of them misses.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileSketch, type Sketch } from '../../../src/index';

const SKETCH = { 'app.ino': 'SYSTEM_MODE(MANUAL);\nvoid setup() { Serial.println("one"); }\nvoid loop() {}\n' };
const wasmFiles = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.wasm')).sort();

let cacheDir: string;
let first: Sketch;

beforeAll(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'vb-cache-'));
  first = await compileSketch(SKETCH, { cacheDir, name: 'cached' });
}, 180_000);

afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** compileSketch as a new process would load it: empty memory cache, and a toolchain that must not be needed. */
function freshCompiler(runTool: () => never): typeof compileSketch {
  let fresh!: typeof compileSketch;
  jest.isolateModules(() => {
    jest.doMock('../../../src/cpp/toolchain', () => ({ ...jest.requireActual('../../../src/cpp/toolchain'), runTool, asyncify: runTool }));
    fresh = (require('../../../src/cpp/compile-sketch') as typeof import('../../../src/cpp/compile-sketch')).compileSketch;
  });
  jest.dontMock('../../../src/cpp/toolchain');
  return fresh;
}

const toolchainCalled = (): never => {
  throw new Error('the toolchain ran');
};

describe('the compile cache', () => {
  it('writes one compiled image to the cache folder', () => {
    expect(wasmFiles(cacheDir)).toHaveLength(1);
    expect(readdirSync(cacheDir).filter((name) => name.startsWith('runtime-'))).toHaveLength(1);
  });

  it('answers a second compile of the same sources from memory with the same sketch', async () => {
    await expect(compileSketch({ ...SKETCH }, { cacheDir, name: 'cached' })).resolves.toBe(first);
  });

  it('answers a new process from disk without running the toolchain', async () => {
    const compile = freshCompiler(toolchainCalled);
    const again = await compile(SKETCH, { cacheDir, name: 'cached' });
    expect(again.name).toBe('cached');
    expect(again.systemMode).toBe('MANUAL');
  });

  it.each([
    ['a source byte', { 'app.ino': SKETCH['app.ino'].replace('one', 'two') }, {}],
    ['another file beside it', { ...SKETCH, 'extra.h': '#define EXTRA 1\n' }, {}],
    ['a define', SKETCH, { defines: { EXTRA: 1 } }],
    ['the Device OS it is built for (C++17 from 3.0)', SKETCH, { deviceOs: '3.3.1' as const }],
  ])('misses when %s changes', async (_what, files, options) => {
    const compile = freshCompiler(toolchainCalled);
    await expect(compile(files, { cacheDir, ...options })).rejects.toThrow('the toolchain ran');
  });

  it('misses when the toolchain version changes', async () => {
    let compile!: typeof compileSketch;
    jest.isolateModules(() => {
      jest.doMock('../../../src/cpp/toolchain', () => {
        const actual = jest.requireActual('../../../src/cpp/toolchain');
        return { ...actual, toolchainVersions: () => ({ ...actual.toolchainVersions(), '@yowasp/clang': '99.0.0' }), runTool: toolchainCalled };
      });
      compile = (require('../../../src/cpp/compile-sketch') as typeof import('../../../src/cpp/compile-sketch')).compileSketch;
    });
    jest.dontMock('../../../src/cpp/toolchain');
    await expect(compile(SKETCH, { cacheDir, name: 'cached' })).rejects.toThrow('the toolchain ran');
  });

  it('compiles a changed sketch into an image of its own', async () => {
    await compileSketch({ 'app.ino': SKETCH['app.ino'].replace('one', 'three') }, { cacheDir });
    expect(wasmFiles(cacheDir)).toHaveLength(2);
  }, 120_000);

  it('keeps nothing on disk with cacheDir: false', async () => {
    const before = readdirSync(cacheDir).length;
    await compileSketch({ 'app.ino': SKETCH['app.ino'].replace('one', 'four') }, { cacheDir: false });
    expect(readdirSync(cacheDir)).toHaveLength(before);
  }, 120_000);
});

describe('a missing toolchain package', () => {
  it('is named, with the command that installs it', async () => {
    let compile!: typeof compileSketch;
    jest.isolateModules(() => {
      jest.doMock('node:fs', () => {
        const fs = jest.requireActual('node:fs');
        return { ...fs, existsSync: (path: string) => !String(path).endsWith(join('@yowasp', 'clang', 'package.json')) && fs.existsSync(path) };
      });
      compile = (require('../../../src/cpp/compile-sketch') as typeof import('../../../src/cpp/compile-sketch')).compileSketch;
    });
    jest.dontMock('node:fs');
    await expect(compile(SKETCH, { cacheDir: false })).rejects.toMatchObject({
      code: 'TOOLCHAIN_MISSING',
      message:
        'Failed to compile the sketch: the C++ toolchain package @yowasp/clang is not installed. Install both with npm install --save-dev @yowasp/clang binaryen (about 200 MB; they compile C++ to WebAssembly in-process, no system compiler needed).',
    });
  });
});
