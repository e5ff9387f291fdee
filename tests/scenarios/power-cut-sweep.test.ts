/**
 * The power-cut harness (virtual-boron/harness) over the forum thread's fixed routine and the robust
 * routine, on 1.4.4 and 6.2.0: a cut anywhere in an update leaves the old app or the new one, except in
 * the windows the device really has — on 1.x, the bootloader's copy of the slot (it frees the slot
 * first, so the copy is not retried: safe mode, device-os-app-model.md §4) and 1.x's in-place
 * bootloader update at Finish (bricked); from 2.0 the slot stays pending until its copy is over, so a
 * cut there is retried at the next boot.
 */
import { OUTCOMES, sweepLinkCuts, sweepPowerCuts, type CutMode, type CutWindow, type Outcome, type PowerCutSweep, type UpdateScenario } from '../../src/harness';
import { forumStory, robustAppStory, robustBootloaderStory } from '../../examples/power-cuts/scenarios';
import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { buildModule, type DeviceOsVersion } from '../../src/index';
import { appV2, FIRMWARE_HOST, MANIFEST_PATH, robustApp } from '../../examples/robust-ota/sketches';

// Each sweep runs a few hundred cuts (and a retry of every update left with the old app): seconds of wall time, not timed here.
jest.setTimeout(300_000);

/** Outcomes by mode and window: `before ota-write` → ['old-app']. */
function outcomesByWindow(sweep: PowerCutSweep): Record<string, Outcome[]> {
  const out: Record<string, Set<Outcome>> = {};
  for (const cut of sweep.cuts) (out[`${cut.mode} ${cut.window}`] ??= new Set()).add(cut.outcome);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/** The windows in which a cut left a device that runs no app. */
const stranded = (sweep: PowerCutSweep): CutWindow[] => [...new Set(sweep.cuts.filter((c) => c.outcome === 'safe-mode' || c.outcome === 'bricked').map((c) => c.window))];

const STORIES: [string, (deviceOs: DeviceOsVersion) => UpdateScenario][] = [
  ['the forum routine (fixed)', (deviceOs) => forumStory({ deviceOs, size: 4096 })],
  ['the robust routine', (deviceOs) => robustAppStory({ deviceOs, size: 4096 })],
];

describe.each(STORIES)('power cuts at every flash operation of %s', (_name, story) => {
  it('1.4.4: the old app or the new one, but safe mode when the cut falls in the bootloader’s copy of the slot, which 1.x freed first', async () => {
    const sweep = await sweepPowerCuts(story('1.4.4'), { modes: ['before', 'after'], retry: true });
    expect(outcomesByWindow(sweep)).toEqual({
      'before ota-erase': ['old-app'],
      'before ota-write': ['old-app'],
      'before slot-queue': ['old-app'],
      // The slot is still pending: the next boot copies it.
      'before slot-release': ['new-app'],
      // Before its first erase nothing is lost; after it, the old app is gone and the slot with it.
      'before slot-copy': ['old-app', 'safe-mode'],
      'after ota-erase': ['old-app'],
      'after ota-write': ['old-app'],
      'after slot-queue': ['new-app'],
      // Released, and not one byte copied: the old app is intact.
      'after slot-release': ['old-app'],
      // After the copy's last block the new app is whole.
      'after slot-copy': ['new-app', 'safe-mode'],
    });
    expect(stranded(sweep)).toEqual(['slot-copy']);
    const copy = sweep.operations.filter((op) => op.window === 'slot-copy');
    const safe = sweep.cuts.filter((c) => c.outcome === 'safe-mode');
    // Every cut in the copy but before its first erase and after its last block.
    expect(safe.map((c) => `${c.mode} #${c.op}`)).toEqual(
      copy.flatMap((op, i) => [...(i > 0 ? [`before #${op.index}`] : []), ...(i < copy.length - 1 ? [`after #${op.index}`] : [])]),
    );
    // The device's own account: the user part fails its check, so it runs in safe mode.
    expect(new Set(safe.map((c) => c.diagnostics.join(' ')))).toEqual(new Set(['safe-mode']));
    // Every device left with the old app installs the update when asked again.
    const retried = sweep.cuts.filter((c) => c.outcome === 'old-app');
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.filter((c) => c.retry !== 'new-app')).toEqual([]);
    expect(sweep.table).toContain("safe-mode");
    expect(sweep.table.split('\n').filter((l) => l.includes('safe-mode')).every((l) => l.includes("the bootloader's copy of the slot"))).toBe(true);
  });

  it('6.2.0: always the old app or the new one: a cut in the copy leaves the slot pending, and the next boot copies it again', async () => {
    const sweep = await sweepPowerCuts(story('6.2.0'), { modes: ['before', 'after'], retry: true });
    expect(outcomesByWindow(sweep)).toEqual({
      'before ota-erase': ['old-app'],
      'before ota-write': ['old-app'],
      'before slot-queue': ['old-app'],
      'before slot-copy': ['new-app'],
      'before slot-release': ['new-app'],
      'after ota-erase': ['old-app'],
      'after ota-write': ['old-app'],
      'after slot-queue': ['new-app'],
      'after slot-copy': ['new-app'],
      'after slot-release': ['new-app'],
    });
    expect(stranded(sweep)).toEqual([]);
    // The copy starts by erasing the compat app's page (3.1+), then the 256K app's pages.
    expect(sweep.operations.find((op) => op.window === 'slot-copy')?.what).toBe('erase 4,096 bytes at internal 0xD4000 (user-part-compat)');
    expect(sweep.cuts.filter((c) => c.outcome === 'old-app' && c.retry !== 'new-app')).toEqual([]);
  });
});

