import type { LogLevel } from '../sim/log-format';
import { hashString } from '../sim/random';
import type { PrintfArg } from '../sim/printf';
import type { Descriptor, FileTransferStore } from '../ota/descriptor';
import type { FinishResultArgument } from '../ota/system-update';
import type { TCPClient } from '../net/tcp-client';
import type { LogFilter, LogFunction } from './logging';
import type { SerialApi } from './serial';
import type { SystemApi } from './system-api';
import { describeValue, OptionCheck } from '../sim/option-check';

/**
 * `SYSTEM_MODE(...)`: AUTOMATIC connects to the cloud before setup(); SEMI_AUTOMATIC and MANUAL
 * leave it to the sketch (`Particle.connect()`, which the emulator does not model yet).
 */
export type SystemMode = 'AUTOMATIC' | 'SEMI_AUTOMATIC' | 'MANUAL';
const SYSTEM_MODES: readonly SystemMode[] = ['AUTOMATIC', 'SEMI_AUTOMATIC', 'MANUAL'];

/**
 * Everything a sketch can use, spelled as Device OS spells it: one object per device and boot,
 * which a sketch's factory receives (`defineSketch((api) => …)`) and a compiled C++ sketch's calls
 * reach. A call that takes time on a Boron returns a Promise and moves the device's virtual clock:
 * await each one before the next (the device runs one call at a time; a call started while another
 * is pending fails the run with CALL_NOT_AWAITED). A member Particle has and the emulator does not
 * model throws UNIMPLEMENTED_API; the README's Fidelity table lists what is emulated.
 */
