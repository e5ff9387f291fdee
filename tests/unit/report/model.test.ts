/** The report's model from hand-made traces: regions per profile, merged writes, the image's place, the flags, the sweep grid. */
import { buildReport, chipRegions, validationChecks } from '../../../src/report/model';
import { renderReport } from '../../../src/report/render';
import type { ReportTraceEntry, RunRecord } from '../../../src/report/run-record';
import { sweepGrid, type SweepReportInput } from '../../../src/report/sweep';
import { PROFILES } from '../../../src/ota/profiles';
import { thrown } from '../../thrown';

const run = (trace: ReportTraceEntry[], deviceOs: keyof typeof PROFILES = '1.4.4'): RunRecord => ({ trace, diagnostics: [], profile: PROFILES[deviceOs], state: 'running', app: 'app', nowMicros: 10_000_000 });
const boot = (atMicros: number, systemVersion = 1406): ReportTraceEntry => ({ type: 'device:boot', atMicros, app: 'app', systemVersion, safeMode: false });
const begin = (atMicros: number, fileAddress: number, fileLength: number, erased = true): ReportTraceEntry => ({ type: 'ota:begin', atMicros, fileAddress, fileLength, erased });
const program = (atMicros: number, address: number, length: number, overData = 0): ReportTraceEntry => ({ type: 'flash:program', atMicros, chip: 'external', address, length, overData, mismatched: overData });

describe('regions', () => {
  it('are the profile\'s module bounds, the MBR and the SoftDevice inside, and the OTA region outside', () => {
    const names = (v: keyof typeof PROFILES) => {
      const r = chipRegions(PROFILES[v]);
      return { internal: r.internal.map((x) => `${x.name} ${x.start.toString(16)}-${x.end.toString(16)}`), external: r.external.map((x) => `${x.name} ${x.start.toString(16)}-${x.end.toString(16)}`) };
    };
    expect(names('1.2.1')).toEqual({
      internal: ['mbr 0-1000', 'radio-stack 1000-30000', 'system-part1 30000-d4000', 'user-part d4000-f4000', 'bootloader f4000-100000'],
      external: ['filesystem 0-200000', 'factory-app 200000-220000', 'ota 289000-400000'],
    });
    expect(names('3.3.1').internal).toEqual(['mbr 0-1000', 'radio-stack 1000-30000', 'system-part1 30000-b4000', 'user-part b4000-f4000', 'user-part-compat d4000-f4000', 'bootloader f4000-100000']);
    expect(names('6.2.0').external).toEqual(['filesystem 0-200000', 'factory-app 200000-220000', 'ota 24c000-3c3000', 'asset-store 2e0000-400000']);
  });
});

describe('flash activity', () => {
  it('merges contiguous programs, starts again after a gap, and counts bytes outside the image\'s place', () => {
    const data = buildReport(run([boot(0), begin(10, 0x289000, 0x300), program(20, 0x289000, 0x100), program(30, 0x289100, 0x100), program(40, 0x28a000, 0x80, 0x80)]));
    const [first, second] = data.chips[1].activity;
    expect([first.start, first.end, first.operations, first.outsideBytes, first.firstMicros, first.lastMicros]).toEqual([0x289000, 0x289200, 2, 0, 20, 30]);
    expect([second.start, second.end, second.operations, second.outsideBytes, second.overDataBytes]).toEqual([0x28a000, 0x28a080, 1, 0x80, 0x80]);
    expect(data.updates[0]).toMatchObject({ meant: { start: 0x289000, end: 0x289300 }, landed: [{ start: 0x289000, end: 0x289200 }, { start: 0x28a000, end: 0x28a080 }], outsideBytes: 0x80, overDataBytes: 0x80 });
  });

  it('splits a program that runs off the end of the chip, as the address wraps', () => {
    const data = buildReport(run([boot(0), begin(10, 0x289000, 0x100), program(20, 0x3fff80, 0x100)]));
    expect(data.chips[1].activity.map((a) => [a.start, a.end])).toEqual([
      [0x3fff80, 0x400000],
      [0, 0x80],
    ]);
  });

  it('keeps inside and outside apart when a run of Saves crosses the end of the image\'s place', () => {
    const data = buildReport(run([boot(0), begin(10, 0x289000, 0x100), program(20, 0x289000, 0x100), program(30, 0x289100, 0x100)]));
    expect(data.chips[1].activity.map((a) => [a.start, a.end, a.outsideBytes])).toEqual([
      [0x289000, 0x289100, 0],
      [0x289100, 0x289200, 0x100],
    ]);
  });

  it('places the image at the OTA region of the system part that is running (0x24C000 on 6.2.0)', () => {
    const data = buildReport(run([boot(0, 6200), begin(10, 0x24c000, 0x1000)], '1.4.4'));
    expect(data.updates[0].meant).toEqual({ start: 0x24c000, end: 0x24d000 });
  });

  it('shows a copy the power cut as the bytes copied out of the bytes erased', () => {
    const data = buildReport(run([{ type: 'bootloader:apply', atMicros: 5, slot: 1, destination: 0xd4000, length: 8192, applied: false, cut: { copied: 4096, total: 8192 } }]));
    expect(data.chips[0].activity).toEqual([
      expect.objectContaining({ kind: 'copy', start: 0xd4000, end: 0xd6000, copiedBytes: 4096, note: 'the bootloader was copying DCT slot 1 when the power was cut after 4,096 of 8,192 bytes' }),
    ]);
    expect(data.timeline.events[0]).toEqual({ atMicros: 5, kind: 'bootloader', label: 'bootloader: power cut copying DCT slot 1 to 0xD4000, 8,192 bytes (after 4,096)', ok: false });
  });
});

