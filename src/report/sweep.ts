import { EmulatorError } from '../sim/messages';

/** How a device ended after a power cut, from best to worst. */
export const SWEEP_OUTCOMES = ['new-app', 'old-app', 'other-app', 'safe-mode', 'dfu', 'bricked', 'crash', 'hang'] as const;
export type SweepOutcome = (typeof SWEEP_OUTCOMES)[number];

/** What each outcome means for the device in the field. */
export const SWEEP_OUTCOME_MEANINGS: Record<SweepOutcome, string> = {
  'new-app': 'the new app runs',
  'old-app': 'the old app runs (the update can be tried again)',
  'other-app': 'an app that is neither the old nor the new one runs',
  'safe-mode': 'safe mode: no app runs until the cloud repairs it',
  dfu: 'DFU mode: needs a host on USB',
  bricked: 'bricked: needs a debugger',
  crash: 'the run crashed',
  hang: 'nothing booted in the time allowed',
};

/** One flash operation of the run without cuts, where the sweep cut the power. */
export interface SweepOperation {
  /** Its place among the run's flash operations, from 0. */
  index: number;
  kind: 'erase' | 'program' | 'dct-write';
  /** `dct` for a DCT slot write, whose address is the slot's index. */
  chip: 'internal' | 'external' | 'dct';
  address: number;
  length: number;
  atMicros?: number;
  /** What the device was doing: `Prepare`, `Save`, `bootloader copy`, … (groups the grid's columns). */
  during?: string;
}

/** The outcome of one cut: at an operation, in a mode. */
export interface SweepCell {
  operation: number;
  mode: string;
  outcome: SweepOutcome;
  /** A line on what happened (a diagnostic, the state). */
  detail?: string;
  /** How to replay this cut, as text a person can copy (code or JSON). */
  replay?: string;
}

/**
 * A power-cut sweep as the report shows it: cut modes (rows) by flash operations (columns), an
 * outcome in each cell. Any sweep's result maps to this.
 */
export interface SweepReportInput {
  title?: string;
  /** The cut modes, in row order (e.g. `before`, `after`, `torn`). */
  modes: readonly string[];
  operations: readonly SweepOperation[];
  /** One per operation and mode tried; a pair with none shows as not tried. */
  cells: readonly SweepCell[];
}

export interface SweepGrid {
  title: string;
  modes: string[];
  operations: SweepOperation[];
  cells: SweepCell[];
  /** How many cells ended each way, in SWEEP_OUTCOMES order (outcomes that never happened left out). */
  counts: { outcome: SweepOutcome; cells: number }[];
}

/** Checks a sweep's input and adds what the grid shows about it as a whole. */
export function sweepGrid(input: SweepReportInput): SweepGrid {
  const fail = (what: string, values: Record<string, string | number> = {}): never => {
    throw new EmulatorError('REPORT_SWEEP', `Failed to show the sweep: ${what}`, values);
  };
  const indexes = new Set(input.operations.map((o) => o.index));
  if (indexes.size !== input.operations.length) fail('two operations have the same index. Give each operation its own index.');
  const modes = new Set(input.modes);
  const seen = new Set<string>();
  for (const cell of input.cells) {
    if (!indexes.has(cell.operation)) fail('a cell names operation {operation}, which is not among the {count} operations. List every operation a cell names.', { operation: cell.operation, count: input.operations.length });
    if (!modes.has(cell.mode)) fail('a cell names the mode "{mode}", which is not among the modes ({modes}). List every mode a cell names.', { mode: cell.mode, modes: input.modes.join(', ') });
    if (!(SWEEP_OUTCOMES as readonly string[]).includes(cell.outcome)) fail('a cell has the outcome "{outcome}", which is not one of {known}.', { outcome: cell.outcome, known: SWEEP_OUTCOMES.join(', ') });
    const key = `${cell.operation}/${cell.mode}`;
    if (seen.has(key)) fail('operation {operation} has two cells for the mode "{mode}". Give one outcome per operation and mode.', { operation: cell.operation, mode: cell.mode });
    seen.add(key);
  }
  const counts = SWEEP_OUTCOMES.map((outcome) => ({ outcome, cells: input.cells.filter((c) => c.outcome === outcome).length })).filter((c) => c.cells > 0);
  return {
    title: input.title ?? 'Power cuts at each flash operation',
    modes: [...input.modes],
    operations: [...input.operations].sort((a, b) => a.index - b.index).map((o) => ({ ...o })),
    cells: input.cells.map((c) => ({ ...c })),
    counts,
  };
}
