/**
 * `virtual-boron` from a shell: each command run as a child process, as a user runs it, with its
 * exit code, its text and its --json document. (tests/scenarios/package.test.ts runs the installed
 * bin the same way.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModule, defineSketch, ModuleFunction } from '../../src/index';

const ROOT = join(__dirname, '../..');
const FIXTURES = 'tests/fixtures/cli';

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI from its sources (tsx, as `npm start` runs it), in the repository, without colour. */
function cli(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let work = '';
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'virtual-boron-cli-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const SECONDS = 1000;

describe('--help', () => {
  it('lists the commands, and every command has its own help', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: virtual-boron \[options\] \[command\]/);
    for (const command of ['run', 'inspect', 'sweep', 'fleet', 'demo']) {
      expect(top.stdout).toContain(`\n  ${command} `);
      const help = await cli(command, '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: virtual-boron ${command} `);
      expect(help.stdout).toContain('--json');
    }
  }, 60 * SECONDS);
});

describe('run', () => {
  it('streams the serial output, types at the given virtual times, and exits 0 once every expected text appeared', async () => {
    const r = await cli('run', `${FIXTURES}/echo.ts`, '--type', 'ab\\n', '--type', 'cd\\n@500', '--expect-text', 'ab', '--expect-text', 'cd');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'echo is up\r\nab\ncd\n\n✔ Every expected text appeared (the last at 505 ms).\nDevice: running, app "echo", Device OS 1.4.4, 505 ms of virtual time\n',
    );
  }, 60 * SECONDS);

  it('exits 1 as soon as a failing text appears', async () => {
    const r = await cli('run', `${FIXTURES}/echo.ts`, '--type', 'x@2000', '--expect-text', 'never', '--fail-text', 'boom');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('echo is up\r\nboom\r\n\n✘ The failing text "boom" appeared at 2001 ms.\nDevice: running, app "echo", Device OS 1.4.4, 2001 ms of virtual time\n');
  }, 60 * SECONDS);

  it('exits 42 when the expected text has not appeared by --timeout (virtual milliseconds)', async () => {
    const r = await cli('run', `${FIXTURES}/echo.ts`, '--expect-text', 'never', '--timeout', '1500');
    expect(r.code).toBe(42);
    expect(r.stdout).toBe('echo is up\r\n\n⏱ Timed out after 1500 ms of virtual time without "never".\nDevice: running, app "echo", Device OS 1.4.4, 1500 ms of virtual time\n');
  }, 60 * SECONDS);

  it('exits 1 when the app crashes, naming what it threw', async () => {
    const r = await cli('run', `${FIXTURES}/throws.ts`);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^turn 1\r\nturn 2\r\nturn 3\r\n\n✘ The run stopped: the app threw Error: broken on purpose\nError: broken on purpose\n {4}at Object\.loop \(.*throws\.ts:9:/);
    expect(r.stdout).toMatch(/\nDevice: crashed, app "throws", Device OS 1\.4\.4, 432 ms of virtual time\n$/);
  }, 60 * SECONDS);

  it('serves files with --serve, answering a Range request with 206', async () => {
    const file = join(work, 'hundred.bin');
    writeFileSync(file, Buffer.from(Array.from({ length: 100 }, (_, i) => i)));
    const r = await cli('run', `${FIXTURES}/fetch.ts`, '--serve', `http://fw.example/app.bin=${file}`, '--expect-text', 'body bytes');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('HTTP/1.1 206 Partial Content; 50 body bytes\r');
  }, 60 * SECONDS);

  it('--json prints one document: the outcome, the serial output and the device; --trace writes the events', async () => {
    const trace = join(work, 'trace.json');
    // Typed at 100 ms, before the app is up (MANUAL: setup() at 230 ms): its first loop() echoes it.
    const r = await cli('run', `${FIXTURES}/echo.ts`, '--type', 'hi@100', '--expect-text', 'hi', '--device-os', '2.0.1', '--seed', '7', '--json', '--trace', trace);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['exitCode', 'outcome', 'expected', 'serial', 'state', 'app', 'deviceOs', 'millis', 'modules', 'diagnostics']);
    expect(doc).toMatchObject({ exitCode: 0, outcome: { kind: 'expected', atMs: 230 }, expected: { hi: 230 }, serial: 'echo is up\r\nhi', state: 'running', app: 'echo', deviceOs: '2.0.1', millis: 230, diagnostics: [] });
    expect(doc.modules.map((m: { region: string }) => m.region)).toEqual(['bootloader', 'system-part1', 'user-part', 'radio-stack']);
    const events = JSON.parse(readFileSync(trace, 'utf8')) as { type: string; atMicros: number }[];
    expect(events.slice(0, 2).map((e) => e.type)).toEqual(['device:power', 'device:boot']);
    expect(events.at(-1)).toEqual({ type: 'serial', atMicros: expect.any(Number), text: 'i' });
  }, 60 * SECONDS);

  it('--report writes the run as one HTML page that loads nothing', async () => {
    const report = join(work, 'run.html');
    const r = await cli('run', `${FIXTURES}/echo.ts`, '--type', 'hi@100', '--expect-text', 'hi', '--report', report);
    expect(r.code).toBe(0);
    const html = readFileSync(report, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<title>echo on Device OS 1.4.4</title>');
    expect(html).not.toMatch(/<(?:script|link|img)[^>]+(?:src|href)=/);
  }, 60 * SECONDS);

  it('rejects a bad option with the valid choices, and a missing sketch with what to pass', async () => {
    const link = await cli('run', `${FIXTURES}/echo.ts`, '--link', 'lte');
    expect(link.code).toBe(1);
    expect(link.stderr).toBe("error: option '--link <name>' argument 'lte' is invalid. Allowed choices are ideal, forum, lte-m, nb-iot, 3g.\n(add --help for the options)\n");
    const serve = await cli('run', `${FIXTURES}/echo.ts`, '--serve', 'fw.example/v2.bin');
    expect(serve.stderr).toBe("error: option '--serve <url=file>' argument 'fw.example/v2.bin' is invalid. Write it as <url>=<file>, e.g. http://fw.example/v2.bin=build/v2.bin.\n(add --help for the options)\n");
    const missing = await cli('run', 'nowhere.ino', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toEqual({
      error: { code: 'SKETCH_NOT_FOUND', message: 'Failed to load the sketch: nowhere.ino does not exist. Pass a C++ project folder, an .ino file, or a .ts/.js module exporting a sketch.' },
    });
    const notSketch = await cli('run', 'jest.config.js');
    expect(notSketch.stderr).toBe('error: Failed to load the sketch: jest.config.js exports no sketch (its exports: testEnvironment, roots, transform, moduleNameMapper, transformIgnorePatterns). Export one made with defineSketch(), as default or as `sketch`.\n');
  }, 60 * SECONDS);
});

