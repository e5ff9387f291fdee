/**
 * Speed comes from changing what the model costs, never what it gives: the digests below were
 * recorded with the code as it was before the hot path was made cheap (issue 9 §3), and every run
 * must still give them — serial output, every event a listener sees, logs, diagnostics, flash
 * (contents and op stats) and virtual time, byte for byte.
 */
import { createHash } from 'node:crypto';
import type { DeviceEventName, VirtualBoron } from '../../src/index';
import { runForumScenario } from '../../examples/forum-ota/scenario';
import { systemPartOver } from '../../bench/scenarios';

const EVENT_NAMES: DeviceEventName[] = [
  'device:boot',
  'device:reset',
  'device:power',
  'bootloader:apply',
  'ota:bootloader',
  'serial',
  'log',
  'flash:erase',
  'flash:program',
  'dns:lookup',
  'tcp:connect',
  'tcp:send',
  'tcp:data',
  'tcp:close',
  'http:request',
  'http:response',
  'ota:begin',
  'ota:chunk',
  'ota:finish',
  'cloud:disconnect',
  'system:event',
];

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** JSON with the keys of every object sorted, so that only the values and their order count. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** Every event, in order, as `device.on` listeners receive them from power-on. */
function listen(device: VirtualBoron): { events: unknown[]; serial: string[] } {
  const seen = { events: [] as unknown[], serial: [] as string[] };
  for (const name of EVENT_NAMES) {
    device.on(name, (event) => {
      seen.events.push({ name, event });
      if (name === 'serial') seen.serial.push((event as { text: string }).text);
    });
  }
  return seen;
}

function digests(device: VirtualBoron, seen: { events: unknown[]; serial: string[] }): Record<string, string | number> {
  const ota = device.profile.otaRegion;
  const stats = canonical({ internal: device.flash.internal.stats, external: device.flash.external.stats });
  return {
    serialOutput: sha256(device.serial.output),
    serialStream: sha256(seen.serial.join('')),
    events: sha256(canonical(seen.events)),
    eventCount: seen.events.length,
    logs: sha256(canonical(device.logs.map((r) => [r.millis, r.category, r.level, r.message, r.line]))),
    diagnostics: sha256(canonical(device.diagnostics.map((d) => [d.code, d.message, d.atMicros]))),
    flashStats: sha256(stats),
    otaRegion: sha256(device.flash.external.read(ota.start, ota.end - ota.start)),
    internalFlash: sha256(device.flash.internal.read(0, device.flash.internal.size)),
    nowMicros: device.nowMicros,
  };
}

async function forum(fixed: boolean): Promise<Record<string, string | number>> {
  let seen!: ReturnType<typeof listen>;
  const device = await runForumScenario({ fixed, beforePowerOn: (d) => (seen = listen(d)) });
  return digests(device, seen);
}

describe('the hot path changes no output', () => {
  it('the forum scenario as posted', async () => {
    expect(await forum(false)).toEqual({
      serialOutput: '297a50bc60b64197c387df26031d11a6e45f8710e815944177f81ae627bbbffe',
      serialStream: '297a50bc60b64197c387df26031d11a6e45f8710e815944177f81ae627bbbffe',
      events: '5b3d8f152b2fc77c7f1433caad71d66dd1c3a5e72f3a8bca11133f611e5f3a88',
      eventCount: 577,
      logs: 'eadc1b03818fd34bf8dbbdadde277aa55bc426209f0e41541ff395dd5daa00de',
      diagnostics: 'c4b848e61741bceaaa711eccd6d678ef099ab7b18f50376190414046afebcad8',
      flashStats: '77605043fdce02275efbecab235a4adbdba70e31d4ed274012724f1f25a64d9d',
      otaRegion: '5ac1791995821f4e2a2e9de5e0226cf78a015b53433f2d8ea6c9e3f9b6920763',
      internalFlash: '07fde8f654e789e8c25e208a98007d793fdb2ecd2a665298953049bdc039e0ba',
      nowMicros: 36761726,
    });
  });

  it('the forum scenario fixed', async () => {
    expect(await forum(true)).toEqual({
      serialOutput: 'dd6d6dfdb923f548b4182fe8e2ba30b862e75c3bb0392af952414eeb409f6d3e',
      serialStream: 'dd6d6dfdb923f548b4182fe8e2ba30b862e75c3bb0392af952414eeb409f6d3e',
      events: '98212ce40b4b632894f06188260cbcd4f66008a52210eb0d69185fe8320b51da',
      eventCount: 572,
      logs: 'e13987edf87baf9d48cf4d40ebf779c6cc97630d395dfaf0082836b3f188b8fc',
      diagnostics: '2afd0e8e2c60748442d829659f0ef6f96d18b400177730df5b8dba89e5dd1269',
      flashStats: '7727d071a487865d65a3e3d9cc7a9937a5d0094f359d51b834aab2aa51dfa1e1',
      otaRegion: 'e53546ea5b5635bec1be772edff68ccf7c657a0d601a96369bd84d493b32c97c',
      internalFlash: '6d85010778f53793b115e19e96b9e774892751bc968d7caa8d7a6e4054d02626',
      nowMicros: 36908223,
    });
  });

  it('1 MiB over lte-m through the fixed forum routine (the bench run)', async () => {
    let seen!: ReturnType<typeof listen>;
    const device = await systemPartOver('lte-m', undefined, (d) => (seen = listen(d)));
    expect(digests(device, seen)).toEqual({
      serialOutput: '18797fb5d9136f8f560a240414c16383dd8c4e495aa5cd187f3485eaf4281d23',
      serialStream: '67f354d9b5241524bc3ef3d4ede0ed7ee979e243ddc76fa79b175c50c94a04ac',
      events: '13fc69639aa74a2e2fcac176a31f91ac01e27e73f951d55796f27411d76ce427',
      eventCount: 42090,
      logs: 'ad74fef22b63771248bc070b6df8c240c340d269c3a67e8283deafb1572b7a35',
      diagnostics: 'bbd4814ed566679158eb5700c7993e3587e52e799233c89153569b1943c0f962',
      flashStats: '03db79b8135e106a3f14645cdefd2d412e1ff8a9a9b1478a2a7edaaced52bb50',
      otaRegion: '87e14e81e2d09c187d6a2a322c7ea095c0fa554e78555edd5c9a32d69ce4e571',
      internalFlash: 'dc9ae7bac3687335a5c3129b54656961c36abcd2d036611e7669976ea4297ee7',
      nowMicros: 86415226,
    });
  }, 120_000);
});
