/**
 * Update stories for the harness (virtual-boron/harness) to break: the forum thread's fixed routine
 * and the robust routine, each installing a new app, and the robust routine installing a bootloader
 * (which 1.x flashes in place at Finish).
 */
import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { buildModule, firmwareRoute, ModuleFunction, type DeviceOsVersion, type LinkProfileName, type VirtualBoron } from '../../src/index';
import type { UpdateScenario } from '../../src/harness';
import { otaTestSketch, simpleApp } from '../forum-ota/sketches';
import { appV2, FIRMWARE_HOST, MANIFEST_PATH, robustApp } from '../robust-ota/sketches';

export interface StoryOptions {
  deviceOs: DeviceOsVersion;
  /** The image's size in bytes. */
  size: number;
  link?: LinkProfileName;
}

/** The thread's routine with its fix, on a Boron running `deviceOs`: 'o' starts it; it resets into the new app, or into the old one when it fails. */
export function forumStory({ deviceOs, size, link = 'lte-m' }: StoryOptions): UpdateScenario {
  const image = buildModule({ sketch: simpleApp, deviceOs, size });
  return {
    name: `the forum routine (fixed), ${size.toLocaleString('en-US')} bytes, Device OS ${deviceOs}`,
    device: { deviceOs, app: otaTestSketch({ initialiseChunkAddress: true }), server: [firmwareRoute('http://mydomain.com/firmware/simple.bin', image)], link },
    async start(device: VirtualBoron) {
      await device.runUntil('Hello! Press o for OTA.');
      device.serial.type('o');
    },
  };
}

/** The robust routine (examples/robust-ota) installing `image`: 'u' starts it; it resets into the update, or says it kept the old firmware. */
function robustStory(name: string, image: Uint8Array, { deviceOs, link = 'lte-m' }: StoryOptions): UpdateScenario {
  const base = `http://${FIRMWARE_HOST}`;
  return {
    name,
    device: {
      deviceOs,
      app: robustApp,
      link,
      server: [
        http.get(`${base}${MANIFEST_PATH}`, () => HttpResponse.json({ path: '/firmware/app.bin', size: image.length, sha256: createHash('sha256').update(image).digest('hex') })),
        firmwareRoute(`${base}/firmware/app.bin`, image),
      ],
    },
    async start(device: VirtualBoron) {
      await device.runUntil('press u to update');
      device.serial.type('u');
    },
    over: /OTA outcome: kept-old-firmware/,
  };
}

export function robustAppStory(options: StoryOptions): UpdateScenario {
  const image = buildModule({ sketch: appV2, deviceOs: options.deviceOs, size: options.size });
  return robustStory(`the robust routine, ${options.size.toLocaleString('en-US')} bytes, Device OS ${options.deviceOs}`, image, options);
}

/** The robust routine installing bootloader version 600: the update is in when the bootloader at 0xF4000 is that one. */
export function robustBootloaderStory(options: StoryOptions): UpdateScenario {
  const image = buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs: options.deviceOs, version: 600, size: options.size });
  return {
    ...robustStory(`the robust routine installing a bootloader, ${options.size.toLocaleString('en-US')} bytes, Device OS ${options.deviceOs}`, image, options),
    installed: (device) => device.modules().find((m) => m.region === 'bootloader')?.version === 600,
  };
}
