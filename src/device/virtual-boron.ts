import { millisToMicros, VirtualClock, type Micros } from '../sim/clock';
import { Diagnostics, type Diagnostic } from '../sim/diagnostics';
import { EventBus, type DeviceEventMap, type DeviceEventName, type Stamped, type TraceEntry } from '../sim/events';
import { ExternalWork } from '../sim/external-work';
import { EmulatorError } from '../sim/messages';
import { SeededRandom } from '../sim/random';
import { BoronFlash } from '../hal/boron-flash';
import { DctModuleSlots } from '../ota/dct-slots';
import { ModuleFlag, ModuleFunction, PLATFORM_BORON, PREFIX_SIZE } from '../ota/module-format';
import { parseModule } from '../ota/module-file';
import { PROFILES, type DeviceOsProfile } from '../ota/profiles';
import { SystemUpdate } from '../ota/system-update';
import type { DataUsage } from '../net/data-usage';
import { VirtualHttpServer } from '../net/http-server';
import { idealLink } from '../net/link';
import { LINK_PROFILES } from '../net/link-profiles';
import { VirtualNetwork } from '../net/network';
import { RealConnection } from '../net/real-server';
import { BackupRam } from './backup-ram';
import { BootChecks, type InstalledModule } from './boot';
import { BORON_DEFAULTS, RESET_REASON, TIMING, type VirtualBoronOptions } from './config';
import { Cpu } from './cpu';
import { DeviceOs } from './device-os';
import { buildModule } from './images';
import { LogManager, type LogRecord } from './logging';
import { SerialPort } from './serial';
import { DeviceServices } from './services';
import { defineSketch } from './sketch';
import { createSketchApi } from './sketch-api';

export type { VirtualBoronOptions } from './config';
export type { InstalledModule } from './boot';

/** `bricked`: the bootloader is not intact, so the chip runs nothing at all (recovery needs a debugger). */
export type DeviceState = 'off' | 'booting' | 'running' | 'safe-mode' | 'dfu' | 'crashed' | 'bricked';

/** The app a factory Boron ships when none is given: it does nothing. */
const IDLE_APP = defineSketch(() => ({}), { name: 'idle' });

/**
 * A virtual Particle Boron: the composition root. It creates the parts and wires them together —
 * the CPU and clock, flash, the network, the boot checks, Device OS — and gives tests the run API.
 * The parts own their state; this owns only what the device shows as a whole.
 */
export class VirtualBoron {
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

  private readonly options: VirtualBoronOptions;
  private readonly random: SeededRandom;
  private readonly external = new ExternalWork();
  private readonly cpu: Cpu;
  private readonly slots = new DctModuleSlots();
  private readonly diagnosticsLog = new Diagnostics(() => this.clock.nowMicros);
  private readonly logManager: LogManager;
  private readonly backupRam: BackupRam;
  private readonly boot: BootChecks;
  private readonly deviceOs: DeviceOs;
  private readonly services: DeviceServices;
  private readonly network: VirtualNetwork;
  /** The system part's update calls, new at each boot. */
  private update!: SystemUpdate;

