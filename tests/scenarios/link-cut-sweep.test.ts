/**
 * The link-cut harness: the connection cut at TCP read boundaries — the server closing (FIN) or
 * resetting (RST) after byte k, or the modem dropping the socket just after it (src/net/faults.ts) —
 * and what the device ends in. The robust routine always ends with the old app or the new one and
 * never boots a corrupted update; the fixed forum routine resets into the old app when its download
 * breaks before the last byte, and installs the update when asked again.
 */
import { linkFault, sweepLinkCuts, type LinkCutPoint } from '../../src/harness';
import { forumStory, robustAppStory } from '../../examples/power-cuts/scenarios';
import { VirtualBoron, type DeviceOsVersion } from '../../src/index';

jest.setTimeout(300_000);

/** Each connection's start and every third read boundary after it: a sample that still reaches every connection. */
const sample = (p: LinkCutPoint) => p.afterBytes === 0 || p.index % 3 === 0;

describe.each(['1.4.4', '6.2.0'] as DeviceOsVersion[])('link cuts on %s', (deviceOs) => {
  it('the robust routine: zero corrupt boots; it resumes or retries, and ends with the new app', async () => {
    const sweep = await sweepLinkCuts(robustAppStory({ deviceOs, size: 4096 }), { only: sample, retry: true });
    // The manifest's connection and the image's.
    expect([...new Set(sweep.points.map((p) => p.connection))]).toEqual([0, 1]);
    expect(sweep.cuts.length).toBeGreaterThanOrEqual(30);
    expect(sweep.corruptBoots).toBe(0);
    expect(sweep.cuts.filter((c) => c.corruptBoots > 0)).toEqual([]);
    expect(new Set(sweep.cuts.map((c) => c.outcome))).toEqual(new Set(['new-app']));
  });

  it('the forum routine (fixed): a broken download resets into the old app, never a corrupt boot, and the update installs when asked again', async () => {
    const sweep = await sweepLinkCuts(forumStory({ deviceOs, size: 4096 }), { only: sample, retry: true });
    expect(sweep.corruptBoots).toBe(0);
    // A cut after the response's last byte breaks nothing: the whole image was read, so it installs.
    const last = sweep.points.at(-1)!.index;
    expect(new Set(sweep.cuts.filter((c) => c.point !== last).map((c) => c.outcome))).toEqual(new Set(['old-app']));
    expect(sweep.cuts.filter((c) => c.point === last).map((c) => `${c.kind} ${c.outcome}`)).toEqual(['fin new-app', 'rst new-app', 'drop new-app']);
    expect(sweep.cuts.filter((c) => c.retry !== 'new-app' && c.outcome !== 'new-app')).toEqual([]);
  });
});

describe('what a link-cut sweep reports', () => {
  it('the read boundaries of the clean run, a table, and a fault to make any cut again', async () => {
    const story = robustAppStory({ deviceOs: '1.4.4', size: 2048 });
    const sweep = await sweepLinkCuts(story, { kinds: ['rst'], only: (p) => p.connection === 1 && p.afterBytes > 0 && p.index % 4 === 0 });
    // Each boundary is at most TCPClient's 128-byte buffer after the one before, on its connection.
    for (const [a, b] of sweep.points.slice(0, -1).map((p, i) => [p, sweep.points[i + 1]])) if (a.connection === b.connection) expect(b.afterBytes - a.afterBytes).toBeLessThanOrEqual(128);
    expect(sweep.table.split('\n').slice(0, 2)).toEqual([
      `Link cuts in "${story.name}" (Device OS 1.4.4): ${sweep.points.length} TCP read boundaries, ${sweep.cuts.length} cuts; 0 corrupt boots.`,
      'The old app is "robust app v1", the new one "robust app v2".',
    ]);
    const first = sweep.points[sweep.cuts[0].point];
    expect(sweep.cuts[0].recipe.fault).toEqual({ kind: 'server-close', afterBytes: first.afterBytes, connection: 1, reset: true });
    expect(linkFault(first, 'drop')).toEqual({ kind: 'socket-dropped', atMs: (first.atMicros + 1) / 1000, connection: 1 });
    // The recipe's fault on the scenario's device is that cut again.
    const device = new VirtualBoron({ ...story.device, faults: [sweep.cuts[0].recipe.fault] }).powerOn();
    await story.start(device);
    await device.runUntil('app v2 running', { timeoutMs: 30 * 60_000 });
    expect(device.trace.filter((e) => e.type === 'tcp:close' && e.connection === 1).map((e) => e.type === 'tcp:close' && e.by)).toEqual(['remote', 'device']);
  });
});
