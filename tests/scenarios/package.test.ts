/**
 * The package as a user gets it: `npm pack` of this repository (which builds dist/), the tarball
 * installed in a new project with msw, jest, @swc/jest and the optional C++ toolchain, and jest run
 * there on a C++ OTA routine written below and on the README's Quick start, as the installed
 * package's README has it. Nothing in that project comes from this repository but the tarball.
 * npm reuses the packages in its cache (--prefer-offline) and fetches the rest from the registry,
 * so this is skipped when the registry cannot be reached.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../processes';

const ROOT = join(__dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const MINUTES = 60_000;

function registryReachable(): boolean {
  try {
    execFileSync(NPM, ['ping', '--fetch-retries=0'], { stdio: 'ignore', timeout: MINUTES });
    return true;
  } catch {
    return false;
  }
}

/** This process's environment without what npm and jest set for this run (the children are other projects). */
function childEnv(cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { VIRTUAL_BORON_CACHE: cache, FORCE_COLOR: '0' };
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|INIT_CWD$|JEST_WORKER_ID$|VIRTUAL_BORON_CACHE$|FORCE_COLOR$)/.test(name)) continue;
    env[name] = value;
  }
  return env;
}


/** `run`, failing with the command's output unless it exits 0. */
async function ok(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  const result = await run(command, args, cwd, env, timeoutMs);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}:\n${result.output}`);
  return result.output;
}

/** The Quick start's files: its code blocks whose info string names one (```ts ota.test.ts). */
function quickStartFiles(readme: string): Record<string, string> {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Quick start\n')) ?? '';
  return Object.fromEntries([...section.matchAll(/^```\w+ (\S+)\n([\s\S]*?)^```$/gm)].map((m) => [m[1], m[2]]));
}

// A C++ app whose setup() downloads a new app over HTTP and saves it with the Spark_* calls.
const OTA_APP = String.raw`
SYSTEM_MODE(MANUAL);

static int failed(const char* what, int code) {
    Serial.printlnf("ota-app: %s failed (%d)", what, code);
    return code;
}

static int update() {
    TCPClient client;
    if (!client.connect("fw.example", 80)) return failed("connect", 0);
    client.print("GET /new-app.bin HTTP/1.0\r\nHost: fw.example\r\n\r\n");
    String header;
    while (!header.endsWith("\r\n\r\n")) {
        int c = client.read();
        if (c >= 0) header += (char)c;
        else if (!client.connected()) return failed("header", header.length());
    }
    int at = header.indexOf("Content-Length: ");
    if (at < 0) return failed("Content-Length", 0);
    unsigned length = header.substring(at + 16).toInt();
    Serial.printlnf("ota-app: %s, %u bytes", header.substring(0, header.indexOf("\r\n")).c_str(), length);

    FileTransfer::Descriptor file;
    file.file_length = length;
    file.file_address = 0;
    file.chunk_address = 0;
    file.chunk_size = 64;
    file.store = FileTransfer::Store::FIRMWARE;
    int result = Spark_Prepare_For_Firmware_Update(file, 0, NULL);
    if (result != 0) return failed("prepare", result);
    file.chunk_address = file.file_address;

    uint8_t chunk[64];
    unsigned saved = 0;
    int chunks = 0;
    while (saved < length) {
        int n = client.read(chunk, sizeof(chunk));
        if (n <= 0) {
            if (!client.connected()) return failed("download", saved);
            continue;
        }
        file.chunk_size = n;
        result = Spark_Save_Firmware_Chunk(file, chunk, NULL);
        if (result != 0) return failed("save", result);
        file.chunk_address += n;
        saved += n;
        chunks++;
    }
    Serial.printlnf("ota-app: saved %u bytes in %d chunks at 0x%lx", saved, chunks, (unsigned long)file.file_address);
    return Spark_Finish_Firmware_Update(file, particle::protocol::UpdateFlag::SUCCESS, NULL);
}

void setup() {
    Serial.println("ota-app is up");
    Serial.printlnf("ota-app: finish returned %d", update());
}

void loop() {}
`;

