import { Descriptor, type DescriptorField } from '../ota/descriptor';
import type { LogFunction } from '../device/logging';
import type { SketchApi, SketchInstance, SystemMode } from '../device/sketch';
import type { SystemEventName } from '../device/system-api';
import type { TCPClient } from '../net/tcp-client';
import { EmulatorError } from '../sim/messages';
import { wasiImports } from './wasi';

/** A sketch compiled and asyncified: one per content, shared by every device and boot. */
export interface CompiledImage {
  module: WebAssembly.Module;
  systemMode: SystemMode;
  systemThread: boolean;
  /** Bytes of `retained` variables. */
  retainedBytes: number;
}

interface AppExports {
  memory: WebAssembly.Memory;
  __stack_pointer?: WebAssembly.Global;
  _initialize(): void;
  vb_setup(): void;
  vb_loop(): void;
  vb_system_event(handler: number, kind: number, event: number, param: number): void;
  vb_asyncify_area(): number;
  vb_asyncify_area_size(): number;
  vb_retained_start(): number;
  vb_retained_end(): number;
  vb_system_mode?(): number;
  vb_system_thread?(): number;
  asyncify_start_unwind(data: number): void;
  asyncify_stop_unwind(): void;
  asyncify_start_rewind(data: number): void;
  asyncify_stop_rewind(): void;
  asyncify_get_state(): number;
}

/** `asyncify_get_state()`: the stack is being saved. */
const UNWINDING = 1;

/** `System_Mode_TypeDef` (`system/inc/system_mode.h`): DEFAULT is AUTOMATIC. */
const SYSTEM_MODES: Record<number, SystemMode | undefined> = { 0: 'AUTOMATIC', 1: 'AUTOMATIC', 2: 'SEMI_AUTOMATIC', 3: 'MANUAL' };

/** The system events the emulator raises, by their `SystemEvents` bit (`system/inc/system_event.h` at v1.4.4). */
const SYSTEM_EVENTS: [SystemEventName, number][] = [
  ['firmware_update', 1 << 8],
  ['reset_pending', 1 << 10],
  ['reset', 1 << 11],
];
const UNRAISED_EVENTS: [string, number][] = [
  ['wifi_listen', 0xe],
  ['network_credentials', 1 << 4],
  ['network_status', 1 << 5],
  ['cloud_status', 1 << 6],
  ['button_status', 1 << 7],
  ['firmware_update_pending', 1 << 9],
  ['button_click', 1 << 12],
  ['button_final_click', 1 << 13],
  ['time_changed', 1 << 14],
  ['low_battery', 1 << 15],
  ['battery_state', 1 << 16],
  ['power_source', 1 << 17],
  ['out_of_memory', 1 << 18],
];

/** What a compiled sketch declares about itself, read from its exports without running it. */
export function inspectImage(module: WebAssembly.Module): CompiledImage {
  const stubs: WebAssembly.Imports = {};
  for (const i of WebAssembly.Module.imports(module)) {
    (stubs[i.module] ??= {})[i.name] = () => {
      throw new Error('not running');
    };
  }
  const exports = new WebAssembly.Instance(module, stubs).exports as unknown as AppExports;
  const code = exports.vb_system_mode?.() ?? 0;
  const systemMode = SYSTEM_MODES[code];
  if (!systemMode) throw new EmulatorError('SKETCH_COMPILE', 'Failed to compile the sketch: SYSTEM_MODE({mode}) is not modelled by virtual-boron yet. Use AUTOMATIC, SEMI_AUTOMATIC or MANUAL.', { mode: code === 4 ? 'SAFE_MODE' : code });
  return { module, systemMode, systemThread: (exports.vb_system_thread?.() ?? 0) !== 0, retainedBytes: exports.vb_retained_end() - exports.vb_retained_start() };
}

type Result = number | boolean | void;
type Call = (...args: number[]) => Result | Promise<Result>;

/**
 * One boot of a compiled sketch: a fresh instance (globals start over, as after a reset) whose
 * imports are the device's SketchApi. A call that takes time returns a promise; the app's
 * WebAssembly stack is then unwound (Binaryen's asyncify), the promise awaited while virtual
 * time moves on, and the stack rewound to return its value, so the C++ reads as blocking code.
 */