describe('inspect', () => {
  const app = defineSketch(() => ({}), { name: 'cli-inspect-app' });

  it("prints particle binary inspect's lines, then what each profile does with the file sent over the air", async () => {
    const file = join(work, 'app.bin');
    writeFileSync(file, buildModule({ sketch: app, deviceOs: '1.4.4' }));
    const r = await cli('inspect', file, '--device-os', '1.2.1', '1.4.4');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 4)).toEqual(['app.bin', expect.stringMatching(/^ CRC is ok \([0-9a-f]{8}\)$/), ' Compiled for boron', ' This is an application module number 1 at version 6']);
    expect(lines[4]).toBe(' It depends on a system module number 1 at version 1406');
    expect(lines).toContain(' Addresses 0x000D4000 to 0x000D4066, 106 bytes in the file');
    // 1.2.1 takes the file, then cannot run it: the app needs a newer system part.
    expect(r.stdout).toContain(
      '  1.2.1  accepted  Finish returned 0; checked INTEGRITY+DEPENDENCIES+RANGE+PLATFORM+DEPENDENCIES_FULL, all passed; after the reset: safe-mode\n' +
        '           - The bootloader applied the update in DCT slot 1: it checked the module (platform, start address, function, CRC-32), then copied 106 bytes from external 0x289000 to internal 0xD4000.\n' +
        '           - Failed to start the app: the user part at 0xD4000 is not valid (Failed to validate the module at 0xD4000: it needs SYSTEM_PART 1 version 1406 or newer, and the device has version 1213. Update that module first.), so the device runs in safe mode.\n',
    );
    expect(r.stdout).toContain('  1.4.4  accepted  Finish returned 0; checked INTEGRITY+DEPENDENCIES+RANGE+PLATFORM+DEPENDENCIES_FULL, all passed; after the reset: running, app "unknown app (0xD4000 v6)"\n');
  }, 120 * SECONDS);

  it('--json gives the parsed module and, per profile, the results, the validation and what booted', async () => {
    const file = join(work, 'system.bin');
    writeFileSync(file, buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs: '2.0.1', size: 4096 }));
    const r = await cli('inspect', file, '--device-os', '1.4.4', '--json');
    expect(r.code).toBe(0);
    const [doc] = JSON.parse(r.stdout);
    expect(doc.module).toMatchObject({ function: 4, functionName: 'SYSTEM_PART', index: 1, version: 2011, size: 4096, crc: { ok: true } });
    expect(doc.overTheAir).toEqual([
      {
        deviceOs: '1.4.4',
        accepted: false,
        prepare: 0,
        finish: 1,
        validation: { fetched: true, checked: ['INTEGRITY', 'DEPENDENCIES', 'RANGE', 'PLATFORM', 'DEPENDENCIES_FULL'], passed: ['INTEGRITY', 'RANGE', 'PLATFORM'], failed: ['DEPENDENCIES', 'DEPENDENCIES_FULL'] },
        reasons: [
          'Failed to validate the module at 0x289000: it needs BOOTLOADER 0 version 1005 or newer, and the device has version 501. Update that module first.',
          'Spark_Finish_Firmware_Update returned 1 and still scheduled a reset: Device OS 1.4.4 always restarts after Finish(SUCCESS) (system_update.cpp:386-395), so the old firmware boots again.',
        ],
        reset: true,
        next: { state: 'running', app: expect.stringMatching(/^virtual-boron inspect #\d+$/), modules: expect.any(Array) },
      },
    ]);
  }, 120 * SECONDS);

  it('a file that is not a module: the parse error, what a Boron does with it, and exit 1', async () => {
    const file = join(work, 'notes.txt');
    writeFileSync(file, 'these are not firmware bytes, just a text file long enough to look at');
    const r = await cli('inspect', file, '--device-os', '3.3.1');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'notes.txt',
      expect.stringMatching(/^ Failed to /),
      ' Sent over the air by an app (Prepare, 512-byte Saves, Finish), a Boron on each Device OS:',
      expect.stringMatching(/^ {2}3\.3\.1 {2}refused {3}Finish returned -1300; no module found at the start of the OTA region; after the reset: running, app "virtual-boron inspect #\d+"$/),
    ]);
  }, 120 * SECONDS);
});

