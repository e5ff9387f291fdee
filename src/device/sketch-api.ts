import type { Diagnostics } from '../sim/diagnostics';
import { LogLevel } from '../sim/log-format';
import { hex } from '../sim/messages';
import { andThen, promised } from '../sim/now-or-later';
import { sprintf } from '../sim/printf';
import type { SeededRandom } from '../sim/random';
import { Descriptor, FileTransferStore, type DescriptorField } from '../ota/descriptor';
import { systemVersionOf, type DeviceOsProfile } from '../ota/profiles';
import type { SystemUpdate } from '../ota/system-update';
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
import { stackSource, type StackOption } from './stack';
import { SystemApi } from './system-api';

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
}

/**
 * The sketch API of one boot: Particle's names over the device's parts. A TypeScript sketch
 * receives it in its factory; a compiled (C++) sketch's imports call it. Each behaviour lives in
 * the part it belongs to; this only puts Device OS's names on them.
 */
export function createSketchApi(world: SketchWorld): SketchApi {
  const { cpu, logs, deviceOs, update, net, network } = world;
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
    reset: (reason) => deviceOs.reset(reason),
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
  return {
    Serial: new SerialApi(world.serial),
    Log: makeLogger(logs, 'app'),
    Logger: function Logger(category: string) {
      return makeLogger(logs, category);
    } as unknown as SketchApi['Logger'],
    SerialLogHandler: class SerialLogHandler {
      constructor(level: number = LogLevel.LOG_LEVEL_INFO, filters: LogFilter[] = []) {
        logs.addSerialHandler(level, filters);
      }
    },
    System,
    Particle: {
      connected: () => deviceOs.connected,
      process: () => deviceOs.process(),
      function: (name, handler) => deviceOs.registerFunction(name, handler),
    },
    millis: () => clockRead(Math.floor(cpu.sinceBootMicros / 1000) >>> 0),
    micros: () => clockRead(cpu.sinceBootMicros >>> 0),
    delay: (ms: number) => deviceOs.delay(ms),
    sprintf,
    TCPClient: class extends TCPClient {
      constructor() {
        super(net, network);
      }
    },
    FileTransfer: {
      Descriptor: class extends Descriptor {
        constructor() {
          super(uninitialised, onUninitialisedRead);
        }
      },
      Store: FileTransferStore,
    },
    Spark_Prepare_For_Firmware_Update: async (file, flags) => {
      await cpu.spend(TIMING.systemCallMicros);
      const result = await update.prepare(file, flags);
      deviceOs.prepared();
      return result;
    },
    Spark_Save_Firmware_Chunk: (file, chunk) => promised(() => andThen(cpu.take(TIMING.systemCallMicros), () => update.save(file, chunk))),
    Spark_Finish_Firmware_Update: async (file, flags, module) => {
      await cpu.spend(TIMING.systemCallMicros);
      return update.finish(file, Number(flags), module);
    },
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
}
