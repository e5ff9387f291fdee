/**
 * Power cuts everywhere: run an update once clean, count every flash operation a cut can land on,
 * then cut the power at each — before it, after it, or part-way through it — power the device on
 * again and see what it ends in. The method is mcuboot's simulator's (count the operations of a clean
 * upgrade, then fail at each in turn); the torn writes are in the spirit of Zephyr's flash simulator.
 */
import { createHash } from 'node:crypto';
import { EmulatorError, VirtualBoron, type DeviceSnapshot, type FlashOperation, type NorFlash } from '../index';
import { hex } from '../sim/messages';
import { SeededRandom } from '../sim/random';
import { classify, powerBackOn, runUntilBooted, runUntilOver, type Apps, type Outcome, type UpdateScenario } from './scenario';
import { powerCutTable, powerCutJson, summarise, type OutcomeRow } from './report';
import { describeValue, OptionCheck } from '../sim/option-check';

/** Where the power goes: before the operation, right after it, or part-way through it (seeded). */
export type CutMode = 'before' | 'after' | 'torn';

/** What the device was doing when the operation came, as the windows of an update are told apart. */
export type CutWindow = 'ota-erase' | 'ota-write' | 'slot-queue' | 'in-place-bootloader' | 'slot-release' | 'slot-copy' | 'other';

/** One operation a cut can land on, in the order the clean run did them. */
export interface CutOperation {
  index: number;
  kind: 'erase' | 'program' | 'dct-write';
  /** `dct` for a slot write. */
  chip: 'internal' | 'external' | 'dct';
  /** Chip address, or the slot's index for a DCT write. */
  address: number;
  length: number;
  window: CutWindow;
  /** The operation in words: "program 256 bytes at external 0x289100". */
  what: string;
  /** Virtual time the operation began. */
  atMicros: number;
}

/** How to do one cut again: `replayPowerCut(scenario, recipe)`. */
export interface CutRecipe {
  scenario: string;
  seed: number | string;
  op: number;
  mode: CutMode;
  /** torn: the bytes of the operation that happened. */
  tornBytes?: number;
  offMs: number;
}

export interface CutResult {
  op: number;
  mode: CutMode;
  window: CutWindow;
  outcome: Outcome;
  /** The app running after the cut, if any. */
  app?: string;
  tornBytes?: number;
  /** With `retry`: the outcome of starting the update again on a device that runs the old app. */
  retry?: Outcome;
  /** The codes of the diagnostics the device gave from power-on: its own account of what it found. */
  diagnostics: string[];
  /** With `digest`: SHA-256 of both chips and the DCT slots once the device came up (before any retry). */
  flash?: string;
  recipe: CutRecipe;
}

/** A seeded chain: several cuts in one run, each at a random operation counted from the last power-on. */
export interface ChainResult {
  run: number;
  /** Each cut: where it was aimed, whether it came, and what the device came up in (none when the next cut came as it booted). */
  cuts: { op: number; mode: CutMode; tornBytes?: number; landed: boolean; outcome?: Outcome }[];
  outcome: Outcome;
  retry?: Outcome;
  recipe: { scenario: string; seed: number | string; run: number; offMs: number };
}

export interface PowerCutOptions {
  /** Default `['before']`. */
  modes?: readonly CutMode[];
  /** Seeds torn writes and chains. Default 1. */
  seed?: number | string;
  /**
   * `snapshot` (default): each cut starts from a snapshot taken just before its operation in the clean
   * run, restored as a power cut leaves it. `replay`: each runs from power-on again, the cut made by
   * the flash hook as the device runs. They give the same outcome and flash; `replay` is the slow check.
   */
  strategy?: 'snapshot' | 'replay';
  /** Start the update again on every device left running the old app, and record how that went. */
  retry?: boolean;
  /** How long the power stays off. Default 1000 ms. */
  offMs?: number;
  /** Cut only at these operations (indexes or a test), e.g. a sample. Default: all. */
  only?: readonly number[] | ((op: CutOperation) => boolean);
  /** After the cut, how long to let a device that came up running go on before its outcome is read. Default 0: at its boot. */
  settleMs?: number;
  /** Virtual time a device may take to come up after the cut. Default 60 s (the clean run's first boot and a retry's reboot always have 60 s). */
  bootTimeoutMs?: number;
  /** Also run seeded chains of `cuts` random cuts, `runs` times. */
  chain?: { runs: number; cuts: number };
  /** Record a digest of the flash each cut left (`CutResult.flash`), to compare strategies. */
  digest?: boolean;
  /** Told after each cut and each chain: how many are done of how many (a progress bar's feed). */
  onProgress?: (done: number, total: number) => void;
}

