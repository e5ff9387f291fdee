// The C++ toolchain, run in a worker thread: Clang/LLD built as WebAssembly (@yowasp/clang) and
// Binaryen's asyncify pass (binaryen). Both packages are ES modules of ~100 MB each, so they load
// here, once per process, away from the caller's module system (jest's cannot import ES modules)
// and heap. Plain JavaScript because Node starts it directly. src/cpp/toolchain.ts is the client.
import { parentPort } from 'node:worker_threads';

let loaded;

/** Import both packages once; a missing one is reported by name so the caller can say what to install. */
function load() {
  loaded ??= (async () => {
    const [clang, binaryen] = await Promise.all([importPackage('@yowasp/clang'), importPackage('binaryen')]);
    // Fetch the toolchain's resources once, quietly (the default prints progress to the console).
    await clang.runLLVM(null, {}, { fetchProgress: () => {} });
    return { clang, binaryen: binaryen.default };
  })();
  return loaded;
}

async function importPackage(name) {
  try {
    return await import(name);
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes(name)) throw Object.assign(new Error(`missing package ${name}`), { missingPackage: name });
    throw error;
  }
}

/** Run `clang`/`clang++`/`wasm-ld` over `files`; answer with the files named in `outputs` and everything it printed. */
async function run({ args, files, outputs }) {
  const { clang } = await load();
  const chunks = [];
  const capture = (bytes) => {
    if (bytes) chunks.push(Buffer.from(bytes));
  };
  let tree;
  let exitCode = 0;
  try {
    const command = args[0] === 'wasm-ld' ? clang.runLLVM : clang.runClang;
    tree = await command(args, files, { stdout: capture, stderr: capture, decodeASCII: false });
  } catch (error) {
    if (!(error instanceof clang.Exit)) throw error;
    exitCode = error.code;
    tree = error.files;
  }
  const found = {};
  for (const path of exitCode === 0 ? outputs : []) {
    const bytes = path.split('/').reduce((dir, name) => dir?.[name], tree);
    if (bytes instanceof Uint8Array) found[path] = bytes.slice();
  }
  return { exitCode, output: Buffer.concat(chunks).toString('utf8'), files: found };
}

/** Binaryen's asyncify pass: calls to `imports` (module.name) may unwind the stack and rewind it later. */
async function asyncify({ wasm, imports, optimizeLevel }) {
  const { binaryen } = await load();
  binaryen.setDebugInfo(true); // keep the name section: traps name the C++ function
  binaryen.setOptimizeLevel(optimizeLevel);
  binaryen.setShrinkLevel(optimizeLevel > 1 ? 1 : 0);
  const module = binaryen.readBinary(wasm);
  try {
    binaryen.setPassArgument('asyncify-imports', imports.join(','));
    // An integer division by zero gives 0 on the Boron's Cortex-M4 (DIV_0_TRP is clear), where
    // WebAssembly traps: clamp it. Then only asyncify (which tidies what it adds): a whole-module
    // optimize would inline setup() and loop() into the exports, and a trap would no longer name them.
    module.runPasses(['trap-mode-clamp', 'asyncify']);
    return { wasm: module.emitBinary().slice() }; // a copy: the result may view Binaryen's own heap
  } finally {
    module.dispose();
  }
}

const operations = { run, asyncify };

parentPort.on('message', async ({ id, op, input }) => {
  try {
    const result = await operations[op](input);
    const transfer = [];
    for (const bytes of [result.wasm, ...Object.values(result.files ?? {})]) if (bytes?.buffer) transfer.push(bytes.buffer);
    parentPort.postMessage({ id, ok: true, result }, transfer);
  } catch (error) {
    parentPort.postMessage({ id, ok: false, error: { message: String(error?.message ?? error), missingPackage: error?.missingPackage } });
  }
});
