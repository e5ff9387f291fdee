import type { Diagnostics } from '../sim/diagnostics';
import { LogLevel } from '../sim/log-format';
import { hex } from '../sim/messages';
import { sprintf } from '../sim/printf';
import type { SeededRandom } from '../sim/random';
import { Descriptor, FileTransferStore, type DescriptorField } from '../ota/descriptor';
import { systemVersionOf, type DeviceOsProfile } from '../ota/profiles';
import type { FinishResultArgument, SystemUpdate } from '../ota/system-update';
import type { NetContext } from '../net/context';
import type { VirtualNetwork } from '../net/network';
import { TCPClient } from '../net/tcp-client';
import type { BackupRam } from './backup-ram';
import { TIMING } from './config';
import type { Cpu } from './cpu';
import type { DeviceOs } from './device-os';
import { makeLogger, type LogFilter, type LogManager } from './logging';
import { SerialApi, type SerialPort } from './serial';
import type { SketchApi } from './sketch';
import type { AppCalls } from './app-calls';
import { guardingPrototype, guardMembers } from './api-guard';
import type { CloudFunction } from './device-os';
import { stackSource, type StackOption } from './stack';
import { SystemApi } from './system-api';

/** A boot's tracked TCPClient calls, each given the client it is made on. */
interface TcpCalls {
  connect(client: TCPClient, host: string, port: number): Promise<number>;
  write(client: TCPClient, data: Uint8Array | string | number, size?: number): Promise<number>;
  available(client: TCPClient): Promise<number>;
  read(client: TCPClient, buf?: Uint8Array, size?: number): Promise<number>;
  peek(client: TCPClient): Promise<number>;
  connected(client: TCPClient): Promise<boolean>;
  stop(client: TCPClient): Promise<void>;
}

/** The sketch's TCPClient: its calls that take time go to its boot's tracked functions. */
class SketchTCPClient extends TCPClient {
  constructor(
    net: NetContext,
    network: VirtualNetwork,
    private readonly calls: TcpCalls,
  ) {
    super(net, network);
  }
  // Each call goes to its tracked function with the client and its arguments, not in a closure made per call.
  override connect(host: string, port: number): Promise<number> {
    return this.calls.connect(this, host, port);
  }
  override write(data: Uint8Array | string | number, size?: number): Promise<number> {
    return this.calls.write(this, data, size);
  }
  override available(): Promise<number> {
    return this.calls.available(this);
  }
  override read(): Promise<number>;
  override read(buf: Uint8Array, size: number): Promise<number>;
  override read(buf?: Uint8Array, size?: number): Promise<number> {
    return this.calls.read(this, buf, size);
  }
  override peek(): Promise<number> {
    return this.calls.peek(this);
  }
  override connected(): Promise<boolean> {
    return this.calls.connected(this);
  }
  override stop(): Promise<void> {
    return this.calls.stop(this);
  }
}
// A member TCPClient lacks is named, not a TypeError.
Object.setPrototypeOf(SketchTCPClient.prototype, guardingPrototype(TCPClient.prototype, 'TCPClient'));
/** What `super` is to SketchTCPClient's methods. */
const base = Object.getPrototypeOf(SketchTCPClient.prototype) as TCPClient;

/**
 * The constructor a sketch calls (`new TCPClient()`): an instance of the class `Shared`, defined
 * once, made with this boot's `args`. A class per boot would give each boot's objects a shape of
 * their own, and the methods that read them per chunk would turn megamorphic after a few devices.
 * A sketch's own subclass still gets its prototype.
 */
function ofThisBoot<A extends unknown[], T extends object>(Shared: new (...args: A) => T, args: A): new () => T {
  function Constructor(this: unknown): T {
    if (new.target === undefined) throw new TypeError(`Class constructor ${Shared.name} cannot be invoked without 'new'`);
    return new.target === Constructor ? new Shared(...args) : (Reflect.construct(Shared, args, new.target) as T);
  }
  Constructor.prototype = Shared.prototype;
  Object.defineProperty(Constructor, 'name', { value: Shared.name });
  return Constructor as unknown as new () => T;
}

