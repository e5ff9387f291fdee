/**
 * A hand-built power-cut sweep for the report's grid. Its columns are the flash operations of the
 * fixed forum run: the external chip's from the run's trace (Prepare's erase, the Saves' programs),
 * then the bootloader's copy of the 5,012-byte user part, written out by hand (two 4 KB page erases
 * at 0xD4000, then 256-byte programs). Its outcomes are what a cut there leaves on a 1.2.1 Boron:
 * during the download the old app boots again; during the copy, safe mode (1.x frees the DCT slot
 * before copying, so the copy is not retried); after the copy's last program, the new app.
 * Not a sweep's output: the shape one maps to.
 */
import type { SweepCell, SweepOperation, SweepOutcome, SweepReportInput, TraceEntry } from '../../src/index';

export const SAMPLE_MODES = ['before', 'after'] as const;

const hex = (n: number): string => `0x${n.toString(16).toUpperCase()}`;

/** The bootloader's operations for copying `length` bytes to `destination` (4 KB page erases, then 256-byte programs). */
function copyOperations(destination: number, length: number): Omit<SweepOperation, 'index'>[] {
  const erases = Array.from({ length: Math.ceil(length / 0x1000) }, (_, page) => ({ kind: 'erase' as const, chip: 'internal' as const, address: destination + page * 0x1000, length: 0x1000 }));
  const programs = Array.from({ length: Math.ceil(length / 256) }, (_, block) => ({ kind: 'program' as const, chip: 'internal' as const, address: destination + block * 256, length: Math.min(256, length - block * 256) }));
  return [...erases, ...programs].map((op) => ({ ...op, during: 'bootloader copy' }));
}

/** The sample's input for the fixed forum run's trace: one column per operation, one row per cut mode. */
export function sampleSweep(trace: readonly TraceEntry[]): SweepReportInput {
  const external = trace.flatMap((e): Omit<SweepOperation, 'index'>[] =>
    e.type === 'flash:erase' || e.type === 'flash:program'
      ? [{ kind: e.type === 'flash:erase' ? 'erase' : 'program', chip: 'external', address: e.address, length: e.length, atMicros: e.atMicros, during: e.type === 'flash:erase' ? 'Prepare' : 'Save' }]
      : [],
  );
  const copy = trace.find((e) => e.type === 'bootloader:apply');
  const internal = copy?.type === 'bootloader:apply' ? copyOperations(copy.destination, copy.length) : [];
  const operations: SweepOperation[] = [...external, ...internal].map((op, index) => ({ index, ...op }));
  const lastCopy = operations.length - 1;
  const cells: SweepCell[] = operations.flatMap((op) =>
    SAMPLE_MODES.map((mode) => {
      const outcome: SweepOutcome = op.chip === 'external' ? 'old-app' : op.index === lastCopy && mode === 'after' ? 'new-app' : 'safe-mode';
      const detail = {
        'old-app': 'the update never reached Finish, so the old app boots',
        'new-app': 'the copy was complete, so the new app boots',
        'safe-mode': '1.x freed the slot before copying, so the half-copied user part fails its CRC at every boot',
      }[outcome as 'old-app' | 'new-app' | 'safe-mode'];
      const replay = `runForumScenario({ fixed: true }), the power cut ${mode} operation ${op.index}: ${op.kind} ${op.length} bytes at ${hex(op.address)} (${op.chip})`;
      return { operation: op.index, mode, outcome, detail, replay };
    }),
  );
  return { title: 'Power cuts at each flash operation (a hand-built sample)', modes: SAMPLE_MODES, operations, cells };
}