const NEW_APP = String.raw`
SYSTEM_MODE(MANUAL);
void setup() { Serial.println("new-app is up"); }
void loop() {}
`;

/** The test this file writes into the new project: everything from 'virtual-boron' and 'msw', as installed. */
const CPP_OTA_TEST = `import { http, HttpResponse } from 'msw';
import { buildModule, compileSketch, VirtualBoron } from 'virtual-boron';

const OTA_APP = String.raw\`${OTA_APP}\`;

const NEW_APP = String.raw\`${NEW_APP}\`;

test('a C++ app downloads a C++ app over HTTP, saves it with Spark_* and reboots into it', async () => {
  const newApp = await compileSketch({ 'app.ino': NEW_APP }, { name: 'new-app' });
  const image = buildModule({ sketch: newApp });
  const device = new VirtualBoron({
    app: await compileSketch({ 'app.ino': OTA_APP }, { name: 'ota-app' }),
    server: [http.get('http://fw.example/new-app.bin', () => new HttpResponse(image))],
  }).powerOn();
  await device.runUntil('new-app is up', { timeoutMs: 60_000 });

  expect(image.length).toBe(98);
  expect(device.serial.output).toBe(
    'ota-app is up\\r\\n' +
      'ota-app: HTTP/1.1 200 OK, 98 bytes\\r\\n' +
      'ota-app: saved 98 bytes in 3 chunks at 0x289000\\r\\n' +
      'ota-app: finish returned 0\\r\\n' +
      'new-app is up\\r\\n',
  );
  expect(device.trace.filter((e) => e.type === 'device:reset').map((e) => e.reasonName)).toEqual(['USER']);
  expect(device.appName).toBe('new-app');
  expect(device.modules().find((m) => m.region === 'user-part')).toMatchObject({ sketch: 'new-app', crcOk: true });
  expect(Buffer.from(device.flash.internal.read(0xd4000, image.length))).toEqual(Buffer.from(image));
  expect(device.diagnostics.map((d) => d.code)).toEqual(['bootloader-applied']);
}, 600_000);
`;

/** An ES module importing the package (its CommonJS build) with msw's ES module build, handlers and all. */
const ESM_CHECK = `import { http, HttpResponse } from 'msw';
import { defineSketch, VirtualBoron } from 'virtual-boron';

const app = defineSketch(({ Serial, TCPClient }) => ({
  async setup() {
    const client = new TCPClient();
    await client.connect('fw.example', 80);
    await client.write('GET /hello HTTP/1.0\\r\\nHost: fw.example\\r\\n\\r\\n');
    const bytes = [];
    while ((await client.connected()) || (await client.available()) > 0) {
      const c = await client.read();
      if (c >= 0) bytes.push(c);
    }
    Serial.print(Buffer.from(bytes).toString('latin1').split('\\r\\n\\r\\n')[1]);
  },
}), { name: 'esm', systemMode: 'MANUAL' });

const device = new VirtualBoron({ app, server: [http.get('http://fw.example/hello', () => HttpResponse.text('hello from an ES module handler\\n'))] }).powerOn();
await device.runUntil('handler');
process.stdout.write(device.serial.output);
`;

/** The same types an ES module sees: msw's ES module declarations into VirtualBoron's options. */
const ESM_TYPES = `import { http, HttpResponse } from 'msw';
import { buildModule, defineSketch, firmwareRoute, VirtualBoron } from 'virtual-boron';

const sketch = defineSketch(({ Serial }) => ({ setup: () => void Serial.println('up') }), { name: 'types', systemMode: 'MANUAL' });
const image = buildModule({ sketch });
const device = new VirtualBoron({ app: sketch, server: [http.get('http://a.example/', () => new HttpResponse(image)), firmwareRoute('http://b.example/', image)] });
device.server.use(http.get('http://c.example/', () => HttpResponse.error()));
`;