describe('torn writes: a program with only its first words written, an erase that left the sector partly old', () => {
  it.each([
    { deviceOs: '1.4.4', copy: 'safe-mode' },
    { deviceOs: '6.2.0', copy: 'new-app' },
  ] as { deviceOs: DeviceOsVersion; copy: Outcome }[])('$deviceOs: torn in the OTA region, the old app; torn in the bootloader’s copy, $copy', async ({ deviceOs, copy }) => {
    const sweep = await sweepPowerCuts(forumStory({ deviceOs, size: 4096 }), { modes: ['torn'], seed: 'torn' });
    const byWindow = outcomesByWindow(sweep);
    expect(byWindow['torn ota-erase']).toEqual(['old-app']);
    expect(byWindow['torn ota-write']).toEqual(['old-app']);
    expect(byWindow['torn slot-copy']).toEqual([copy]);
    // A DCT slot write is whole or not at all: there is no torn one.
    expect(sweep.cuts.filter((c) => c.window === 'slot-queue' || c.window === 'slot-release')).toEqual([]);
    expect(sweep.cuts).toHaveLength(sweep.operations.filter((op) => op.kind !== 'dct-write').length);
    for (const cut of sweep.cuts) {
      const op = sweep.operations[cut.op];
      expect(cut.tornBytes).toBeGreaterThan(0);
      expect(cut.tornBytes).toBeLessThan(op.length);
      // A program keeps whole 4-byte words.
      if (op.kind === 'program') expect((op.address + cut.tornBytes!) % 4).toBe(0);
    }
  });

  it('the torn extents come from the seed: the same seed, the same sweep; another seed, other extents', async () => {
    const story = forumStory({ deviceOs: '1.4.4', size: 4096 });
    const only = (op: { index: number }) => op.index % 9 === 0;
    const [a, b, c] = [await sweepPowerCuts(story, { modes: ['torn'], seed: 7, only }), await sweepPowerCuts(story, { modes: ['torn'], seed: 7, only }), await sweepPowerCuts(story, { modes: ['torn'], seed: 8, only })];
    expect(b.cuts).toEqual(a.cuts);
    expect(c.cuts.map((x) => x.tornBytes)).not.toEqual(a.cuts.map((x) => x.tornBytes));
  });
});

