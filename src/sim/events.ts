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
 * The device's event bus: typed names, payloads stamped with virtual time, and every event kept
 * in `trace` so a test can assert a whole sequence. `on` returns the function that unsubscribes.
 */
export class EventBus {
  readonly trace: TraceEntry[] = [];
  private readonly emitter = new EventEmitter();

  constructor(private readonly now: () => number) {}

  emit<K extends DeviceEventName>(type: K, payload: DeviceEventMap[K]): void {
    const stamped = { type, atMicros: this.now(), ...payload } as unknown as TraceEntry;
    this.trace.push(stamped);
    this.emitter.emit(type, stamped);
  }

  on<K extends DeviceEventName>(type: K, listener: (event: Stamped<DeviceEventMap[K]>) => void): () => void {
    this.emitter.on(type, listener);
    return () => {
      this.emitter.off(type, listener);
    };
  }
}
