import { http } from 'msw';
import { buildModule, defineSketch, VirtualBoron, wireResponse, type Descriptor, type DeviceOsVersion, type FinishResultArgument, type SketchApi, type VirtualBoronOptions } from '../src/index';

let sketches = 0;

/** A device whose app runs `body` once in setup() (MANUAL mode: no cloud wait), then prints DONE. */
export function deviceRunning(body: (api: SketchApi) => Promise<void>, options: Omit<VirtualBoronOptions, 'app'> & { systemMode?: 'AUTOMATIC' | 'MANUAL'; systemThread?: boolean } = {}): VirtualBoron {
  const { systemMode = 'MANUAL', systemThread, ...rest } = options;
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
    { name: `test sketch ${++sketches}`, systemMode, systemThread },
  );
  return new VirtualBoron({ deviceOs: '1.4.4', ...rest, app: sketch }).powerOn();
}

/** msw handler serving `image` at `url` with a plain 200. */
export const serve = (url: string, image: Uint8Array) => http.get(url, () => wireResponse(image, { headers: [['Content-Type', 'application/octet-stream']] }));

/** A valid user part (built against `deviceOs`) for an app that prints `banner`. */
export function appImage(banner: string, size = 4096, deviceOs: DeviceOsVersion = '1.4.4'): Uint8Array {
  const sketch = defineSketch(({ Serial }) => ({ setup: () => void Serial.println(banner) }), { name: `app ${++sketches} ${banner}`, systemMode: 'MANUAL' });
  return buildModule({ sketch, size, deviceOs });
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

export interface OtaDeviceOptions {
  deviceOs?: DeviceOsVersion;
  systemMode?: 'AUTOMATIC' | 'MANUAL';
  /** Finish's third argument. */
  result?: FinishResultArgument;
  after?: (api: SketchApi) => Promise<void>;
}

/** Write `image` to the OTA region through Prepare/Save in 256-byte chunks, then Finish with `flags`; record what each call returned. */
export function otaDevice(image: Uint8Array, flags: number, options: OtaDeviceOptions = {}) {
  const seen: { prepare?: number; saves: number[]; result?: number; events: number[]; finishMs?: number } = { saves: [], events: [] };
  const device = deviceRunning(
    async (api) => {
      const { System, millis, Spark_Finish_Firmware_Update } = api;
      System.on('firmware_update', (_e, param) => seen.events.push(param));
      const { file, prepare, saves } = await writeImage(api, image);
      Object.assign(seen, { prepare, saves });
      const before = millis();
      seen.result = await Spark_Finish_Firmware_Update(file, flags, options.result ?? null);
      seen.finishMs = millis() - before;
      api.Serial.println(`FINISHED ${seen.result}`);
      await options.after?.(api);
    },
    { systemMode: options.systemMode ?? 'MANUAL', deviceOs: options.deviceOs },
  );
  return { device, seen };
}

/** Prepare (chunk_address 0) and Save `image` into the OTA region in 256-byte chunks, as a careful routine does. */
export async function writeImage(api: SketchApi, image: Uint8Array): Promise<{ file: Descriptor; prepare: number; saves: number[] }> {
  const file = firmwareFile(api.FileTransfer, { chunk_address: 0, chunk_size: 256, file_length: image.length });
  const prepare = await api.Spark_Prepare_For_Firmware_Update(file, 0, null);
  file.chunk_address = file.file_address;
  const saves: number[] = [];
  for (let at = 0; at < image.length; at += 256) {
    const chunk = image.subarray(at, at + 256);
    file.chunk_size = chunk.length;
    saves.push(await api.Spark_Save_Firmware_Chunk(file, chunk, null));
    file.chunk_address += file.chunk_size;
  }
  return { file, prepare, saves };
}

/** Run until the device has booted again (after the boot in progress, if any). */
export async function runUntilRebooted(device: VirtualBoron, timeoutMs = 120_000): Promise<void> {
  let booted = false;
  const stop = device.on('device:boot', () => void (booted = true));
  try {
    await device.runUntil(() => booted, { timeoutMs });
  } finally {
    stop();
  }
}
