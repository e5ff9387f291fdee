/**
 * `virtual-boron sweep <scenario>`: the harness's power-cut sweep (or, with --link, its link-cut
 * sweep) of an update scenario module, with a progress bar, the harness's own table, and the report.
 */
import { EmulatorError, writeReport } from '../index';
import { runScenario, sweepForReport, sweepLinkCuts, sweepPowerCuts, type CutMode, type LinkCutKind, type Outcome, type UpdateScenario } from '../harness';
import { loadModule, modulePath, writablePath } from './load';
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

/** What no update over the air can mend, or a device that never came up: the sweep exits 1 when a cut (or its retry) ends so. */
const UNRECOVERABLE: readonly Outcome[] = ['bricked', 'dfu', 'crash', 'hang'];

const isScenario = (value: unknown): value is UpdateScenario =>
  typeof value === 'object' && value !== null && typeof (value as UpdateScenario).name === 'string' && typeof (value as UpdateScenario).start === 'function' && typeof (value as UpdateScenario).device === 'object';

/** The module's scenario: its default export or `scenario`, or a function of no arguments that makes one. */
export function loadScenario(path: string): UpdateScenario {
  const exports = loadModule(modulePath(path, 'scenario'));
  for (const candidate of [exports.default, exports.scenario]) {
    const value = typeof candidate === 'function' && candidate.length === 0 ? (candidate as () => unknown)() : candidate;
    if (isScenario(value)) return value;
  }
  throw new EmulatorError('SCENARIO_NOT_FOUND', 'Failed to load the scenario: {path} exports no update scenario (its exports: {names}). Export one as default or as `scenario` ({ name, device, start(device), over? }), or a function of no arguments that returns one.', {
    path,
    names: Object.keys(exports).join(', ') || 'none',
  });
}

export async function sweepCommand(path: string, flags: SweepFlags): Promise<number> {
  if (flags.report) writablePath(flags.report, 'report');
  const scenario = loadScenario(path);
  const bar = progressBar(flags.link ? 'link cuts' : 'power cuts', flags.json);
  const onProgress = (done: number, total: number) => bar.update(done, total);
  const seed = flags.seed === undefined ? undefined : /^\d+$/.test(flags.seed) ? Number(flags.seed) : flags.seed;
  let cuts: { outcome: Outcome; retry?: Outcome }[];
  try {
    if (flags.link) {
      const sweep = await sweepLinkCuts(scenario, { kinds: flags.link, retry: flags.retry, onProgress });
      bar.stop();
      if (flags.json) writeJson(sweep);
      else write(`${sweep.table}\n`);
      cuts = sweep.cuts;
    } else {
      const sweep = await sweepPowerCuts(scenario, { modes: flags.modes, strategy: flags.strategy, retry: flags.retry, onProgress, ...(seed === undefined ? {} : { seed }) });
      bar.stop();
      if (flags.report) {
        writeReport(await runScenario(scenario, { trace: 'all' }), flags.report, { sweep: sweepForReport(sweep) });
        if (!flags.json) note(colour.dim(`Report: ${flags.report}`));
      }
      if (flags.json) writeJson(sweep);
      else write(`${sweep.table}\n`);
      cuts = sweep.cuts;
    }
  } finally {
    bar.stop();
  }
  return cuts.some((c) => UNRECOVERABLE.includes(c.outcome) || (c.retry !== undefined && UNRECOVERABLE.includes(c.retry))) ? 1 : 0;
}
