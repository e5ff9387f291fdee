import EventEmitter from 'eventemitter3';

/** Every event a virtual device emits, by name. Payloads are plain data; `atMicros` is added on emit. */
export interface DeviceEventMap {
  'device:boot': { app: string; systemVersion: number; safeMode: boolean };
  'device:reset': { reason: number; reasonName: string };
  'device:power': { on: boolean };
  /** `cut`: a power cut stopped the copy after `copied` of `total` bytes. */
  'bootloader:apply': { slot: number; destination: number; length: number; applied: boolean; why?: string; cut?: { copied: number; total: number } };
  /** 1.x Finish flashing a bootloader over the running one. */
  'ota:bootloader': { destination: number; length: number; applied: boolean; why?: string; cut?: { copied: number; total: number } };
  serial: { text: string };
  log: { category: string; level: string; message: string; line: string };
  'flash:erase': { chip: string; address: number; length: number };
  'flash:program': { chip: string; address: number; length: number; overData: number; mismatched: number };
  /** `connection` numbers the device's connections from 0, so a trace can be read one connection at a time. */
  'dns:lookup': { connection: number; host: string; address?: string; micros: number };
  'tcp:connect': { connection: number; host: string; port: number; ok: boolean; micros: number };
  'tcp:send': { connection: number; bytes: number };
  'tcp:data': { connection: number; bytes: number };
  /** The TCP stack handed the app bytes (lwIP `recv` into TCPClient's 128-byte buffer): a read boundary of the stream. */
  'tcp:recv': { connection: number; bytes: number };
  'tcp:close': { connection: number; by: 'device' | 'remote' };
  'http:request': { method: string; url: string };
  'http:response': { status: number; bytes: number };
  'ota:begin': { fileAddress: number; fileLength: number; erased: boolean };
  'ota:chunk': { address: number; length: number; result: number };
  'ota:finish': { flags: number; result: number; fetched: boolean; checked: number; passed: number };
  'cloud:disconnect': { hadSession: boolean };
  'system:event': { event: string; param: number };
}

export type DeviceEventName = keyof DeviceEventMap;
export type Stamped<T> = T & { atMicros: number };
export type TraceEntry = { [K in DeviceEventName]: Stamped<DeviceEventMap[K]> & { type: K } }[DeviceEventName];

/**
 * What `device.trace` keeps. `'all'`: every event. `'ota'`: every event except those made per
 * chunk, per print or per log line (`serial`, `log`, `flash:program`, `ota:chunk` and the
 * `firmware_update` progress `system:event`): the serial output, `device.logs` and the flash stats
 * say what those do, so a finished device stays small. `'off'`: none. `{ ring: n }`: the last n
 * events of every kind. Listeners (`device.on`) hear every event whatever the level.
 */
export type TraceLevel = 'all' | 'ota' | 'off' | { ring: number };

/** Events a device makes per chunk, per print or per log line. */
const PER_CHUNK: ReadonlySet<DeviceEventName> = new Set<DeviceEventName>(['serial', 'log', 'flash:program', 'ota:chunk']);
/** `firmware_update`'s progress parameter (`system/inc/system_event.h:74-77`): one per saved chunk. */
const FIRMWARE_UPDATE_PROGRESS = 2;

/** firmware_update's per-chunk progress, which the 'ota' trace leaves out. */
const isFirmwareProgress = (event: string, param: number): boolean => event === 'firmware_update' && param === FIRMWARE_UPDATE_PROGRESS;

/**
 * The device's event bus: typed names, payloads stamped with virtual time, and the events its
 * trace level keeps in `trace` so a test can assert a whole sequence. `on` returns the function
 * that unsubscribes. An event that is neither kept nor heard costs only the call.
 */
export class EventBus {
  private readonly kept: TraceEntry[] = [];
  private readonly level: 'all' | 'ota' | 'off' | 'ring';
  /** With a ring: its capacity, and where its oldest entry is once it is full. */
  private readonly ring: number = 0;
  private ringStart = 0;
  private readonly emitter = new EventEmitter();
  /** Listeners per event name, counted here: an unheard event is known without asking the emitter. */
  private readonly heard = new Map<DeviceEventName, number>();