export interface PowerCutSweep {
  scenario: string;
  deviceOs: string;
  apps: Apps;
  modes: readonly CutMode[];
  seed: number | string;
  strategy: 'snapshot' | 'replay';
  operations: CutOperation[];
  cuts: CutResult[];
  /** The cuts grouped by mode, outcome and window, each with its first operation and a recipe. */
  rows: OutcomeRow[];
  chains: ChainResult[];
  /** The result in plain words. */
  table: string;
  toJSON(): object;
}

const POWER_CUT_OPTIONS = ['modes', 'seed', 'strategy', 'retry', 'offMs', 'only', 'settleMs', 'bootTimeoutMs', 'chain', 'digest', 'onProgress'];

/** Every option named and checked: a misspelt one would change what is cut without a word. */
function checkPowerCutOptions(options: PowerCutOptions): void {
  const check = new OptionCheck('sweep power cuts');
  const o = check.object(options, '', POWER_CUT_OPTIONS);
  if (o.modes !== undefined) {
    if (!Array.isArray(o.modes) || o.modes.length === 0) check.fail('modes is {actual}', 'Pass a list of one or more of before, after, torn.', { actual: describeValue(o.modes) });
    (o.modes as unknown[]).forEach((mode, i) => check.choice(mode, `modes[${i}]`, 'a cut mode', ['before', 'after', 'torn']));
  }
  if (o.strategy !== undefined) check.choice(o.strategy, 'strategy', 'a strategy', ['snapshot', 'replay']);
  for (const key of ['offMs', 'settleMs', 'bootTimeoutMs']) if (o[key] !== undefined) check.number(o[key], key, 'a finite number of virtual milliseconds, 0 or more');
  for (const key of ['retry', 'digest']) if (o[key] !== undefined) check.boolean(o[key], key);
  if (o.seed !== undefined && typeof o.seed !== 'number' && typeof o.seed !== 'string') check.fail('seed is {actual}', 'Pass a number or a string.', { actual: describeValue(o.seed) });
  if (o.only !== undefined && typeof o.only !== 'function' && !Array.isArray(o.only)) check.fail('only is {actual}', 'Pass operation indexes, or a function of the operation.', { actual: describeValue(o.only) });
  if (o.chain !== undefined) {
    const chain = check.object(o.chain, 'chain', ['runs', 'cuts']);
    for (const key of ['runs', 'cuts']) check.number(chain[key], `chain.${key}`, 'a whole number, 1 or more', { integer: true, min: 1 });
  }
}

/** What the harness throws from a flash hook: the power is gone. */
export class PowerCut extends Error {
  override readonly name = 'PowerCut';
  readonly code = 'POWER_CUT';
  constructor(readonly op: number) {
    super(`power cut at flash operation #${op}`);
  }
}

interface Recorded extends CutOperation {
  data?: Uint8Array;
  dct?: { bytes: Uint8Array; what: 'queue' | 'release' };
  snapshot?: DeviceSnapshot;
  writeUnit: number;
}

interface Clean {
  operations: Recorded[];
  apps: Apps;
  deviceOs: string;
}

