/**
 * `npm run bench`: how much faster than real time the emulator runs, measured in this one run.
 * Wall-clock time is read here, never in src/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { crc32 } from 'node:zlib';
import { compileSketch, VirtualBoron } from '../src/index';
import { runForumScenario } from '../examples/forum-ota/scenario';
import { compileOtaTest } from '../examples/forum-ota-cpp/sketches';
import { otaTestSketch } from '../examples/forum-ota/sketches';
import { megabyteBody, MiB, robustOver, systemPartOver } from './scenarios';
import { sweepPowerCuts } from '../src/harness';
import { forumStory } from '../examples/power-cuts/scenarios';


async function timed<T>(run: () => Promise<T>): Promise<{ value: T; wallMs: number }> {
  const start = performance.now();
  const value = await run();
  return { value, wallMs: performance.now() - start };
}

/**
 * Median wall time of `runs` runs of each, alternating so both see the same machine, after
 * `warmUp` runs of each that are not counted (the first runs also compile the code: JavaScript's
 * and the sketch's WebAssembly, which V8 optimizes once it is hot).
 */
async function pairedMedians(runs: number, a: () => Promise<unknown>, b: () => Promise<unknown>, warmUp = 3): Promise<[number, number]> {
  for (let i = 0; i < warmUp; i++) {
    await a();
    await b();
  }
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < runs; i++) {
    times[0].push((await timed(a)).wallMs);
    times[1].push((await timed(b)).wallMs);
  }
  return [median(times[0]), median(times[1])];
}

/** A first compile (toolchain loaded, runtime and sketch compiled, nothing cached) and a second one of the same sources. */
async function compileTimes(): Promise<{ firstMs: number; cachedMs: number }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'vb-bench-'));
  try {
    const source = join(__dirname, '../examples/forum-ota-cpp/src');
    const first = await timed(() => compileSketch(source, { cacheDir, deviceOs: '1.2.1' }));
    const cached = await timed(() => compileSketch(source, { cacheDir, deviceOs: '1.2.1' }));
    return { firstMs: first.wallMs, cachedMs: cached.wallMs };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

function bufferCopyMs(passes: number): number {
  const source = Buffer.alloc(MiB, 0xa5);
  const target = Buffer.alloc(MiB);
  for (let i = 0; i < 3; i++) source.copy(target);
  const start = performance.now();
  for (let i = 0; i < passes; i++) source.copy(target);
  return performance.now() - start;
}

/** Pages the process has touched for the first time so far (minor page faults). */
const pagesTouched = (): number => process.resourceUsage().minorPageFault;

/**
 * What a page of fresh memory costs here the first time it is touched, in µs: 64 MiB filled when
 * new, less the same fill again, over the page faults it took (64 MiB is past the most malloc ever
 * serves from memory it already has, so its pages are new). A run that grows the process's memory
 * (V8's young generation growing, a device's flash, text) pays this per page.
 */
function firstTouchMicros(): number {
  const before = pagesTouched();
  let start = performance.now();
  const fresh = Buffer.allocUnsafeSlow(64 * MiB).fill(1);
  const freshMs = performance.now() - start;
  const faults = pagesTouched() - before;
  start = performance.now();
  fresh.fill(2);
  const againMs = performance.now() - start;
  return faults > 0 ? ((freshMs - againMs) * 1000) / faults : 0;
}

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/** The byte-work floor of a 1 MiB OTA: one copy, a CRC-32 and a SHA-256 of it (the fastest of 9). */
function floorMs(body: Uint8Array): number {
  const target = new Uint8Array(body.length);
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const start = performance.now();
    target.set(body);
    crc32(target);
    createHash('sha256').update(target).digest();
    times.push(performance.now() - start);
  }
  return Math.min(...times);
}

/** What the forum run's finished devices keep in the heap (default trace level), each: `count` kept, after a full GC before and after. */
async function retainedPerDevice(count: number): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  // Warm-up runs, not kept: the first devices also fill the process's caches (printf formats, factory images, compiled code).
  for (let i = 0; i < 5; i++) await runForumScenario({ fixed: true });
  const kept: VirtualBoron[] = [await runForumScenario({ fixed: true })];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) kept.push(await runForumScenario({ fixed: true }));
  gc();
  const after = process.memoryUsage().heapUsed;
  return kept.length > count ? (after - before) / count : 0;
}

/** `make()`'s time (a device made and powered on): the median of `count` after a tenth as warm-up, in µs. */
function constructMicros(count: number, make: () => VirtualBoron): number {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    make();
    times.push((performance.now() - start) * 1000);
  }
  return median(times.slice(count / 10));
}

/** Power cuts a second: `before` every flash operation of the fixed forum routine's 128 KiB update on 1.4.4, from snapshots. */
async function cutsPerSecond(): Promise<{ cuts: number; perSecond: number }> {
  const story = forumStory({ deviceOs: '1.4.4', size: 128 * 1024 });
  const start = performance.now();
  const sweep = await sweepPowerCuts(story, { modes: ['before'] });
  return { cuts: sweep.cuts.length, perSecond: sweep.cuts.length / ((performance.now() - start) / 1000) };
}