  constructor(options: VirtualBoronOptions = {}) {
    this.options = options;
    const factory: DeviceOsProfile | undefined = Object.hasOwn(PROFILES, options.deviceOs ?? BORON_DEFAULTS.deviceOs) ? PROFILES[options.deviceOs ?? BORON_DEFAULTS.deviceOs] : undefined;
    if (!factory) {
      throw new EmulatorError('UNKNOWN_PROFILE', 'Failed to create the device: Device OS "{version}" has no profile. Use one of {known}.', {
        version: String(options.deviceOs),
        known: Object.keys(PROFILES).join(', '),
      });
    }
    this.random = new SeededRandom(options.seed ?? BORON_DEFAULTS.seed);
    this.backupRam = new BackupRam(this.random.fork('backup-ram'));
    this.cpu = new Cpu(this.clock, this.external);
    this.serial = new SerialPort(this.cpu, this.events);
    this.logManager = new LogManager(this.cpu, this.serial, this.events, this.logs);
    this.boot = new BootChecks(this.flash, this.slots, this.events, this.diagnosticsLog, factory);
    const device = this;
    this.deviceOs = new DeviceOs({
      cpu: this.cpu,
      clock: this.clock,
      events: this.events,
      logs: this.logManager,
      diagnostics: this.diagnosticsLog,
      get profile() {
        return device.profile;
      },
      cloud: { connectMs: options.cloud?.connectMs ?? BORON_DEFAULTS.cloudConnectMs, disconnectMs: options.cloud?.disconnectMs ?? BORON_DEFAULTS.cloudDisconnectMs },
      get update() {
        return device.update;
      },
      reboot: (reason) => this.reboot(reason),
    });
    this.services = new DeviceServices(
      {
        clock: this.clock,
        events: this.events,
        external: this.external,
        cpu: this.cpu,
        logs: this.logManager,
        diagnostics: this.diagnosticsLog,
        flash: this.flash,
        slots: this.slots,
        deviceOs: this.deviceOs,
        led: this.led,
        profile: () => this.profile,
      },
      this.random.fork('net'),
    );
    this.server = new VirtualHttpServer(this.services, options.server ?? []);
    const link = typeof options.link === 'string' ? LINK_PROFILES[options.link] : (options.link ?? idealLink);
    this.network = new VirtualNetwork(
      this.services,
      link,
      (host, port, peer) => {
        const real = options.realServers?.[`${host}:${port}`] ?? options.realServers?.[host];
        return real ? new RealConnection(this.services, peer, real) : this.server.accept(host, port, peer);
      },
      options.dns,
      options.faults,
    );
    this.installFactoryImages(options);
  }

  /** The Device OS profile in force (it follows the installed system part after an OS update). */
  get profile(): DeviceOsProfile {
    return this.boot.profile;
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

  /**
   * Bytes on the air since the device was made: every IP packet its connections sent and received
   * (payload, TCP/IP headers, ACKs, segments the link lost and sent again, DNS), as a cellular plan counts them.
   */
  get dataUsage(): DataUsage {
    return this.network.usage.snapshot;
  }

  /** Bytes of host memory this device's flash holds (sparse storage). */
  get flashFootprint(): number {
    return this.flash.allocatedBytes;
  }

  /** The Particle cloud as a test drives it. */
  get cloud(): { call(name: string, argument?: string): Promise<number>; readonly connected: boolean } {
    const deviceOs = this.deviceOs;
    return {
      /** Call a function the app registered with `Particle.function()`; resolves with its result once it reaches the cloud. */
      call: (name, argument = '') => deviceOs.call(name, argument),
      get connected() {
        return deviceOs.connected;
      },
    };
  }

  /** The modules in internal flash as the device reads them. */
  modules(): InstalledModule[] {
    return this.boot.modules();
  }

  powerOn(): this {
    if (this.state !== 'off') throw new EmulatorError('ALREADY_ON', 'Failed to power on: the device is already on.');
    this.events.emit('device:power', { on: true });
    this.startBoot(RESET_REASON.NONE);
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
    if (this.cpu.running) this.cpu.interrupt(() => void this.deviceOs.reset(RESET_REASON.PIN_RESET));
    else void this.deviceOs.reset(RESET_REASON.PIN_RESET);
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
      // What explains the wait: the latest diagnostics.
      const why = this.diagnosticsLog.entries.slice(-3).map((d) => d.message).join(' ');
      throw new EmulatorError('RUN_TIMEOUT', 'Failed to reach the condition {what} within {timeoutMs} ms of virtual time (now {now} ms). Last serial lines: {tail}{why}', {
        what: typeof condition === 'function' ? '(a function)' : JSON.stringify(String(condition)),
        timeoutMs,
        now: this.millis,
        tail: tail || '(none)',
        why: why ? `. Why (device.diagnostics): ${why}` : '',
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

  // ---- boot ----

  private installFactoryImages(options: VirtualBoronOptions): void {
    const deviceOs = this.profile.version;
    const images = [
      buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs, size: 2048 }),
      // Every Boron has a SoftDevice at 0x1000 (S140 6.1.1 before 1.4.0, when Device OS learnt to update it as a module).
      buildModule({ function: ModuleFunction.RADIO_STACK, deviceOs, flags: ModuleFlag.DROP_MODULE_INFO }),
      buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs, size: 16 * 1024 }),
      options.app instanceof Uint8Array ? options.app : buildModule({ sketch: options.app ?? IDLE_APP, deviceOs }),
    ];
    // Each image goes where its prefix says it starts, as the factory (or a programmer) flashes it.
    for (const image of [...images, ...(options.modules ?? [])]) {
      const module = parseModule(image);
      if (module.platformId !== PLATFORM_BORON) {
        throw new EmulatorError('MODULE_PLATFORM', 'Failed to install a {fn} module: it is for platform {platform}, not the Boron ({boron}).', { fn: module.functionName, platform: module.platformId, boron: PLATFORM_BORON });
      }
      // A SoftDevice is flashed as itself, without the module header (as the bootloader copies a DROP_MODULE_INFO module).
      const softDevice = module.function === ModuleFunction.RADIO_STACK && module.prefixOffset === 0;
      this.flash.internal.load(module.startAddress, softDevice ? image.subarray(PREFIX_SIZE) : image);
    }
    this.boot.followInstalledSystem();
    if (options.otaRegion) this.flash.external.load(this.profile.otaRegion.start, options.otaRegion);
  }

