import { millisToMicros, VirtualClock, type Micros } from '../sim/clock';
import { Diagnostics, type Diagnostic } from '../sim/diagnostics';
import { EventBus, type DeviceEventMap, type DeviceEventName, type Stamped, type TraceEntry } from '../sim/events';
import { ExternalWork } from '../sim/external-work';
import { LogLevel } from '../sim/log-format';
import { bytes, EmulatorError, hex } from '../sim/messages';
import { sprintf } from '../sim/printf';
import { SeededRandom } from '../sim/random';
import { BoronFlash } from '../hal/boron-flash';
import { applyPendingSlots } from '../ota/bootloader';
import { DctModuleSlots } from '../ota/dct-slots';
import { Descriptor, FileTransferStore, type DescriptorField } from '../ota/descriptor';
import { explainValidation } from '../ota/explain';
import { ModuleFunction, moduleFunctionName, PLATFORM_BORON, type ModulePrefix } from '../ota/module-format';
import { profileForSystemVersion, PROFILES, systemVersionOf, type DeviceOsProfile, type DeviceOsVersion } from '../ota/profiles';
import { parseModule } from '../ota/module-file';
import { SystemUpdate, type SystemUpdateHost, type UpdateFlags } from '../ota/system-update';
import { fetchModule, readModuleInfo, Validation, verifyCrc, type ModuleBounds } from '../ota/validation';
import type { NetContext } from '../net/context';
import { VirtualHttpServer, type RequestHandler } from '../net/http-server';
import { idealLink, type LinkModel } from '../net/link';
import { LINK_PROFILES, type LinkProfileName } from '../net/link-profiles';
import { VirtualNetwork, type DnsOptions } from '../net/network';
import type { NetworkFault } from '../net/faults';
import { RealConnection, type RealServerAddress } from '../net/real-server';
import { TCPClient } from '../net/tcp-client';
import { BackupRam } from './backup-ram';
import { Cpu, never } from './cpu';
import { buildModule, sketchForSha } from './images';
import { LogManager, makeLogger, type LogFilter, type LogRecord } from './logging';
import { SerialApi, SerialPort } from './serial';
import { defineSketch, type Sketch, type SketchApi, type SketchInstance } from './sketch';
import { stackSource, type StackOption } from './stack';
import { SystemApi, type SystemEventHandler, type SystemEventName } from './system-api';

export interface VirtualBoronOptions {
  /** Device OS behaviour profile. */
  deviceOs?: DeviceOsVersion;
  /** The app installed at the factory: a sketch (built into a user part for you) or a user-part image. */
  app?: Sketch | Uint8Array;
  /**
   * Modules to install over the factory ones — real Particle binaries (a bootloader, radio stack,
   * system part or user part) or built ones — each written where its prefix says it starts.
   */
  modules?: Uint8Array[];
  /** The web: msw handlers answer every HTTP request the device makes. */
  server?: readonly RequestHandler[];
  /** How data reaches the device: a named profile ('lte-m', 'nb-iot', '3g', 'forum', 'ideal') or a model. */
  link?: LinkModel | LinkProfileName;
  dns?: DnsOptions;
  /** What goes wrong on the network, at chosen moments or bytes. */
  faults?: NetworkFault[];
  /**
   * Names (or `name:port`) that lead to a real server on loopback instead of the msw handlers: the
   * device's TCPClient talks to it through a real socket. Virtual time stands still while it answers.
   */
  realServers?: Record<string, RealServerAddress>;
  /** Same seed and inputs, same run, byte for byte. */
  seed?: number | string;
  /** What uninitialised stack variables (a `FileTransfer::Descriptor`) hold. */
  stack?: StackOption;
  /** Bytes the OTA region already holds at power-on, e.g. the image of an earlier update. */
  otaRegion?: Uint8Array;
  cloud?: {
    /** Cellular attach and cloud handshake before an AUTOMATIC sketch's setup(). */
    connectMs?: number;
    /** Finish's forced DISCONNECT waits this long for the cloud's confirmation. */
    disconnectMs?: number;
  };
  /** `System.freeMemory()`. */
  freeMemory?: number;
  /**
   * Program OTA chunks with Gen 2's unaligned-write bug (Device OS #1989, fixed in 1.5.0), which no
   * Boron ever had: with it on, a chunk whose length is not a multiple of 4 corrupts the image.
   */
  gen2UnalignedWriteBug?: boolean;
}

