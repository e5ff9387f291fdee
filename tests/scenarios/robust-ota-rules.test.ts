/**
 * The robust routine's own rules: it refuses a manifest it cannot honour before Prepare erases
 * anything, and reads a server's headers whatever their case.
 */
import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { buildModule, VirtualBoron, wireResponse } from '../../src/index';
import { appV2, FIRMWARE_HOST, MANIFEST_PATH, robustApp } from '../../examples/robust-ota/sketches';

const IMAGE = buildModule({ sketch: appV2, size: 20_000, deviceOs: '1.4.4' });
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function run(manifest: object, image = new HttpResponse(IMAGE) as Response, until: string | RegExp = 'OTA outcome'): Promise<VirtualBoron> {
  const base = `http://${FIRMWARE_HOST}`;
  const device = new VirtualBoron({
    deviceOs: '1.4.4',
    app: robustApp,
    server: [http.get(`${base}${MANIFEST_PATH}`, () => HttpResponse.json(manifest)), http.get(`${base}/firmware/app.bin`, () => image)],
  }).powerOn();
  await device.runUntil('press u to update', { timeoutMs: 30_000 });
  device.serial.type('u');
  await device.runUntil(until, { timeoutMs: 300_000 });
  return device;
}

describe('the robust routine', () => {
  it('refuses an image larger than the OTA region (1,536,000 bytes) before Prepare erases anything', async () => {
    const device = await run({ path: '/firmware/app.bin', size: 1_536_001, sha256: sha(IMAGE) });
    expect(device.logs.map((r) => r.message)).toContain('OTA: the image (1536001 bytes) is larger than the OTA region (1536000 bytes); keeping the running firmware');
    expect(device.trace.some((e) => e.type === 'ota:begin')).toBe(false);
  });

  it('refuses an empty image as it refuses a manifest it cannot read', async () => {
    const device = await run({ path: '/firmware/app.bin', size: 0, sha256: sha(new Uint8Array(0)) });
    expect(device.logs.map((r) => r.message)).toContain('OTA: no manifest; keeping the running firmware');
    expect(device.trace.some((e) => e.type === 'ota:begin')).toBe(false);
  }, 30_000);

  it('reads header names in any case (RFC 9110 §5.1)', async () => {
    const shouting = wireResponse(IMAGE, { headers: [['CONTENT-LENGTH', String(IMAGE.length)], ['TRANSFER-ENCODING', 'identity']] });
    const device = await run({ path: '/firmware/app.bin', size: IMAGE.length, sha256: sha(IMAGE) }, shouting, 'app v2 running');
    expect(device.logs.map((r) => r.message)).toContain('OTA outcome: updated');
  });
});