export interface SketchApi {
  /**
   * The USB serial port (`USBSerial`): `print`, `println`, `printf`, `printlnf`, `write` (synchronous;
   * each byte takes ~11 µs of virtual time, charged to the next call that takes time), and `available`,
   * `read`, `peek` for what a test typed with `device.serial.type(text)`.
   */
  Serial: SerialApi;
  /** The app's logger, category "app": `Log.info(fmt, …)`, `Log.warn`, `Log.error`, `Log.trace`, `Log(fmt, …)` (info), `Log.log(level, fmt, …)`. Every call is in `device.logs`; a `SerialLogHandler` prints it. */
  Log: LogFunction;
  /** `Logger log("app.ota")`: a logger for a category, with the same calls as `Log`. */
  Logger: new (category: string) => LogFunction;
  /** `SerialLogHandler logHandler(level, { { "app", LOG_LEVEL_ALL } })`: prints log lines at or above `level` (default INFO) on Serial, as Device OS formats them. */
  SerialLogHandler: new (level?: number, filters?: LogFilter[]) => object;
  /**
   * `System`: `reset()` (never returns: the device restarts, reason 140), `resetReason()`, `version()`,
   * `versionNumber()`, `freeMemory()`, `on('firmware_update' | 'reset_pending' | 'reset', handler)`,
   * `enableUpdates()`, `disableUpdates()`, `updatesEnabled()`, `updatesPending()`, `updatesForced()`,
   * `disableReset()`, `enableReset()`, `resetEnabled()`, `resetPending()`, and from 4.0 `updateStatus()`.
   */
  System: SystemApi;
  /** `Particle`: the cloud session as the app sees it. */
  Particle: {
    /** The cloud session is up: after the connect an AUTOMATIC sketch waits for, never in MANUAL mode. */
    connected(): boolean;
    /** `Particle.process()`: one pass of the system loop (cloud calls, the reset an update scheduled); takes 1 ms of virtual time. */
    process(): Promise<void>;
    /** Register a function the cloud can call (a test calls it with `device.cloud.call(name, argument)`); false for an empty name or one over 64 characters. */
    function(name: string, handler: (argument: string) => number | Promise<number>): boolean;
  };
  /** Milliseconds since this boot began (a reset restarts it), as a uint32. Reading the clock takes 1 µs. */
  millis(): number;
  /** Microseconds since this boot began, as a uint32 (it wraps after ~71 minutes). */
  micros(): number;
  /**
   * Wait `ms` of virtual time. Without SYSTEM_THREAD(ENABLED), once 1000 ms of delays add up it runs
   * the system loop — and while an update is in progress it never returns (Device OS's own trap; see
   * `device.diagnostics`).
   */
  delay(ms: number): Promise<void>;
  /** C's `sprintf` as newlib formats it for a 32-bit Cortex-M: `d i u x X o c s p f e g %`, flags, width, precision, `*`; integers wrap to 32 bits. */
  sprintf(format: string, ...args: PrintfArg[]): string;
  /**
   * `TCPClient`: `connect(host, port)` resolves 1, or on failure 0 (−1 before 1.4.0); `write(data)`
   * the bytes sent; `available()` the bytes buffered (refilling its 128-byte buffer from the socket);
   * `read()` a byte or −1, `read(buf, size)` the bytes copied or −1; `peek()`; `connected()`, true
   * while the socket is open or bytes remain; `stop()`. Every call takes virtual time (the link model's
   * for a connect); bytes arrive when the link delivers them.
   */
  TCPClient: new () => TCPClient;
  /**
   * `FileTransfer::Descriptor`, the 20-byte struct the update calls take: `file_length`, `file_address`,
   * `chunk_address`, `chunk_size` (a uint16), `store` (`FileTransfer.Store.FIRMWARE`) and `size`. Fields
   * truncate as C's do, and every field but `size` starts as the stack's garbage until written
   * (`stack` option); reading one before writing it is reported in `device.diagnostics`.
   */
  FileTransfer: { Descriptor: new () => Descriptor; Store: typeof FileTransferStore };
  /**
   * Start an update: sets `file.file_address` to the OTA region's start plus `file.chunk_address`
   * (so set chunk_address to 0 first) and a `chunk_size` of 0 to 512 (through 2.x, overwriting
   * `file_length` with the region's size too); then erases `file_length` bytes from `file_address`
   * (through 2.x an erase past the chip is skipped, yet the call still returns 0). `flags` bit 0: a
   * dry run that only checks the parameters. Resolves 0; 1 when updates are disabled (3.x+: a
   * negative `SYSTEM_ERROR_OTA_*` code). `reserved`: pass null.
   */
  Spark_Prepare_For_Firmware_Update(file: Descriptor, flags: number, reserved: null): Promise<number>;
  /**
   * Program `file.chunk_size` bytes of `chunk` at `file.chunk_address`: an absolute external-flash
   * address through 2.x (start at `file.file_address`), relative to `file_address` from 3.0. Flash is
   * NOR: programming over bytes that were not erased corrupts them. Resolves 0 (3.x+: negative on error).
   * `reserved`: pass null.
   */
  Spark_Save_Firmware_Chunk(file: Descriptor, chunk: Uint8Array, reserved: null): Promise<number>;
  /**
   * End the update. `flags`: `UpdateFlag.SUCCESS` (1) validates the module at the start of the OTA
   * region and, when it passes, queues it for the bootloader; 0 (ERROR) cancels; `VALIDATE_ONLY` (2,
   * with SUCCESS) only validates; `DONT_RESET` (4) keeps the device running (ignored from 3.0). With
   * SUCCESS the device resets soon after, even when validation failed. Resolves 1.x: 0 ok, 1 failed;
   * 2.x: 1 on success or a negative HAL code; 3.x+: 0 or a `SYSTEM_ERROR_OTA_*` code. `result`: 1.x a
   * `hal_module_t` ({ validity_checked, validity_result }) to fill, 3.x+ a 255-byte buffer for
   * `{"r":…}`, or null.
   */
  Spark_Finish_Firmware_Update(file: Descriptor, flags: number | boolean, result: FinishResultArgument): Promise<number>;
  /** Log level 1: every message (the same value as TRACE). For `SerialLogHandler` and `Log.log`. */
  LOG_LEVEL_ALL: typeof LogLevel.LOG_LEVEL_ALL;
  /** Log level 1: `Log.trace` and above. */
  LOG_LEVEL_TRACE: typeof LogLevel.LOG_LEVEL_TRACE;
  /** Log level 30: `Log.info` and above (a `SerialLogHandler`'s default). */
  LOG_LEVEL_INFO: typeof LogLevel.LOG_LEVEL_INFO;
  /** Log level 40: `Log.warn` and above. */
  LOG_LEVEL_WARN: typeof LogLevel.LOG_LEVEL_WARN;
  /** Log level 50: `Log.error` and above. */
  LOG_LEVEL_ERROR: typeof LogLevel.LOG_LEVEL_ERROR;
  /** Log level 70: nothing. */
  LOG_LEVEL_NONE: typeof LogLevel.LOG_LEVEL_NONE;
  /** The emulator's side of the device, for runtimes that run compiled code (the C++ one). Not a Particle API: a sketch need not touch it. */
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
