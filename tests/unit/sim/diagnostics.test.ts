import { Diagnostics } from '../../../src/sim/diagnostics';

describe('Diagnostics', () => {
  let now: number;
  let diagnostics: Diagnostics;

  beforeEach(() => {
    now = 0;
    diagnostics = new Diagnostics(() => now);
  });

  it('records unkeyed reports in order, stamped with the time of the report', () => {
    now = 10;
    diagnostics.report('A', 'first');
    now = 20;
    diagnostics.report('B', 'second');
    diagnostics.report('B', 'second');
    expect(diagnostics.entries).toEqual([
      { code: 'A', message: 'first', atMicros: 10 },
      { code: 'B', message: 'second', atMicros: 20 },
      { code: 'B', message: 'second', atMicros: 20 },
    ]);
  });

  it('replaces a keyed report in place: same position, first timestamp, latest message', () => {
    now = 100;
    diagnostics.report('OTA_CHUNK', 'programmed 1 chunk', 'chunks');
    now = 150;
    diagnostics.report('OTHER', 'something else');
    now = 200;
    diagnostics.report('OTA_CHUNK', 'programmed 2 chunks', 'chunks');
    diagnostics.report('OTA_CHUNK', 'programmed 3 chunks', 'chunks');
    expect(diagnostics.entries).toEqual([
      { code: 'OTA_CHUNK', message: 'programmed 3 chunks', atMicros: 100 },
      { code: 'OTHER', message: 'something else', atMicros: 150 },
    ]);
  });

  it('keeps reports with different keys apart', () => {
    diagnostics.report('X', 'one', 'k1');
    diagnostics.report('X', 'two', 'k2');
    expect(diagnostics.entries.map((e) => e.message)).toEqual(['one', 'two']);
  });

  it('closeChapter stops later reports merging with earlier keyed entries', () => {
    diagnostics.report('OTA_CHUNK', 'before reset', 'chunks');
    diagnostics.closeChapter();
    now = 5;
    diagnostics.report('OTA_CHUNK', 'after reset', 'chunks');
    diagnostics.report('OTA_CHUNK', 'after reset, again', 'chunks');
    expect(diagnostics.entries).toEqual([
      { code: 'OTA_CHUNK', message: 'before reset', atMicros: 0 },
      { code: 'OTA_CHUNK', message: 'after reset, again', atMicros: 5 },
    ]);
  });
});
