/** The fixed forum routine (the TypeScript port) installing a new app over msw, as a user would test it. */
import { http, HttpResponse } from 'msw';
import { buildModule, defineSketch, VirtualBoron } from '../../src/index';
import { otaTestSketch } from '../../examples/forum-ota/sketches';

test('the fixed forum routine installs a new app over HTTP', async () => {
  const v3 = defineSketch(({ Serial }) => ({ setup: () => void Serial.println('v3 is up') }), { name: 'v3', systemMode: 'MANUAL' });
  const image = buildModule({ sketch: v3, deviceOs: '1.4.4' });
  const device = new VirtualBoron({
    deviceOs: '1.4.4',
    app: otaTestSketch({ initialiseChunkAddress: true }),
    server: [http.get('http://mydomain.com/firmware/simple.bin', () => new HttpResponse(image))],
  }).powerOn();
  await device.runUntil('Press o for OTA.'); // ~15 s of virtual time, a few ms of yours
  device.serial.type('o');
  await device.runUntil('v3 is up', { timeoutMs: 60_000 });

  expect(device.logs.map((l) => l.line.slice(11))).toContain('[hal] INFO: module fetched 1, checks=5e, result=5e');
  expect(device.trace.filter((e) => e.type === 'device:reset')).toHaveLength(1);
  expect(device.modules().find((m) => m.region === 'user-part')).toMatchObject({ sketch: 'v3', crcOk: true });
  expect(Buffer.from(device.flash.internal.read(0xd4000, image.length))).toEqual(Buffer.from(image));
  expect(device.diagnostics.map((d) => d.code)).toEqual(['bootloader-applied']);
});