/**
 * Save once `waited` is over. Apart from the call: a closure written in it would make V8 allocate
 * what it captures on every chunk, even the many saved at once.
 */
function saveAfter(waited: Promise<void>, update: SystemUpdate, file: Descriptor, chunk: Uint8Array): Promise<number> {
  return waited.then(() => update.save(file, chunk));
}

/** What one boot's sketch API is built from. */
export interface SketchWorld {
  readonly cpu: Cpu;
  readonly serial: SerialPort;
  readonly logs: LogManager;
  readonly diagnostics: Diagnostics;
  readonly net: NetContext;
  readonly network: VirtualNetwork;
  readonly deviceOs: DeviceOs;
  readonly update: SystemUpdate;
  readonly backupRam: BackupRam;
  readonly profile: DeviceOsProfile;
  readonly systemModuleVersion: number;
  readonly resetReason: number;
  readonly freeMemory: number;
  readonly stack: StackOption;
  /** The device's seeded randomness, and the boot's number to fork it by. */
  readonly random: SeededRandom;
  readonly generation: number;
  /** The app thread's calls that take time: one at a time. */
  readonly calls: AppCalls;
}

/**
 * The sketch API of one boot: Particle's names over the device's parts. A TypeScript sketch
 * receives it in its factory; a compiled (C++) sketch's imports call it. Each behaviour lives in
 * the part it belongs to; this only puts Device OS's names on them.
 */