/** A module installed in internal flash, as the device reads it. */
export interface InstalledModule {
  region: string;
  function: string;
  index: number;
  version: number;
  startAddress: number;
  endAddress: number;
  platformId: number;
  crcOk: boolean;
  /** The sketch this image runs, when it was built from one. */
  sketch?: string;
}

export type DeviceState = 'off' | 'booting' | 'running' | 'safe-mode' | 'dfu' | 'crashed';

/** A cellular Boron attaches and completes the cloud handshake ~10.6 s after power-on (the thread's first log line). */
const CLOUD_CONNECT_MS = 10_400;
/** Finish's DISCONNECT waits at least 1 s for confirmation (`wait_confirmable()`, `communication/inc/dtls_protocol.h:75-121`). */
const CLOUD_DISCONNECT_MS = 1_000;
/** What the thread's Boron printed for `System.freeMemory()` (1.2.1, a small app). */
const FREE_MEMORY = 70_184;
const BOOTLOADER_MICROS = 30_000;
const SYSTEM_INIT_MICROS = 200_000;
/** One `loop()` turn plus `Spark_Idle_Events` between turns. */
const LOOP_TURN_MICROS = 1_000;
/** Entering a system_update call. */
const SYSTEM_CALL_MICROS = 20;
/** `millis()`/`micros()` read the RTC through the system part's dynalib: a little time, so a loop that only reads the clock still sees it move. */
const CLOCK_READ_MICROS = 1;
/** `RESET_REASON_PIN_RESET` and `RESET_REASON_UPDATE_TIMEOUT` (`hal/inc/core_hal.h:61-80` at v1.4.4). */
const RESET_REASON_PIN = 20;
const RESET_REASON_UPDATE_TIMEOUT = 90;
/**
 * `TIMING_FLASH_UPDATE_TIMEOUT`: 300 s on a Boron (`system/inc/system_cloud.h:266-270` at v1.4.4;
 * unconditional at v6.2.0). Counted only while an update is in progress (`system/src/main.cpp:376-388`).
 */
const FLASH_UPDATE_TIMEOUT_MICROS = 300_000_000;
const RESET_REASON_NAMES: Record<number, string> = { 0: 'NONE', 20: 'PIN_RESET', 40: 'POWER_DOWN', 70: 'UPDATE', 80: 'UPDATE_ERROR', 90: 'UPDATE_TIMEOUT', 140: 'USER' };

/** The app a factory Boron ships when none is given: it does nothing. */
const IDLE_APP = defineSketch(() => ({}), { name: 'idle' });

/**
 * A virtual Particle Boron: the composition root. It owns the clock, the flash chips, the
 * network and the Device OS pieces, boots through its bootloader, and runs a sketch.
 */
export class VirtualBoron {
  /** The Device OS behaviour in force: the factory version's, then whatever system part is installed. */
  private running: DeviceOsProfile;
  readonly clock = new VirtualClock();
  readonly events = new EventBus(() => this.clock.nowMicros);
  readonly flash = new BoronFlash();
  readonly serial: SerialPort;
  /** Every log call, whether or not a handler printed it. */
  readonly logs: LogRecord[] = [];
  readonly server: VirtualHttpServer;
  /** The RGB LED as Prepare/Finish drive it. */
  readonly led = { controlled: false, color: 'cyan' };
  state: DeviceState = 'off';
  /** `System.resetReason()` of the current boot. */
  resetReason = 0;
  /** The sketch running now (after boot). */
  appName = '';

