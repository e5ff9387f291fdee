import type { SweepReportInput } from '../report/sweep';
import type { ChainResult, CutMode, CutOperation, CutRecipe, CutResult, CutWindow, PowerCutSweep } from './power-cuts';
import type { Apps, Outcome } from './scenario';

/** The cuts of one mode that ended in one outcome in one window. */
export interface OutcomeRow {
  mode: CutMode;
  outcome: Outcome;
  window: CutWindow;
  cuts: number;
  /** The first and last operation (by index) of these cuts. */
  firstOp: number;
  lastOp: number;
  /** How to make the first of them again. */
  recipe: CutRecipe;
  /** With `retry`: of these cuts' retries, how many reached the new app. */
  retried?: { tried: number; newApp: number };
}

const WINDOW_ORDER: CutWindow[] = ['ota-erase', 'ota-write', 'slot-queue', 'in-place-bootloader', 'slot-release', 'slot-copy', 'other'];
const MODE_ORDER: CutMode[] = ['before', 'after', 'torn'];

/** Group the cuts by mode, outcome and window, in the order of their first operation within each mode. */
export function summarise(cuts: readonly CutResult[]): OutcomeRow[] {
  const rows = new Map<string, OutcomeRow>();
  for (const cut of cuts) {
    const key = `${cut.mode}/${cut.outcome}/${cut.window}`;
    let row = rows.get(key);
    if (!row) {
      row = { mode: cut.mode, outcome: cut.outcome, window: cut.window, cuts: 0, firstOp: cut.op, lastOp: cut.op, recipe: cut.recipe };
      rows.set(key, row);
    }
    row.cuts++;
    row.lastOp = Math.max(row.lastOp, cut.op);
    if (cut.retry !== undefined) {
      row.retried ??= { tried: 0, newApp: 0 };
      row.retried.tried++;
      if (cut.retry === 'new-app') row.retried.newApp++;
    }
  }
  return [...rows.values()].sort((a, b) => MODE_ORDER.indexOf(a.mode) - MODE_ORDER.indexOf(b.mode) || a.firstOp - b.firstOp || WINDOW_ORDER.indexOf(a.window) - WINDOW_ORDER.indexOf(b.window));
}

interface SweepFacts {
  scenario: string;
  deviceOs: string;
  apps: Apps;
  modes: readonly CutMode[];
  seed: number | string;
  strategy: string;
  operations: readonly CutOperation[];
  cuts: readonly CutResult[];
  rows: readonly OutcomeRow[];
  chains: readonly ChainResult[];
}

/** Each window of an update, in words. */
export const WINDOW_TEXT: Record<CutWindow, string> = {
  'ota-erase': 'Prepare erasing the OTA region',
  'ota-write': 'Save writing the OTA region',
  'slot-queue': 'Finish queuing the DCT slot',
  'in-place-bootloader': "1.x Finish flashing the bootloader in place",
  'slot-release': 'a DCT slot being released',
  'slot-copy': "the bootloader's copy of the slot",
  other: 'another flash write',
};

/** The sweep as a table in plain words: one line per mode, outcome and window, each with its first operation and a recipe. */
export function powerCutTable(sweep: SweepFacts): string {
  const header = [
    `Power cuts in "${sweep.scenario}" (Device OS ${sweep.deviceOs}): ${count(sweep.operations.length, 'flash operation')}, ${count(sweep.cuts.length, 'cut')} (${sweep.modes.join(', ')}; ${sweep.strategy}).`,
    appsLine(sweep.apps),
  ];
  const rows = sweep.rows.map((r) => [
    r.mode,
    r.outcome,
    String(r.cuts),
    r.firstOp === r.lastOp ? `#${r.firstOp}` : `#${r.firstOp}–#${r.lastOp}`,
    WINDOW_TEXT[r.window],
    r.retried ? `${r.retried.newApp} of ${r.retried.tried} reached the new app` : '',
    recipeText(r.recipe),
  ]);
  const table = columns(['mode', 'outcome', 'cuts', 'operations', 'window', 'retry', 'first, again'], rows);
  const chains = sweep.chains.map(
    (c) =>
      `chain ${c.run}: ${c.cuts.map((k) => `#${k.op} ${k.mode}${!k.landed ? ' (never came)' : k.outcome ? ` → ${k.outcome}` : ' → cut again as it booted'}`).join(', ') || 'no cut'}; ends ${c.outcome}${c.retry ? `, retry ${c.retry}` : ''} (seed ${String(c.recipe.seed)}, run ${c.run})`,
  );
  return [...header, '', ...table, ...(chains.length ? ['', ...chains] : [])].join('\n');
}