/** Cut the power at every flash operation of the scenario's update, in each mode, and see what the device ends in. */
export async function sweepPowerCuts(scenario: UpdateScenario, options: PowerCutOptions = {}): Promise<PowerCutSweep> {
  checkPowerCutOptions(options);
  const modes = options.modes ?? ['before'];
  const seed = options.seed ?? 1;
  const strategy = options.strategy ?? 'snapshot';
  const offMs = options.offMs ?? 1000;
  const clean = await cleanRun(scenario, strategy === 'snapshot');
  const chosen = clean.operations.filter((op) => chosenOp(op, options.only));
  const cuts: CutResult[] = [];
  // A DCT write is whole or not at all: there is no torn one to make.
  const cutsFor = (op: CutOperation) => modes.filter((mode) => !(mode === 'torn' && op.kind === 'dct-write'));
  const chainRuns = options.chain?.runs ?? 0;
  const total = chosen.reduce((sum, op) => sum + cutsFor(op).length, 0) + chainRuns;
  let done = 0;
  for (const op of chosen) {
    for (const mode of cutsFor(op)) {
      const tornBytes = mode === 'torn' ? tornAmount(op, seed) : undefined;
      const recipe: CutRecipe = { scenario: scenario.name, seed, op: op.index, mode, ...(tornBytes === undefined ? {} : { tornBytes }), offMs };
      const cut = strategy === 'snapshot' ? await cutFromSnapshot(op, recipe) : await cutByReplay(scenario, recipe);
      cuts.push(await outcomeOf(cut, scenario, clean.apps, op, recipe, options));
      options.onProgress?.(++done, total);
    }
  }
  const chains: ChainResult[] = [];
  for (let run = 0; run < chainRuns; run++) {
    chains.push(await chainRun(scenario, clean, run, options));
    options.onProgress?.(++done, total);
  }
  const rows = summarise(cuts);
  const sweep = { scenario: scenario.name, deviceOs: clean.deviceOs, apps: clean.apps, modes, seed, strategy, operations: clean.operations.map(publicOp), cuts, rows, chains };
  return { ...sweep, table: powerCutTable(sweep), toJSON: () => powerCutJson(sweep) };
}

/** One cut again, by replay from power-on: the device after the cut and its power-on, to look at. */
export async function replayPowerCut(scenario: UpdateScenario, recipe: CutRecipe, options: Pick<PowerCutOptions, 'bootTimeoutMs' | 'settleMs'> = {}): Promise<VirtualBoron> {
  const { device } = await cutByReplay(scenario, recipe);
  await runUntilBooted(device, options.bootTimeoutMs ?? 60_000, options.settleMs ?? 0);
  return device;
}

/** The update once, without cuts: every operation a cut can land on, and (for the snapshot strategy) a snapshot just before each. */
async function cleanRun(scenario: UpdateScenario, snapshots: boolean): Promise<Clean> {
  const device = new VirtualBoron(scenario.device).powerOn();
  // The version it starts on: an update of the system part changes the profile.
  const deviceOs = device.profile.version;
  const operations: Recorded[] = [];
  watch(device, (op, extra) => {
    operations.push({ ...op, ...extra, index: operations.length, ...(snapshots ? { snapshot: device.snapshot() } : {}) });
  });
  const firstApp = await appAfterBoot(device);
  await scenario.start(device);
  const hung = await runUntilOver(device, scenario);
  unwatch(device);
  // The device must have come up with the update in for there to be an update to break.
  if (hung || device.state !== 'running' || !(scenario.installed ? scenario.installed(device) : device.appName !== firstApp)) {
    throw new EmulatorError('SWEEP_NO_UPDATE', 'Failed to sweep "{name}": its clean run did not end with the update installed (it ended {state} after {ms} ms of virtual time), so there is no update to cut. Check the scenario without the harness first.', {
      name: scenario.name,
      state: hung ? 'still going at its timeout' : device.state === 'running' ? `running "${device.appName}"` : `in state ${device.state}`,
      ms: device.millis,
    });
  }
  return { operations, apps: { old: firstApp, new: device.appName, ...(scenario.installed ? { installed: scenario.installed } : {}) }, deviceOs };
}

/** The app the device boots at power-on (the old one). */
async function appAfterBoot(device: VirtualBoron): Promise<string> {
  await runUntilBooted(device, 60_000, 0);
  return device.appName;
}

type Seen = Omit<Recorded, 'index'>;

/** Call `record` with every operation a cut can land on: flash erases and program commands on both chips, DCT slot writes. */
function watch(device: VirtualBoron, record: (op: Seen, extra: object) => void): void {
  for (const chip of [device.flash.internal, device.flash.external]) {
    chip.operationHook = (op, control) => record(describeFlash(device, chip, op.kind, op.address, op.length), control.data ? { data: control.data.slice() } : {});
  }
  device.dct.operationHook = (op, control) => {
    record(
      {
        kind: 'dct-write',
        chip: 'dct',
        address: op.slot,
        length: control.bytes.length,
        window: op.what === 'queue' ? 'slot-queue' : 'slot-release',
        what: `${op.what === 'queue' ? 'queue an update in' : 'release'} DCT slot ${op.slot}`,
        atMicros: device.clock.nowMicros,
        writeUnit: 1,
      },
      { dct: { bytes: control.bytes.slice(), what: op.what } },
    );
  };
}