describe('demo', () => {
  it('runs the forum reproduction and ends with a verdict per run; --json gives the same runs as data', async () => {
    const r = await cli('demo', '--json');
    expect(r.code).toBe(0);
    const runs = JSON.parse(r.stdout) as { language: string; fixed: boolean; updated: boolean; sameAsTypeScript?: boolean; app: string }[];
    expect(runs.map(({ language, fixed, updated, sameAsTypeScript, app }) => ({ language, fixed, updated, sameAsTypeScript, app }))).toEqual([
      { language: 'TypeScript', fixed: false, updated: false, app: 'ota-test' },
      { language: 'TypeScript', fixed: true, updated: true, app: 'simple' },
      { language: 'C++', fixed: false, updated: false, sameAsTypeScript: true, app: 'ota-test (C++)' },
      { language: 'C++', fixed: true, updated: true, sameAsTypeScript: true, app: 'simple' },
    ]);
  }, 10 * 60 * SECONDS);
});

describe('sweep', () => {
  it('cuts the power at each flash operation, prints the harness table, and writes the report with the grid', async () => {
    const report = join(work, 'sweep.html');
    const result = await cli('sweep', `${FIXTURES}/forum-sweep.ts`, '--modes', 'after', '--report', report);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('Power cuts in "the forum routine (fixed), 4,096 bytes, Device OS 1.4.4" (Device OS 1.4.4): 68 flash operations, 68 cuts (after; snapshot).');
    expect(lines.filter((l) => l.startsWith('after ')).map((l) => l.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['after', 'old-app', '1', '#0'],
      ['after', 'old-app', '48', '#1–#48'],
      ['after', 'new-app', '1', '#49'],
      ['after', 'old-app', '1', '#50'],
      ['after', 'safe-mode', '16', '#51–#66'],
      ['after', 'new-app', '1', '#67'],
    ]);
    const html = readFileSync(report, 'utf8');
    // The clean run drawn to its end: the new app runs after the bootloader's copy.
    expect(html.match(/"state":"[a-z-]+"/g)).toEqual(['"state":"running"']);
    expect(html.match(/"app":"[^"]*"/g)).toEqual(['"app":"simple"']);
    expect(html).toContain('Power cuts in &#34;the forum routine (fixed), 4,096 bytes, Device OS 1.4.4&#34; (Device OS 1.4.4)');
  }, 120 * SECONDS);

  it('--json gives the sweep as data; an unknown mode is refused with the choices', async () => {
    const result = await cli('sweep', `${FIXTURES}/forum-sweep.ts`, '--modes', 'before', '--json');
    expect(result.code).toBe(0);
    const sweep = JSON.parse(result.stdout) as { operations: unknown[]; rows: { mode: string; outcome: string; cuts: number }[] };
    expect(sweep.operations.length).toBe(68);
    expect(sweep.rows.reduce((n, r) => n + r.cuts, 0)).toBe(68);
    const bad = await cli('sweep', `${FIXTURES}/forum-sweep.ts`, '--modes', 'sideways');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("error: option '--modes <modes...>' argument 'sideways' is invalid. Allowed choices are before, after, torn.");
  }, 120 * SECONDS);
});

describe('errors', () => {
  it('a file that is not there is named, and --json still prints a document for a usage error', async () => {
    const missing = await cli('inspect', 'nowhere.bin');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('error: Failed to inspect nowhere.bin: it is not a file. Pass module binaries (.bin).\n');
    const usage = await cli('run', `${FIXTURES}/echo.ts`, '--link', 'lte', '--json');
    expect(usage.code).toBe(1);
    expect(JSON.parse(usage.stdout)).toEqual({ error: { code: 'USAGE', message: "option '--link <name>' argument 'lte' is invalid. Allowed choices are ideal, forum, lte-m, nb-iot, 3g." } });
    const conflict = await cli('sweep', `${FIXTURES}/forum-sweep.ts`, '--link', 'fin', '--report', 'r.html');
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain("error: option '--link <kinds...>' cannot be used with option '--report <file.html>'");
  }, 60 * SECONDS);
});

describe('fleet', () => {
  it('runs the devices on worker threads and sums what they did', async () => {
    const result = await cli('fleet', 'examples/fleet/ota-fleet.ts', '--devices', '6', '--concurrency', '3', '--workers', '1', '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { devices: number; outcomes: Record<string, number>; perDevice: unknown[]; dataUsage: { totalBytes: number } };
    expect(report.devices).toBe(6);
    expect(report.outcomes).toEqual({ updated: 6 });
    expect(report.perDevice).toHaveLength(6);
    const text = await cli('fleet', 'examples/fleet/ota-fleet.ts', '--devices', '6', '--concurrency', '3', '--workers', '1');
    expect(text.stdout.split('\n').slice(0, 2)).toEqual(['6 devices, 3 at a time', 'Outcomes:        updated 6']);
    expect(text.stdout).toContain(`Fleet total:     ${report.dataUsage.totalBytes.toLocaleString('en-US')} B`);
  }, 120 * SECONDS);
});
