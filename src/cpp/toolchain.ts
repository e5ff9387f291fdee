import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { EmulatorError } from '../sim/messages';

/**
 * The C++ toolchain: Clang/LLD compiled to WebAssembly (`@yowasp/clang`) and Binaryen's asyncify
 * pass (`binaryen`), both optional peer dependencies of ~100 MB each. They are ES modules, so they
 * run in a worker thread (cpp/toolchain-worker.mjs), started by a compile that misses the cache.
 */
export const TOOLCHAIN_PACKAGES = ['@yowasp/clang', 'binaryen'] as const;

/** The C++ assets shipped with the package: Particle's headers, the runtime's sources, the worker. */
export const CPP_ROOT = join(__dirname, '../../cpp');

export type FileTree = { [name: string]: FileTree | string | Uint8Array };

export interface ClangRun {
  exitCode: number;
  /** What clang or wasm-ld printed: diagnostics, with file:line. */
  output: string;
  /** The outputs asked for, when it succeeded. */
  files: Record<string, Uint8Array>;
}

/** Each toolchain package's installed version (part of every cache key); throws naming the one that is missing. */
export function toolchainVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of TOOLCHAIN_PACKAGES) versions[name] = installedVersion(name);
  return versions;
}

function installedVersion(name: string): string {
  // Packages with an `exports` map hide their package.json from require.resolve: look in each node_modules instead.
  for (const dir of require.resolve.paths(name) ?? []) {
    const manifest = join(dir, name, 'package.json');
    if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  }
  throw missingPackage(name);
}

const missingPackage = (name: string): EmulatorError =>
  new EmulatorError(
    'TOOLCHAIN_MISSING',
    'Failed to compile the sketch: the C++ toolchain package {name} is not installed. Install both with npm install --save-dev {packages} (about 200 MB; they compile C++ to WebAssembly in-process, no system compiler needed).',
    { name, packages: TOOLCHAIN_PACKAGES.join(' ') },
  );

interface Pending {
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
}

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, Pending>();

function request<T>(op: 'run' | 'asyncify', input: object): Promise<T> {
  const id = nextId++;
  const thread = (worker ??= startWorker());
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (value: never) => void, reject });
    thread.postMessage({ id, op, input });
  });
}

function startWorker(): Worker {
  const thread = new Worker(join(CPP_ROOT, 'toolchain-worker.mjs'));
  thread.on('message', ({ id, ok, result, error }: { id: number; ok: boolean; result: never; error: { message: string; missingPackage?: string } }) => {
    const call = pending.get(id);
    if (!call) return;
    pending.delete(id);
    if (pending.size === 0) setImmediate(() => stopWhenIdle(thread));
    if (ok) call.resolve(result);
    else call.reject(error.missingPackage ? missingPackage(error.missingPackage) : new EmulatorError('TOOLCHAIN_FAILED', 'Failed to compile the sketch: the toolchain stopped with "{message}".', { message: error.message }));
  });
  thread.on('error', (error) => failAll(thread, error));
  thread.on('exit', (code) => failAll(thread, new EmulatorError('TOOLCHAIN_FAILED', 'Failed to compile the sketch: the toolchain worker exited with code {code}.', { code })));
  return thread;
}

/**
 * Compiles that follow one another keep the toolchain loaded; once none is asked for, it goes (it
 * holds about 500 MB, and a process such as a test runner may load this module many times).
 */
function stopWhenIdle(thread: Worker): void {
  if (pending.size > 0 || worker !== thread) return;
  worker = undefined;
  void thread.terminate();
}

function failAll(thread: Worker, error: unknown): void {
  if (worker !== thread) return;
  worker = undefined;
  for (const call of pending.values()) call.reject(error);
  pending.clear();
}

/** Run `clang`, `clang++` or `wasm-ld` (args[0]) over `files`; `outputs` are the paths to bring back. */
export const runTool = (args: string[], files: FileTree, outputs: string[]): Promise<ClangRun> => request<ClangRun>('run', { args, files, outputs });

/** Make calls to these imports (`module.name`) able to suspend the WebAssembly stack. */
export const asyncify = (wasm: Uint8Array, imports: string[], optimizeLevel: number): Promise<Uint8Array> =>
  request<{ wasm: Uint8Array }>('asyncify', { wasm, imports, optimizeLevel }).then((r) => r.wasm);