function unwatch(device: VirtualBoron): void {
  device.flash.internal.operationHook = undefined;
  device.flash.external.operationHook = undefined;
  device.dct.operationHook = undefined;
}

function describeFlash(device: VirtualBoron, chip: NorFlash, kind: 'erase' | 'program', address: number, length: number): Seen {
  const internal = chip === device.flash.internal;
  const booting = device.state === 'booting';
  const window: CutWindow = internal ? (booting ? 'slot-copy' : 'in-place-bootloader') : booting ? 'other' : kind === 'erase' ? 'ota-erase' : 'ota-write';
  const region = device.profile.moduleBounds.find((b) => b.chip === (internal ? 'internal' : 'external') && address >= b.start && address < b.end);
  return {
    kind,
    chip: internal ? 'internal' : 'external',
    address,
    length,
    window,
    what: `${kind} ${length.toLocaleString('en-US')} bytes at ${internal ? 'internal' : 'external'} ${hex(address)}${region ? ` (${region.name})` : ''}`,
    atMicros: device.clock.nowMicros,
    writeUnit: chip.geometry.writeUnit,
  };
}

const publicOp = ({ index, kind, chip, address, length, window, what, atMicros }: Recorded): CutOperation => ({ index, kind, chip, address, length, window, what, atMicros });

function chosenOp(op: CutOperation, only: PowerCutOptions['only']): boolean {
  if (only === undefined) return true;
  return typeof only === 'function' ? only(op) : only.includes(op.index);
}

/**
 * A torn operation's extent, `pick(lo, hi)` choosing within it: for a program, its first 1 to n−1
 * write units (all of a one-unit program); for an erase, 1 to length−1 bytes from its start.
 */
function tornExtent(kind: 'erase' | 'program', address: number, length: number, writeUnit: number, pick: (lo: number, hi: number) => number): number {
  if (kind === 'erase') return pick(1, length - 1);
  const first = Math.floor(address / writeUnit);
  const units = Math.ceil((address + length) / writeUnit) - first;
  const kept = units > 1 ? pick(1, units - 1) : 1;
  return Math.min(length, (first + kept) * writeUnit - address);
}

/** A torn operation's seeded extent in a sweep. */
function tornAmount(op: Recorded, seed: number | string): number {
  const random = new SeededRandom(`${seed}/torn/${op.index}`);
  return tornExtent(op.kind === 'erase' ? 'erase' : 'program', op.address, op.length, op.writeUnit, (lo, hi) => random.nextInt(lo, hi));
}

/** The device as the cut leaves it, restored from the snapshot before the operation; the operation done as the mode says; powered on again. */
async function cutFromSnapshot(op: Recorded, recipe: CutRecipe): Promise<PoweredOn> {
  const device = VirtualBoron.restore(op.snapshot!, { as: 'power-cut' });
  if (recipe.mode !== 'before') {
    const cut = new PowerCut(op.index);
    if (op.dct) device.dct.write(op.address, op.dct.bytes, op.dct.what);
    else {
      const chip = op.chip === 'internal' ? device.flash.internal : device.flash.external;
      // The same path a cut by the hook takes, so both strategies tear the same way.
      if (recipe.mode === 'torn') chip.operationHook = (_o, control) => control.tear(recipe.tornBytes!, cut);
      try {
        if (op.kind === 'erase') chip.erase(op.address, op.length);
        else chip.program(op.address, op.data!);
      } catch (error) {
        if (error !== cut) throw error;
      } finally {
        chip.operationHook = undefined;
      }
    }
  }
  const diagnosticsFrom = await powerBackOn(device, op.atMicros + recipe.offMs * 1000);
  return { device, diagnosticsFrom };
}

/** A device the harness powered on again after a cut, and where its diagnostics of that boot start. */
interface PoweredOn {
  device: VirtualBoron;
  diagnosticsFrom: number;
}

