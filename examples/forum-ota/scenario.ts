/**
 * The thread's setting: a Boron on Device OS 1.2.1 in AUTOMATIC mode, an Apache server that
 * answers with the thread's 305-byte header, a cellular link that delivered the response in the
 * thread's bursts, an OTA region still holding an earlier system part, and the stack garbage
 * that the thread's Chunk addr lines reveal (reference: forum-reproduction.md).
 */
import { http } from 'msw';
import { buildModule, ModuleFunction, VirtualBoron, wireResponse, type LinkModel, type LinkProfileName, type Sketch, type TraceLevel } from 'virtual-boron';
import { otaTestSketch, simpleApp } from './sketches';

export const FIRMWARE_URL = 'http://mydomain.com/firmware/simple.bin';
/** When the thread's user pressed 'o': its first OTA log line is at 18736 ms. */
export const KEY_PRESS_MS = 18_736;
/** chunk_address garbage: 0x202a06a8 (first Chunk addr) − 0x289000 (OTA region), a RAM pointer. */
export const CHUNK_ADDRESS_GARBAGE = 0x200176a8;

/** The response header exactly as the thread printed it (305 bytes with the blank line). */
export const THREAD_HEADERS: [string, string][] = [
  ['Date', 'Sun, 26 May 2019 18:12:19 GMT'],
  ['Server', 'Apache/2.4.39 (cPanel) OpenSSL/1.0.2r mod_bwlimited/1.4'],
  ['Last-Modified', 'Sun, 26 May 2019 16:57:04 GMT'],
  ['ETag', '"480419-1394-589cd523e17e7"'],
  ['Accept-Ranges', 'bytes'],
  ['Content-Length', '5012'],
  ['Connection', 'close'],
  ['Content-Type', 'application/octet-stream'],
];

/** The image that last went through the OTA region: a 1.2.1 system part from a cloud update. */
export const staleSystemPart = (): Uint8Array => buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs: '1.2.1', size: 602_112, fillSeed: 'system-part1 1.2.1' });

/** simple.bin: the new app, 5012 bytes like the thread's (ETag 0x1394). */
export const simpleBin = (): Uint8Array => buildModule({ sketch: simpleApp, deviceOs: '1.2.1', size: 5012 });

export interface ForumOptions {
  /** Run the thread's fixed routine (file.chunk_address = 0 before Prepare). */
  fixed: boolean;
  seed?: number;
  /** Another link instead of the thread's recorded arrival schedule ('forum'). */
  link?: LinkModel | LinkProfileName;
  /** Write chunks as Gen 2 did before 1.5.0 (Device OS #1989). */
  gen2UnalignedWriteBug?: boolean;
  /** The routine, when not the TypeScript port (e.g. the C++ one: examples/forum-ota-cpp). */
  app?: Sketch;
  /** What `device.trace` keeps (default: the device's default, 'ota'). */
  trace?: TraceLevel;
  /** Called with the device before it is powered on, e.g. to subscribe to its events from the first one. */
  beforePowerOn?: (device: VirtualBoron) => void;
}

export function forumDevice(options: ForumOptions): VirtualBoron {
  const image = simpleBin();
  return new VirtualBoron({
    deviceOs: '1.2.1',
    seed: options.seed ?? 2019,
    app: options.app ?? otaTestSketch({ initialiseChunkAddress: options.fixed }),
    server: [http.get(FIRMWARE_URL, () => wireResponse(image, { statusText: 'OK', headers: THREAD_HEADERS }))],
    link: options.link ?? 'forum',
    otaRegion: staleSystemPart(),
    stack: { values: { chunk_address: CHUNK_ADDRESS_GARBAGE } },
    gen2UnalignedWriteBug: options.gen2UnalignedWriteBug,
    trace: options.trace,
  });
}

/** Power on, press 'o' when the thread's user did, and run until the device has rebooted and its app printed a banner. */
export async function runForumScenario(options: ForumOptions): Promise<VirtualBoron> {
  const device = forumDevice(options);
  options.beforePowerOn?.(device);
  device.powerOn();
  await device.runUntil('Hello! Press o for OTA.');
  await device.runFor(KEY_PRESS_MS - device.millis);
  device.serial.type('o');
  let rebootedAt: number | undefined;
  device.on('device:boot', () => {
    rebootedAt ??= device.serial.length;
  });
  const banner = /Press o for OTA\.|simple\.bin is running/;
  await device.runUntil(() => rebootedAt !== undefined && banner.test(device.serial.textSince(rebootedAt)), { timeoutMs: 60_000 });
  return device;
}