  private readonly random: SeededRandom;
  private readonly backupRam: BackupRam;
  private readonly external = new ExternalWork();
  private readonly cpu: Cpu;
  private readonly slots = new DctModuleSlots();
  private readonly network: VirtualNetwork;
  private readonly netContext: NetContext;
  private readonly logManager: LogManager;
  private readonly diagnosticsLog = new Diagnostics(() => this.clock.nowMicros);
  private readonly stack: StackOption;
  private readonly options: VirtualBoronOptions;
  private update!: SystemUpdate;
  private resetPending = false;
  private cloudConnected = false;
  private systemHandlers: { event: SystemEventName; handler: SystemEventHandler }[] = [];
  private readonly updateWatchdog = this.clock.createAlarm('flash update timeout', () => this.updateTimedOut());

  constructor(options: VirtualBoronOptions = {}) {
    this.options = options;
    this.running = PROFILES[options.deviceOs ?? '1.4.4'];
    if (!this.running) {
      throw new EmulatorError('UNKNOWN_PROFILE', 'Failed to create the device: Device OS "{version}" has no profile. Use one of {known}.', {
        version: String(options.deviceOs),
        known: Object.keys(PROFILES).join(', '),
      });
    }
    const device = this;
    this.random = new SeededRandom(options.seed ?? 1);
    this.backupRam = new BackupRam(this.random.fork('backup-ram'));
    this.stack = options.stack ?? 'garbage';
    this.cpu = new Cpu(this.clock, this.external);
    this.serial = new SerialPort(this.cpu, this.events);
    this.logManager = new LogManager(this.cpu, this.serial, this.events, this.logs);
    this.netContext = {
      clock: this.clock,
      events: this.events,
      external: this.external,
      random: this.random.fork('net'),
      spend: (micros) => this.cpu.spend(micros),
      spendPolling: (micros) => this.cpu.poll(micros),
      waitForEvent: (minMicros, capMicros) => this.cpu.waitForEvent(minMicros, capMicros),
      // Anything the sketch did since: output, input read, or a call that takes time other than a poll.
      activity: () => this.cpu.activity + this.cpu.spends,
      log: (category, level, message) => this.logManager.log(category, level, message),
      diagnose: (code, message) => this.diagnosticsLog.report(code, message),
      get connectFailureResult() {
        return device.profile.connectFailureResult;
      },
    };
    this.server = new VirtualHttpServer(this.netContext, options.server ?? []);
    this.network = new VirtualNetwork(this.netContext, typeof options.link === 'string' ? LINK_PROFILES[options.link] : (options.link ?? idealLink), (host, port, peer) => {
        const real = options.realServers?.[`${host}:${port}`] ?? options.realServers?.[host];
        return real ? new RealConnection(this.netContext, peer, real) : this.server.accept(host, port, peer);
      },
      options.dns,
      options.faults,
    );
    this.installFactoryImages(options);
  }

  /** The Device OS profile in force (it follows the installed system part after an OS update). */
  get profile(): DeviceOsProfile {
    return this.running;
  }

  /** Plain-words explanations of what happened and why, in order. */
  get diagnostics(): readonly Diagnostic[] {
    return this.diagnosticsLog.entries;
  }

  /** Every event so far, stamped with virtual time. */
  get trace(): readonly TraceEntry[] {
    return this.events.trace;
  }

  on<K extends DeviceEventName>(type: K, listener: (event: Stamped<DeviceEventMap[K]>) => void): () => void {
    return this.events.on(type, listener);
  }

  /** Virtual milliseconds since power-on, as `millis()` reads them. */
  get millis(): number {
    return Math.floor(this.cpu.nowMicros / 1000);
  }

  get nowMicros(): Micros {
    return this.cpu.nowMicros;
  }