/** The device cut by its flash hook at the recipe's operation as it runs the scenario from power-on; powered on again. */
async function cutByReplay(scenario: UpdateScenario, recipe: CutRecipe): Promise<PoweredOn> {
  const device = new VirtualBoron(scenario.device).powerOn();
  const cut = new PowerCut(recipe.op);
  const armed = armCut(device, recipe.op, recipe.mode, () => recipe.tornBytes ?? 0, cut);
  await runUntilBooted(device, 60_000, 0);
  if (armed.at === undefined) {
    await scenario.start(device).catch((error: unknown) => {
      if (error !== cut) throw error;
    });
  }
  if (armed.at === undefined) await runUntilOver(device, scenario, cut);
  unwatch(device);
  if (armed.at === undefined) {
    throw new EmulatorError('SWEEP_DIVERGED', 'Failed to cut "{name}" at flash operation #{op}: the run from power-on did only {count} operations, where the clean run did more. The scenario is not deterministic (a handler that answers differently, a real server).', {
      name: scenario.name,
      op: recipe.op,
      count: armed.count,
    });
  }
  const diagnosticsFrom = await powerBackOn(device, armed.at + recipe.offMs * 1000);
  return { device, diagnosticsFrom };
}

interface ArmedCut {
  /** Virtual time of the cut, once it has landed. */
  at?: number;
  /** Operations seen since arming. */
  count: number;
  /** torn: the bytes of the operation that happened. */
  tornBytes?: number;
}

/**
 * Cut the power at the `target`th operation from now: throw before it, let it finish and throw, or
 * tear it (`tear` gives the bytes that happen, from the operation's length). Every operation after the
 * cut throws too, so a sketch that catches the error writes nothing more.
 */
function armCut(device: VirtualBoron, target: number, mode: CutMode, tear: (op: FlashOperation, writeUnit: number) => number, cut: PowerCut): ArmedCut {
  const armed: ArmedCut = { count: 0 };
  const landing = (): boolean => {
    if (armed.at !== undefined) throw cut;
    if (armed.count++ !== target) return false;
    armed.at = device.clock.nowMicros;
    if (mode === 'before') throw cut;
    return true;
  };
  for (const chip of [device.flash.internal, device.flash.external]) {
    chip.operationHook = (op, control) => {
      if (!landing()) return;
      if (mode === 'after') return control.cutAfter(cut);
      armed.tornBytes = tear(op, chip.geometry.writeUnit);
      control.tear(armed.tornBytes, cut);
    };
  }
  // A DCT write is whole or not at all: torn, it is cut after.
  device.dct.operationHook = (_op, control) => {
    if (landing()) control.cutAfter(cut);
  };
  return armed;
}

/** How the device came up after the cut, and (with `retry`) how a new attempt went. */
async function outcomeOf({ device, diagnosticsFrom }: PoweredOn, scenario: UpdateScenario, apps: Apps, op: CutOperation, recipe: CutRecipe, options: PowerCutOptions): Promise<CutResult> {
  const hung = await runUntilBooted(device, options.bootTimeoutMs ?? 60_000, options.settleMs ?? 0);
  const outcome = classify(device, apps, hung);
  const diagnostics = device.diagnostics.slice(diagnosticsFrom).map((d) => d.code);
  const result: CutResult = {
    op: op.index,
    mode: recipe.mode,
    window: op.window,
    outcome,
    ...(device.state === 'running' ? { app: device.appName } : {}),
    ...(recipe.tornBytes === undefined ? {} : { tornBytes: recipe.tornBytes }),
    diagnostics,
    ...(options.digest ? { flash: flashDigest(device) } : {}),
    recipe,
  };
  if (options.retry && outcome === 'old-app') result.retry = await retried(device, scenario, apps);
  // This device is done with: its flash is memory the next cut can use.
  device.flash.internal.release();
  device.flash.external.release();
  return result;
}

/** Start the update again and see what the device ends in. */
async function retried(device: VirtualBoron, scenario: UpdateScenario, apps: Apps): Promise<Outcome> {
  let hung: boolean;
  try {
    await scenario.start(device);
    hung = await runUntilOver(device, scenario);
    // A boot ended the run: let it reach its app. A routine that gave up cleanly boots nothing more: the wait's timeout is no hang.
    if (!hung && device.state === 'running' && device.appName !== apps.new) await runUntilBooted(device, 60_000, 0);
  } catch (error) {
    if (device.state !== 'crashed') throw error;
    hung = false;
  }
  return classify(device, apps, hung);
}

