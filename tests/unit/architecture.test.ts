/** The house rules of design/architecture.md §1: one-way imports between the layers. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '../../src');
const FORBIDDEN: Record<string, string[]> = {
  sim: ['hal', 'ota', 'net', 'device', 'cli', 'fleet', 'report'],
  hal: ['ota', 'net', 'device', 'cli', 'fleet', 'report'],
  net: ['hal', 'ota', 'device', 'cli', 'fleet', 'report'],
  ota: ['net', 'device', 'cli', 'fleet', 'report'],
  device: ['cpp', 'cli', 'fleet', 'report'],
  cpp: ['hal', 'cli', 'fleet', 'report'],
  // Fleets run devices (on worker threads, or as Artillery's virtual users): beside cpp, above device.
  fleet: ['cpp', 'cli', 'report'],
  // The report reads a device from above, as a test does.
  report: ['cpp', 'cli', 'fleet'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file names: `from '…'`, `import '…'`, `import('…')`, `require('…')`, either quote. */
const importsIn = (text: string): string[] => [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])([^'"]+)\1/g)].map((m) => m[2]);
const importsOf = (path: string): string[] => importsIn(readFileSync(path, 'utf8'));

describe('layering', () => {
  it.each(Object.keys(FORBIDDEN))('src/%s imports none of the layers above it', (folder) => {
    const offending = files(join(SRC, folder)).flatMap((file) =>
      importsOf(file)
        .filter((spec) => FORBIDDEN[folder].some((layer) => spec === `../${layer}` || spec.startsWith(`../${layer}/`)))
        .map((spec) => `${relative(SRC, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('src/cli uses the public entries only (and its own files, node: and packages), as a user of the package would', () => {
    const PUBLIC = ['../index', '../harness', '../fleet', '../../package.json'];
    const offending = files(join(SRC, 'cli')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('.') && !spec.startsWith('./') && !PUBLIC.includes(spec))
        .map((spec) => `${relative(SRC, file)} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('sees every form of import (so the checks above cannot miss one)', () => {
    const sample = `import a from '../x/a';\nimport "../y";\nconst c = require('../z/c');\nconst d = import("../w");`;
    expect(importsIn(sample)).toEqual(['../x/a', '../y', '../z/c', '../w']);
  });

  it('src/cpp takes only types from the network layer: it reaches TCPClient through the SketchApi', () => {
    const offending = files(join(SRC, 'cpp')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^import (?!type )[^;]*from '\.\.\/net\/[^']+'/gm)].map((m) => `${relative(SRC, file)}: ${m[0]}`),
    );
    expect(offending).toEqual([]);
  });

  it('src/sim uses no node: module and no wall clock', () => {
    const offending = files(join(SRC, 'sim')).filter((file) => /from 'node:|Date\.now|new Date\(|setTimeout|setInterval|performance\.now/.test(readFileSync(file, 'utf8')));
    expect(offending.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('nothing in src reads the wall clock, but the real-server limit (a setTimeout in net/real-server.ts)', () => {
    const offending = files(SRC).filter((file) => /Date\.now|new Date\(|setTimeout|setInterval|performance\.now/.test(readFileSync(file, 'utf8')) && relative(SRC, file) !== join('net', 'real-server.ts'));
    expect(offending.map((f) => relative(SRC, f))).toEqual([]);
    // Even there, only a timer: no clock is read, and nothing repeats.
    expect(readFileSync(join(SRC, 'net/real-server.ts'), 'utf8')).not.toMatch(/Date\.now|new Date\(|setInterval|performance\.now/);
  });

  it('node:net, node:http and Node\'s HTTP parser appear only in the network layer\'s server files', () => {
    const offending = files(SRC).filter((file) => /(from|require\()\s*'node:(net|http|_http_common)'/.test(readFileSync(file, 'utf8')) && !relative(SRC, file).startsWith('net/'));
    expect(offending).toEqual([]);
  });

  it('src/jest.ts (virtual-boron/jest) loads nothing at run time, no test framework included, and nothing in src loads it', () => {
    const matchers = readFileSync(join(SRC, 'jest.ts'), 'utf8');
    expect([...matchers.matchAll(/^import (?!type )[^;]*;/gm)].map((m) => m[0])).toEqual([]);
    expect(importsIn(matchers).filter((spec) => !spec.startsWith('./'))).toEqual([]);
    expect(files(SRC).filter((file) => importsOf(file).some((spec) => /(^|\/)jest$/.test(spec))).map((f) => relative(SRC, f))).toEqual([]);
  });
});
