/**
 * Three OTA routines × {without, with SYSTEM_THREAD} × {1.4.4, 3.3.1, 6.2.0}: where Device OS's
 * application model during an update changes the outcome (device-os-app-model.md §1-§2).
 * - the forum routine downloads inside one loop() call, with no delay() after Prepare;
 * - the robust routine waits with millis() and Particle.process(), never delay();
 * - a state machine calls Prepare in one loop() turn and Saves in later turns, which Device OS
 *   never runs without SYSTEM_THREAD: the device resets with reason 90 (1.x) or hangs (3.x+).
 */
import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { buildModule, defineSketch, UpdateFlag, VirtualBoron, type DeviceOsVersion, type Sketch, type SketchApi, type TCPClient } from '../../src/index';
import { makeOtaClass } from '../../examples/forum-ota/ota-routine';
import { makeRobustOta } from '../../examples/robust-ota/robust-ota';

const HOST = 'fw.example';
const NEW_BANNER = 'NEW APP RUNNING';
const VERSIONS: DeviceOsVersion[] = ['1.4.4', '3.3.1', '6.2.0'];
type Outcome = 'installed' | 'reset 90' | 'hang';

const newApps = new Map<DeviceOsVersion, Uint8Array>();
/** The app every routine installs, built for the device's Device OS. */
function newApp(deviceOs: DeviceOsVersion): Uint8Array {
  let image = newApps.get(deviceOs);
  if (!image) {
    const sketch = defineSketch(({ Serial }) => ({ setup: () => void Serial.println(NEW_BANNER) }), { name: `matrix new app ${deviceOs}`, systemMode: 'MANUAL' });
    newApps.set(deviceOs, (image = buildModule({ sketch, size: 6000, deviceOs })));
  }
  return image;
}

/** Starts its routine when 'u' is typed. */
function app(name: string, systemThread: boolean, start: (api: SketchApi) => Promise<unknown>, loop?: (api: SketchApi) => Promise<void>): Sketch {
  return defineSketch(
    (api) => ({
      async loop() {
        if (api.Serial.available() && api.Serial.read() === 'u'.charCodeAt(0)) await start(api);
        await loop?.(api);
      },
    }),
    { name: `${name} threaded=${systemThread}`, systemMode: 'MANUAL', systemThread },
  );
}

const ROUTINES: Record<string, (systemThread: boolean) => Sketch> = {
  forum: (systemThread) =>
    app('forum', systemThread, async (api) => {
      const OTA = makeOtaClass(api, { initialiseChunkAddress: true });
      await new OTA().GetUpdate(HOST, '/firmware/app.bin');
    }),
  robust: (systemThread) => app('robust', systemThread, (api) => makeRobustOta(api)({ host: HOST, manifestPath: '/firmware/manifest.json' })),
  'state machine': (systemThread) => {
    let machine: ReturnType<typeof stateMachine> | undefined;
    return app(
      'state machine',
      systemThread,
      async (api) => void (machine = stateMachine(api)),
      async () => {
        if (machine) await machine.step();
      },
    );
  },
};

/** A non-blocking routine: one step per loop() turn — request, header, Prepare, one Save per turn, Finish. */
function stateMachine(api: SketchApi) {
  const { TCPClient, FileTransfer, Spark_Prepare_For_Firmware_Update, Spark_Save_Firmware_Chunk, Spark_Finish_Firmware_Update } = api;
  let client: TCPClient | undefined;
  let header = '';
  let length = 0;
  let received = 0;
  let state: 'connect' | 'header' | 'body' | 'done' = 'connect';
  const file = new FileTransfer.Descriptor();
  const buf = new Uint8Array(128);
  return {
    async step(): Promise<void> {
      if (state === 'connect') {
        client = new TCPClient();
        await client.connect(HOST, 80);
        await client.write(`GET /firmware/app.bin HTTP/1.0\r\nHost: ${HOST}\r\n\r\n`);
        state = 'header';
      } else if (state === 'header') {
        while ((await client!.available()) > 0 && !header.endsWith('\r\n\r\n')) header += String.fromCharCode(await client!.read());
        if (!header.endsWith('\r\n\r\n')) return;
        length = Number(/Content-Length: (\d+)/i.exec(header)?.[1] ?? 0);
        Object.assign(file, { store: FileTransfer.Store.FIRMWARE, chunk_address: 0, chunk_size: 128, file_length: length, file_address: 0 });
        await Spark_Prepare_For_Firmware_Update(file, 0, null);
        file.chunk_address = file.file_address;
        state = 'body';
      } else if (state === 'body') {
        const n = await client!.read(buf, 128);
        if (n <= 0) return;
        file.chunk_size = n;
        await Spark_Save_Firmware_Chunk(file, buf, null);
        file.chunk_address += n;
        received += n;
        if (received >= length) {
          state = 'done';
          await Spark_Finish_Firmware_Update(file, UpdateFlag.SUCCESS, null);
        }
      }
    },
  };
}

function device(routine: string, deviceOs: DeviceOsVersion, systemThread: boolean): VirtualBoron {
  const image = newApp(deviceOs);
  const base = `http://${HOST}`;
  return new VirtualBoron({
    deviceOs,
    app: ROUTINES[routine](systemThread),
    server: [
      http.get(`${base}/firmware/manifest.json`, () => HttpResponse.json({ path: '/firmware/app.bin', size: image.length, sha256: createHash('sha256').update(image).digest('hex') })),
      http.get(`${base}/firmware/app.bin`, () => new HttpResponse(image)),
    ],
    link: 'lte-m',
  }).powerOn();
}

/** Type 'u' and watch for 20 virtual minutes: the new app boots, the watchdog resets (90), or nothing happens. */
async function outcome(d: VirtualBoron): Promise<Outcome> {
  await d.runFor(1000);
  d.serial.type('u');
  await d.runUntil(() => d.serial.output.includes(NEW_BANNER) || d.trace.some((e) => e.type === 'device:reset' && e.reason === 90), { timeoutMs: 1_200_000 }).catch(() => undefined);
  if (d.serial.output.includes(NEW_BANNER)) return 'installed';
  return d.trace.some((e) => e.type === 'device:reset' && e.reason === 90) ? 'reset 90' : 'hang';
}

const EXPECTED: [string, boolean, DeviceOsVersion, Outcome][] = [];
for (const deviceOs of VERSIONS) {
  for (const systemThread of [false, true]) {
    EXPECTED.push(['forum', systemThread, deviceOs, 'installed']);
    EXPECTED.push(['robust', systemThread, deviceOs, 'installed']);
    EXPECTED.push(['state machine', systemThread, deviceOs, systemThread ? 'installed' : deviceOs === '1.4.4' ? 'reset 90' : 'hang']);
  }
}

describe('OTA routines and the application model', () => {
  it.each(EXPECTED)('the %s routine, SYSTEM_THREAD %s, on %s: %s', async (routine, systemThread, deviceOs, expected) => {
    const d = device(routine, deviceOs, systemThread);
    expect(await outcome(d)).toBe(expected);
    if (expected === 'hang') {
      expect(d.diagnostics.find((x) => x.code === 'loop-during-update')?.message).toContain('so the device hangs until its power is cut');
    }
  }, 60_000);
});
