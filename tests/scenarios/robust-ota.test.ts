/**
 * The robust routine (examples/robust-ota) against every fault and server pathology: it ends with
 * the new firmware or the old one intact, never a corrupted boot — and the forum routine, run
 * against the same trouble, shows what goes wrong.
 */
import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { buildModule, firmwareRoute, parametricLink, VirtualBoron, type FirmwareRouteOptions, type LinkModel, type LinkProfileName, type NetworkFault } from '../../src/index';
import { appV2, FIRMWARE_HOST, MANIFEST_PATH, robustApp } from '../../examples/robust-ota/sketches';
import { otaTestSketch } from '../../examples/forum-ota/sketches';
import { runUntilRebooted } from '../helpers';

const IMAGE = buildModule({ sketch: appV2, size: 60_000, deviceOs: '1.4.4' });
const IMAGE_PATH = '/firmware/app.bin';
const url = (path: string) => `http://${FIRMWARE_HOST}${path}`;
const manifest = (image: Uint8Array) => http.get(url(MANIFEST_PATH), () => HttpResponse.json({ path: IMAGE_PATH, size: image.length, sha256: createHash('sha256').update(image).digest('hex') }));

interface Case {
  name: string;
  expect: 'updated' | 'kept';
  link?: LinkProfileName | LinkModel;
  /** The download must have been cut and then resumed from a byte past 0 (a Range request). */
  resumes?: boolean;
  faults?: NetworkFault[];
  routes?: FirmwareRouteOptions[];
  image?: Uint8Array;
}

/** Connection 0 fetches the manifest; connection 1 is the first image request. */
const CASES: Case[] = [
  { name: 'a clean download', expect: 'updated' },
  { name: 'DNS failing once', expect: 'updated', faults: [{ kind: 'dns-failure', connection: 0 }] },
  { name: 'a refused connection', expect: 'updated', faults: [{ kind: 'connection-refused', connection: 1 }] },
  { name: 'a connect timeout', expect: 'updated', faults: [{ kind: 'connect-timeout', afterMs: 20_000, connection: 1 }] },
  { name: 'the server closing mid-image (FIN)', expect: 'updated', resumes: true, faults: [{ kind: 'server-close', afterBytes: 20_000, connection: 1 }] },
  { name: 'the server resetting mid-image (RST)', expect: 'updated', resumes: true, faults: [{ kind: 'server-close', afterBytes: 20_000, reset: true, connection: 1 }] },
  { name: 'a 60 s stall mid-image', expect: 'updated', faults: [{ kind: 'stall', afterBytes: 10_000, forMs: 60_000, connection: 1 }] },
  { name: 'slow headers (a 10 s stall inside them)', expect: 'updated', faults: [{ kind: 'stall', afterBytes: 40, forMs: 10_000, connection: 1 }] },
  { name: 'the modem dropping the socket mid-image', expect: 'updated', resumes: true, faults: [{ kind: 'socket-dropped', atMs: 13_200, connection: 1 }] },
  { name: 'the link going down for 20 s mid-image', expect: 'updated', faults: [{ kind: 'link-down', fromMs: 12_900, toMs: 32_900 }] },
  { name: 'a server that ignores Range, after a drop', expect: 'updated', resumes: true, routes: [{ range: 'ignore' }], faults: [{ kind: 'server-close', afterBytes: 20_000, connection: 1 }] },
  { name: 'no Content-Length', expect: 'updated', routes: [{ contentLength: 'missing' }] },
  { name: 'a Content-Length that lies', expect: 'updated', routes: [{ contentLength: 70_000 }] },
  { name: 'chunked transfer encoding', expect: 'updated', routes: [{ chunked: true }] },
  { name: 'a redirect to another host', expect: 'updated', routes: [{ redirectTo: 'http://mirror.example:8080/app.bin', once: true }] },
  { name: 'an HTTP/1.1 keep-alive server', expect: 'updated', routes: [{ keepAlive: true }] },
  { name: 'an nb-iot link', expect: 'updated', link: 'nb-iot' },
  { name: '503 with Retry-After, once', expect: 'updated', routes: [{ status: 503, retryAfter: 30, once: true }] },
  { name: 'a 404', expect: 'kept', routes: [{ status: 404 }] },
  { name: 'a persistent 500', expect: 'kept', routes: [{ status: 500 }] },
  { name: 'an image that does not match the manifest', expect: 'kept', image: IMAGE.map((b, i) => (i === 30_000 ? b ^ 0xff : b)) },
  { name: 'a server that cuts every connection', expect: 'kept', faults: [{ kind: 'server-close', afterBytes: 3000 }] },
  { name: 'a link too slow for the 15-minute limit', expect: 'kept', link: parametricLink({ rttMs: 600, downKbps: 0.3, upKbps: 1, burstBytes: 128 }) },
];

