import { EmulatorError, VirtualBoron, type VirtualBoronOptions } from '../index';

/**
 * An update story to break: a device, what the test does to start its update, and when the update
 * is over. The harness runs it once clean, then again with the power or the link cut.
 */
export interface UpdateScenario {
  /** Names the scenario in tables and recipes. */
  name: string;
  /** `new VirtualBoron(device)`: the device, its app, its server. */
  device: VirtualBoronOptions;
  /**
   * From power-on, what the test does to start the update: wait for a banner, type a key. It runs
   * again when the harness retries the update after a cut.
   */
  start(device: VirtualBoron): Promise<void>;
  /**
   * The update is over, whichever way it went: text or a pattern printed after `start` returned, or a
   * test of the device. The harness also calls it over when the device boots again, or stops (safe
   * mode, DFU, bricked, crashed).
   */
  over?: string | RegExp | ((device: VirtualBoron) => boolean);
  /** Virtual time a run may take before it counts as a hang. Default 30 minutes. */
  timeoutMs?: number;
  /**
   * Whether the update is in, for an update that is not an app (a bootloader, a system part): then
   * `new-app` means the device runs with the update installed, and `old-app` that it runs the old app
   * without it. Default: the device runs another app than it started with.
   */
  installed?: (device: VirtualBoron) => boolean;
}

/**
 * What a device ends in after a cut: the new app (the update installed) or the old one running, safe mode, DFU mode, a
 * bootloader that starts nothing, a crashed sketch, a run that never settles — or an app that is
 * neither the old nor the new (a compat app taking precedence, say).
 */
export type Outcome = 'new-app' | 'old-app' | 'other-app' | 'safe-mode' | 'dfu' | 'bricked' | 'crash' | 'hang';

export const OUTCOMES: readonly Outcome[] = ['new-app', 'old-app', 'other-app', 'safe-mode', 'dfu', 'bricked', 'crash', 'hang'];

export const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/** The apps a clean run shows: the one that started the update and the one it installed (the same one when the update is not an app). */
export interface Apps {
  old: string;
  new: string;
  /** The scenario's own test of whether the update is in. */
  installed?: (device: VirtualBoron) => boolean;
}

/** States in which a device will not go on by itself. */
const STOPPED = new Set(['safe-mode', 'dfu', 'bricked', 'crashed']);

/** The outcome of a device that has settled (or not, `hung`). */
export function classify(device: VirtualBoron, apps: Apps, hung: boolean): Outcome {
  switch (device.state) {
    case 'bricked':
      return 'bricked';
    case 'dfu':
      return 'dfu';
    case 'safe-mode':
      return 'safe-mode';
    case 'crashed':
      return 'crash';
    case 'running':
      if (hung) return 'hang';
      if (apps.installed ? apps.installed(device) : device.appName === apps.new) return 'new-app';
      return device.appName === apps.old ? 'old-app' : 'other-app';
    default:
      return 'hang';
  }
}

/**
 * Run until the update is over: the scenario's condition (on what was printed from now on), a boot,
 * or a stopped device. Resolves with whether it hung (timed out); rethrows anything but a timeout or
 * `expected` (a power cut the harness made).
 */
export async function runUntilOver(device: VirtualBoron, scenario: UpdateScenario, expected?: unknown): Promise<boolean> {
  let booted = false;
  const stop = device.on('device:boot', () => void (booted = true));
  const over = printedSince(device, scenario.over);
  try {
    await device.runUntil(() => booted || STOPPED.has(device.state) || over(), { timeoutMs: scenario.timeoutMs ?? DEFAULT_TIMEOUT_MS });
    return false;
  } catch (error) {
    return settleError(device, error, expected);
  } finally {
    stop();
  }
}

/**
 * The scenario once, without cuts: powered on, started, and run until its update is over. `overrides`
 * change the scenario's device options (`{ trace: 'all' }` for a report of the run).
 */
export async function runScenario(scenario: UpdateScenario, overrides: VirtualBoronOptions = {}): Promise<VirtualBoron> {
  const device = new VirtualBoron({ ...scenario.device, ...overrides }).powerOn();
  await scenario.start(device);
  await runUntilOver(device, scenario);
  return device;
}

/** Run until the device has booted (or stopped before an app): how a device comes up after a cut. */
export async function runUntilBooted(device: VirtualBoron, timeoutMs: number, settleMs: number): Promise<boolean> {
  let booted = false;
  const stop = device.on('device:boot', () => void (booted = true));
  try {
    await device.runUntil(() => booted || STOPPED.has(device.state), { timeoutMs });
    if (settleMs > 0 && device.state === 'running') await device.runFor(settleMs);
    return false;
  } catch (error) {
    return settleError(device, error);
  } finally {
    stop();
  }
}

/** A timeout is a hang; a crashed sketch shows in the device's state; anything else is the harness's to report. */
function settleError(device: VirtualBoron, error: unknown, expected?: unknown): boolean {
  if (error instanceof EmulatorError && error.code === 'RUN_TIMEOUT') return true;
  if (expected !== undefined && error === expected) return false;
  if (device.state === 'crashed') return false;
  throw error;
}

/** The scenario's `over` as a check of what was printed from now on (text searched only in what is new). */
function printedSince(device: VirtualBoron, over: UpdateScenario['over']): () => boolean {
  if (over === undefined) return () => false;
  if (typeof over === 'function') return () => over(device);
  const from = device.serial.length;
  let checked = from;
  let met = false;
  return () => {
    if (met || device.serial.length === checked) return met;
    if (typeof over === 'string') {
      const at = Math.max(from, checked - over.length + 1);
      met = device.serial.textSince(at).includes(over);
    } else met = new RegExp(over.source, over.flags.replace('g', '')).test(device.serial.textSince(from));
    checked = device.serial.length;
    return met;
  };
}

/**
 * Power the device off if it is on, keep it off until `at` (virtual µs), and power it on. Returns how
 * many diagnostics it had before the power came back: the ones after are its account of the boot.
 */
export async function powerBackOn(device: VirtualBoron, at: number): Promise<number> {
  if (device.state !== 'off') device.powerOff();
  const wait = at - device.nowMicros;
  if (wait > 0) await device.runFor(wait / 1000);
  const before = device.diagnostics.length;
  device.powerOn();
  return before;
}