describe('1.x flashing a bootloader in place at Finish', () => {
  it('a cut once its first page is erased leaves a device that starts nothing: bricked, in that window only', async () => {
    const sweep = await sweepPowerCuts(robustBootloaderStory({ deviceOs: '1.4.4', size: 4096 }), { modes: ['before', 'after'] });
    expect(outcomesByWindow(sweep)).toEqual({
      'before ota-erase': ['old-app'],
      'before ota-write': ['old-app'],
      'before in-place-bootloader': ['bricked', 'old-app'],
      'after ota-erase': ['old-app'],
      'after ota-write': ['old-app'],
      'after in-place-bootloader': ['bricked', 'new-app'],
    });
    expect(stranded(sweep)).toEqual(['in-place-bootloader']);
    expect(new Set(sweep.cuts.filter((c) => c.outcome === 'bricked').map((c) => c.diagnostics.join(' ')))).toEqual(new Set(['bricked']));
  });
});

describe('seeded chains: several cuts in one run', () => {
  it('each cut counted from the last power-on; the device ends with the old app or the new one, and a retry installs it', async () => {
    const story = robustAppStory({ deviceOs: '6.2.0', size: 4096 });
    const options = { modes: ['before', 'after', 'torn'] as CutMode[], only: [], chain: { runs: 4, cuts: 3 }, retry: true, seed: 'chains' };
    const sweep = await sweepPowerCuts(story, options);
    expect(sweep.cuts).toEqual([]);
    expect(sweep.chains).toHaveLength(4);
    for (const chain of sweep.chains) {
      expect(['new-app', 'old-app']).toContain(chain.outcome);
      if (chain.outcome === 'old-app') expect(chain.retry).toBe('new-app');
      expect(chain.cuts.length).toBeGreaterThan(0);
      expect(chain.recipe).toEqual({ scenario: story.name, seed: 'chains', run: chain.run, offMs: 1000 });
    }
    expect(sweep.chains.some((c) => c.cuts.filter((k) => k.landed).length > 1)).toBe(true);
    expect((await sweepPowerCuts(story, options)).chains).toEqual(sweep.chains);
  });
});

describe('what a sweep reports', () => {
  it('a table in plain words and JSON: each outcome with its first operation and a recipe to make it again', async () => {
    const sweep = await sweepPowerCuts(robustBootloaderStory({ deviceOs: '1.4.4', size: 2048 }), { modes: ['before', 'after'], only: (op) => op.window !== 'ota-write' });
    expect(sweep.table).toBe(TABLE);
    const json = JSON.parse(JSON.stringify(sweep)) as { runs: unknown[]; rows: unknown[]; operations: unknown[]; apps: unknown };
    expect(json.apps).toEqual({ old: 'robust app v1', new: 'robust app v1' });
    expect(json.operations).toHaveLength(sweep.operations.length);
    expect(json.rows).toEqual(JSON.parse(JSON.stringify(sweep.rows)));
    expect(json.runs).toEqual(RUNS);
    expect(OUTCOMES).toEqual(['new-app', 'old-app', 'other-app', 'safe-mode', 'dfu', 'bricked', 'crash', 'hang']);
  });

  it('refuses a scenario whose clean run installs nothing', async () => {
    const story = forumStory({ deviceOs: '1.4.4', size: 4096 });
    const broken: UpdateScenario = { ...story, name: 'no server', device: { ...story.device, server: [] } };
    await expect(sweepPowerCuts(broken)).rejects.toThrow(NO_UPDATE);
  });
});