/** The sweep as JSON: the rows, the chains, and every cut as runs of consecutive operations with the same result. */
export function powerCutJson(sweep: SweepFacts): object {
  return {
    scenario: sweep.scenario,
    deviceOs: sweep.deviceOs,
    apps: sweep.apps,
    modes: sweep.modes,
    seed: sweep.seed,
    strategy: sweep.strategy,
    operations: sweep.operations,
    rows: sweep.rows,
    runs: runsOf(sweep.cuts),
    chains: sweep.chains,
  };
}

/** Consecutive operations cut in the same mode with the same outcome, as ranges. */
function runsOf(cuts: readonly CutResult[]): { mode: CutMode; outcome: Outcome; window: CutWindow; from: number; to: number }[] {
  const out: { mode: CutMode; outcome: Outcome; window: CutWindow; from: number; to: number }[] = [];
  for (const mode of MODE_ORDER) {
    for (const cut of cuts.filter((c) => c.mode === mode)) {
      const last = out[out.length - 1];
      if (last && last.mode === mode && last.outcome === cut.outcome && last.window === cut.window && last.to + 1 === cut.op) last.to = cut.op;
      else out.push({ mode, outcome: cut.outcome, window: cut.window, from: cut.op, to: cut.op });
    }
  }
  return out;
}

/** Which apps the outcomes name. */
export const appsLine = (apps: Apps): string =>
  apps.installed
    ? `The app is "${apps.old}"${apps.new === apps.old ? '' : `, then "${apps.new}"`}; new-app means the update is in (the scenario's test), old-app that it is not.`
    : `The old app is "${apps.old}", the new one "${apps.new}".`;

export const recipeText = (r: CutRecipe): string => `seed ${String(r.seed)}, op #${r.op} ${r.mode}${r.tornBytes === undefined ? '' : ` (${r.tornBytes} bytes)`}`;

export const count = (n: number, noun: string): string => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

/** Left-aligned columns, two spaces apart. */
export function columns(head: string[], rows: string[][]): string[] {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd());
}

/**
 * A power-cut sweep as the HTML report's outcome grid (`writeReport(device, path, { sweep:
 * sweepForReport(sweep) })`): a column per operation, a row per mode, each cell with its outcome, the
 * device's diagnostics and the recipe that makes the cut again.
 */
export function sweepForReport(sweep: PowerCutSweep): SweepReportInput {
  return {
    title: `Power cuts in "${sweep.scenario}" (Device OS ${sweep.deviceOs})`,
    modes: [...sweep.modes],
    operations: sweep.operations.map((op) => ({ index: op.index, kind: op.kind, chip: op.chip, address: op.address, length: op.length, atMicros: op.atMicros, during: WINDOW_TEXT[op.window] })),
    cells: sweep.cuts.map((cut) => ({
      operation: cut.op,
      mode: cut.mode,
      outcome: cut.outcome,
      detail: [cut.app ? `runs ${cut.app}` : undefined, cut.diagnostics.length > 0 ? `diagnostics: ${cut.diagnostics.join(', ')}` : undefined, cut.retry ? `retried: ${cut.retry}` : undefined].filter((part) => part !== undefined).join('; '),
      replay: `replayPowerCut(scenario, ${JSON.stringify(cut.recipe)})`,
    })),
  };
}