/** A sketch a user runs with `npx virtual-boron run hello.ts`: it answers 'v' on serial. */
const CLI_SKETCH = `import { defineSketch } from 'virtual-boron';

export default defineSketch(({ Serial, delay }) => ({
  setup() {
    Serial.println('hello is up');
  },
  async loop() {
    if (Serial.available() > 0 && Serial.read() === 'v'.charCodeAt(0)) Serial.println('version 2');
    await delay(1);
  },
}), { name: 'hello', systemMode: 'MANUAL' });
`;

/** The forum routine's shipped example, as a user's module reaches it in the installed package. */
const FORUM = `import { buildModule, firmwareRoute } from 'virtual-boron';
import { otaTestSketch, simpleApp } from '../node_modules/virtual-boron/examples/forum-ota/sketches';

const image = buildModule({ sketch: simpleApp, deviceOs: '1.4.4', size: 4096 });
export const forumDevice = () => ({ deviceOs: '1.4.4' as const, app: otaTestSketch({ initialiseChunkAddress: true }), server: [firmwareRoute('http://mydomain.com/firmware/simple.bin', image)], link: 'lte-m' as const });
`;

/** An update scenario for \`npx virtual-boron sweep\`. */
const SWEEP_SCENARIO = `import type { UpdateScenario } from 'virtual-boron/harness';
import { forumDevice } from './forum';

export default {
  name: 'the forum routine, 4 KB',
  device: forumDevice(),
  async start(device) {
    await device.runUntil('Hello! Press o for OTA.');
    device.serial.type('o');
  },
} satisfies UpdateScenario;
`;

/** A fleet module for \`npx virtual-boron fleet\`. */
const FLEET_MODULE = `import { defineFleet } from 'virtual-boron/fleet';
import { forumDevice } from './forum';

export const { device, drive } = defineFleet({
  device: () => forumDevice(),
  async drive(device) {
    await device.runUntil('Hello! Press o for OTA.');
    device.serial.type('o');
    await device.runUntil('simple.bin is running', { timeoutMs: 600_000 });
    return 'updated';
  },
});
`;

/** A module file for \`inspect\`, built with the installed package. */
const BUILD_MODULE = `const { buildModule, defineSketch } = require('virtual-boron');
require('node:fs').writeFileSync('app.bin', buildModule({ sketch: defineSketch(() => ({}), { name: 'app' }) }));`;

const TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node', 'jest'] },
  include: ['*.ts', '*.mts'],
};

const reachable = registryReachable();
const suite = reachable ? describe : describe.skip;
const title = 'the packed package, installed in a new project';