  constructor(
    private readonly now: () => number,
    level: TraceLevel = 'all',
  ) {
    if (typeof level === 'object') {
      this.level = 'ring';
      this.ring = level.ring;
    } else this.level = level;
  }

  /** The event kinds of `types` this trace may leave out: the per-chunk ones at 'ota' (and firmware_update's progress), the oldest in a ring, all when off. */
  dropped(types: readonly DeviceEventName[]): DeviceEventName[] {
    if (this.level === 'all') return [];
    if (this.level === 'ota') return types.filter((type) => PER_CHUNK.has(type) || type === 'system:event');
    return [...types];
  }

  /** How many events are kept, without building the list. */
  get size(): number {
    return this.kept.length;
  }

  /** The kept events, oldest first. */
  get trace(): readonly TraceEntry[] {
    if (this.ringStart === 0) return this.kept;
    return [...this.kept.slice(this.ringStart), ...this.kept.slice(0, this.ringStart)];
  }

  /** Whether an event of `type` could be kept or heard now: a hot path may skip building one that would not. */
  wants(type: DeviceEventName): boolean {
    return this.keepsType(type) || this.heard.has(type);
  }

  /** Whether a `system:event` of `event` with `param` would be kept or heard: firmware_update's progress, raised per chunk, often is not. */
  wantsSystemEvent(event: string, param: number): boolean {
    return this.keepsSystemEvent(event, param) || this.heard.has('system:event');
  }

  emit<K extends DeviceEventName>(type: K, payload: DeviceEventMap[K]): void {
    const keep = this.keeps(type, payload);
    const heard = this.heard.has(type);
    if (!keep && !heard) return;
    // Object.assign, not a spread after the two fields: V8 copies that in its generic runtime path, slower per event.
    const stamped = Object.assign({ type, atMicros: this.now() }, payload) as unknown as TraceEntry;
    this.deliver(stamped, keep, heard);
  }

  /**
   * `emit(type, { connection, bytes })` for the connection events made per read or packet, built as
   * one object: an 'ota' trace keeps thousands of them, and this is all that is kept of each.
   */
  emitBytes(type: 'tcp:send' | 'tcp:data' | 'tcp:recv', connection: number, bytes: number): void {
    const keep = this.keepsType(type);
    const heard = this.heard.has(type);
    if (!keep && !heard) return;
    // The fields in emit's order: type, atMicros, then the payload's.
    this.deliver({ type, atMicros: this.now(), connection, bytes }, keep, heard);
  }

  /** Keep `stamped` in the trace and hand it to listeners, as its type asks. */
  private deliver(stamped: TraceEntry, keep: boolean, heard: boolean): void {
    if (keep) this.keep(stamped);
    if (heard) this.emitter.emit(stamped.type, stamped);
  }

  on<K extends DeviceEventName>(type: K, listener: (event: Stamped<DeviceEventMap[K]>) => void): () => void {
    this.emitter.on(type, listener);
    this.heard.set(type, this.emitter.listenerCount(type));
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      // Removes every registration of this listener for the event, as eventemitter3 does.
      this.emitter.off(type, listener);
      const left = this.emitter.listenerCount(type);
      if (left === 0) this.heard.delete(type);
      else this.heard.set(type, left);
    };
  }

  private keeps<K extends DeviceEventName>(type: K, payload: DeviceEventMap[K]): boolean {
    if (type !== 'system:event') return this.keepsType(type);
    const event = payload as DeviceEventMap['system:event'];
    return this.keepsSystemEvent(event.event, event.param);
  }

  /** Whether events of `type` are kept (a system:event may still be left out by its parameters). */
  private keepsType(type: DeviceEventName): boolean {
    if (this.level === 'off') return false;
    return this.level !== 'ota' || !PER_CHUNK.has(type);
  }

  private keepsSystemEvent(event: string, param: number): boolean {
    return this.keepsType('system:event') && !(this.level === 'ota' && isFirmwareProgress(event, param));
  }

  private keep(entry: TraceEntry): void {
    if (this.level !== 'ring' || this.kept.length < this.ring) {
      this.kept.push(entry);
      return;
    }
    this.kept[this.ringStart] = entry;
    this.ringStart = (this.ringStart + 1) % this.ring;
  }
}