async function main(): Promise<void> {
  const forum = await timed(() => runForumScenario({ fixed: false }));
  const forumVirtualMs = forum.value.nowMicros / 1000;
  const body = megabyteBody();
  const big = await timed(() => systemPartOver('lte-m', undefined, undefined, body));
  const bigVirtualMs = big.value.nowMicros / 1000;
  const bigRuns: number[] = [];
  const bigPages: number[] = [];
  for (let i = 0; i < 5; i++) {
    const pages = pagesTouched();
    bigRuns.push((await timed(() => systemPartOver('lte-m', undefined, undefined, body))).wallMs);
    bigPages.push(pagesTouched() - pages);
  }
  const bigMedianMs = median(bigRuns);
  const pageMicros = firstTouchMicros();
  const floor = floorMs(body);
  const retained = await retainedPerDevice(50);
  const bareMicros = constructMicros(2000, () => new VirtualBoron().powerOn());
  const app = otaTestSketch({ initialiseChunkAddress: true });
  const withAppMicros = constructMicros(2000, () => new VirtualBoron({ deviceOs: '1.2.1', app }).powerOn());
  const sweep = await cutsPerSecond();
  const slow = await timed(() => systemPartOver('nb-iot'));
  const slowVirtualMs = slow.value.nowMicros / 1000;
  const copyMs = bufferCopyMs(6);
  const compile = await compileTimes();
  const [cppPosted, cppFixed] = [await compileOtaTest({ initialiseChunkAddress: false }), await compileOtaTest({ initialiseChunkAddress: true })];
  const cppFirst = await timed(() => runForumScenario({ fixed: false, app: cppPosted }));
  const [tsForumMs, cppForumMs] = await pairedMedians(7, () => runForumScenario({ fixed: false }), () => runForumScenario({ fixed: false, app: cppPosted }));
  const [tsBigMs, cppBigMs] = await pairedMedians(3, () => systemPartOver('lte-m'), () => systemPartOver('lte-m', cppFixed));
  const robust = await timed(() => robustOver('lte-m'));
  const rows: [string, string][] = [
    ['forum run (posted routine, boot to reboot)', `${forumVirtualMs.toFixed(0)} ms virtual in ${forum.wallMs.toFixed(1)} ms wall → ${(forumVirtualMs / forum.wallMs).toFixed(0)}× real time`],
    ['1 MiB over lte-m: download, save, validate, apply', `${bigVirtualMs.toFixed(0)} ms virtual in ${big.wallMs.toFixed(1)} ms wall → ${(bigVirtualMs / big.wallMs).toFixed(0)}× real time`],
    ['  …the same, median of 5 more runs (goal ≥ 2,000×)', `${bigMedianMs.toFixed(1)} ms wall (${Math.min(...bigRuns).toFixed(1)}–${Math.max(...bigRuns).toFixed(1)}) → ${(bigVirtualMs / bigMedianMs).toFixed(0)}× real time`],
    [`  …each of those runs, and the pages it touched first at ${pageMicros.toFixed(1)} µs a page here`, bigRuns.map((ms, i) => `${ms.toFixed(0)} ms (${bigPages[i].toLocaleString('en-US')} pages ≈ ${((bigPages[i] * pageMicros) / 1000).toFixed(0)} ms)`).join(', ')],
    ['  …that median ÷ the floor: one copy, a CRC-32 and a SHA-256 of 1 MiB (goal ≤ 100×)', `${bigMedianMs.toFixed(1)} ms ÷ ${floor.toFixed(2)} ms → ${(bigMedianMs / floor).toFixed(0)}×`],
    ['  …its wall time ÷ 6 Buffer.copy passes over 1 MiB', `${big.wallMs.toFixed(1)} ms ÷ ${copyMs.toFixed(3)} ms → ${(big.wallMs / copyMs).toFixed(0)}×`],
    ['1 MiB over nb-iot: the same, a long virtual time', `${slowVirtualMs.toFixed(0)} ms virtual in ${slow.wallMs.toFixed(1)} ms wall → ${(slowVirtualMs / slow.wallMs).toFixed(0)}× real time`],
    ["  …flash the lte-m run's device holds in host memory", `${(big.value.flashFootprint / MiB).toFixed(2)} MiB (sparse sectors)`],
    ['heap a finished forum device keeps (50 kept after 5 warm-up runs, goal ≤ 100 KiB)', `${(retained / 1024).toFixed(1)} KiB`],
    ['new VirtualBoron().powerOn() (median of 2,000, goal ≤ 50 µs)', `${bareMicros.toFixed(1)} µs`],
    ["  …with the forum routine as its app, on 1.2.1", `${withAppMicros.toFixed(1)} µs`],
    ['power cuts a second: before each flash operation of a 128 KiB update, from snapshots (goal ≥ 1,000/s)', `${sweep.cuts} cuts at ${sweep.perSecond.toFixed(0)}/s`],
    ['C++: first compile of the forum routine (toolchain load, runtime, sketch)', `${(compile.firstMs / 1000).toFixed(1)} s`],
    ['C++: the same sources compiled again (cached)', `${compile.cachedMs.toFixed(2)} ms`],
    ['C++ forum run ÷ TypeScript forum run (medians of 7 after 3 warm-up runs, goal ≤ 1.5×)', `${cppForumMs.toFixed(1)} ms ÷ ${tsForumMs.toFixed(1)} ms → ${(cppForumMs / tsForumMs).toFixed(2)}×`],
    ['  …the C++ forum run the first time (its WebAssembly not yet optimized)', `${cppFirst.wallMs.toFixed(1)} ms`],
    ['C++ forum routine, 1 MiB over lte-m ÷ TypeScript forum routine, same (medians of 3 after warm-up)', `${cppBigMs.toFixed(0)} ms ÷ ${tsBigMs.toFixed(0)} ms → ${(cppBigMs / tsBigMs).toFixed(2)}×`],
    ['C++ forum routine, 1 MiB over lte-m ÷ TypeScript robust routine, same 1 MiB', `${cppBigMs.toFixed(0)} ms ÷ ${robust.wallMs.toFixed(0)} ms → ${(cppBigMs / robust.wallMs).toFixed(2)}×`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
