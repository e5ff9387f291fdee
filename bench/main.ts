/**
 * `npm run bench`: how much faster than real time the emulator runs, measured in this one run.
 * Wall-clock time is read here, never in src/.
 */
import { performance } from 'node:perf_hooks';
import { http, HttpResponse } from 'msw';
import { buildModule, ModuleFunction, VirtualBoron, type LinkProfileName } from '../src/index';
import { FIRMWARE_URL, KEY_PRESS_MS, runForumScenario } from '../examples/forum-ota/scenario';
import { otaTestSketch } from '../examples/forum-ota/sketches';

const MiB = 1024 * 1024;


async function timed<T>(run: () => Promise<T>): Promise<{ value: T; wallMs: number }> {
  const start = performance.now();
  const value = await run();
  return { value, wallMs: performance.now() - start };
}

/**
 * The fixed forum routine downloading 1 MiB that starts with a 640 KiB system part: a 1.x Boron
 * system part cannot be bigger than 656 KiB (0x30000–0xD4000), so the rest rides along unused.
 */
async function systemPartOver(link: LinkProfileName): Promise<VirtualBoron> {
  const part = buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs: '1.2.1', version: 1214, size: 640 * 1024, fillSeed: 'bench system part' });
  const body = new Uint8Array(MiB);
  body.set(part);
  const device = new VirtualBoron({
    deviceOs: '1.2.1',
    app: otaTestSketch({ initialiseChunkAddress: true }),
    server: [http.get(FIRMWARE_URL, () => new HttpResponse(body))],
    link,
  }).powerOn();
  await device.runUntil('Hello! Press o for OTA.');
  await device.runFor(KEY_PRESS_MS - device.millis);
  device.serial.type('o');
  let boots = 1;
  device.on('device:boot', () => boots++);
  await device.runUntil(() => boots === 2, { timeoutMs: 3_600_000 });
  device.serial.clear();
  await device.runUntil('Hello! Press o for OTA.');
  const system = device.modules().find((m) => m.region === 'system-part1');
  if (system?.version !== 1214) throw new Error(`the system part was not updated: ${JSON.stringify(system)}`);
  return device;
}

function bufferCopyMs(passes: number): number {
  const source = Buffer.alloc(MiB, 0xa5);
  const target = Buffer.alloc(MiB);
  for (let i = 0; i < 3; i++) source.copy(target);
  const start = performance.now();
  for (let i = 0; i < passes; i++) source.copy(target);
  return performance.now() - start;
}

async function main(): Promise<void> {
  const forum = await timed(() => runForumScenario({ fixed: false }));
  const forumVirtualMs = forum.value.nowMicros / 1000;
  const big = await timed(() => systemPartOver('lte-m'));
  const bigVirtualMs = big.value.nowMicros / 1000;
  const slow = await timed(() => systemPartOver('nb-iot'));
  const slowVirtualMs = slow.value.nowMicros / 1000;
  const copyMs = bufferCopyMs(6);
  const rows: [string, string][] = [
    ['forum run (posted routine, boot to reboot)', `${forumVirtualMs.toFixed(0)} ms virtual in ${forum.wallMs.toFixed(1)} ms wall → ${(forumVirtualMs / forum.wallMs).toFixed(0)}× real time`],
    ['1 MiB over lte-m: download, save, validate, apply', `${bigVirtualMs.toFixed(0)} ms virtual in ${big.wallMs.toFixed(1)} ms wall → ${(bigVirtualMs / big.wallMs).toFixed(0)}× real time`],
    ['  …its wall time ÷ 6 Buffer.copy passes over 1 MiB', `${big.wallMs.toFixed(1)} ms ÷ ${copyMs.toFixed(3)} ms → ${(big.wallMs / copyMs).toFixed(0)}×`],
    ['1 MiB over nb-iot: the same, a long virtual time', `${slowVirtualMs.toFixed(0)} ms virtual in ${slow.wallMs.toFixed(1)} ms wall → ${(slowVirtualMs / slow.wallMs).toFixed(0)}× real time`],
    ["  …flash the lte-m run's device holds in host memory", `${(big.value.flashFootprint / MiB).toFixed(2)} MiB (sparse sectors)`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
