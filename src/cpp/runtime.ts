import { Descriptor, type DescriptorField } from '../ota/descriptor';
import { FINISH_RESULT_BUFFER_SIZE } from '../ota/system-update';
import type { LogFunction } from '../device/logging';
import type { SketchApi, SketchInstance } from '../device/sketch';
import type { SystemEventName } from '../device/system-api';
import type { TCPClient } from '../net/tcp-client';
import { EmulatorError } from '../sim/messages';
import { AppExit, wasiImports } from './wasi';

/** A sketch compiled and asyncified: one per content, shared by every device and boot. */
export interface CompiledImage {
  module: WebAssembly.Module;
  /** `SYSTEM_MODE(...)`'s `System_Mode_TypeDef` value (0, DEFAULT, when the sketch has none). */
  systemModeCode: number;
  /** `SYSTEM_THREAD(ENABLED)` true, `(DISABLED)` false; unset when the sketch does not say. */
  systemThread?: boolean;
  /** Bytes of `retained` variables. */
  retainedBytes: number;
}

interface AppExports {
  memory: WebAssembly.Memory;
  __stack_pointer?: WebAssembly.Global;
  _initialize(): void;
  vb_setup(): void;
  vb_loop(): void;
  vb_system_event(handler: number, kind: number, event: number, param: number, pointer: number): void;
  vb_asyncify_area(): number;
  vb_event_descriptor(): number;
  vb_cloud_argument(): number;
  vb_cloud_function(handler: number, kind: number, object: number, argument: number): number;
  vb_asyncify_area_size(): number;
  vb_retained_start(): number;
  vb_retained_end(): number;
  /** Where static storage ends (`__heap_base`); older images lack it. */
  vb_static_end?(): number;
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
  return {
    module,
    systemModeCode: exports.vb_system_mode?.() ?? 0,
    systemThread: exports.vb_system_thread ? exports.vb_system_thread() !== 0 : undefined,
    retainedBytes: exports.vb_retained_end() - exports.vb_retained_start(),
  };
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
  /** Calls into the app under way (running, or paused at a blocking call). */
  private active = 0;
  /** Depth of calls into the app made while it is already running or paused (a System.on handler): those cannot block. */
  private nested = 0;
  private readonly area: { start: number; end: number };
  private readonly descriptors = new Map<number, Descriptor>();
  private readonly clients = new Map<number, { client: TCPClient; references: number }>();
  private nextClient = 1;
  private readonly loggers = new Map<string, LogFunction>();
  /** The descriptor a Spark_* call is working on, which its firmware_update events hand to System.on() handlers. */
  private updating?: { pointer: number; file: Descriptor };
  /** Static storage (zero-initialised at boot): from the stack's top to `__heap_base`. */
  private readonly staticMemory: { start: number; end: number };

  constructor(
    image: CompiledImage,
    private readonly api: SketchApi,
  ) {
    const instance = new WebAssembly.Instance(image.module, { particle: this.particleImports(), wasi_snapshot_preview1: wasiImports(this.wasiHost()) as WebAssembly.Imports[string] });
    this.exports = instance.exports as unknown as AppExports;
    this.bytes = new Uint8Array(this.exports.memory.buffer);
    const start = this.exports.vb_asyncify_area();
    this.area = { start, end: start + this.exports.vb_asyncify_area_size() };
    const stackTop = (this.exports.__stack_pointer?.value as number | undefined) ?? 0;
    this.staticMemory = { start: stackTop, end: this.exports.vb_static_end?.() ?? stackTop };
    this.restoreRetained();
  }

  /** The global constructors (`STARTUP(...)`, `SerialLogHandler logHandler(...)`), at boot. */
  async startup(): Promise<void> {
    await this.call(() => this.exports._initialize(), 'a global constructor');
  }

  async setup(): Promise<void> {
    await this.call(() => this.exports.vb_setup(), 'setup()');
  }

