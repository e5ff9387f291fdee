/**
 * The robust routine reported a refused 1.x update as "updated": it took Finish's 1 for success,
 * but 1.x returns 1 when the module fails validation (`system_update.cpp:386-395` at v1.4.4; 2.x
 * returns 1 for success). It must read Finish's result per profile.
 */
import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { buildModule, ModuleFunction, VirtualBoron, type DeviceOsVersion } from '../../src/index';
import { FIRMWARE_HOST, MANIFEST_PATH, robustApp } from '../../examples/robust-ota/sketches';

/** A monolithic image: a Boron refuses it at Finish (no module bounds for function 3, `fetched 0`). */
const MONOLITHIC = buildModule({ function: ModuleFunction.MONO_FIRMWARE, size: 4096 });

async function outcome(deviceOs: DeviceOsVersion): Promise<string> {
  const base = `http://${FIRMWARE_HOST}`;
  const device = new VirtualBoron({
    deviceOs,
    app: robustApp,
    server: [
      http.get(`${base}${MANIFEST_PATH}`, () => HttpResponse.json({ path: '/firmware/app.bin', size: MONOLITHIC.length, sha256: createHash('sha256').update(MONOLITHIC).digest('hex') })),
      http.get(`${base}/firmware/app.bin`, () => new HttpResponse(MONOLITHIC)),
    ],
  }).powerOn();
  await device.runUntil('press u to update', { timeoutMs: 30_000 });
  device.serial.type('u');
  await device.runUntil('OTA outcome:', { timeoutMs: 120_000 });
  return /OTA outcome: (\S+)/.exec(device.serial.output)![1];
}

describe('the robust routine reads Finish\'s result per profile', () => {
  it.each(['1.4.4', '2.0.1', '3.3.1'] as const)('keeps the old firmware when Device OS %s refuses the image', async (deviceOs) => {
    expect(await outcome(deviceOs)).toBe('kept-old-firmware');
  });
});