function device(c: Case): VirtualBoron {
  const served = c.image ?? IMAGE;
  const routes = (c.routes ?? []).map((r) => firmwareRoute(url(IMAGE_PATH), served, r));
  return new VirtualBoron({
    deviceOs: '1.4.4',
    app: robustApp,
    link: c.link ?? 'lte-m',
    faults: c.faults,
    server: [manifest(IMAGE), ...routes, firmwareRoute(url(IMAGE_PATH), served), firmwareRoute('http://mirror.example:8080/app.bin', served)],
  });
}

describe('the robust routine', () => {
  it.each(CASES)('against $name: $expect', async (c) => {
    const d = device(c).powerOn();
    await d.runUntil('press u to update');
    await d.runFor(11_000 - d.millis);
    d.serial.type('u');
    await d.runUntil(/app v2 running|OTA outcome: kept-old-firmware/, { timeoutMs: 30 * 60_000 });
    // Never a corrupted boot: the app that runs is v1 or v2, from a user part whose CRC holds.
    expect(d.state).toBe('running');
    expect(d.modules().find((m) => m.region === 'user-part')).toMatchObject({ crcOk: true });
    expect(d.appName).toBe(c.expect === 'updated' ? 'robust app v2' : 'robust app v1');
    // Finish(SUCCESS) only ever saw a whole, valid image.
    expect(d.logs.filter((r) => r.category === 'hal').map((r) => r.message)).toEqual(c.expect === 'updated' ? ['module fetched 1, checks=5e, result=5e'] : []);
    if (c.resumes) {
      const cut = d.logs.map((r) => /^OTA: connection ended at byte (\d+) of/.exec(r.message)).find(Boolean);
      expect(Number(cut?.[1])).toBeGreaterThan(0);
      expect(d.trace.filter((e) => e.type === 'http:request' && e.url.endsWith('/app.bin')).length).toBeGreaterThanOrEqual(2);
    }
  }, 30_000);
});

describe('the forum routine against the same trouble', () => {
  const image = buildModule({ sketch: appV2, size: 20_000, deviceOs: '1.4.4', fillSeed: 'forum vs faults' });
  const cases: [string, { faults?: NetworkFault[]; route?: FirmwareRouteOptions }, string][] = [
    ['the server closing mid-image', { faults: [{ kind: 'server-close', afterBytes: 8000 }] }, 'Connection Error!'],
    ['a 150 s stall', { faults: [{ kind: 'stall', afterBytes: 8000, forMs: 150_000 }] }, 'Timeout!'],
    ['chunked transfer encoding (no Content-Length, so no Prepare, so a garbage descriptor)', { route: { chunked: true } }, 'Save chunk failed with result -1'],
    ['no Content-Length', { route: { contentLength: 'missing' } }, 'Save chunk failed with result -1'],
    ['503 with Retry-After', { route: { status: 503, retryAfter: 30 } }, 'Invalid Response Code 503!'],
    ['a redirect', { route: { redirectTo: 'http://mydomain.com/elsewhere.bin' } }, 'Invalid Response Code 302!'],
  ];
  it.each(cases)('against %s: gives up with "%s" and reboots into the old app', async (_name, c, lastWords) => {
    const d = new VirtualBoron({
      deviceOs: '1.4.4',
      seed: 3,
      app: otaTestSketch({ initialiseChunkAddress: true }),
      link: 'lte-m',
      faults: c.faults,
      server: [firmwareRoute('http://mydomain.com/firmware/simple.bin', image, c.route ?? {})],
    }).powerOn();
    await d.runUntil('Press o for OTA.');
    d.serial.type('o');
    await runUntilRebooted(d, 600_000);
    const said = d.logs.filter((r) => r.category === 'app').map((r) => r.message);
    expect(said.at(-1)).toBe(lastWords);
    expect(d.appName).toBe('ota-test (fixed)');
  });
});
