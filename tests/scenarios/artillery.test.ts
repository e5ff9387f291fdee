/**
 * The fleet as an Artillery test: `artillery run fleet.yml` with the `virtual-boron` engine drives
 * virtual Borons (examples/fleet/ota-fleet as the script's processor) against a Node server on
 * loopback, and Artillery's own report carries their outcomes, virtual durations, requests and bytes.
 *
 * Artillery 2.0.21 (the last release that runs on Node 20) lives in tools/artillery, installed from
 * its lock file by `npm run artillery:install`, which .ci/run runs; this installs it when it is
 * missing, and the test is skipped, saying why, only when that install fails.
 *
 * The project Artillery sees is laid out as a user's: virtual-boron in node_modules (this
 * repository compiled, with the example beside it so that both load the same modules), the
 * artillery-engine-virtual-boron package copied beside it, and NODE_PATH pointing there, since
 * Artillery `require`s engines by name from its own install.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as otaFleet from '../../examples/fleet/ota-fleet';
import { runDevice, type FleetDeviceResult } from '../../src/fleet/scenario';
import { FileServer } from '../file-server';
import { run } from '../processes';

const ROOT = join(__dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const ARTILLERY = join(ROOT, 'tools/artillery/node_modules/.bin/artillery');
const MINUTES = 60_000;
const VIRTUAL_USERS = 6;
const PARAMS = { imageBytes: 8192, link: 'ideal' } as const;

/** This process's environment without what npm and jest set for this run (the children are other programs). */
function childEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { FORCE_COLOR: '0', ...extra };
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_package_|npm_lifecycle_|npm_config_local_prefix$|INIT_CWD$|JEST_WORKER_ID$|NODE_PATH$|FORCE_COLOR$)/.test(name)) continue;
    env[name] = value;
  }
  return env;
}

/** Artillery's binary, installing it first if it is missing; or why it cannot be had here. */
function findArtillery(): { bin: string } | { why: string } {
  if (existsSync(ARTILLERY)) return { bin: ARTILLERY };
  try {
    execFileSync(NPM, ['run', 'artillery:install'], { cwd: ROOT, env: childEnv({}), stdio: 'pipe', timeout: 10 * MINUTES });
  } catch (error) {
    const output = error instanceof Error && 'stderr' in error ? String((error as { stderr: unknown }).stderr).trim().split('\n').slice(-3).join(' ') : String(error);
    return { why: `npm run artillery:install failed: ${output}` };
  }
  return existsSync(ARTILLERY) ? { bin: ARTILLERY } : { why: `npm run artillery:install left no ${ARTILLERY}` };
}

interface ArtilleryReport {
  aggregate: {
    counters: Record<string, number>;
    summaries: Record<string, { min: number; max: number; count: number }>;
  };
}


/** A temporary project as a user's: virtual-boron and the engine package in node_modules, the fleet module compiled beside. */
function userProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vb-artillery-'));
  const build = join(dir, 'build');
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: { rootDir: ROOT, outDir: build, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')], declaration: false },
      include: [join(ROOT, 'src'), join(ROOT, 'examples/fleet'), join(ROOT, 'examples/robust-ota')],
    }),
  );
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { stdio: 'pipe' });
  // The compiled code finds its dependencies (msw, piscina, …) in this repository's node_modules.
  symlinkSync(join(ROOT, 'node_modules'), join(build, 'node_modules'), 'dir');
  const pkg = join(dir, 'node_modules/virtual-boron');
  mkdirSync(pkg, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(build, 'src'), join(pkg, 'dist'), 'dir');
  cpSync(join(ROOT, 'artillery-engine-virtual-boron'), join(dir, 'node_modules/artillery-engine-virtual-boron'), { recursive: true });
  return dir;
}

const artillery = findArtillery();

if ('bin' in artillery) {
  describe('artillery run with the virtual-boron engine, against a server on loopback', () => {
    let server: FileServer;
    let project: string;
    let port: number;
    beforeAll(async () => {
      server = await FileServer.start(otaFleet.firmwareFiles(PARAMS.imageBytes));
      port = server.port;
      project = userProject();
    }, 5 * MINUTES);
    afterAll(async () => {
      await server.close();
      if (project) rmSync(project, { recursive: true, force: true });
    });

    it('reports each virtual Boron through Artillery: outcomes, virtual durations, requests and bytes on the air', async () => {
      // One device of the same fleet in this process, for its figures: every virtual user's are the same (an ideal link).
      const solo: FleetDeviceResult = await runDevice(otaFleet, { index: 0, target: { host: '127.0.0.1', port }, params: PARAMS });
      expect(solo.outcome).toBe('updated');
      server.requests = 0;

      writeFileSync(
        join(project, 'fleet.yml'),
        [
          'config:',
          `  target: http://127.0.0.1:${port}`,
          '  processor: ./build/examples/fleet/ota-fleet.js',
          '  phases:',
          `    - duration: 2`,
          `      arrivalCount: ${VIRTUAL_USERS}`,
          '  engines:',
          '    virtual-boron:',
          `      params: ${JSON.stringify(PARAMS)}`,
          'scenarios:',
          '  - name: ota',
          '    engine: virtual-boron',
          '',
        ].join('\n'),
      );
      const env = childEnv({ NODE_PATH: join(project, 'node_modules'), ARTILLERY_DISABLE_TELEMETRY: 'true' });
      const result = await run(artillery.bin, ['run', '--output', 'report.json', 'fleet.yml'], project, env, 8 * MINUTES);
      if (result.status !== 0) throw new Error(`artillery run exited with ${result.status}:\n${result.output}`);
      expect(result.output).toContain('virtual_boron.outcome.updated');

      const { counters, summaries } = (JSON.parse(readFileSync(join(project, 'report.json'), 'utf8')) as ArtilleryReport).aggregate;
      const usage = solo.dataUsage;
      expect(counters).toMatchObject({
        'vusers.created': VIRTUAL_USERS,
        'vusers.completed': VIRTUAL_USERS,
        'vusers.failed': 0,
        'virtual_boron.outcome.updated': VIRTUAL_USERS,
        'virtual_boron.http_requests': VIRTUAL_USERS * solo.requestsAtMicros.length,
        'virtual_boron.bytes_on_air': VIRTUAL_USERS * usage.totalBytes,
        'virtual_boron.bytes_on_air.uplink': VIRTUAL_USERS * usage.uplinkBytes,
        'virtual_boron.bytes_on_air.downlink': VIRTUAL_USERS * usage.downlinkBytes,
        'virtual_boron.bytes_on_air.payload': VIRTUAL_USERS * usage.payloadBytes,
        'virtual_boron.bytes_on_air.headers': VIRTUAL_USERS * usage.headerBytes,
        'virtual_boron.bytes_on_air.dns': VIRTUAL_USERS * usage.dnsBytes,
      });
      // The server saw every request Artillery counted.
      expect(server.requests).toBe(counters['virtual_boron.http_requests']);
      // Artillery keeps summaries to one decimal.
      const ms = Math.round(solo.virtualMicros / 100) / 10;
      expect(summaries['virtual_boron.virtual_duration_ms']).toMatchObject({ count: VIRTUAL_USERS, min: ms, max: ms });
      expect(summaries['virtual_boron.bytes_on_air_per_device']).toMatchObject({ count: VIRTUAL_USERS, min: usage.totalBytes, max: usage.totalBytes });
    }, 10 * MINUTES);
  });
} else {
  const message = `Artillery could not be installed here, so the Artillery test is skipped: ${artillery.why}`;
  console.warn(message);
  it.skip(message, () => undefined);
}
