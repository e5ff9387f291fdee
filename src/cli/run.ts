/**
 * `virtual-boron run <sketch>`: one device, its serial output as it comes, expectations on that
 * output (wokwi-cli's --expect-text/--fail-text/--timeout, with its exit codes), the diagnostics last.
 */
import { writeFileSync } from 'node:fs';
import { BORON_DEFAULTS, EmulatorError, firmwareRoute, VirtualBoron, writeReport, type DeviceOsVersion, type LinkProfileName, type RealServerAddress, type VirtualBoronOptions } from '../index';
import { loadSketch, writablePath } from './load';
import { colour, describeDevice, deviceSummary, note, printDiagnostics, write, writeJson } from './print';

/** Exit codes: as wokwi-cli's, so CI scripts read them the same way. */
export const EXIT = { OK: 0, FAILED: 1, TIMEOUT: 42 } as const;

export interface Served {
  url: string;
  image: Uint8Array;
}
export interface Typed {
  text: string;
  atMs: number;
}
export interface RunFlags {
  deviceOs?: DeviceOsVersion;
  link?: LinkProfileName;
  seed?: string;
  serve: Served[];
  realServer: Record<string, RealServerAddress>;
  type: Typed[];
  expectText: string[];
  failText: string[];
  timeout: number;
  trace?: string;
  report?: string;
  json: boolean;
}

type Outcome =
  | { kind: 'expected'; atMs: number }
  | { kind: 'finished' }
  | { kind: 'fail-text'; text: string; atMs: number }
  | { kind: 'crashed'; error: string; code?: string; stack?: string }
  | { kind: 'timeout'; missing: string[] };

/** Finds the expected and failing texts in serial output that arrives in pieces. */
class TextWatch {
  private carry = '';
  private readonly keep: number;
  readonly seen = new Map<string, number>();
  failed?: { text: string; atMs: number };

  constructor(
    private readonly expected: readonly string[],
    private readonly failing: readonly string[],
  ) {
    this.keep = Math.max(0, ...[...expected, ...failing].map((t) => t.length - 1));
  }

  get done(): boolean {
    return this.failed !== undefined || (this.expected.length > 0 && this.seen.size === this.expected.length);
  }

  feed(text: string, atMs: number): void {
    const window = this.carry + text;
    for (const t of this.expected) if (!this.seen.has(t) && window.includes(t)) this.seen.set(t, atMs);
    const failing = this.failing.find((t) => window.includes(t));
    if (failing !== undefined && !this.failed) this.failed = { text: failing, atMs };
    this.carry = this.keep === 0 ? '' : window.slice(-this.keep);
  }
}

/** Drop the keys whose value is undefined, so the device's defaults apply. */
const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

export async function runCommand(path: string, flags: RunFlags): Promise<number> {
  // Checked before the run, so that a bad path does not cost the run's result.
  if (flags.trace) writablePath(flags.trace, 'trace');
  if (flags.report) writablePath(flags.report, 'report');
  const deviceOs = flags.deviceOs ?? BORON_DEFAULTS.deviceOs;
  const loaded = await loadSketch(path, deviceOs, (what) => flags.json || note(colour.dim(what)));
  const given: VirtualBoronOptions = loaded.options;
  const device = new VirtualBoron(
    defined({
      ...given,
      app: loaded.sketch,
      deviceOs: flags.deviceOs ?? given.deviceOs,
      link: flags.link ?? given.link,
      seed: flags.seed === undefined ? given.seed : /^\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed,
      server: [...flags.serve.map(({ url, image }) => firmwareRoute(url, image)), ...(given.server ?? [])],
      realServers: { ...given.realServers, ...flags.realServer },
      // A trace file or a report shows every event, per chunk too.
      trace: flags.trace || flags.report ? 'all' : given.trace,
    }),
  );
  const watch = new TextWatch(flags.expectText, flags.failText);
  device.on('serial', ({ text }) => {
    if (!flags.json) write(text);
    watch.feed(text, device.millis);
  });

  const outcome = await drive(device, flags, watch);
  if (flags.trace) writeFileSync(flags.trace, `${JSON.stringify(device.trace, null, 1)}\n`);
  if (flags.report) writeReport(device, flags.report);
  const exitCode = outcome.kind === 'expected' || outcome.kind === 'finished' ? EXIT.OK : outcome.kind === 'timeout' ? EXIT.TIMEOUT : EXIT.FAILED;

  if (flags.json) {
    writeJson({ exitCode, outcome, expected: Object.fromEntries(watch.seen), serial: device.serial.output, ...deviceSummary(device) });
    return exitCode;
  }
  if (!device.serial.output.endsWith('\n') && device.serial.length > 0) write('\n');
  printDiagnostics(device.diagnostics);
  write(`\n${verdict(outcome, flags.timeout)}\n${colour.dim(`Device: ${describeDevice(device)}`)}\n`);
  return exitCode;
}

/** Power on, type what was asked when it was asked, and stop at the first of: every expected text, a failing text, a crash, the timeout. */
async function drive(device: VirtualBoron, flags: RunFlags, watch: TextWatch): Promise<Outcome> {
  const typing = [...flags.type].sort((a, b) => a.atMs - b.atMs);
  device.powerOn();
  try {
    for (;;) {
      while (typing.length > 0 && typing[0].atMs <= device.millis) device.serial.type(typing.shift()!.text);
      if (watch.done || device.millis >= flags.timeout) break;
      const stopAt = Math.min(flags.timeout, typing[0]?.atMs ?? Number.POSITIVE_INFINITY);
      try {
        await device.runUntil(() => watch.done, { timeoutMs: stopAt - device.millis });
      } catch (error) {
        // Reaching the next typing time or the end is not a failure here: the loop decides what it means.
        if (!(error instanceof EmulatorError && error.code === 'RUN_TIMEOUT')) throw error;
      }
    }
  } catch (error) {
    // The emulator's own errors explain themselves; anything else the app threw comes with its stack.
    if (error instanceof EmulatorError) return { kind: 'crashed', error: error.message, code: error.code };
    return { kind: 'crashed', error: `the app threw ${String(error)}`, stack: error instanceof Error ? error.stack : undefined };
  }
  if (watch.failed) return { kind: 'fail-text', ...watch.failed };
  if (flags.expectText.length === 0) return { kind: 'finished' };
  const missing = flags.expectText.filter((t) => !watch.seen.has(t));
  return missing.length === 0 ? { kind: 'expected', atMs: Math.max(...watch.seen.values()) } : { kind: 'timeout', missing };
}

function verdict(outcome: Outcome, timeoutMs: number): string {
  switch (outcome.kind) {
    case 'expected':
      return colour.green(`✔ Every expected text appeared (the last at ${outcome.atMs} ms).`);
    case 'finished':
      return colour.green(`✔ Ran for ${timeoutMs} ms of virtual time.`);
    case 'fail-text':
      return colour.red(`✘ The failing text ${JSON.stringify(outcome.text)} appeared at ${outcome.atMs} ms.`);
    case 'crashed':
      return colour.red(`✘ The run stopped: ${outcome.error}`) + (outcome.stack ? `\n${colour.dim(outcome.stack)}` : '');
    case 'timeout':
      return colour.red(`⏱ Timed out after ${timeoutMs} ms of virtual time without ${outcome.missing.map((t) => JSON.stringify(t)).join(', ')}.`);
  }
}