export class CppApp implements SketchInstance {
  private readonly exports: AppExports;
  private bytes: Uint8Array;
  private pending?: Promise<Result>;
  private resumeValue = 0;
  private rewinding = false;
  /** Depth of calls into the app made while it is already running or paused (a System.on handler): those cannot block. */
  private nested = 0;
  private readonly area: { start: number; end: number };
  private readonly descriptors = new Map<number, Descriptor>();
  private readonly clients = new Map<number, { client: TCPClient; references: number }>();
  private nextClient = 1;
  private readonly loggers = new Map<string, LogFunction>();

  constructor(
    image: CompiledImage,
    private readonly api: SketchApi,
  ) {
    const instance = new WebAssembly.Instance(image.module, { particle: this.particleImports(), wasi_snapshot_preview1: wasiImports(this.wasiHost()) as WebAssembly.Imports[string] });
    this.exports = instance.exports as unknown as AppExports;
    this.bytes = new Uint8Array(this.exports.memory.buffer);
    const start = this.exports.vb_asyncify_area();
    this.area = { start, end: start + this.exports.vb_asyncify_area_size() };
    this.restoreRetained();
  }

  /** The global constructors (`STARTUP(...)`, `SerialLogHandler logHandler(...)`), at boot. */
  startup(): Promise<void> {
    return this.call(() => this.exports._initialize(), 'a global constructor');
  }

  setup(): Promise<void> {
    return this.call(() => this.exports.vb_setup(), 'setup()');
  }

  loop(): Promise<void> {
    return this.call(() => this.exports.vb_loop(), 'loop()');
  }

  // ---- running the app ----

  private async call(enter: () => void, what: string): Promise<void> {
    try {
      enter();
      while (this.exports.asyncify_get_state() === UNWINDING) {
        this.exports.asyncify_stop_unwind();
        const stackPointer = this.exports.__stack_pointer?.value as number | undefined;
        const pending = this.pending!;
        this.pending = undefined;
        this.resumeValue = toInt(await pending);
        if (stackPointer !== undefined) this.exports.__stack_pointer!.value = stackPointer;
        this.exports.asyncify_start_rewind(this.area.start);
        this.rewinding = true;
        enter();
      }
    } catch (error) {
      throw this.crashed(error, what);
    }
  }

  /** Call into the app from the device (a system event handler): it runs to the end at once. */
  private callNested(enter: () => void, what: string): void {
    this.nested++;
    try {
      enter();
    } catch (error) {
      throw this.crashed(error, what);
    } finally {
      this.nested--;
    }
  }

  /** An import the app calls: returns at once, or unwinds the app's stack until its promise settles. */
  private blocking(name: string, call: Call): (...args: number[]) => number {
    return (...args) => {
      if (this.rewinding) {
        // The app is back where it paused: this call returns what its promise gave.
        this.rewinding = false;
        this.exports.asyncify_stop_rewind();
        return this.resumeValue;
      }
      let result = call(...args);
      if (!(result instanceof Promise)) {
        if (this.nested > 0) return toInt(result);
        const pause = this.api.host.yieldPoint();
        if (!pause) return toInt(result);
        const value = result;
        result = pause.then(() => value);
      } else if (this.nested > 0) {
        throw new EmulatorError('SKETCH_NESTED_BLOCKING', 'Failed to run the app: {name}() takes time, and it was called from a System.on() handler, which the emulator runs to the end at once. Do the work in loop() instead.', { name });
      }
      this.pending = result;
      const view = new DataView(this.exports.memory.buffer);
      view.setUint32(this.area.start, this.area.start + 8, true);
      view.setUint32(this.area.start + 4, this.area.end, true);
      this.exports.asyncify_start_unwind(this.area.start);
      return 0;
    };
  }

