import type { LogLevel } from '../sim/log-format';
import { hashString } from '../sim/random';
import type { PrintfArg } from '../sim/printf';
import type { Descriptor, FileTransferStore } from '../ota/descriptor';
import type { FinishResultArgument } from '../ota/system-update';
import type { TCPClient } from '../net/tcp-client';
import type { LogFilter, LogFunction } from './logging';
import type { SerialApi } from './serial';
import type { SystemApi } from './system-api';
import { describeValue, OptionCheck } from './options';

/**
 * `SYSTEM_MODE(...)`: AUTOMATIC connects to the cloud before setup(); SEMI_AUTOMATIC and MANUAL
 * leave it to the sketch (`Particle.connect()`, which the emulator does not model yet).
 */
export type SystemMode = 'AUTOMATIC' | 'SEMI_AUTOMATIC' | 'MANUAL';
const SYSTEM_MODES: readonly SystemMode[] = ['AUTOMATIC', 'SEMI_AUTOMATIC', 'MANUAL'];

/** Everything a sketch can use, spelled as Device OS spells it. One object per device and boot. */
export interface SketchApi {
  Serial: SerialApi;
  Log: LogFunction;
  Logger: new (category: string) => LogFunction;
  SerialLogHandler: new (level?: number, filters?: LogFilter[]) => object;
  System: SystemApi;
  Particle: {
    connected(): boolean;
    process(): Promise<void>;
    /** Register a function the cloud can call (a test calls it with `device.cloud.call(name, argument)`). */
    function(name: string, handler: (argument: string) => number | Promise<number>): boolean;
  };
  millis(): number;
  micros(): number;
  delay(ms: number): Promise<void>;
  sprintf(format: string, ...args: PrintfArg[]): string;
  TCPClient: new () => TCPClient;
  FileTransfer: { Descriptor: new () => Descriptor; Store: typeof FileTransferStore };
  Spark_Prepare_For_Firmware_Update(file: Descriptor, flags: number, reserved: null): Promise<number>;
  Spark_Save_Firmware_Chunk(file: Descriptor, chunk: Uint8Array, reserved: null): Promise<number>;
  Spark_Finish_Firmware_Update(file: Descriptor, flags: number | boolean, result: FinishResultArgument): Promise<number>;
  LOG_LEVEL_ALL: typeof LogLevel.LOG_LEVEL_ALL;
  LOG_LEVEL_TRACE: typeof LogLevel.LOG_LEVEL_TRACE;
  LOG_LEVEL_INFO: typeof LogLevel.LOG_LEVEL_INFO;
  LOG_LEVEL_WARN: typeof LogLevel.LOG_LEVEL_WARN;
  LOG_LEVEL_ERROR: typeof LogLevel.LOG_LEVEL_ERROR;
  LOG_LEVEL_NONE: typeof LogLevel.LOG_LEVEL_NONE;
  /** The emulator's side of the device, for runtimes that run compiled code (the C++ one). Not a Particle API. */
  host: SketchHost;
}

/**
 * What a runtime for compiled sketches needs from its device beyond Particle's API: native code
 * cannot await, so it asks after each call whether it must pause for the rest of the device.
 */
export interface SketchHost {
  /**
   * A point where the app's CPU may pause: a promise when time is due for something else (an
   * alarm, arriving data) or the test's run is over, otherwise nothing. Compiled code calls it
   * after each call that returned at once, so that a busy-wait ends as on the device.
   */
  yieldPoint(): Promise<void> | undefined;
  /** The device's seeded randomness (WASI's random_get). */
  randomBytes(length: number): Uint8Array;
  /**
   * The app's `retained` variables at this boot, given their initial values: kept from the last
   * boot across a reset, lost with the power. `live` reads them when the device resets.
   */
  retained(initial: Uint8Array, live: () => Uint8Array): Uint8Array;
  /** Explain something about the run in `device.diagnostics`. */
  diagnose(code: string, message: string): void;
}
export interface SketchInstance {
  /** Runs at boot before anything else, as a C++ app's global constructors do. */
  startup?(): Promise<void>;
  setup?(): void | Promise<void>;
  loop?(): void | Promise<void>;
}

export interface SketchOptions {
  /** Names the app in traces and seeds its image's filler bytes; give each sketch its own. */
  name?: string;
  systemMode?: SystemMode;
  /** `SYSTEM_THREAD(ENABLED)` (true) or `SYSTEM_THREAD(DISABLED)` (false); unset, the Device OS default (on from 6.2.0). */
  systemThread?: boolean;
}

/** An application: a factory called at every boot with that boot's API, like a C++ app's globals. */
export interface Sketch {
  readonly name: string;
  readonly systemMode: SystemMode;
  /** Unset: the default of the Device OS it runs on. */
  readonly systemThread?: boolean;
  readonly create: (api: SketchApi) => SketchInstance;
}

/** An unnamed sketch is named after its source text, so the name (and its image's bytes) do not depend on what ran before. */
export function defineSketch(create: (api: SketchApi) => SketchInstance, options: SketchOptions = {}): Sketch {
  const check: OptionCheck = new OptionCheck('define the sketch');
  if (typeof create !== 'function') check.fail('its first argument is {actual}', 'Pass a function that takes the sketch API and returns { setup, loop }.', { actual: describeValue(create) });
  check.object(options, '', ['name', 'systemMode', 'systemThread']);
  if (options.name !== undefined) check.string(options.name, 'name', 'a name that is not empty');
  if (options.systemMode !== undefined) check.choice(options.systemMode, 'systemMode', 'a system mode', SYSTEM_MODES);
  if (options.systemThread !== undefined) check.boolean(options.systemThread, 'systemThread');
  const name = options.name ?? `sketch-${hashString(create.toString()).toString(16).padStart(8, '0')}`;
  return Object.freeze({ name, systemMode: options.systemMode ?? 'AUTOMATIC', systemThread: options.systemThread, create });
}