export function createSketchApi(world: SketchWorld): SketchApi {
  const { cpu, logs, deviceOs, update, net, network, calls } = world;
  const uninitialised = stackSource(world.stack, world.random.fork(`stack/${world.generation}`));
  const hostRandom = world.random.fork(`host/${world.generation}`);
  const onUninitialisedRead = (field: DescriptorField, value: number, reader: string): void => {
    world.diagnostics.report(
      'uninitialised-read',
      `Failed to initialise file.${field} before ${reader} read it: it held ${hex(value)}, left on the stack (FileTransfer::Descriptor's constructor sets only size). Assign it before the call.`,
    );
  };
  const version = systemVersionOf(world.systemModuleVersion);
  const System = new SystemApi({
    updateFlags: update.flags,
    systemVersion: version.name,
    systemVersionNumber: version.number,
    freeMemory: world.freeMemory,
    resetReason: world.resetReason,
    reset: calls.track('System.reset', (reason: number) => deviceOs.reset(reason)),
    subscribe: (event, handler) => deviceOs.subscribe(event, handler),
    get resetPending() {
      return deviceOs.isResetPending;
    },
    get resetEnabled() {
      return deviceOs.isResetEnabled;
    },
    setResetEnabled: (enabled) => deviceOs.setResetEnabled(enabled),
    deviceOs: { version: world.profile.version, updateStatus: world.profile.updateStatus },
  });
  const clockRead = (micros: number): number => {
    cpu.clockReads++;
    cpu.charge(TIMING.clockReadMicros);
    return micros;
  };
  const tcp: TcpCalls = {
    connect: calls.track('TCPClient.connect', (client: TCPClient, host: string, port: number) => base.connect.call(client, host, port)),
    write: calls.track('TCPClient.write', (client: TCPClient, data: Uint8Array | string | number, size?: number) => base.write.call(client, data, size)),
    // Polls and reads as "now or later": a result there now costs no promise chain (see AppCalls.track).
    available: calls.track('TCPClient.available', (client: TCPClient) => base.availableSoon.call(client)),
    read: calls.track('TCPClient.read', (client: TCPClient, buf?: Uint8Array, size?: number) => (buf === undefined ? base.readSoon.call(client) : base.readSoon.call(client, buf, size ?? buf.length))),
    peek: calls.track('TCPClient.peek', (client: TCPClient) => base.peek.call(client)),
    connected: calls.track('TCPClient.connected', (client: TCPClient) => base.connectedSoon.call(client)),
    stop: calls.track('TCPClient.stop', (client: TCPClient) => base.stop.call(client)),
  };
  const api: SketchApi = {
    Serial: guardMembers(new SerialApi(world.serial), 'Serial'),
    Log: guardMembers(makeLogger(logs, 'app'), 'Log'),
    Logger: function Logger(category: string) {
      return guardMembers(makeLogger(logs, category), 'Logger');
    } as unknown as SketchApi['Logger'],
    SerialLogHandler: class SerialLogHandler {
      constructor(level: number = LogLevel.LOG_LEVEL_INFO, filters: LogFilter[] = []) {
        logs.addSerialHandler(level, filters);
      }
    },
    System: guardMembers(System, 'System'),
    Particle: guardMembers(
      {
        connected: () => deviceOs.connected,
        // Now or later, as TCPClient's polls: a pass with nothing to do costs no promise chain. A throw is still a rejection.
        process: calls.track('Particle.process', () => {
          try {
            return deviceOs.processSoon();
          } catch (error) {
            return Promise.reject(error);
          }
        }),
        function: (name: string, handler: CloudFunction) => deviceOs.registerFunction(name, handler),
      },
      'Particle',
    ),
    millis: () => clockRead(Math.floor(cpu.sinceBootMicros / 1000) >>> 0),
    micros: () => clockRead(cpu.sinceBootMicros >>> 0),
    delay: calls.track('delay', (ms: number) => deviceOs.delay(ms)),
    sprintf,
    TCPClient: ofThisBoot(SketchTCPClient, [net, network, tcp]),
    FileTransfer: guardMembers(
      {
        Descriptor: ofThisBoot(Descriptor, [uninitialised, onUninitialisedRead]),
        Store: FileTransferStore,
      },
      'FileTransfer',
    ),
    Spark_Prepare_For_Firmware_Update: calls.track('Spark_Prepare_For_Firmware_Update', async (file: Descriptor, flags: number) => {
      await cpu.spend(TIMING.systemCallMicros);
      const result = await update.prepare(file, flags);
      deviceOs.prepared();
      return result;
    }),
    // Now or later, as TCPClient's polls: a chunk saved at once costs no promise chain. A throw is still a rejection.
    Spark_Save_Firmware_Chunk: calls.track('Spark_Save_Firmware_Chunk', (file: Descriptor, chunk: Uint8Array) => {
      try {
        // Written out, not with andThen: the closure it takes would be made for every chunk.
        const waited = cpu.take(TIMING.systemCallMicros);
        return waited === undefined ? update.save(file, chunk) : saveAfter(waited, update, file, chunk);
      } catch (error) {
        return Promise.reject(error);
      }
    }),
    Spark_Finish_Firmware_Update: calls.track('Spark_Finish_Firmware_Update', async (file: Descriptor, flags: number | boolean, module: FinishResultArgument) => {
      await cpu.spend(TIMING.systemCallMicros);
      return update.finish(file, Number(flags), module);
    }),
    LOG_LEVEL_ALL: LogLevel.LOG_LEVEL_ALL,
    LOG_LEVEL_TRACE: LogLevel.LOG_LEVEL_TRACE,
    LOG_LEVEL_INFO: LogLevel.LOG_LEVEL_INFO,
    LOG_LEVEL_WARN: LogLevel.LOG_LEVEL_WARN,
    LOG_LEVEL_ERROR: LogLevel.LOG_LEVEL_ERROR,
    LOG_LEVEL_NONE: LogLevel.LOG_LEVEL_NONE,
    host: {
      yieldPoint: () => cpu.yieldPoint(),
      randomBytes: (length) => hostRandom.fill(new Uint8Array(length)),
      retained: (initial, live) => world.backupRam.restore(initial, world.profile.initialisesRetained, live),
      // Once per device: the same thing said again at every boot explains nothing new.
      diagnose: (code, message) => {
        if (!world.diagnostics.entries.some((d) => d.code === code && d.message === message)) world.diagnostics.report(code, message);
      },
    },
  };
  // A member of Particle's API the emulator does not model (Particle.publish, Cellular, …) is named, not undefined.
  return guardMembers(api, undefined);
}
