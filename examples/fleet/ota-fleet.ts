/**
 * A fleet module: every device runs the robust routine (examples/robust-ota) and updates itself to
 * app v2 over lte-m, from msw handlers or, given a `target`, from a real server that serves
 * `firmwareFiles()`. `runFleet({ module: require.resolve('./ota-fleet') })` loads it in each worker
 * thread; `npm run bench:fleet` and tests/scenarios/fleet.test.ts run it.
 *
 * `params` (all optional): `imageBytes` (default 128 KiB); `link` (default 'lte-m'); every `dropEvery`-th device has its
 * firmware download cut after 20,000 bytes (it resumes with Range); every `noDnsEvery`-th device
 * cannot resolve the server's name (it keeps its old firmware).
 */
import { createHash } from 'node:crypto';
import { http, HttpResponse, type RequestHandler } from 'msw';
import { buildModule, firmwareRoute, type LinkProfileName, type NetworkFault, type VirtualBoronOptions } from '../../src/index';
import { defineFleet } from '../../src/fleet';
import { appV2, FIRMWARE_HOST, MANIFEST_PATH, robustApp } from '../robust-ota/sketches';

export interface OtaFleetParams {
  imageBytes?: number;
  link?: LinkProfileName;
  dropEvery?: number;
  noDnsEvery?: number;
}

export const IMAGE_PATH = '/firmware/app.bin';
const DEFAULT_IMAGE_BYTES = 128 * 1024;
const files = new Map<number, Record<string, Uint8Array>>();

/** The files the fleet's server serves, by path: the manifest and app v2's image of `imageBytes`. */
export function firmwareFiles(imageBytes = DEFAULT_IMAGE_BYTES): Record<string, Uint8Array> {
  let made = files.get(imageBytes);
  if (!made) {
    const image = buildModule({ sketch: appV2, size: imageBytes, deviceOs: '1.4.4', fillSeed: 'fleet' });
    const manifest = JSON.stringify({ path: IMAGE_PATH, size: image.length, sha256: createHash('sha256').update(image).digest('hex') });
    made = { [MANIFEST_PATH]: new TextEncoder().encode(manifest), [IMAGE_PATH]: image };
    files.set(imageBytes, made);
  }
  // A copy of the table (the caller may change it); the bytes are shared, as the server only reads them.
  return { ...made };
}

/** The server's two routes for an image size, made once per worker: they only read the files, so its devices share them. */
const routes = new Map<number, RequestHandler[]>();

function serverRoutes(imageBytes = DEFAULT_IMAGE_BYTES): RequestHandler[] {
  let made = routes.get(imageBytes);
  if (!made) {
    const files = firmwareFiles(imageBytes);
    const base = `http://${FIRMWARE_HOST}`;
    made = [http.get(`${base}${MANIFEST_PATH}`, () => new HttpResponse(files[MANIFEST_PATH], { headers: { 'Content-Type': 'application/json' } })), firmwareRoute(`${base}${IMAGE_PATH}`, files[IMAGE_PATH])];
    routes.set(imageBytes, made);
  }
  return made;
}

const every = (n: number | undefined, index: number): boolean => n !== undefined && index % n === n - 1;

export const { device, drive } = defineFleet({
  device(index, { target, params }): VirtualBoronOptions {
    const p = (params ?? {}) as OtaFleetParams;
    const faults: NetworkFault[] = [];
    if (every(p.dropEvery, index)) faults.push({ kind: 'server-close', afterBytes: 20_000, connection: 1 });
    if (every(p.noDnsEvery, index)) faults.push({ kind: 'dns-failure' });
    return {
      deviceOs: '1.4.4',
      app: robustApp,
      link: p.link ?? 'lte-m',
      faults,
      server: [...serverRoutes(p.imageBytes)],
      ...(target ? { realServers: { [FIRMWARE_HOST]: target } } : {}),
    };
  },
  async drive(device) {
    await device.runUntil('press u to update');
    device.serial.type('u');
    await device.runUntil(/app v2 running|OTA outcome: kept-old-firmware/, { timeoutMs: 3_600_000 });
    return device.appName === 'robust app v2' ? 'updated' : 'kept-old-firmware';
  },
});