  /** Bytes of host memory this device's flash holds (sparse storage). */
  get flashFootprint(): number {
    return this.flash.allocatedBytes;
  }

  powerOn(): this {
    if (this.state !== 'off') throw new EmulatorError('ALREADY_ON', 'Failed to power on: the device is already on.');
    this.events.emit('device:power', { on: true });
    this.startBoot(0);
    return this;
  }

  /** Cut the power: the firmware stops where it is, and backup RAM (`retained` variables) is lost. `powerOn()` starts it again. */
  powerOff(): void {
    if (this.state === 'off') throw new EmulatorError('DEVICE_OFF', 'Failed to power off: the device is already off.');
    this.events.emit('device:power', { on: false });
    this.state = 'off';
    this.cpu.newGeneration();
    this.cpu.threadEnded();
    this.network.closeAll();
    this.serial.dropInput();
    this.backupRam.powerLost();
  }

  /** Press the RESET button: the device reboots now (reset reason 20, PIN_RESET). */
  pressReset(): void {
    if (this.state === 'off') throw new EmulatorError('DEVICE_OFF', 'Failed to reset the device: it is off. Call powerOn() first.');
    // From a listener during a run the firmware is mid-step: reset it at its next step, as an interrupt.
    if (this.cpu.running) this.cpu.interrupt(() => void this.resetNow(RESET_REASON_PIN));
    else void this.resetNow(RESET_REASON_PIN);
  }

  /** Run for `ms` of virtual time. */
  async runFor(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new EmulatorError('NOT_A_DURATION', 'Failed to run for {ms} ms: pass a finite, non-negative number of milliseconds.', { ms: String(ms) });
    await this.cpu.runUntil(this.clock.nowMicros + millisToMicros(ms));
  }