/**
 * One seeded chain: cut at a random operation, power on (the next cut may land in that boot), start
 * the update again on a device left with the old app, cut again… then see what the device ends in.
 */
async function chainRun(scenario: UpdateScenario, clean: Clean, run: number, options: PowerCutOptions): Promise<ChainResult> {
  const seed = options.seed ?? 1;
  const offMs = options.offMs ?? 1000;
  const modes = options.modes ?? ['before'];
  const count = options.chain?.cuts ?? 0;
  const bootTimeoutMs = options.bootTimeoutMs ?? 60_000;
  const random = new SeededRandom(`${seed}/chain/${run}`);
  const device = new VirtualBoron(scenario.device).powerOn();
  await runUntilBooted(device, bootTimeoutMs, 0);
  const cuts: ChainResult['cuts'] = [];
  const arm = () => {
    const target = random.nextInt(0, clean.operations.length - 1);
    const mode = modes[random.nextInt(0, modes.length - 1)];
    const draw = random.nextUint32();
    const cut = new PowerCut(target);
    const tear = (op: FlashOperation, writeUnit: number) => tornExtent(op.kind, op.address, op.length, writeUnit, (lo, hi) => lo + (draw % (hi - lo + 1)));
    return { target, mode, cut, armed: armCut(device, target, mode, tear, cut) };
  };
  let next = count > 0 ? arm() : undefined;
  let outcome: Outcome = classify(device, clean.apps, false);
  for (;;) {
    if (next?.armed.at !== undefined) {
      // The cut landed: power on again, with the next cut armed for this boot and whatever follows.
      const { target, mode, armed } = next;
      unwatch(device);
      next = cuts.length + 1 < count ? arm() : undefined;
      await powerBackOn(device, armed.at! + offMs * 1000);
      const hung = await runUntilBooted(device, bootTimeoutMs, options.settleMs ?? 0);
      outcome = classify(device, clean.apps, hung);
      // If the next cut came while the device booted, this one has no outcome of its own.
      const cutAgain = next?.armed.at !== undefined;
      cuts.push({ op: target, mode, ...(armed.tornBytes === undefined ? {} : { tornBytes: armed.tornBytes }), landed: true, ...(cutAgain ? {} : { outcome }) });
      continue;
    }
    if (!next) break;
    if (outcome !== 'old-app') {
      // Nothing left to start an update from (the new app runs, or no app does): this cut never comes.
      cuts.push({ op: next.target, mode: next.mode, landed: false });
      break;
    }
    const { cut } = next;
    await scenario.start(device).catch((error: unknown) => {
      if (error !== cut) throw error;
    });
    if (next.armed.at === undefined) await runUntilOver(device, scenario, cut);
    if (next.armed.at === undefined) {
      // The update ended before the chosen operation came: this cut never lands.
      unwatch(device);
      cuts.push({ op: next.target, mode: next.mode, landed: false });
      outcome = classify(device, clean.apps, false);
      break;
    }
  }
  unwatch(device);
  const result: ChainResult = { run, cuts, outcome, recipe: { scenario: scenario.name, seed, run, offMs } };
  if (options.retry && outcome === 'old-app') result.retry = await retried(device, scenario, clean.apps);
  return result;
}

/** SHA-256 of what both chips hold (each written sector that is not all erased, by address) and the DCT slots. */
export function flashDigest(device: VirtualBoron): string {
  const hash = createHash('sha256');
  for (const chip of [device.flash.internal, device.flash.external]) {
    const { sectors } = chip.image();
    const erased = chip.geometry.eraseValue;
    for (const index of [...sectors.keys()].sort((a, b) => a - b)) {
      const bytes = sectors.get(index)!;
      if (bytes.every((b) => b === erased)) continue;
      hash.update(`${chip.name}@${index * chip.geometry.sectorSize}:`).update(bytes);
    }
  }
  return hash.update('dct:').update(device.dct.bytes).digest('hex');
}