describe('validation flags', () => {
  it('decode checked and passed one by one', () => {
    expect(validationChecks(0x5e, 0x5c, true).map((c) => `${c.name} ${c.status}`)).toEqual([
      'INTEGRITY failed',
      'DEPENDENCIES passed',
      'RANGE passed',
      'PLATFORM passed',
      'PRODUCT not checked',
      'DEPENDENCIES_FULL passed',
    ]);
  });

  it('say which checks were never reached when no module was in range', () => {
    expect(validationChecks(0x5e, 0, false).map((c) => `${c.name} ${c.status}`)).toEqual([
      'INTEGRITY not reached',
      'DEPENDENCIES not reached',
      'RANGE failed',
      'PLATFORM not reached',
      'PRODUCT not checked',
      'DEPENDENCIES_FULL not reached',
    ]);
  });
});

describe('the sweep grid', () => {
  const input: SweepReportInput = {
    modes: ['before', 'after'],
    operations: [
      { index: 1, kind: 'program', chip: 'internal', address: 0xf4100, length: 256, during: 'bootloader in place' },
      { index: 0, kind: 'erase', chip: 'internal', address: 0xf4000, length: 4096, during: 'bootloader in place' },
    ],
    cells: [
      { operation: 0, mode: 'before', outcome: 'old-app' },
      { operation: 0, mode: 'after', outcome: 'bricked', detail: 'the bootloader is erased', replay: 'cut after op 0' },
      { operation: 1, mode: 'before', outcome: 'bricked' },
    ],
  };

  it('orders the operations, counts the outcomes, and keeps what it was given', () => {
    const grid = sweepGrid(input);
    expect(grid.title).toBe('Power cuts at each flash operation');
    expect(grid.operations.map((o) => o.index)).toEqual([0, 1]);
    expect(grid.counts).toEqual([
      { outcome: 'old-app', cells: 1 },
      { outcome: 'bricked', cells: 2 },
    ]);
  });

  it('refuses cells that name what is not there', () => {
    expect(thrown(() => sweepGrid({ ...input, cells: [{ operation: 7, mode: 'before', outcome: 'hang' }] }))).toMatchObject({
      code: 'REPORT_SWEEP',
      message: 'Failed to show the sweep: a cell names operation 7, which is not among the 2 operations. List every operation a cell names.',
    });
    expect(thrown(() => sweepGrid({ ...input, cells: [{ operation: 0, mode: 'torn', outcome: 'hang' }] }))).toMatchObject({
      code: 'REPORT_SWEEP',
      message: 'Failed to show the sweep: a cell names the mode "torn", which is not among the modes (before, after). List every mode a cell names.',
    });
    expect(thrown(() => sweepGrid({ ...input, cells: [{ operation: 0, mode: 'before', outcome: 'melted' as 'hang' }] }))).toMatchObject({
      code: 'REPORT_SWEEP',
      message: 'Failed to show the sweep: a cell has the outcome "melted", which is not one of new-app, old-app, other-app, safe-mode, dfu, bricked, crash, hang.',
    });
    expect(thrown(() => sweepGrid({ ...input, cells: [input.cells[0], input.cells[0]] }))).toMatchObject({
      code: 'REPORT_SWEEP',
      message: 'Failed to show the sweep: operation 0 has two cells for the mode "before". Give one outcome per operation and mode.',
    });
  });

  it('is drawn: a cell per operation and mode, not-tried ones grey, the bricked ones listed with their replay, neighbours together', () => {
    const html = renderReport(buildReport(run([]), { sweep: input }));
    expect(html.match(/<g class="cell" /g)).toHaveLength(3);
    expect(html).toContain('<title>operation 1: program 256 bytes at 0xF4100 (internal) during bootloader in place, cut after: not tried</title>');
    expect(html).toContain(
      '<tr><td class="num">0</td><td>erase 4,096 B at 0xF4000 (bootloader in place)</td><td>after</td><td><span class="outcome" style="background:#111827">bricked</span></td><td>the bootloader is erased<pre class="replay">cut after op 0</pre></td></tr>',
    );
    // Neighbours that ended the same way for the same reason share a row.
    const same = renderReport(buildReport(run([]), { sweep: { ...input, cells: [input.cells[0], { ...input.cells[1], detail: undefined, replay: undefined }, input.cells[2]] } }));
    expect(same).toContain('<tr><td class="num">0–1</td><td>2 operations, 0xF4000 to 0xF4200 (bootloader in place)</td><td>before, after</td>');
  });
});

describe('the page', () => {
  it('keeps text as text: a log line with markup cannot end the embedded model', () => {
    const html = renderReport(buildReport(run([{ type: 'log', atMicros: 1, category: 'app', level: 'INFO', message: '</script><b>', line: '0000000001 [app] INFO: </script><b>' }])));
    expect(html).toContain('<pre>0000000001 [app] INFO: &#60;/script&#62;&#60;b&#62;</pre>');
    expect(html).toContain('"line":"0000000001 [app] INFO: \\u003c/script>\\u003cb>"');
    expect(html.match(/<\/script>/g)).toHaveLength(2);
  });
});