  /**
   * Run until `condition` holds: a function, or text/a pattern that the serial output must
   * contain. Fails with RUN_TIMEOUT after `timeoutMs` of virtual time (default 10 minutes).
   */
  async runUntil(condition: (() => boolean) | string | RegExp, options: { timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 600_000;
    const test = typeof condition === 'function' ? condition : this.serialCondition(condition);
    const outcome = await this.cpu.runUntil(this.clock.nowMicros + millisToMicros(timeoutMs), test);
    if (outcome === 'deadline') {
      const tail = this.serial.lines().filter((l) => l.length > 0).slice(-3).join(' | ');
      throw new EmulatorError('RUN_TIMEOUT', 'Failed to reach the condition {what} within {timeoutMs} ms of virtual time (now {now} ms). Last serial lines: {tail}', {
        what: typeof condition === 'function' ? '(a function)' : JSON.stringify(String(condition)),
        timeoutMs,
        now: this.millis,
        tail: tail || '(none)',
      });
    }
  }

  /**
   * A condition on the serial output, checked often: text is searched only in what was printed
   * since the last check, a pattern re-tested only when the output grew. Once true, it stays true.
   */
  private serialCondition(condition: string | RegExp): () => boolean {
    const serial = this.serial;
    if (typeof condition === 'string') {
      let checkedTo = 0;
      let met = false;
      return () => {
        if (met || serial.length === checkedTo) return met;
        const from = Math.max(0, checkedTo - condition.length + 1);
        checkedTo = serial.length;
        met = serial.textSince(from).includes(condition);
        return met;
      };
    }
    const pattern = new RegExp(condition.source, condition.flags.replace('g', ''));
    let testedAt = -1;
    let met = false;
    return () => {
      if (met || serial.length === testedAt) return met;
      testedAt = serial.length;
      met = pattern.test(serial.output);
      return met;
    };
  }

  /** The modules in internal flash as the device reads them. */
  modules(): InstalledModule[] {
    return this.profile.moduleBounds.map((bounds) => {
      const { info } = readModuleInfo(this.flash.internal, bounds.start);
      const crc = verifyCrc(this.flash.internal, bounds.start, (info.endAddress - info.startAddress) >>> 0);
      const module: InstalledModule = {
        region: bounds.name,
        function: moduleFunctionName(info.function),
        index: info.index,
        version: info.version,
        startAddress: info.startAddress,
        endAddress: info.endAddress,
        platformId: info.platformId,
        crcOk: crc !== undefined && crc.stored === crc.computed,
      };
      const sketch = info.function === ModuleFunction.USER_PART ? this.sketchAt(bounds, info) : undefined;
      if (sketch) module.sketch = sketch.name;
      return module;
    });
  }

  // ---- boot ----

  private installFactoryImages(options: VirtualBoronOptions): void {
    const deviceOs = this.profile.version;
    const images = [
      buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs, size: 2048 }),
      ...(this.profile.radioStackVersion === undefined ? [] : [buildModule({ function: ModuleFunction.RADIO_STACK, deviceOs, size: 2048 })]),
      buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs, size: 16 * 1024 }),
      options.app instanceof Uint8Array ? options.app : buildModule({ sketch: options.app ?? IDLE_APP, deviceOs }),
    ];
    // Each image goes where its prefix says it starts, as the factory (or a programmer) flashes it.
    for (const image of [...images, ...(options.modules ?? [])]) {
      const module = parseModule(image);
      if (module.platformId !== PLATFORM_BORON) {
        throw new EmulatorError('MODULE_PLATFORM', 'Failed to install a {fn} module: it is for platform {platform}, not the Boron ({boron}).', { fn: module.functionName, platform: module.platformId, boron: PLATFORM_BORON });
      }
      this.flash.internal.load(module.startAddress, image);
    }
    const installed = profileForSystemVersion(this.systemModuleVersion());
    if (installed) this.running = installed;
    if (options.otaRegion) this.flash.external.load(this.profile.otaRegion.start, options.otaRegion);
  }

  private startBoot(reason: number): void {
    this.cpu.newGeneration();
    const gen = this.cpu.generation;
    this.state = 'booting';
    this.resetReason = reason;
    this.resetPending = false;
    this.cloudConnected = false;
    this.systemHandlers = [];
    this.led.controlled = false;
    this.updateWatchdog.cancel();
    this.logManager.reset();
    this.network.closeAll();
    this.diagnosticsLog.closeChapter();
    const stack = this.random.fork(`chunk-neighbours/${this.cpu.generation}`);
    this.update = new SystemUpdate(this.updateHost(), { gen2UnalignedWriteBug: this.options.gen2UnalignedWriteBug, stackByte: () => stack.nextInt(0, 255) });
    this.boot(gen).then(
      () => {
        if (gen === this.cpu.generation) this.cpu.threadEnded();
      },
      (error: unknown) => {
        if (gen !== this.cpu.generation) return;
        this.state = 'crashed';
        this.cpu.threadEnded();
        this.cpu.crash(error);
      },
    );
  }

  /** Reset now: the running firmware stops where it is and the device boots again. */
  private resetNow(reason: number): Promise<never> {
    this.events.emit('device:reset', { reason, reasonName: RESET_REASON_NAMES[reason] ?? String(reason) });
    this.serial.dropInput();
    this.backupRam.keep();
    this.startBoot(reason);
    return never();
  }

  private async boot(gen: number): Promise<void> {
    const cpu = this.cpu;
    await cpu.spend(BOOTLOADER_MICROS);
    for (const outcome of applyPendingSlots(this.flash, this.slots)) {
      const { slot } = outcome;
      this.events.emit('bootloader:apply', { slot: slot.index, destination: slot.destinationAddress, length: slot.length, applied: outcome.applied, ...(outcome.why ? { why: outcome.why } : {}) });
      if (outcome.applied) {
        this.diagnosticsLog.report('bootloader-applied', `The bootloader applied the update in DCT slot ${slot.index}: it checked the module (platform, start address, function, CRC-32), then copied ${bytes(slot.length)} bytes from external ${hex(slot.sourceAddress)} to internal ${hex(slot.destinationAddress)}.`);
      } else {
        this.diagnosticsLog.report('bootloader-refused', `Failed to apply the update in DCT slot ${slot.index} to ${hex(slot.destinationAddress)}: ${outcome.why}. The bootloader freed the slot and left the old module in place.`);
      }
      await cpu.spend(outcome.costMicros);
    }
    this.running = profileForSystemVersion(this.systemModuleVersion()) ?? this.running;
    const system = this.bounds(ModuleFunction.SYSTEM_PART);
    const systemCheck = fetchModule(this.flash, system, this.profile.moduleBounds, false, Validation.INTEGRITY);
    if (!(systemCheck.passed & Validation.INTEGRITY)) {
      this.state = 'dfu';
      this.diagnosticsLog.report('system-invalid', `Failed to boot: the system part at ${hex(system.start)} is not valid (CRC-32 mismatch or no module), so the bootloader stays in DFU mode.`);
      return;
    }
    await cpu.spend(SYSTEM_INIT_MICROS);
    const sketch = this.userApp();
    const safeMode = sketch === undefined;
    this.events.emit('device:boot', { app: sketch?.name ?? '', systemVersion: this.systemModuleVersion(), safeMode });
    if (!sketch) {
      this.state = 'safe-mode';
      this.appName = '';
      for (;;) await cpu.idle(LOOP_TURN_MICROS);
    }
    this.state = 'running';
    this.appName = sketch.name;
    const instance: SketchInstance = sketch.create(this.sketchApi(gen));
    await instance.startup?.();
    if (sketch.systemThread) {
      this.diagnosticsLog.report('system-thread-not-modelled', `The app asks for SYSTEM_THREAD(ENABLED), which the emulator does not model yet: setup() and loop() run on one thread with the system, as without it.`);
    }
    if (sketch.systemMode === 'AUTOMATIC') {
      await cpu.spend(millisToMicros(this.options.cloud?.connectMs ?? CLOUD_CONNECT_MS));
      this.cloudConnected = true;
    }
    await instance.setup?.();
    for (;;) {
      const before = { busy: cpu.activity + cpu.clockReads + cpu.spends, polls: cpu.emptyPolls };
      await instance.loop?.();
      // A turn that only polled for input and found none is skipped ahead to the next event, as a
      // CPU waits in WFI; a turn that did anything else (even just count) takes its normal time.
      const idle = cpu.activity + cpu.clockReads + cpu.spends === before.busy && cpu.emptyPolls > before.polls;
      await this.idleEvents();
      if (idle) await cpu.idle(LOOP_TURN_MICROS);
      else await cpu.spend(LOOP_TURN_MICROS);
    }
  }

  /**
   * `HAL_Core_Validate_User_Module` (`hal/src/nRF52840/core_hal.c:359-386` at v1.4.4): the user part
   * must start at its bounds, fit, be for this platform, pass its CRC and have its dependencies met
   * (not optional at boot). Otherwise the device runs in safe mode and the app does not start.
   */
  private userApp(): Sketch | undefined {
    // From 3.1 there are two user regions (256K and the 128K compat one): the app is whichever holds a user part.
    const regions = this.profile.moduleBounds.filter((b) => b.function === ModuleFunction.USER_PART).reverse();
    const bounds = regions.find((b) => readModuleInfo(this.flash.internal, b.start).info.startAddress === b.start) ?? regions[0];
    const check = fetchModule(this.flash, bounds, this.profile.moduleBounds, false, Validation.INTEGRITY);
    const { info } = check;
    const ok = check.fetched && check.passed === check.checked && info.startAddress === bounds.start && info.function === ModuleFunction.USER_PART;
    if (!ok) {
      const reasons = explainValidation(check, undefined, bounds.start);
      this.diagnosticsLog.report('safe-mode', `Failed to start the app: the user part at ${hex(bounds.start)} is not valid${reasons.length ? ` (${reasons.join(' ')})` : ''}, so the device runs in safe mode.`);
      return undefined;
    }
    return this.sketchAt(bounds, info) ?? defineSketch(() => ({}), { name: `unknown app (${hex(info.startAddress)} v${info.version})` });
  }

  private sketchAt(bounds: ModuleBounds, info: ModulePrefix): Sketch | undefined {
    const length = (info.endAddress - info.startAddress) >>> 0;
    if (length < 38 || bounds.start + length > this.flash.internal.size) return undefined;
    const sha = this.flash.internal.read(bounds.start + length - 34, 32);
    return sketchForSha(Buffer.from(sha).toString('hex'));
  }

  private bounds(fn: number): ModuleBounds {
    return this.profile.moduleBounds.find((b) => b.function === fn)!;
  }

  private systemModuleVersion(): number {
    return readModuleInfo(this.flash.internal, this.bounds(ModuleFunction.SYSTEM_PART).start).info.version;
  }

  /**
   * `Spark_Idle_Events` → `system_shutdown_if_needed` (`system_update.cpp:345-367` at v1.4.4): a
   * pending reset emits the `reset` event, then resets (without SYSTEM_THREAD, at once).
   */
  private async idleEvents(): Promise<void> {
    if (!this.resetPending) return;
    this.dispatchSystemEvent('reset', 0);
    await this.resetNow(this.profile.otaResetReason);
  }

  // ---- the sketch's world ----

  private sketchApi(gen: number): SketchApi {
    const device = this;
    const cpu = this.cpu;
    const logs = this.logManager;
    const netContext = this.netContext;
    const network = this.network;
    const uninitialised = stackSource(this.stack, this.random.fork(`stack/${gen}`));
    const hostRandom = this.random.fork(`host/${gen}`);
    const onUninitialisedRead = (field: DescriptorField, value: number, reader: string): void => {
      this.diagnosticsLog.report(
        'uninitialised-read',
        `Failed to initialise file.${field} before ${reader} read it: it held ${hex(value)}, left on the stack (FileTransfer::Descriptor's constructor sets only size). Assign it before the call.`,
      );
    };
    const system = new SystemApi({
      get updateFlags(): UpdateFlags {
        return device.update.flags;
      },
      get systemVersion() {
        return systemVersionOf(device.systemModuleVersion()).name;
      },
      get systemVersionNumber() {
        return systemVersionOf(device.systemModuleVersion()).number;
      },
      freeMemory: this.options.freeMemory ?? FREE_MEMORY,
      resetReason: this.resetReason,
      reset: (reason) => this.resetNow(reason),
      subscribe: (event, handler) => this.systemHandlers.push({ event, handler }),
    });
    const Log = makeLogger(logs, 'app');
    return {
      Serial: new SerialApi(this.serial),
      Log,
      Logger: function Logger(category: string) {
        return makeLogger(logs, category);
      } as unknown as SketchApi['Logger'],
      SerialLogHandler: class SerialLogHandler {
        constructor(level: number = LogLevel.LOG_LEVEL_INFO, filters: LogFilter[] = []) {
          logs.addSerialHandler(level, filters);
        }
      },
      System: system,
      Particle: {
        connected: () => this.cloudConnected,
        process: async () => {
          await this.idleEvents();
          await cpu.spend(LOOP_TURN_MICROS);
        },
      },
      millis: () => {
        cpu.clockReads++;
        const now = Math.floor(cpu.nowMicros / 1000) >>> 0;
        cpu.charge(CLOCK_READ_MICROS);
        return now;
      },
      micros: () => {
        cpu.clockReads++;
        const now = cpu.nowMicros >>> 0;
        cpu.charge(CLOCK_READ_MICROS);
        return now;
      },
      delay: async (ms: number) => {
        await this.idleEvents();
        await cpu.spend(millisToMicros(ms));
      },
      sprintf,
      TCPClient: class extends TCPClient {
        constructor() {
          super(netContext, network);
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
        await cpu.spend(SYSTEM_CALL_MICROS);
        return this.update.prepare(file, flags);
      },
      Spark_Save_Firmware_Chunk: async (file, chunk) => {
        await cpu.spend(SYSTEM_CALL_MICROS);
        return this.update.save(file, chunk);
      },
      Spark_Finish_Firmware_Update: async (file, flags, module) => {
        await cpu.spend(SYSTEM_CALL_MICROS);
        return this.update.finish(file, Number(flags), module);
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
        retained: (initial, live) => this.backupRam.restore(initial, this.profile.initialisesRetained, live),
        // Once per device: the same thing said again at every boot explains nothing new.
        diagnose: (code, message) => {
          if (!this.diagnosticsLog.entries.some((d) => d.code === code && d.message === message)) this.diagnosticsLog.report(code, message);
        },
      },
    };
  }

  private updateHost(): SystemUpdateHost {
    const device = this;
    return {
      chips: this.flash,
      slots: this.slots,
      get profile() {
        return device.profile;
      },
      events: this.events,
      spend: (micros) => this.cpu.spend(micros),
      log: (category, level, message) => this.logManager.log(category, level, message),
      systemEvent: (event, param) => this.dispatchSystemEvent(event, param),
      diagnose: (code, message, key) => this.diagnosticsLog.report(code, message, key),
      setUpdateLed: (on) => {
        this.led.controlled = on;
        this.led.color = on ? 'magenta' : 'cyan';
      },
      disconnectCloud: () => this.disconnectCloud(),
      touchUpdateTimeout: () => {
        if (this.profile.stallWatchdog) this.updateWatchdog.schedule(FLASH_UPDATE_TIMEOUT_MICROS);
      },
      scheduleReset: () => {
        if (this.resetPending) return;
        this.resetPending = true;
        this.dispatchSystemEvent('reset_pending', 0);
      },
    };
  }

  /**
   * Finish's forced `spark_protocol_command(DISCONNECT)`. With a live session it waits for the
   * cloud's confirmation; without one it fails at once with INVALID_STATE (3), logging the two
   * lines the thread's MANUAL-mode poster saw (reference note §4).
   */
  private async disconnectCloud(): Promise<void> {
    const hadSession = this.cloudConnected;
    this.events.emit('cloud:disconnect', { hadSession });
    if (hadSession) {
      await this.cpu.spend(millisToMicros(this.options.cloud?.disconnectMs ?? CLOUD_DISCONNECT_MS));
      this.cloudConnected = false;
      return;
    }
    this.logManager.log('comm.protocol', LogLevel.LOG_LEVEL_ERROR, 'Event loop error 3');
    this.logManager.log('comm', LogLevel.LOG_LEVEL_WARN, 'error receiving acknowledgements: 3');
  }

  /** The SysTick count reached the limit while an update was in progress: reset with reason 90. */
  private updateTimedOut(): void {
    if (!this.update.flags.flashUpdateActive) return;
    this.diagnosticsLog.report(
      'update-timeout',
      'Failed to finish the update: no chunk was saved for 300 s while it was in progress (after Spark_Prepare_For_Firmware_Update), so the system reset the device with reason 90 (UPDATE_TIMEOUT). Save a chunk, or call Spark_Finish_Firmware_Update, at least every 300 s.',
    );
    this.cpu.interrupt(() => void this.resetNow(RESET_REASON_UPDATE_TIMEOUT));
  }

  private dispatchSystemEvent(event: SystemEventName, param: number): void {
    this.events.emit('system:event', { event, param });
    for (const h of this.systemHandlers) if (h.event === event) h.handler(event, param);
  }
}