  async loop(): Promise<void> {
    await this.call(() => this.exports.vb_loop(), 'loop()');
  }

  // ---- running the app ----

  private async call(enter: () => number | void, what: string): Promise<number> {
    this.active++;
    try {
      let result = enter();
      while (this.exports.asyncify_get_state() === UNWINDING) {
        this.exports.asyncify_stop_unwind();
        const stackPointer = this.exports.__stack_pointer?.value as number | undefined;
        const pending = this.pending!;
        this.pending = undefined;
        this.resumeValue = toInt(await pending);
        if (stackPointer !== undefined) this.exports.__stack_pointer!.value = stackPointer;
        this.exports.asyncify_start_rewind(this.area.start);
        this.rewinding = true;
        result = enter();
      }
      return toInt(result);
    } catch (error) {
      throw this.crashed(error, what);
    } finally {
      this.active--;
    }
  }

  /**
   * Call into the app from the device: a call of its own when nothing of the app is running (it
   * may block), or nested in what is running or paused (it runs to the end at once).
   */
  private async callIn(enter: () => number | void, what: string): Promise<number> {
    if (this.active === 0) return this.call(enter, what);
    let result = 0;
    this.callNested(() => void (result = toInt(enter())), what);
    return result;
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

  /**
   * A trap, or exit(), as the SKETCH_CRASH a test sees: what happened in words, in which of the
   * app's functions, and its frames innermost first (the runtime's glue left out).
   */
  private crashed(error: unknown, what: string): unknown {
    const exit = error instanceof AppExit ? error : undefined;
    if (!(error instanceof WebAssembly.RuntimeError) && !exit) return error;
    const frames = [...String((error as Error).stack).matchAll(/at (?:[\w.-]+\.wasm\.)?(.+?) \(wasm:\/\//g)].map((m) => frameName(m[1])).filter((f) => !/^(asyncify_|vb_|__wasm_call_ctors$|_initialize$)/.test(f));
    const own = frames.filter((f) => !LIBC_FRAMES.has(f));
    const where = own[0] ?? what;
    const from = where === what || where.startsWith('a global constructor') ? '' : `, called from ${what}`;
    const context = { where, from, stack: frames.length > 1 ? ` Stack: ${collapseRepeats(frames).join(' ← ')}.` : '' };
    if (exit) {
      return new EmulatorError('SKETCH_CRASH', 'Failed to run the app: it called exit({code}) in {where}{from}. A Boron app never exits: setup() and loop() run until a reset.{stack}', { code: exit.code, ...context });
    }
    const reason = (error as Error).message;
    const stackPointer = this.exports.__stack_pointer?.value as number | undefined;
    if (/out of bounds/.test(reason) && stackPointer !== undefined && stackPointer < 0) {
      // The stack comes first in memory, so a frame that does not fit puts the stack pointer below 0.
      return new EmulatorError(
        'SKETCH_CRASH',
        'Failed to run the app: stack overflow in {where}{from}. The stack pointer went {below} bytes below the bottom of the app\'s {size}-byte stack (APPLICATION_STACK_SIZE); on a Boron this overwrites other memory or hard-faults, and the device resets. Make large buffers static or global, or recurse less.{stack}',
        { below: -stackPointer, size: this.staticMemory.start, ...context },
      );
    }
    if (frames[0] === 'abort' && frames[1] === '__assert_fail') {
      return new EmulatorError('SKETCH_CRASH', 'Failed to run the app: an assert() failed in {where}{from}, and assert() calls abort(): on a Boron this is a hard fault and the device resets. (Its message went to stderr, which a Boron does not have.){stack}', context);
    }
    if (frames[0] === 'abort') {
      return new EmulatorError('SKETCH_CRASH', 'Failed to run the app: it called abort() in {where}{from}; on a Boron this is a hard fault and the device resets.{stack}', context);
    }
    const words = reason === 'unreachable' ? 'reached __builtin_trap() or code the compiler knows cannot be reached' : /out of bounds/.test(reason) ? 'read or wrote memory outside RAM (an out-of-bounds pointer)' : `trapped (${reason})`;
    return new EmulatorError('SKETCH_CRASH', 'Failed to run the app: the C++ {words} in {where}{from}; on a Boron this is a hard fault and the device resets.{stack}', { words, ...context });
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
      system_reset_control: (op) => this.resetControl(op),
      system_update_status: () => api.System.updateStatus(),

      particle_connected: () => api.Particle.connected(),
      particle_process: () => api.Particle.process(),
      particle_function: (name, handler, kind) =>
        api.Particle.function(this.text(name), (argument) => {
          const area = this.exports.vb_cloud_argument();
          this.store(area, Uint8Array.from([...Buffer.from(argument, 'latin1').subarray(0, CLOUD_ARGUMENT_BYTES - 1), 0]));
          return this.callIn(() => this.exports.vb_cloud_function(handler, kind, 0, area), `the Particle.function("${this.text(name)}") handler`);
        }),

      tcp_new: () => {
        const handle = this.nextClient++;
        this.clients.set(handle, { client: new api.TCPClient(), references: 1 });
        return handle;
      },
      tcp_retain: (handle) => void this.clients.get(handle)!.references++,
      tcp_release: (handle) => {
        const entry = this.clients.get(handle);
        if (!entry || --entry.references > 0) return;
        this.clients.delete(handle);
        // The last copy is gone: its shared Data closes the socket (`TCPClient::Data::~Data`, spark_wiring_tcpclient_posix.cpp:254-258 at v1.4.4).
        if (entry.client.status()) return entry.client.stop();
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
        if (pointer >= this.staticMemory.start && pointer < this.staticMemory.end) {
          // A global (or static) descriptor: its storage is zeroed before the constructor sets size, so no field holds garbage.
          const zeroed = new Uint8Array(DESCRIPTOR_BYTES);
          zeroed.set(file.bytes.subarray(0, 2));
          file.absorb(zeroed, true);
        }
        this.descriptors.set(pointer, file);
        this.store(pointer, file.bytes);
      },
      descriptor_read: (pointer, offset) => this.descriptor(pointer).read(fieldAt(offset), 'your sketch'),
      descriptor_wrote: (pointer, offset) => {
        // The C++ stored the field's new value in memory already; it counts as written even when it equals the garbage it replaced.
        const field = fieldAt(offset);
        this.descriptor(pointer).write(field, fieldValue(this.memory(), pointer + offset, FIELD_BYTES[field]));
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
          // A hal_module_t (1.x) or a 255-byte result buffer (3.x+): the device writes into it. Only the
          // bytes Finish changed go back, so a System.on() handler's writes nearby during the call stay.
          const before = module === 0 ? null : this.copy(module, FINISH_RESULT_BUFFER_SIZE);
          const result = before && before.slice();
          const r = await api.Spark_Finish_Firmware_Update(file, flags >>> 0, result);
          if (before && result) {
            const memory = this.memory();
            result.forEach((byte, i) => {
              if (byte !== before[i]) memory[module + i] = byte;
            });
          }
          return r;
        }),
    };
    const imports: Record<string, (...args: number[]) => number> = {};
    for (const [name, call] of Object.entries(calls)) imports[name] = this.blocking(name, call);
    return imports;
  }

  private wasiHost() {
    return {
      /**
       * Virtual microseconds since boot. micros() wraps every 71.6 minutes, however seldom the app
       * reads the clock; millis() only after 49.7 days: the milliseconds are millis()'s, the rest micros()'s.
       */
      nowMicros: () => {
        const ms = this.api.millis();
        const us = this.api.micros();
        return ms * 1000 + ((us - ((ms * 1000) % 2 ** 32) + 2 ** 32) % 2 ** 32);
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

  private resetControl(op: number): Result {
    const System = this.api.System;
    switch (op) {
      case 1:
        return System.enableReset();
      case 2:
        return System.disableReset();
      case 3:
        return System.resetPending();
      default:
        return System.resetEnabled();
    }
  }

  private subscribe(events: number, handler: number, kind: number): number {
    for (const [name, bit] of SYSTEM_EVENTS) {
      if (!(events & bit)) continue;
      this.api.System.on(name, (_event, param, file) => {
        // A firmware_update event points at a descriptor as it is now: the app's own (the call that
        // raised it), or from 3.0 the system's, which the app sees in a place of its own.
        const own = file && this.updating?.file === file ? this.updating.pointer : undefined;
        const pointer = !file ? 0 : (own ?? this.exports.vb_event_descriptor());
        if (file && own === undefined) this.descriptors.set(pointer, file);
        if (file) this.store(pointer, file.bytes);
        this.callNested(() => this.exports.vb_system_event(handler, kind, bit, param, pointer), `the System.on(${name}) handler`);
        if (file) file.absorb(this.copy(pointer, DESCRIPTOR_BYTES));
      });
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
    const bytes = this.copy(pointer, DESCRIPTOR_BYTES);
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
    this.updating = { pointer, file };
    let result: number;
    try {
      result = await call(file);
    } finally {
      this.updating = undefined;
    }
    this.store(pointer, file.bytes);
    return result;
  }
}

/** `sizeof(FileTransfer::Descriptor)`, and each field's width in bytes (`communication/inc/file_transfer.h` at v1.4.4). */
const DESCRIPTOR_BYTES = 20;
/** `USER_FUNC_ARG_LENGTH` on Gen 3 (`system/inc/system_cloud.h:276-284` at v1.4.4), and its NUL. */
const CLOUD_ARGUMENT_BYTES = 623;
const FIELD_BYTES: Record<DescriptorField, 1 | 2 | 4> = { size: 2, reserved2: 2, chunk_address: 4, chunk_size: 2, store: 1, reserved: 1, file_length: 4, file_address: 4 };

/** A little-endian unsigned field of `bytes` bytes at `address`. */
function fieldValue(memory: Uint8Array, address: number, bytes: 1 | 2 | 4): number {
  const view = new DataView(memory.buffer, memory.byteOffset);
  return bytes === 4 ? view.getUint32(address, true) : bytes === 2 ? view.getUint16(address, true) : view.getUint8(address);
}

/** The descriptor field a C++ `vb::DescriptorField<T, Offset>` stands for. */
function fieldAt(offset: number): DescriptorField {
  const field = Descriptor.fieldAt(offset);
  if (!field) throw new EmulatorError('SKETCH_CRASH', 'Failed to run the app: it addressed FileTransfer::Descriptor at offset {offset}, where no field starts.', { offset });
  return field;
}

/** The C library's frames between the app and a trap: the app's own caller is named instead. */
const LIBC_FRAMES = new Set(['abort', '__assert_fail', 'exit', '_Exit', '__wasi_proc_exit']);

/** A frame as the user knows it: the compiler's functions that run a file's global constructors read as what they are. */
function frameName(name: string): string {
  const file = /^_GLOBAL__sub_I_(.+)$/.exec(name)?.[1];
  if (file) return `a global constructor in ${file.replace(/\.ino\.cpp$/, '.ino')}`;
  return /^__cxx_global_var_init(\.\d+)?$/.test(name) ? 'a global constructor' : name;
}

/** `f ← f ← f ← g` as `f (×3) ← g`: a recursion reads as one line. */
function collapseRepeats(frames: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < frames.length; ) {
    let j = i;
    while (j < frames.length && frames[j] === frames[i]) j++;
    out.push(j - i > 1 ? `${frames[i]} (×${j - i})` : frames[i]);
    i = j;
  }
  return out;
}

function toInt(value: Result): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' ? value | 0 : 0;
}
