/**
 * `virtual-boron sweep <scenario>`: the harness's power-cut sweep (or, with --link, its link-cut
 * sweep) of an update scenario module, with a progress bar, the harness's own table, and the report.
 */
import { EmulatorError, VirtualBoron, writeReport } from '../index';
import { sweepForReport, sweepLinkCuts, sweepPowerCuts, type CutMode, type LinkCutKind, type UpdateScenario } from '../harness';
import { loadModule } from './load';
import { colour, note, write, writeJson } from './print';
import { progressBar } from './progress';

export interface SweepFlags {
  modes: CutMode[];
  link?: LinkCutKind[];
  seed?: string;
  strategy: 'snapshot' | 'replay';
  retry: boolean;
  report?: string;
  json: boolean;
}

const isScenario = (value: unknown): value is UpdateScenario =>
  typeof value === 'object' && value !== null && typeof (value as UpdateScenario).name === 'string' && typeof (value as UpdateScenario).start === 'function' && typeof (value as UpdateScenario).device === 'object';

/** The module's scenario: its default export or `scenario`, or a function of no arguments that makes one. */
export function loadScenario(path: string): UpdateScenario {
  const exports = loadModule(path);
  for (const candidate of [exports.default, exports.scenario]) {
    const value = typeof candidate === 'function' ? (candidate as () => unknown)() : candidate;
    if (isScenario(value)) return value;
  }
  throw new EmulatorError('SCENARIO_NOT_FOUND', 'Failed to load the scenario: {path} exports no update scenario (its exports: {names}). Export one as default or as `scenario`: { name, device, start(device), over? }.', {
    path,
    names: Object.keys(exports).join(', ') || 'none',
  });
}

export async function sweepCommand(path: string, flags: SweepFlags): Promise<number> {
  const scenario = loadScenario(path);
  const bar = progressBar(flags.link ? 'link cuts' : 'power cuts', flags.json);
  const onProgress = (done: number, total: number) => bar.update(done, total);
  const seed = flags.seed === undefined ? undefined : /^\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed;
  try {
    if (flags.link) {
      const sweep = await sweepLinkCuts(scenario, { kinds: flags.link, retry: flags.retry, onProgress });
      bar.stop();
      if (flags.json) writeJson(sweep);
      else write(`${sweep.table}\n`);
      return sweep.corruptBoots > 0 ? 1 : 0;
    }
    const sweep = await sweepPowerCuts(scenario, { modes: flags.modes, strategy: flags.strategy, retry: flags.retry, onProgress, ...(seed === undefined ? {} : { seed }) });
    bar.stop();
    if (flags.report) {
      writeReport(await cleanRun(scenario), flags.report, { sweep: sweepForReport(sweep) });
      if (!flags.json) note(colour.dim(`Report: ${flags.report}`));
    }
    if (flags.json) writeJson(sweep);
    else write(`${sweep.table}\n`);
    // Exit 1 when some cut leaves a device that no update over the air can reach again, or that never came up.
    return sweep.cuts.some((c) => ['bricked', 'dfu', 'crash', 'hang'].includes(c.outcome)) ? 1 : 0;
  } finally {
    bar.stop();
  }
}

/** The scenario without cuts, every event kept: the device the report draws the sweep over. */
async function cleanRun(scenario: UpdateScenario): Promise<VirtualBoron> {
  const device = new VirtualBoron({ ...scenario.device, trace: 'all' }).powerOn();
  await scenario.start(device);
  let boots = 0;
  const stop = device.on('device:boot', () => void boots++);
  try {
    await device.runUntil(() => boots > 0 || device.state !== 'running', { timeoutMs: scenario.timeoutMs ?? 30 * 60_000 });
  } catch (error) {
    if (!(error instanceof EmulatorError && error.code === 'RUN_TIMEOUT')) throw error;
  } finally {
    stop();
  }
  return device;
}
