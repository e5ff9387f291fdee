/**
 * The report's data model for the forum thread's routine, as posted and as fixed: the whole model,
 * exactly, against a JSON file kept in the repository (tests/fixtures/report/). A deliberate change
 * to the model means editing that file by hand, and the diff shows what a report now says.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_TRACE_EVENTS, reportData, writeReport, type VirtualBoron } from '../../src/index';
import { runForumScenario } from '../../examples/forum-ota/scenario';
import { forumStory } from '../../examples/power-cuts/scenarios';
import { sweepForReport, sweepPowerCuts } from '../../src/harness';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, `../fixtures/report/${name}.json`), 'utf8'));
/** The model as a file holds it: JSON, no undefined fields. */
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('the report of the forum routine as posted', () => {
  let device: VirtualBoron;
  beforeAll(async () => {
    device = await runForumScenario({ fixed: false, trace: 'all' });
  }, 120_000);

  it('is exactly the model in tests/fixtures/report/forum-posted.json', () => {
    expect(asJson(reportData(device))).toStrictEqual(fixture('forum-posted'));
  });

  it('shows the 42 Saves landing at 0x2A06A8, over old data, instead of at 0x289000', () => {
    const external = reportData(device).chips.find((c) => c.chip === 'external')!;
    expect(external.activity).toStrictEqual([
      {
        kind: 'program',
        chip: 'external',
        start: 0x2a06a8,
        end: 0x2a06a8 + 5012,
        operations: 42,
        firstMicros: 19_635_551,
        lastMicros: 20_049_201,
        regions: ['ota'],
        update: 0,
        meant: { start: 0x289000, end: 0x289000 + 5012, what: "the image's place (the OTA region's start + file_length 5,012)" },
        outsideBytes: 5012,
        overDataBytes: 4989,
        mismatchedBytes: 4503,
      },
    ]);
  });

  it('writes one HTML file that carries the same model and loads nothing from outside', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vb-report-')), 'report.html');
    const written = writeReport(device, path);
    const html = readFileSync(path, 'utf8');
    const embedded = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)![1];
    expect(JSON.parse(embedded)).toStrictEqual(asJson(written));
    expect(asJson(written)).toStrictEqual(fixture('forum-posted'));
    // No attribute or style that could fetch anything: no src, no href, no url() but an SVG pattern's #id, no @import.
    expect(html.match(/\s(?:src|href|xlink:href)=/g)).toBeNull();
    expect(html.match(/url\((?!#)/g)).toBeNull();
    expect(html).not.toContain('@import');
  });
});

describe('the report of the forum routine as fixed', () => {
  it('is exactly the model in tests/fixtures/report/forum-fixed.json', async () => {
    const device = await runForumScenario({ fixed: true, trace: 'all' });
    expect(asJson(reportData(device))).toStrictEqual(fixture('forum-fixed'));
  }, 120_000);
});

describe('what the report reads', () => {
  it('names the trace events it needs, and the model says them too', () => {
    expect(REPORT_TRACE_EVENTS).toEqual([
      'device:power',
      'device:boot',
      'device:reset',
      'bootloader:apply',
      'ota:bootloader',
      'ota:begin',
      'ota:chunk',
      'ota:finish',
      'flash:erase',
      'flash:program',
      'tcp:connect',
      'tcp:data',
      'tcp:close',
      'http:request',
      'http:response',
      'log',
    ]);
    expect((fixture('forum-fixed') as { traceEvents: string[] }).traceEvents).toEqual([...REPORT_TRACE_EVENTS]);
  });
});

describe('a report from a trace that leaves events out', () => {
  it('is refused, naming what is missing and the option that keeps it', async () => {
    const device = await runForumScenario({ fixed: false });
    expect(() => reportData(device)).toThrow(
      expect.objectContaining({
        code: 'REPORT_NEEDS_TRACE',
        message: "Failed to make the report: the device's trace level leaves out ota:chunk, flash:program, log events, which the report draws. Create the device with trace: 'all' (new VirtualBoron({ …, trace: 'all' })).",
      }),
    );
  });
});

describe("a harness sweep in the report's grid", () => {
  it('has a column per operation the sweep cut, a cell per cut with its outcome and recipe', async () => {
    const story = forumStory({ deviceOs: '1.4.4', size: 4096 });
    const sweep = await sweepPowerCuts(story, { modes: ['after'], only: (op) => op.window === 'slot-copy' });
    const device = await runForumScenario({ fixed: true, trace: 'all' });
    const grid = reportData(device, { sweep: sweepForReport(sweep) }).sweep!;
    expect(grid.title).toBe(`Power cuts in "${story.name}" (Device OS 1.4.4)`);
    expect(grid.operations.length).toBe(sweep.operations.length);
    expect(grid.cells.length).toBe(sweep.cuts.length);
    const first = sweep.cuts[0];
    expect(grid.cells[0]).toEqual({
      operation: first.op,
      mode: 'after',
      outcome: first.outcome,
      detail: `${first.app ? `runs ${first.app}; ` : ''}diagnostics: ${first.diagnostics.join(', ')}`,
      replay: `replayPowerCut(scenario, ${JSON.stringify(first.recipe)})`,
    });
    expect(grid.counts.map((c) => c.outcome)).toContain('safe-mode');
  });
});
