/**
 * .ino handling and the sketch's own files, as Particle's build does it (the `wiring-preprocessor`
 * package particle-cli uses): `#include "Particle.h"` and prototypes added, `#pragma
 * SPARK_NO_PREPROCESSOR` turning that off, and `#include <X.h>` / `"X.h"` finding the sketch's
 * headers — in a `{ fileName: text }` map, beside an .ino, or in a project with src/ and lib/<name>/src/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileSketch, SketchCompileError, type Sketch } from '../../../src/index';
import { COMPILE_TIMEOUT, run } from './harness';

jest.setTimeout(COMPILE_TIMEOUT);

let folder: string;

/** Write `files` under a fresh folder. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(folder, 'project-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

let sketches: Record<'prototypes' | 'noPreprocessor' | 'ownHeaders' | 'particleProject' | 'inoFile', Sketch>;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'virtual-boron-cpp-'));
  const particleProject = project({
    'project.properties': 'name=blinker\n',
    'src/blinker.ino': '#include "Counter.h"\n#include <Greeting.h>\nSYSTEM_MODE(MANUAL);\nCounter counter;\nvoid setup() {\n  greet(counter.next());\n  greet(counter.next());\n}\n',
    'src/Counter.h': '#pragma once\nclass Counter {\n  int n = 0;\npublic:\n  int next() { return ++n; }\n};\n',
    'lib/Greeting/src/Greeting.h': '#pragma once\nvoid greet(int n);\n',
    'lib/Greeting/src/Greeting.cpp': '#include "Particle.h"\n#include "Greeting.h"\nvoid greet(int n) { Serial.printlnf("hello #%d from lib/Greeting", n); }\n',
    'test/broken.cpp': 'this is not C++ and is not part of the app\n',
  });
  const inoFolder = project({
    'beside.ino': '#include "helper.h"\nSYSTEM_MODE(MANUAL);\nvoid setup() { Serial.println(twice(21)); }\n',
    'helper.h': '#pragma once\nint twice(int n);\n',
    'helper.cpp': '#include "helper.h"\nint twice(int n) { return 2 * n; }\n',
    'other.ino': 'this other sketch is not compiled with beside.ino\n',
  });
  const [prototypes, noPreprocessor, ownHeaders, fromProject, inoFile] = await Promise.all([
    compileSketch({ 'app.ino': 'SYSTEM_MODE(MANUAL);\nvoid setup() {\n  Serial.println(answer());\n  report("done");\n}\nint answer() { return 42; }\nvoid report(const char* what) { Serial.printlnf("report: %s", what); }\n' }, { name: 'ino prototypes' }),
    compileSketch({ 'app.ino': '#pragma SPARK_NO_PREPROCESSOR\n#include "Particle.h"\nSYSTEM_MODE(MANUAL);\nint answer() { return 7; }\nvoid setup() { Serial.println(answer()); }\nvoid loop() {}\n' }, { name: 'ino without preprocessor' }),
    compileSketch(
      {
        'app.ino': '#include <config.h>\n#include "util/arith.h"\nSYSTEM_MODE(MANUAL);\nvoid setup() { Serial.printlnf("%s %d", BANNER, square(12)); }\n',
        'config.h': '#pragma once\n#define BANNER "config.h says"\n',
        'util/arith.h': '#pragma once\nint square(int n);\n',
        'util/arith.cpp': '#include "arith.h"\nint square(int n) { return n * n; }\n',
      },
      { name: 'ino own headers' },
    ),
    compileSketch(particleProject, { name: 'particle project' }),
    compileSketch(join(inoFolder, 'beside.ino'), { name: 'ino file' }),
  ]);
  sketches = { prototypes, noPreprocessor, ownHeaders, particleProject: fromProject, inoFile };
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('.ino files and the sketch\'s own files', () => {
  it('adds Particle.h and prototypes: an .ino uses functions before their definitions without including anything', async () => {
    const { seen } = await run(sketches.prototypes, 'report');
    expect(seen.serial).toBe('42\r\nreport: done\r\n');
  });

  it('#pragma SPARK_NO_PREPROCESSOR turns that off: Particle.h included by hand and definitions in order compile', async () => {
    const { seen } = await run(sketches.noPreprocessor, 300);
    expect(seen.serial).toBe('7\r\n');
  });

  it('#pragma SPARK_NO_PREPROCESSOR: without Particle.h, Serial is unknown', async () => {
    const error = await compileSketch({ 'app.ino': '#pragma SPARK_NO_PREPROCESSOR\nvoid setup() {\n  Serial.println("x");\n}\n' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SketchCompileError);
    expect((error as SketchCompileError).diagnostics.filter((d) => d.severity === 'error').map((d) => [d.line, d.message])).toEqual([[3, "use of undeclared identifier 'Serial'"]]);
  });

  // sources.ts passes a SPARK_NO_PREPROCESSOR .ino to clang without a `#line 1 "app.ino"`, so the
  // diagnostics name app.ino.cpp, a file the user does not have (see the report of this change).
  it('#pragma SPARK_NO_PREPROCESSOR: a function used before its definition is an error at the .ino\'s own name and line', async () => {
    const error = (await compileSketch({ 'app.ino': '#pragma SPARK_NO_PREPROCESSOR\n#include "Particle.h"\nvoid setup() {\n  later();\n}\nvoid later() {}\n' }).catch((e: unknown) => e)) as SketchCompileError;
    expect(error.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}: ${d.message}`)).toEqual(["app.ino:4: use of undeclared identifier 'later'"]);
  });

  it('finds the sketch\'s own headers with <X.h> and "dir/X.h", and compiles the .cpp beside them', async () => {
    const { seen } = await run(sketches.ownHeaders, 300);
    expect(seen.serial).toBe('config.h says 144\r\n');
  });

  it('compiles a Particle project: src/ and lib/<name>/src/, headers found from both, other folders left out', async () => {
    const { seen } = await run(sketches.particleProject, 300);
    expect(seen.serial).toBe('hello #1 from lib/Greeting\r\nhello #2 from lib/Greeting\r\n');
  });

  it('compiles an .ino file with the C++ and headers beside it, not the other .ino files there', async () => {
    const { seen } = await run(sketches.inoFile, 300);
    expect(seen.serial).toBe('42\r\n');
  });
});