  private crashed(error: unknown, what: string): unknown {
    if (!(error instanceof WebAssembly.RuntimeError)) return error;
    // The app's own frames, innermost first; the runtime's entry glue (vb_*) is not the app's.
    const frames = [...String(error.stack).matchAll(/at (?:[\w.-]+\.wasm\.)?(.+?) \(wasm:\/\//g)].map((m) => m[1]).filter((f) => !/^(asyncify_|vb_)/.test(f));
    const where = frames[0] ?? 'the app';
    const stack = frames.length > 1 ? ` Stack: ${frames.join(' ← ')}.` : '';
    return new EmulatorError('SKETCH_CRASH', 'Failed to run the app: the C++ trapped ({reason}) in {where}{from}; on a Boron this is a hard fault and the device resets.{stack}', {
      reason: error.message,
      where,
      from: where === what ? '' : `, called from ${what}`,
      stack,
    });
  }

  // ---- memory ----

  private memory(): Uint8Array {
    if (this.bytes.buffer !== this.exports.memory.buffer) this.bytes = new Uint8Array(this.exports.memory.buffer);
    return this.bytes;
  }

  private text(pointer: number): string {
    if (pointer === 0) return '';
    const memory = this.memory();
    const end = memory.indexOf(0, pointer);
    return Buffer.from(memory.subarray(pointer, end < 0 ? memory.length : end)).toString('latin1');
  }

  /** A copy of `length` bytes at `pointer`, cut at the end of memory as the app would read it. */
  private copy(pointer: number, length: number): Uint8Array {
    return this.memory().slice(pointer, pointer + length);
  }

  private store(pointer: number, bytes: Uint8Array): void {
    this.memory().set(bytes, pointer);
  }

  private restoreRetained(): void {
    const start = this.exports.vb_retained_start();
    const length = this.exports.vb_retained_end() - start;
    if (length <= 0) return;
    const kept = this.api.host.retained(this.copy(start, length), () => this.copy(start, length));
    this.store(start, kept);
  }

  // ---- the imports ----

  private particleImports(): Record<string, (...args: number[]) => number> {
    const api = this.api;
    const calls: Record<string, Call> = {
      millis: () => api.millis(),
      micros: () => api.micros(),
      delay: (ms) => api.delay(ms >>> 0),

      serial_available: () => api.Serial.available(),
      serial_read: (peek) => (peek ? api.Serial.peek() : api.Serial.read()),
      serial_write: (pointer, size) => api.Serial.write(this.copy(pointer, size)),

      log_message: (category, level, message) => this.logger(this.text(category)).log(level, '%s', this.text(message)),
      log_handler: (level, filters, count) => {
        const view = new DataView(this.memory().buffer);
        const list = Array.from({ length: count }, (_, i) => ({ category: this.text(view.getUint32(filters + i * 8, true)), level: view.getInt32(filters + i * 8 + 4, true) }));
        new api.SerialLogHandler(level, list);
      },

      system_reset: () => api.System.reset(),
      system_free_memory: () => api.System.freeMemory(),
      system_version: (buffer, size) => {
        if (size === 0) return 0;
        const text = Buffer.from(api.System.version(), 'latin1').subarray(0, size - 1);
        this.store(buffer, Uint8Array.from([...text, 0]));
        return text.length;
      },
      system_version_number: () => api.System.versionNumber(),
      system_reset_reason: () => api.System.resetReason(),
      system_updates: (op) => this.updates(op),
      system_on: (events, handler, kind) => this.subscribe(events >>> 0, handler, kind),

      particle_connected: () => api.Particle.connected(),
      particle_process: () => api.Particle.process(),

      tcp_new: () => {
        const handle = this.nextClient++;
        this.clients.set(handle, { client: new api.TCPClient(), references: 1 });
        return handle;
      },
      tcp_retain: (handle) => void this.clients.get(handle)!.references++,
      tcp_release: (handle) => {
        const entry = this.clients.get(handle);
        if (entry && --entry.references === 0) this.clients.delete(handle);
      },
      tcp_connect_host: (handle, host, port) => this.client(handle).connect(this.text(host), port),
      tcp_connect_ip: (handle, address, port) => this.client(handle).connect([24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.'), port),
      tcp_write: (handle, pointer, size) => this.client(handle).write(this.copy(pointer, size)),
      tcp_available: (handle) => this.client(handle).available(),
      tcp_read: (handle, peek) => (peek ? this.client(handle).peek() : this.client(handle).read()),
      tcp_read_buffer: async (handle, pointer, size) => {
        const buffer = new Uint8Array(size);
        const n = await this.client(handle).read(buffer, size);
        if (n > 0) this.store(pointer, buffer.subarray(0, n));
        return n;
      },
      tcp_connected: (handle) => this.client(handle).connected(),
      tcp_status: (handle) => this.client(handle).status(),
      tcp_stop: (handle) => this.client(handle).stop(),
      tcp_flush: (handle) => this.client(handle).flush(),
      tcp_remote_ip: (handle) => this.client(handle).remoteIP().split('.').reduce((a, octet) => (a << 8) | Number(octet), 0),

      descriptor_init: (pointer) => {
        const file = new api.FileTransfer.Descriptor();
        this.descriptors.set(pointer, file);
        this.store(pointer, file.bytes);
      },
      descriptor_read: (pointer, offset) => this.descriptor(pointer).read(fieldAt(offset), 'your sketch'),
      descriptor_wrote: (pointer, offset) => {
        const file = this.descriptor(pointer);
        file.write(fieldAt(offset), file.read(fieldAt(offset), 'your sketch'));
      },

      spark_prepare: (pointer, flags) => this.withDescriptor(pointer, (file) => api.Spark_Prepare_For_Firmware_Update(file, flags >>> 0, null)),
      spark_save: (pointer, chunk) =>
        this.withDescriptor(pointer, (file) => {
          // Save reads file.chunk_size bytes from the pointer, whatever the buffer's size.
          const size = new DataView(file.bytes.buffer).getUint16(8, true);
          return api.Spark_Save_Firmware_Chunk(file, this.copy(chunk, size), null);
        }),
      spark_finish: (pointer, flags, module) =>
        this.withDescriptor(pointer, async (file) => {
          // A hal_module_t (1.x) or a 255-byte result buffer (3.x+): the device writes into it.
          const result = module === 0 ? null : this.copy(module, 255);
          const r = await api.Spark_Finish_Firmware_Update(file, flags >>> 0, result);
          if (result) this.store(module, result);
          return r;
        }),
    };
    const imports: Record<string, (...args: number[]) => number> = {};
    for (const [name, call] of Object.entries(calls)) imports[name] = this.blocking(name, call);
    return imports;
  }

  private wasiHost() {
    let wraps = 0;
    let last = 0;
    return {
      /** Virtual microseconds since boot, unwrapped from the 32-bit micros(). */
      nowMicros: () => {
        const now = this.api.micros();
        if (now < last) wraps++;
        last = now;
        return wraps * 2 ** 32 + now;
      },
      blocking: (name: string, call: Call) => this.blocking(name, call),
      memory: () => this.memory(),
      random: (length: number) => this.api.host.randomBytes(length),
      diagnose: (code: string, message: string) => this.api.host.diagnose(code, message),
    };
  }

  private logger(category: string): LogFunction {
    let logger = this.loggers.get(category);
    if (!logger) this.loggers.set(category, (logger = new this.api.Logger(category)));
    return logger;
  }

  private client(handle: number): TCPClient {
    const entry = this.clients.get(handle);
    if (!entry) throw new EmulatorError('SKETCH_CRASH', 'Failed to run the app: it used a TCPClient after destroying it (handle {handle}).', { handle });
    return entry.client;
  }

  private updates(op: number): Result {
    const System = this.api.System;
    switch (op) {
      case 1:
        return System.enableUpdates();
      case 2:
        return System.disableUpdates();
      case 3:
        return System.updatesPending();
      case 4:
        return System.updatesForced();
      default:
        return System.updatesEnabled();
    }
  }

  private subscribe(events: number, handler: number, kind: number): number {
    for (const [name, bit] of SYSTEM_EVENTS) {
      if (events & bit) this.api.System.on(name, (_event, param) => this.callNested(() => this.exports.vb_system_event(handler, kind, bit, param), `the System.on(${name}) handler`));
    }
    const unraised = UNRAISED_EVENTS.filter(([, bit]) => events & bit).map(([name]) => name);
    if (unraised.length > 0) {
      this.api.host.diagnose('system-events-not-raised', `The app subscribed to system events the emulator never raises yet: ${unraised.join(', ')}. Their handlers will not run.`);
    }
    return 0;
  }

  // ---- FileTransfer::Descriptor ----

  /** The descriptor at `pointer`, caught up with whatever the C++ wrote straight into its bytes. */
  private descriptor(pointer: number): Descriptor {
    let file = this.descriptors.get(pointer);
    const bytes = this.copy(pointer, 20);
    if (!file) {
      // A descriptor made by copying another: every field holds what was copied.
      file = new this.api.FileTransfer.Descriptor();
      file.absorb(bytes, true);
      this.descriptors.set(pointer, file);
    } else {
      file.absorb(bytes);
    }
    return file;
  }

  private async withDescriptor(pointer: number, call: (file: Descriptor) => Promise<number>): Promise<number> {
    const file = this.descriptor(pointer);
    const result = await call(file);
    this.store(pointer, file.bytes);
    return result;
  }
}

/** The descriptor field a C++ `vb::DescriptorField<T, Offset>` stands for. */
function fieldAt(offset: number): DescriptorField {
  const field = Descriptor.fieldAt(offset);
  if (!field) throw new EmulatorError('SKETCH_CRASH', 'Failed to run the app: it addressed FileTransfer::Descriptor at offset {offset}, where no field starts.', { offset });
  return field;
}

function toInt(value: Result): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' ? value | 0 : 0;
}