  /** The MCU restarts: what the running firmware had in RAM is gone, backup RAM stays. */
  private reboot(reason: number): void {
    this.serial.dropInput();
    this.backupRam.keep();
    this.startBoot(reason);
  }

  private startBoot(reason: number): void {
    this.cpu.newGeneration();
    const gen = this.cpu.generation;
    this.state = 'booting';
    this.resetReason = reason;
    this.led.controlled = false;
    this.deviceOs.newBoot(reason);
    this.logManager.reset();
    this.network.closeAll();
    this.diagnosticsLog.closeChapter();
    const neighbours = this.random.fork(`chunk-neighbours/${gen}`);
    this.update = new SystemUpdate(this.services, { gen2UnalignedWriteBug: this.options.gen2UnalignedWriteBug, stackByte: () => neighbours.nextInt(0, 255) });
    this.run(gen).then(
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

  /** The bootloader (if it is intact), the system part's start-up and its module checks, then the app (or safe mode). */
  private async run(gen: number): Promise<void> {
    const cpu = this.cpu;
    if (!this.boot.bootloaderStarts()) {
      // The chip sits in a fault with nothing to run; time still passes.
      this.state = 'bricked';
      this.appName = '';
      for (;;) await cpu.idle(TIMING.loopTurnMicros);
    }
    await cpu.spend(TIMING.bootloaderMicros);
    await this.boot.applyPendingUpdates((micros) => cpu.spend(micros));
    this.boot.followInstalledSystem();
    if (!this.boot.systemPartValid()) {
      // The bootloader waits in DFU mode for a host on USB; time still passes (returning here left a run waiting forever).
      this.state = 'dfu';
      this.appName = '';
      for (;;) await cpu.idle(TIMING.loopTurnMicros);
    }
    await cpu.spend(TIMING.systemInitMicros);
    const sketch = this.boot.modulesValid() ? this.boot.userApp() : undefined;
    this.events.emit('device:boot', { app: sketch?.name ?? '', systemVersion: this.boot.systemModuleVersion(), safeMode: sketch === undefined });
    if (!sketch) {
      this.state = 'safe-mode';
      this.appName = '';
      for (;;) await cpu.idle(TIMING.loopTurnMicros);
    }
    this.state = 'running';
    this.appName = sketch.name;
    const instance = sketch.create(
      createSketchApi({
        cpu,
        serial: this.serial,
        logs: this.logManager,
        diagnostics: this.diagnosticsLog,
        net: this.services,
        network: this.network,
        deviceOs: this.deviceOs,
        update: this.update,
        backupRam: this.backupRam,
        profile: this.profile,
        systemModuleVersion: this.boot.systemModuleVersion(),
        resetReason: this.resetReason,
        freeMemory: this.options.freeMemory ?? BORON_DEFAULTS.freeMemory,
        stack: this.options.stack ?? BORON_DEFAULTS.stack,
        random: this.random,
        generation: gen,
      }),
    );
    await instance.startup?.();
    await this.deviceOs.runApp(sketch, instance);
  }
}
