/**
 * The bench's scenarios, apart from its timing code so that tests can run the same ones: a 1 MiB
 * download through the forum routine or the robust routine, boot to the reboot into the new system part.
 */
import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { buildModule, ModuleFunction, VirtualBoron, type LinkProfileName, type Sketch } from '../src/index';
import { FIRMWARE_URL, KEY_PRESS_MS } from '../examples/forum-ota/scenario';
import { otaTestSketch } from '../examples/forum-ota/sketches';
import { FIRMWARE_HOST, MANIFEST_PATH, robustApp } from '../examples/robust-ota/sketches';

export const MiB = 1024 * 1024;

/**
 * The fixed forum routine downloading 1 MiB that starts with a 640 KiB system part: a 1.x Boron
 * system part cannot be bigger than 656 KiB (0x30000–0xD4000), so the rest rides along unused.
 */
export function megabyteBody(): Uint8Array {
  const part = buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs: '1.2.1', version: 1214, size: 640 * 1024, fillSeed: 'bench system part' });
  const body = new Uint8Array(MiB);
  body.set(part);
  return body;
}

/** `body` may be made once beforehand, so that a timed run times the device and not the image's build. */
export async function systemPartOver(link: LinkProfileName, app: Sketch = otaTestSketch({ initialiseChunkAddress: true }), beforePowerOn?: (device: VirtualBoron) => void, body = megabyteBody()): Promise<VirtualBoron> {
  const device = new VirtualBoron({
    deviceOs: '1.2.1',
    app,
    server: [http.get(FIRMWARE_URL, () => new HttpResponse(body))],
    link,
  });
  beforePowerOn?.(device);
  device.powerOn();
  await device.runUntil('Hello! Press o for OTA.');
  await device.runFor(KEY_PRESS_MS - device.millis);
  device.serial.type('o');
  return updatedSystemPart(device, 'Hello! Press o for OTA.');
}

/** Run until the device has rebooted once and printed `banner`, and check that the system part is the new one. */
export async function updatedSystemPart(device: VirtualBoron, banner: string): Promise<VirtualBoron> {
  let boots = 1;
  device.on('device:boot', () => boots++);
  await device.runUntil(() => boots === 2, { timeoutMs: 3_600_000 });
  device.serial.clear();
  await device.runUntil(banner);
  const system = device.modules().find((m) => m.region === 'system-part1');
  if (system?.version !== 1214) throw new Error(`the system part was not updated: ${JSON.stringify(system)}`);
  return device;
}

/** The same 1 MiB through the TypeScript robust routine (manifest, SHA-256 check) over lte-m. */
export async function robustOver(link: LinkProfileName): Promise<VirtualBoron> {
  const body = megabyteBody();
  const base = `http://${FIRMWARE_HOST}`;
  const device = new VirtualBoron({
    deviceOs: '1.2.1',
    app: robustApp,
    server: [
      http.get(`${base}${MANIFEST_PATH}`, () => HttpResponse.json({ path: '/firmware/app.bin', size: body.length, sha256: createHash('sha256').update(body).digest('hex') })),
      http.get(`${base}/firmware/app.bin`, () => new HttpResponse(body)),
    ],
    link,
  }).powerOn();
  await device.runUntil('press u to update');
  device.serial.type('u');
  return updatedSystemPart(device, 'press u to update');
}
