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
import { http, HttpResponse } from 'msw';
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
const images = new Map<number, Uint8Array>();

/** The files the fleet's server serves, by path: the manifest and app v2's image of `imageBytes`. */
export function firmwareFiles(imageBytes = 128 * 1024): Record<string, Uint8Array> {
  let image = images.get(imageBytes);
  if (!image) {
    image = buildModule({ sketch: appV2, size: imageBytes, deviceOs: '1.4.4', fillSeed: 'fleet' });
    images.set(imageBytes, image);
  }
  const manifest = JSON.stringify({ path: IMAGE_PATH, size: image.length, sha256: createHash('sha256').update(image).digest('hex') });
  return { [MANIFEST_PATH]: new TextEncoder().encode(manifest), [IMAGE_PATH]: image };
}

const every = (n: number | undefined, index: number): boolean => n !== undefined && index % n === n - 1;

export const { device, drive } = defineFleet({
  device(index, { target, params }): VirtualBoronOptions {
    const p = (params ?? {}) as OtaFleetParams;
    const files = firmwareFiles(p.imageBytes);
    const base = `http://${FIRMWARE_HOST}`;
    const faults: NetworkFault[] = [];
    if (every(p.dropEvery, index)) faults.push({ kind: 'server-close', afterBytes: 20_000, connection: 1 });
    if (every(p.noDnsEvery, index)) faults.push({ kind: 'dns-failure' });
    return {
      deviceOs: '1.4.4',
      app: robustApp,
      link: p.link ?? 'lte-m',
      faults,
      server: [http.get(`${base}${MANIFEST_PATH}`, () => new HttpResponse(files[MANIFEST_PATH], { headers: { 'Content-Type': 'application/json' } })), firmwareRoute(`${base}${IMAGE_PATH}`, files[IMAGE_PATH])],
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