suite(reachable ? title : `${title} (skipped: npm ping cannot reach the registry)`, () => {
  let work = '';
  let project = '';
  let env: NodeJS.ProcessEnv = {};
  let tarballFiles: string[] = [];
  let manifest: { devDependencies: Record<string, string>; [field: string]: unknown } = { devDependencies: {} };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'virtual-boron-package-'));
    env = childEnv(join(work, 'cache'));
    const pack = join(work, 'pack');
    mkdirSync(pack);
    await ok(NPM, ['pack', '--pack-destination', pack], ROOT, env, 10 * MINUTES);
    const tarball = join(pack, readdirSync(pack).find((name) => name.endsWith('.tgz'))!);
    tarballFiles = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n').sort();
    execFileSync('tar', ['-xzf', tarball, '-C', work, 'package/package.json']);
    manifest = JSON.parse(readFileSync(join(work, 'package/package.json'), 'utf8'));

    // The packages a user installs, at the versions this package is developed and tested with.
    const dev = (name: string): string => `${name}@${manifest.devDependencies[name]}`;
    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'virtual-boron-user', version: '1.0.0', private: true }, null, 2)}\n`);
    const packages = ['msw', 'jest', '@swc/jest', '@swc/core', '@yowasp/clang', 'binaryen', 'typescript', '@types/node', '@types/jest'].map(dev);
    await ok(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', tarball, ...packages], project, env, 15 * MINUTES);

    const readme = readFileSync(join(project, 'node_modules/virtual-boron/README.md'), 'utf8');
    for (const [name, text] of Object.entries(quickStartFiles(readme))) writeFileSync(join(project, name), text);
    writeFileSync(join(project, 'cpp-ota.test.ts'), CPP_OTA_TEST);
    writeFileSync(join(project, 'esm-check.mjs'), ESM_CHECK);
    writeFileSync(join(project, 'esm-types.mts'), ESM_TYPES);
    writeFileSync(join(project, 'tsconfig.json'), `${JSON.stringify(TSCONFIG, null, 2)}\n`);
  }, 30 * MINUTES);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the tarball holds the build, the C++ assets, the examples (the demo runs them), the README and package.json: no sources or tests', () => {
    expect([...new Set(tarballFiles.map((path) => path.split('/')[1]))]).toEqual(['README.md', 'cpp', 'dist', 'examples', 'package.json']);
    expect(tarballFiles.filter((path) => /\.(ts|mts|cts)$/.test(path) && !path.endsWith('.d.ts') && !path.startsWith('package/examples/'))).toEqual([]);
    expect(tarballFiles).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/jest.js', 'package/dist/jest.d.ts', 'package/dist/harness/index.js', 'package/dist/fleet/index.js', 'package/dist/cli/main.js', 'package/examples/forum-ota/demo.ts', 'package/cpp/toolchain-worker.mjs', 'package/cpp/include/Particle.h', 'package/cpp/runtime/device.cpp']));
  });

  it('its package.json exports dist with types and leaves the C++ toolchain optional', () => {
    expect(manifest).toMatchObject({
      main: 'dist/index.js',
      types: 'dist/index.d.ts',
      bin: { 'virtual-boron': 'dist/cli/main.js' },
      exports: {
        '.': { types: './dist/index.d.ts', default: './dist/index.js' },
        './jest': { types: './dist/jest.d.ts', default: './dist/jest.js' },
        './harness': { types: './dist/harness/index.d.ts', default: './dist/harness/index.js' },
        './fleet': { types: './dist/fleet/index.d.ts', default: './dist/fleet/index.js' },
        './artillery': { types: './dist/fleet/artillery.d.ts', default: './dist/fleet/artillery.js' },
        './package.json': './package.json',
      },
      peerDependencies: { msw: expect.any(String), '@yowasp/clang': manifest.devDependencies['@yowasp/clang'], binaryen: manifest.devDependencies.binaryen },
      peerDependenciesMeta: { '@yowasp/clang': { optional: true }, binaryen: { optional: true } },
    });
    expect(manifest.peerDependenciesMeta).not.toHaveProperty('msw');
  });

  it("jest there passes the C++ OTA test and the README's Quick start", async () => {
    expect(Object.keys(quickStartFiles(readFileSync(join(project, 'node_modules/virtual-boron/README.md'), 'utf8')))).toEqual(['jest.config.js', 'ota.test.ts']);
    const report = join(work, 'jest.json');
    const jest = await run(process.execPath, [join(project, 'node_modules/jest/bin/jest.js'), '--ci', '--json', `--outputFile=${report}`], project, env, 20 * MINUTES);
    const results = existsSync(report)
      ? (JSON.parse(readFileSync(report, 'utf8')) as { testResults: { name: string; assertionResults: { fullName: string; status: string }[] }[] }).testResults
          .flatMap((file) => file.assertionResults.map((test) => `${file.name.slice(project.length + 1)}: ${test.fullName}: ${test.status}`))
          .sort()
      : [];
    expect({ status: jest.status, results, output: jest.status === 0 ? '' : jest.output }).toEqual({
      status: 0,
      results: [
        'cpp-ota.test.ts: a C++ app downloads a C++ app over HTTP, saves it with Spark_* and reboots into it: passed',
        'ota.test.ts: the app installs v2 over HTTP and reboots into it: passed',
      ],
      output: '',
    });
  }, 30 * MINUTES);

  it('the tests there and an ES module type-check against the installed declarations, with and without skipLibCheck', async () => {
    const tsc = join(project, 'node_modules/typescript/bin/tsc');
    expect(await run(process.execPath, [tsc, '-p', '.'], project, env, 5 * MINUTES)).toEqual({ status: 0, output: '' });
    expect(await run(process.execPath, [tsc, '-p', '.', '--skipLibCheck'], project, env, 5 * MINUTES)).toEqual({ status: 0, output: '' });
  }, 10 * MINUTES);

  it('npx virtual-boron: --version, run on a TypeScript sketch, inspect on a built module, sweep, fleet and the demo', async () => {
    const npx = (...args: string[]) => run(NPX, ['--no', '--', 'virtual-boron', ...args], project, env, 10 * MINUTES);
    expect(await npx('--version')).toEqual({ status: 0, output: `${manifest.version}\n` });

    writeFileSync(join(project, 'hello.ts'), CLI_SKETCH);
    expect(await npx('run', 'hello.ts', '--type', 'v@1000', '--expect-text', 'version 2', '--fail-text', 'version 1')).toEqual({
      status: 0,
      output: 'hello is up\r\nversion 2\r\n\n✔ Every expected text appeared (the last at 1000 ms).\nDevice: running, app "hello", Device OS 1.4.4, 1000 ms of virtual time\n',
    });

    await ok(process.execPath, ['-e', BUILD_MODULE], project, env, MINUTES);
    const inspect = await npx('inspect', 'app.bin', '--device-os', '1.4.4', '--json');
    expect(inspect.status).toBe(0);
    expect(JSON.parse(inspect.output)).toMatchObject([{ file: 'app.bin', module: { functionName: 'USER_PART', crc: { ok: true } }, overTheAir: [{ deviceOs: '1.4.4', accepted: true, reset: true }] }]);

    // Out of tsconfig's reach (*.ts at the top): modules the CLI loads with tsx, not type-checked here.
    mkdirSync(join(project, 'cli'));
    writeFileSync(join(project, 'cli/forum.ts'), FORUM);
    writeFileSync(join(project, 'cli/update.ts'), SWEEP_SCENARIO);
    writeFileSync(join(project, 'cli/fleet.ts'), FLEET_MODULE);
    const sweep = await npx('sweep', 'cli/update.ts', '--modes', 'after', '--json');
    expect(sweep.status).toBe(0);
    const cuts = JSON.parse(sweep.output) as { scenario: string; rows: { outcome: string; cuts: number }[] };
    expect(cuts.scenario).toBe('the forum routine, 4 KB');
    expect(new Set(cuts.rows.map((r) => r.outcome))).toEqual(new Set(['old-app', 'new-app', 'safe-mode']));
    const fleet = await npx('fleet', 'cli/fleet.ts', '--devices', '4', '--workers', '1', '--json');
    expect(fleet.status).toBe(0);
    expect(JSON.parse(fleet.output)).toMatchObject({ devices: 4, outcomes: { updated: 4 } });

    const demo = await npx('demo', '--json');
    expect(demo.status).toBe(0);
    const runs = JSON.parse(demo.output) as { language: string; fixed: boolean; updated: boolean; sameAsTypeScript?: boolean }[];
    expect(runs.map(({ language, fixed, updated, sameAsTypeScript }) => [language, fixed, updated, sameAsTypeScript ?? null])).toEqual([
      ['TypeScript', false, false, null],
      ['TypeScript', true, true, null],
      ['C++', false, false, true],
      ['C++', true, true, true],
    ]);
  }, 20 * MINUTES);

  it("an ES module imports it, and msw's ES module handlers answer the device", async () => {
    expect(await run(process.execPath, ['esm-check.mjs'], project, env, 5 * MINUTES)).toEqual({ status: 0, output: 'hello from an ES module handler\n' });
  }, 10 * MINUTES);
});
