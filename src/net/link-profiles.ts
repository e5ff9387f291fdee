import { idealLink, parametricLink, recordedLink, type LinkModel, type RecordedSchedule } from './link';

/**
 * The forum thread's arrival schedule: DNS + handshake ≈ 389 ms, then the 5317-byte response in
 * bursts of 960 (the first holds the 305-byte header), the last two back to back — the 79, 128 ×4,
 * 64, … pattern. Times are from the request reaching the server, fitted to the thread's log
 * (19635, 19679, 19780, 19881 and 20034 ms for each group's first line; forum-reproduction.md §1, §7).
 */
export const FORUM_SCHEDULE: RecordedSchedule = {
  dnsMs: 192,
  connectMs: 197,
  uplinkMs: 97,
  downlink: [
    { atMs: 395.5, bytes: 960 },
    { atMs: 453.3, bytes: 960 },
    { atMs: 554.3, bytes: 960 },
    { atMs: 655.3, bytes: 960 },
    { atMs: 808.3, bytes: 1477 },
  ],
};

/**
 * Named links. Peak rates are the u-blox modems' datasheet figures (Boron LTE: SARA-R410M, LTE-M
 * 375 kbit/s down and up, NB-IoT 27/62 kbit/s; Gen 2 3G: SARA-U201, HSPA); what a device sees is
 * lower, so the profiles use typical figures: an LTE-M round trip of ~180 ms, NB-IoT's seconds-long
 * latency, bursts as the modem's socket reads hand them over.
 */
export const LINK_PROFILES = {
  ideal: idealLink,
  forum: recordedLink(FORUM_SCHEDULE, 'forum'),
  'lte-m': parametricLink({ name: 'lte-m', rttMs: 180, downKbps: 300, upKbps: 150, burstBytes: 1024, jitterMs: 20, lossPercent: 0.5 }),
  'nb-iot': parametricLink({ name: 'nb-iot', rttMs: 2000, downKbps: 25, upKbps: 50, burstBytes: 512, jitterMs: 300, lossPercent: 1 }),
  '3g': parametricLink({ name: '3g', rttMs: 150, downKbps: 1500, upKbps: 400, burstBytes: 1460, jitterMs: 30, lossPercent: 0.2 }),
} satisfies Record<string, LinkModel>;

export type LinkProfileName = keyof typeof LINK_PROFILES;
