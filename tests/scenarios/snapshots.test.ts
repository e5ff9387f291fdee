/**
 * `device.snapshot()` and `VirtualBoron.restore()`: as a power cut leaves the device (exact for what
 * survives one: flash, DCT slots, clock, what the network has numbered), or running, by replaying the
 * recorded inputs and checking that the replay arrived at the same device. And the power-cut harness's
 * two strategies — from snapshots, or cutting as the device runs from power-on — give each cut the same
 * outcome and the same flash.
 */
import { flashDigest, replayPowerCut, sweepPowerCuts, type CutOperation, type CutResult } from '../../src/harness';
import { forumStory, robustAppStory } from '../../examples/power-cuts/scenarios';
import { http, HttpResponse } from 'msw';
import { defineSketch, EmulatorError, VirtualBoron, type DeviceSnapshot } from '../../src/index';

jest.setTimeout(300_000);

/** The EmulatorError a promise rejects with. */
const rejection = (promise: Promise<unknown>): Promise<EmulatorError> =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(EmulatorError);
      return error as EmulatorError;
    },
  );

const essentials = (cuts: CutResult[]) => cuts.map(({ op, mode, window, outcome, app, tornBytes, diagnostics, flash }) => ({ op, mode, window, outcome, app, tornBytes, diagnostics, flash }));

describe('a power-cut sweep from snapshots gives each cut the same outcome and the same flash as one cut as the device runs', () => {
  it.each([
    ['the forum routine on 1.4.4', forumStory({ deviceOs: '1.4.4', size: 4096 })],
    ['the robust routine on 6.2.0', robustAppStory({ deviceOs: '6.2.0', size: 4096 })],
  ])('%s, on a sample of operations in every mode', async (_name, story) => {
    // Every operation but the OTA region's writes, and every fifth of those.
    const options = { modes: ['before', 'after', 'torn'] as const, only: (op: CutOperation) => op.window !== 'ota-write' || op.index % 5 === 2, digest: true, seed: 'sample' };
    const fromSnapshots = await sweepPowerCuts(story, { ...options, strategy: 'snapshot' });
    const byReplay = await sweepPowerCuts(story, { ...options, strategy: 'replay' });
    expect(fromSnapshots.operations).toEqual(byReplay.operations);
    expect(fromSnapshots.cuts.length).toBeGreaterThan(30);
    expect(new Set(fromSnapshots.cuts.map((c) => c.window)).size).toBeGreaterThanOrEqual(4);
    expect(essentials(fromSnapshots.cuts)).toEqual(essentials(byReplay.cuts));
  });

  it('replayPowerCut makes a row’s first cut again, from its recipe', async () => {
    const story = forumStory({ deviceOs: '1.4.4', size: 4096 });
    const sweep = await sweepPowerCuts(story, { modes: ['after'], only: (op) => op.window === 'slot-copy', digest: true });
    const row = sweep.rows.find((r) => r.outcome === 'safe-mode')!;
    const device = await replayPowerCut(story, row.recipe);
    expect(device.state).toBe('safe-mode');
    expect(flashDigest(device)).toBe(sweep.cuts.find((c) => c.op === row.firstOp)!.flash);
    // Cut as the device ran, its own record names the interrupted copy.
    expect(device.diagnostics.map((d) => d.code)).toEqual(['bootloader-cut', 'safe-mode']);
  });
});

/** The forum routine on 1.4.4, mid-download: 16 chunks saved of an 8 KB image, then 3 ms more. */
async function midDownload(): Promise<VirtualBoron> {
  const story = forumStory({ deviceOs: '1.4.4', size: 8192 });
  const device = new VirtualBoron(story.device).powerOn();
  await story.start(device);
  await device.runUntil(() => device.flash.external.stats.programOperations >= 16);
  await device.runFor(3);
  return device;
}

const finish = async (device: VirtualBoron) => {
  await device.runUntil('simple.bin is running', { timeoutMs: 120_000 });
  return { serial: device.serial.output, flash: flashDigest(device), trace: device.trace.length, at: device.nowMicros };
};