const TABLE = [
  'Power cuts in "the robust routine installing a bootloader, 2,048 bytes, Device OS 1.4.4" (Device OS 1.4.4): 34 flash operations, 20 cuts (before, after; snapshot).',
  "The app is \"robust app v1\"; new-app means the update is in (the scenario's test), old-app that it is not.",
  '',
  'mode    outcome  cuts  operations  window                                       retry  first, again',
  'before  old-app  1     #0          Prepare erasing the OTA region                      seed 1, op #0 before',
  'before  old-app  1     #25         1.x Finish flashing the bootloader in place         seed 1, op #25 before',
  'before  bricked  8     #26–#33     1.x Finish flashing the bootloader in place         seed 1, op #26 before',
  'after   old-app  1     #0          Prepare erasing the OTA region                      seed 1, op #0 after',
  'after   bricked  8     #25–#32     1.x Finish flashing the bootloader in place         seed 1, op #25 after',
  'after   new-app  1     #33         1.x Finish flashing the bootloader in place         seed 1, op #33 after',
].join('\n');
const RUNS = [
  { mode: 'before', outcome: 'old-app', window: 'ota-erase', from: 0, to: 0 },
  { mode: 'before', outcome: 'old-app', window: 'in-place-bootloader', from: 25, to: 25 },
  { mode: 'before', outcome: 'bricked', window: 'in-place-bootloader', from: 26, to: 33 },
  { mode: 'after', outcome: 'old-app', window: 'ota-erase', from: 0, to: 0 },
  { mode: 'after', outcome: 'bricked', window: 'in-place-bootloader', from: 25, to: 32 },
  { mode: 'after', outcome: 'new-app', window: 'in-place-bootloader', from: 33, to: 33 },
];
const NO_UPDATE =
  'Failed to sweep "no server": its clean run did not end with the update installed (it ended running "ota-test (fixed)" after 17483 ms of virtual time), so there is no update to cut. Check the scenario without the harness first.';

describe('a retry that fails cleanly', () => {
  it('is old-app, not a hang: the routine gives up and keeps the old firmware, and nothing boots', async () => {
    const image = buildModule({ sketch: appV2, deviceOs: '1.4.4', size: 4096 });
    let requests = 0;
    const scenario: UpdateScenario = {
      ...robustAppStory({ deviceOs: '1.4.4', size: 4096 }),
      device: {
        deviceOs: '1.4.4',
        app: robustApp,
        link: 'lte-m',
        server: [
          http.get(`http://${FIRMWARE_HOST}${MANIFEST_PATH}`, () => HttpResponse.json({ path: '/firmware/app.bin', size: image.length, sha256: createHash('sha256').update(image).digest('hex') })),
          // The image once (to the clean run), then 404: every retry gives up.
          http.get(`http://${FIRMWARE_HOST}/firmware/app.bin`, () => (requests++ === 0 ? new HttpResponse(image) : new HttpResponse(null, { status: 404 }))),
        ],
      },
    };
    const sweep = await sweepPowerCuts(scenario, { modes: ['after'], retry: true, only: (op) => op.window === 'ota-write' && op.index === 5 });
    expect(sweep.cuts.map((c) => [c.outcome, c.retry])).toEqual([['old-app', 'old-app']]);
  });
});

describe('the harness refuses options it does not take, naming them', () => {
  const story = forumStory({ deviceOs: '1.4.4', size: 4096 });
  it.each([
    [{ strategy: 'snapshots' }, 'Failed to sweep power cuts: strategy "snapshots" is not a strategy. Use one of snapshot, replay.'],
    [{ modes: ['sideways'] }, 'Failed to sweep power cuts: modes[0] "sideways" is not a cut mode. Use one of before, after, torn.'],
    [{ retries: true }, 'Failed to sweep power cuts: there is no option "retries". Use one of modes, seed, strategy, retry, offMs, only, settleMs, bootTimeoutMs, chain, digest, onProgress.'],
  ])('sweepPowerCuts(%j)', async (options, message) => {
    await expect(sweepPowerCuts(story, options as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message });
  });

  it('sweepLinkCuts with an unknown kind', async () => {
    await expect(sweepLinkCuts(story, { kinds: ['fim'] } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION', message: 'Failed to sweep link cuts: kinds[0] "fim" is not a link cut. Use one of fin, rst, drop.' });
  });
});
