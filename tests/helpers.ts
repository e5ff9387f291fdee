import { http } from 'msw';
import { buildModule, defineSketch, VirtualBoron, wireResponse, type Descriptor, type SketchApi, type VirtualBoronOptions } from '../src/index';

let sketches = 0;

/** A device whose app runs `body` once in setup() (MANUAL mode: no cloud wait), then prints DONE. */
export function deviceRunning(body: (api: SketchApi) => Promise<void>, options: Omit<VirtualBoronOptions, 'app'> & { systemMode?: 'AUTOMATIC' | 'MANUAL' } = {}): VirtualBoron {
  const { systemMode = 'MANUAL', ...rest } = options;
  const sketch = defineSketch(
    (api) => {
      new api.SerialLogHandler(api.LOG_LEVEL_TRACE);
      return {
        async setup() {
          await body(api);
          api.Serial.println('DONE');
        },
      };
    },
    { name: `test sketch ${++sketches}`, systemMode },
  );
  return new VirtualBoron({ deviceOs: '1.4.4', ...rest, app: sketch }).powerOn();
}

/** msw handler serving `image` at `url` with a plain 200. */
export const serve = (url: string, image: Uint8Array) => http.get(url, () => wireResponse(image, { headers: [['Content-Type', 'application/octet-stream']] }));

/** A valid 1.4.4 user part for an app that prints `banner`. */
export function appImage(banner: string, size = 4096): Uint8Array {
  const sketch = defineSketch(({ Serial }) => ({ setup: () => void Serial.println(banner) }), { name: `app ${++sketches} ${banner}`, systemMode: 'MANUAL' });
  return buildModule({ sketch, size, deviceOs: '1.4.4' });
}

/** The message part of every log line (after `[category] LEVEL: `) in order. */
export const logMessages = (device: VirtualBoron, category?: string): string[] =>
  device.logs.filter((r) => category === undefined || r.category === category).map((r) => r.message);

type FirmwareFields = Partial<Record<'chunk_address' | 'chunk_size' | 'file_length', number>>;

/** A `FileTransfer::Descriptor` for the FIRMWARE store with `fields` written in order; the rest stay uninitialised. */
export function firmwareFile(FileTransfer: SketchApi['FileTransfer'], fields: FirmwareFields): Descriptor {
  const file = new FileTransfer.Descriptor();
  file.store = FileTransfer.Store.FIRMWARE;
  for (const [name, value] of Object.entries(fields) as [keyof FirmwareFields, number][]) file[name] = value;
  return file;
}