describe('device.snapshot() and VirtualBoron.restore()', () => {
  it('restored by replay: the same device at the same moment, and it goes on exactly as the original does', async () => {
    const device = await midDownload();
    const snapshot = device.snapshot();
    expect(snapshot.notReplayable).toBeUndefined();
    expect(snapshot.inputs.map((i) => i.kind)).toEqual(['power-on', 'run', 'type', 'run', 'run']);
    const again = await VirtualBoron.restore(snapshot);
    expect([again.nowMicros, again.serial.output, again.state, flashDigest(again)]).toEqual([device.nowMicros, device.serial.output, device.state, flashDigest(device)]);
    expect(await finish(again)).toEqual(await finish(device));
  });

  it('restored as a power cut: off at that moment with the same flash, DCT and clock; it boots as the original does after a cut there', async () => {
    const device = await midDownload();
    const snapshot = device.snapshot();
    const restored = VirtualBoron.restore(snapshot, { as: 'power-cut' });
    expect([restored.state, restored.nowMicros, restored.trace.length]).toEqual(['off', device.nowMicros, 0]);
    expect(restored.flash.external.firstDifference(snapshot.flash.external)).toBeUndefined();
    expect(restored.flash.internal.firstDifference(snapshot.flash.internal)).toBeUndefined();
    expect(restored.dct.bytes).toEqual(snapshot.dct);
    device.powerOff();
    const from = device.serial.length;
    for (const d of [device, restored]) {
      await d.runFor(1000);
      d.powerOn();
      await d.runFor(20_000);
    }
    expect(restored.serial.output).toBe(device.serial.textSince(from));
    expect(restored.serial.output).toContain('Hello! Press o for OTA.');
    expect([restored.appName, flashDigest(restored), restored.nowMicros]).toEqual([device.appName, flashDigest(device), device.nowMicros]);
  });

  it('shares sectors with the device until one of them writes: a snapshot costs its sector map, not the flash', async () => {
    const device = await midDownload();
    const first = device.snapshot();
    const second = device.snapshot();
    const shared = [...first.flash.external.sectors].filter(([index, bytes]) => second.flash.external.sectors.get(index) === bytes);
    expect(shared.length).toBe(first.flash.external.sectors.size);
    const before = device.flash.external.read(0x289000, 8192);
    await device.runUntil('simple.bin is running', { timeoutMs: 120_000 });
    // The device rewrote the OTA region's first sector since (a new Prepare); the snapshot still holds what it held.
    expect(device.flash.external.firstDifference(first.flash.external)).toBeDefined();
    expect(VirtualBoron.restore(first, { as: 'power-cut' }).flash.external.read(0x289000, 8192)).toEqual(before);
  });

  it('refuses to replay a snapshot taken during a run, or after an input given during one', async () => {
    const story = forumStory({ deviceOs: '1.4.4', size: 4096 });
    const device = new VirtualBoron(story.device).powerOn();
    let inHook: DeviceSnapshot | undefined;
    device.flash.external.operationHook = () => void (inHook ??= device.snapshot());
    await story.start(device);
    await device.runFor(5000);
    device.flash.external.operationHook = undefined;
    expect(inHook?.midRun).toBe(true);
    const error = await rejection(VirtualBoron.restore(inHook!));
    expect(error.code).toBe('SNAPSHOT_NOT_REPLAYABLE');
    expect(error.message).toBe(
      "Failed to restore the snapshot by replay: it was taken during a run (from a hook or a listener), where the firmware was mid-step. Take it between runs, or restore it as a power cut ({ as: 'power-cut' }).",
    );
    // As a power cut it restores.
    expect(VirtualBoron.restore(inHook!, { as: 'power-cut' }).state).toBe('off');

    const typed = new VirtualBoron(story.device).powerOn();
    typed.on('device:boot', () => typed.serial.type('x'));
    await typed.runFor(1000);
    expect((await rejection(VirtualBoron.restore(typed.snapshot()))).message).toBe(
      "Failed to restore the snapshot by replay: an input (type) was given during a run, from a hook or a listener. Take it between runs, or restore it as a power cut ({ as: 'power-cut' }).",
    );
  });

  it('says so when a replay does not arrive at the same device', async () => {
    const device = await midDownload();
    // Not an input the device records: the replay cannot know of it.
    device.flash.internal.load(0xf0000, Uint8Array.of(1, 2, 3, 4));
    const error = await rejection(VirtualBoron.restore(device.snapshot()));
    expect(error.code).toBe('RESTORE_DIVERGED');
    expect(error.message).toBe(
      'Failed to restore the snapshot by replay: the replay did not arrive at the same device (internal flash differs at 0xF0000). Something outside the recorded inputs changed the run: a handler that answers differently, a real server, a flash hook or load(), or a listener that acts.',
    );
  });
});

describe('restored as a power cut, a device keeps what is not its RAM', () => {
  it('boots its own sketch, even when another device has since built one with the same name', async () => {
    const mine = defineSketch(({ Serial }) => ({ setup: () => void Serial.println('I am A') }), { name: 'app', systemMode: 'MANUAL' });
    const device = new VirtualBoron({ app: mine }).powerOn();
    await device.runUntil('I am A');
    const snapshot = device.snapshot();
    const other = defineSketch(({ Serial }) => ({ setup: () => void Serial.println('I am B') }), { name: 'app', systemMode: 'MANUAL' });
    new VirtualBoron({ app: other }).powerOn();
    const restored = VirtualBoron.restore(snapshot, { as: 'power-cut' }).powerOn();
    await restored.runFor(2000);
    expect(restored.serial.output).toBe('I am A\r\n');
  });

  it('keeps the routes a test added with server.use', async () => {
    const device = new VirtualBoron().powerOn();
    await device.runFor(100);
    device.server.use(http.get('http://fw.example/extra', () => new HttpResponse('x')));
    const restored = VirtualBoron.restore(device.snapshot(), { as: 'power-cut' });
    expect(restored.server.routes.length).toBe(device.server.routes.length);
  });
});
