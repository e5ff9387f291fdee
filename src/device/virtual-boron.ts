import { millisToMicros, VirtualClock, type Micros } from '../sim/clock';
import { Diagnostics, type Diagnostic } from '../sim/diagnostics';
import { EventBus, type DeviceEventMap, type DeviceEventName, type Stamped, type TraceEntry, type TraceLevel } from '../sim/events';
import { ExternalWork } from '../sim/external-work';
import { EmulatorError, hex } from '../sim/messages';
import { SeededRandom } from '../sim/random';
import { BoronFlash } from '../hal/boron-flash';
import type { FlashImage } from '../hal/nor-flash';
import { DctModuleSlots } from '../ota/dct-slots';
import { ModuleFlag, ModuleFunction, PLATFORM_BORON, PREFIX_SIZE } from '../ota/module-format';
import { parseModule } from '../ota/module-file';
import { layoutsFor, versionList, type DeviceOsProfile } from '../ota/profiles';
import { SystemUpdate } from '../ota/system-update';
import type { DataUsage } from '../net/data-usage';
import { VirtualHttpServer } from '../net/http-server';
import { idealLink } from '../net/link';
import { LINK_PROFILES } from '../net/link-profiles';
import { VirtualNetwork } from '../net/network';
import { RealConnection } from '../net/real-server';
import { AppCalls } from './app-calls';
import { BackupRam } from './backup-ram';
import type { DeviceInput, DeviceSnapshot, DeviceState, SnapshotFingerprint } from './snapshot';
import { BootChecks, type InstalledModule } from './boot';
import { BORON_DEFAULTS, RESET_REASON, TIMING, type VirtualBoronOptions } from './config';
import { Cpu } from './cpu';
import { DeviceOs } from './device-os';
import { buildModule, rememberBuild } from './images';
import { LogBook, LogManager, type LogRecord } from './logging';
import { checkDeviceOptions } from './options';
import { describeValue, OptionCheck } from '../sim/option-check';
import { SerialPort } from './serial';
import { DeviceServices } from './services';
import { defineSketch, type Sketch } from './sketch';
import { createSketchApi } from './sketch-api';
import { SketchCatalog } from './sketch-catalog';

export type { VirtualBoronOptions } from './config';
export type { InstalledModule } from './boot';
/** `bricked`: the bootloader is not intact, so the chip runs nothing at all (recovery needs a debugger). */
export type { DeviceState, DeviceSnapshot, DeviceInput } from './snapshot';

/** Set while `restore` builds a device: the flash comes from the snapshot, not from the factory. */
let restoring = false;

/** The app a factory Boron ships when none is given: it does nothing. */
const IDLE_APP = defineSketch(() => ({}), { name: 'idle' });

/**
 * The internal flash a factory leaves for each sketch app and Device OS version (no other modules),
 * and the app's image: shared by every device made so, which copies a sector before writing it.
 */
const FACTORY_FLASH = new WeakMap<Sketch, Map<string, { flash: FlashImage; app: Uint8Array }>>();

/**
 * A virtual Particle Boron: the composition root. It creates the parts and wires them together —
 * the CPU and clock, flash, the network, the boot checks, Device OS — and gives tests the run API.
 * The parts own their state; this owns only what the device shows as a whole.
 */
export class VirtualBoron {
  readonly clock = new VirtualClock();
  readonly events: EventBus;
  readonly flash = new BoronFlash();
  readonly serial: SerialPort;
  readonly server: VirtualHttpServer;
  /** The RGB LED as Prepare/Finish drive it. */
  readonly led = { controlled: false, color: 'cyan' };
  state: DeviceState = 'off';
  /** `System.resetReason()` of the current boot. */
  resetReason = 0;
  /** The sketch running now (after boot). */
  appName = '';

  /** The options each boot reads (the rest are used by the constructor). */
  private readonly options: Pick<VirtualBoronOptions, 'gen2UnalignedWriteBug' | 'freeMemory' | 'stack'>;
  /**
   * The options as given, for a snapshot's replay: a reference to the caller's object (and so to its
   * images, for as long as the device lives), never a copy.
   */
  private readonly given: VirtualBoronOptions;
  /** powerOn() was called at least once: before it, a run has nothing to run. */
  private poweredOn = false;
  private readonly random: SeededRandom;
  private readonly external = new ExternalWork();
  private readonly cpu: Cpu;
  private readonly slots = new DctModuleSlots();
  /** What the test did to this device, for restoring a snapshot by replay. */
  private readonly inputs: DeviceInput[] = [];
  /** Why this device's history cannot be replayed, once it cannot. */
  private notReplayable?: string;
  private readonly diagnosticsLog = new Diagnostics(() => this.clock.nowMicros);
  private readonly logManager: LogManager;
  private readonly backupRam: BackupRam;
  private readonly boot: BootChecks;
  private readonly deviceOs: DeviceOs;
  private readonly services: DeviceServices;
  private readonly network: VirtualNetwork;
  /** The app thread's calls that take time, one at a time. */
  private readonly calls = new AppCalls((error) => this.fail(error));
  /** The sketches this device knows, by their images' SHA-256. */
  private readonly sketches: SketchCatalog;
  /** The system part's update calls, new at each boot. */
  private update!: SystemUpdate;

  constructor(options: VirtualBoronOptions = {}) {
    const factory = checkDeviceOptions(options);
    this.options = { gen2UnalignedWriteBug: options.gen2UnalignedWriteBug, freeMemory: options.freeMemory, stack: options.stack };
    this.given = options;
    this.events = new EventBus(() => this.clock.nowMicros, checkedTraceLevel(options.trace ?? BORON_DEFAULTS.trace));
    this.random = new SeededRandom(options.seed ?? BORON_DEFAULTS.seed);
    this.backupRam = new BackupRam(this.random.fork('backup-ram'));
    this.cpu = new Cpu(this.clock, this.external);
    this.serial = new SerialPort(this.cpu, this.events);
    this.logManager = new LogManager(this.cpu, this.serial, this.events, new LogBook());
    this.sketches = new SketchCatalog(() => this.server.routes);
    this.boot = new BootChecks(this.flash, this.slots, this.events, this.diagnosticsLog, factory, (sha) => this.sketches.sketchFor(sha));
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
      calls: this.calls,
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
        served: (bytes) => this.sketches.receive(bytes),
        fail: (error) => this.fail(error),
      },
      this.random.fork('net'),
    );
    this.server = new VirtualHttpServer(this.services, options.server ?? []);
    const link = typeof options.link === 'string' ? LINK_PROFILES[options.link] : (options.link ?? idealLink);
    const realServers = options.realServers;
    this.network = new VirtualNetwork(
      this.services,
      link,
      (host, port, peer) => {
        const servers = options.realServers ?? {};
        const name = Object.hasOwn(servers, `${host}:${port}`) ? `${host}:${port}` : Object.hasOwn(servers, host) ? host : undefined;
        if (name === undefined) return this.server.accept(host, port, peer);
        const timeoutMs = options.realServerTimeoutMs ?? BORON_DEFAULTS.realServerTimeoutMs;
        return RealConnection.open(this.services, peer, { address: servers[name], name: `${host}:${port}`, timeoutMs });
      },
      options.dns,
      options.faults,
    );
    this.serial.onHostInput = (input) => this.record(input.kind === 'type' ? input : { kind: 'clear-serial' });
    this.server.onUse = (handlers) => this.record({ kind: 'server-use', handlers });
    if (!restoring) this.installFactoryImages(options);
  }

  /**
   * The device as it is now: flash, DCT slots, clock, what survives a power cut, and the inputs that
   * led here. `VirtualBoron.restore` gives it back — as a power cut at this moment leaves it, or
   * running, by replay. `DeviceSnapshot` says exactly what each covers.
   */
  snapshot(): DeviceSnapshot {
    const midRun = this.cpu.running;
    const notReplayable = this.notReplayable ?? (midRun ? 'it was taken during a run (from a hook or a listener), where the firmware was mid-step' : undefined);
    return {
      atMicros: this.clock.nowMicros,
      state: this.state,
      flash: { internal: this.flash.internal.image(), external: this.flash.external.image() },
      dct: this.slots.bytes.slice(),
      midRun,
      ...(notReplayable ? { notReplayable } : {}),
      options: this.given,
      inputs: this.inputs.map((input) => ({ ...input })),
      generation: this.cpu.generation,
      backupRam: this.backupRam.save(),
      boot: this.boot.save(),
      connections: this.network.connectionCount,
      sketches: this.sketches.save(),
      fingerprint: this.fingerprint(),
    };
  }

  /** What a power cut at the snapshot's moment leaves: the device, off, holding only what survives a cut. */
  static restore(snapshot: DeviceSnapshot, options: { as: 'power-cut' }): VirtualBoron;
  /** The device at the snapshot's moment, running, rebuilt by replaying its recorded inputs. */
  static restore(snapshot: DeviceSnapshot, options?: { as?: 'replay' }): Promise<VirtualBoron>;
  static restore(snapshot: DeviceSnapshot, options: { as?: 'power-cut' | 'replay' } = {}): VirtualBoron | Promise<VirtualBoron> {
    return options.as === 'power-cut' ? VirtualBoron.afterPowerCut(snapshot) : VirtualBoron.replay(snapshot);
  }

  private static afterPowerCut(snapshot: DeviceSnapshot): VirtualBoron {
    restoring = true;
    let device: VirtualBoron;
    try {
      device = new VirtualBoron(snapshot.options);
    } finally {
      restoring = false;
    }
    device.flash.internal.restore(snapshot.flash.internal);
    device.flash.external.restore(snapshot.flash.external);
    device.slots.restore(snapshot.dct);
    device.boot.load(snapshot.boot);
    device.clock.advanceTo(snapshot.atMicros);
    device.network.continueNumberingAt(snapshot.connections);
    device.backupRam.load(snapshot.backupRam);
    device.sketches.load(snapshot.sketches);
    // The server is not the device's: routes a test added (server.use) are still there after a cut.
    for (const input of snapshot.inputs) if (input.kind === 'server-use') device.server.use(...input.handlers);
    // As powerOff() would have done at that moment: a new generation, and SRAM's bytes gone.
    device.cpu.generation = snapshot.generation + (snapshot.state === 'off' ? 0 : 1);
    if (snapshot.state !== 'off') device.backupRam.powerLost();
    device.notReplayable = 'it was restored from a snapshot as a power cut, and what came before is not recorded';
    // Time may pass while it is off (as after any power cut) if it was ever on.
    device.poweredOn = snapshot.inputs.some((input) => input.kind === 'power-on');
    return device;
  }

  private static async replay(snapshot: DeviceSnapshot): Promise<VirtualBoron> {
    if (snapshot.notReplayable) {
      throw new EmulatorError('SNAPSHOT_NOT_REPLAYABLE', 'Failed to restore the snapshot by replay: {why}. Take it between runs, or restore it as a power cut ({ as: \'power-cut\' }).', { why: snapshot.notReplayable });
    }
    const device = new VirtualBoron(snapshot.options);
    for (const input of snapshot.inputs) {
      switch (input.kind) {
        case 'power-on':
          device.powerOn();
          break;
        case 'power-off':
          device.powerOff();
          break;
        case 'reset':
          device.pressReset();
          break;
        case 'type':
          device.serial.type(input.text);
          break;
        case 'clear-serial':
          device.serial.clear();
          break;
        case 'cloud-call':
          device.cloud.call(input.name, input.argument).catch(() => undefined);
          break;
        case 'server-use':
          device.server.use(...input.handlers);
          break;
        case 'run': {
          let checks = 0;
          const until = input.ended === 'condition' ? () => ++checks >= input.checks : undefined;
          await device.runCpu(input.stopAt, until).catch((error: unknown) => {
            if (input.ended !== 'error') throw error;
          });
          break;
        }
      }
    }
    device.checkReplay(snapshot);
    return device;
  }

  /** A replay must arrive where the snapshot was: the same flash, DCT and counts. */
  private checkReplay(snapshot: DeviceSnapshot): void {
    const mine = this.fingerprint();
    const field = (Object.keys(mine) as (keyof SnapshotFingerprint)[]).find((k) => mine[k] !== snapshot.fingerprint[k]);
    const internal = this.flash.internal.firstDifference(snapshot.flash.internal);
    const external = this.flash.external.firstDifference(snapshot.flash.external);
    const dct = this.slots.bytes.findIndex((b, i) => b !== snapshot.dct[i]);
    const why =
      field !== undefined
        ? `${field} is ${String(mine[field])}, the snapshot's ${String(snapshot.fingerprint[field])}`
        : internal !== undefined
          ? `internal flash differs at ${hex(internal)}`
          : external !== undefined
            ? `external flash differs at ${hex(external)}`
            : dct >= 0
              ? `DCT slot ${Math.floor(dct / 20)} differs`
              : undefined;
    if (why) {
      throw new EmulatorError('RESTORE_DIVERGED', 'Failed to restore the snapshot by replay: the replay did not arrive at the same device ({why}). Something outside the recorded inputs changed the run: a handler that answers differently, a real server, a flash hook or load(), or a listener that acts.', { why });
    }
  }

  private fingerprint(): SnapshotFingerprint {
    return {
      atMicros: this.clock.nowMicros,
      state: this.state,
      generation: this.cpu.generation,
      trace: this.events.size,
      serial: this.serial.length,
      logs: this.logManager.book.length,
      spends: this.cpu.spends,
      activity: this.cpu.activity,
    };
  }

  /** Keep an input for replay; one given during a run (from a hook or listener) cannot be replayed. */
  private record(input: DeviceInput): void {
    if (this.cpu.running) this.notReplayable ??= `an input (${input.kind}) was given during a run, from a hook or a listener`;
    this.inputs.push(input);
  }

  /** The DCT module slots, where Finish queues an update and the bootloader takes it. */
  get dct(): DctModuleSlots {
    return this.slots;
  }

  /** The Device OS profile in force (it follows the installed system part after an OS update). */
  get profile(): DeviceOsProfile {
    return this.boot.profile;
  }

  /** Every log call, whether or not a handler printed it. */
  get logs(): readonly LogRecord[] {
    return this.logManager.book.records;
  }

  /** Plain-words explanations of what happened and why, in order. */
  get diagnostics(): readonly Diagnostic[] {
    return this.diagnosticsLog.entries;
  }

  /** Every event so far, stamped with virtual time. */
  get trace(): readonly TraceEntry[] {
    return this.events.trace;
  }

  /** Of these event kinds, the ones this device's trace level may leave out of `trace`. */
  traceDrops(types: readonly DeviceEventName[]): DeviceEventName[] {
    return this.events.dropped(types);
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
      call: (name, argument = '') => {
        this.record({ kind: 'cloud-call', name, argument });
        return deviceOs.call(name, argument);
      },
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
    this.record({ kind: 'power-on' });
    this.poweredOn = true;
    this.events.emit('device:power', { on: true });
    this.startBoot(RESET_REASON.NONE);
    return this;
  }

  /** Cut the power: the firmware stops where it is, and backup RAM (`retained` variables) is lost. `powerOn()` starts it again. */
  powerOff(): void {
    if (this.state === 'off') throw new EmulatorError('DEVICE_OFF', 'Failed to power off: the device is already off.');
    this.record({ kind: 'power-off' });
    this.events.emit('device:power', { on: false });
    this.state = 'off';
    this.cpu.newGeneration();
    this.cpu.threadEnded();
    // Nothing of the boot that ran is left to fire while the device is off (an update watchdog would reset it).
    this.deviceOs.powerLost();
    this.network.closeAll();
    this.serial.dropInput();
    this.backupRam.powerLost();
  }

  /** Press the RESET button: the device reboots now (reset reason 20, PIN_RESET). */
  pressReset(): void {
    if (this.state === 'off') throw new EmulatorError('DEVICE_OFF', 'Failed to reset the device: it is off. Call powerOn() first.');
    this.record({ kind: 'reset' });
    // From a listener during a run the firmware is mid-step: reset it at its next step, as an interrupt.
    if (this.cpu.running) this.cpu.interrupt(() => void this.deviceOs.reset(RESET_REASON.PIN_RESET));
    else void this.deviceOs.reset(RESET_REASON.PIN_RESET);
  }

  /** Run for `ms` of virtual time. */
  async runFor(ms: number): Promise<void> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new EmulatorError('NOT_A_DURATION', 'Failed to run for {ms} ms: pass a finite, non-negative number of milliseconds.', { ms: describeValue(ms) });
    this.checkPoweredOn(`run for ${ms} ms`);
    await this.runCpu(this.clock.nowMicros + millisToMicros(ms));
  }

  /** A run of the firmware, recorded with where it stopped (its deadline, or the nth check of its condition) for replay. */
  private async runCpu(stopAt: Micros, until?: () => boolean): Promise<'condition' | 'deadline'> {
    // An overlapping run is refused before it starts: nothing to record.
    if (this.cpu.running) return this.cpu.runUntil(stopAt, until);
    const input = { kind: 'run' as const, stopAt, ended: 'error' as 'condition' | 'deadline' | 'error', checks: 0 };
    this.inputs.push(input);
    // Where the condition first held, by how many times it had been checked: a replay stops at the same check.
    let checks = 0;
    let firstTrue = 0;
    const counted =
      until &&
      (() => {
        checks++;
        const met = until();
        if (met && firstTrue === 0) firstTrue = checks;
        return met;
      });
    try {
      input.ended = await this.cpu.runUntil(stopAt, counted);
      if (input.ended === 'condition') input.checks = firstTrue;
    } catch (error) {
      input.ended = 'error';
      throw error;
    }
    return input.ended;
  }

  /**
   * Run until `condition` holds: a function, or text/a pattern that the serial output must
   * contain. Fails with RUN_TIMEOUT after `timeoutMs` of virtual time (default 10 minutes).
   */
  async runUntil(condition: (() => boolean) | string | RegExp, options: { timeoutMs?: number } = {}): Promise<void> {
    const what = typeof condition === 'function' ? '(a function)' : typeof condition === 'string' || condition instanceof RegExp ? JSON.stringify(String(condition)) : describeValue(condition);
    if (typeof condition !== 'function' && typeof condition !== 'string' && !(condition instanceof RegExp)) {
      throw new EmulatorError('INVALID_OPTION', 'Failed to run until {what}: that is not a condition. Pass a function that returns true when done, or the text or RegExp the serial output must contain.', { what });
    }
    new OptionCheck(`run until ${what}`).object(options, '', ['timeoutMs']);
    const timeoutMs = options.timeoutMs ?? 600_000;
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new EmulatorError('NOT_A_DURATION', 'Failed to run until {what}: timeoutMs is {timeoutMs}. Pass a finite, non-negative number of milliseconds of virtual time.', { what, timeoutMs: describeValue(timeoutMs) });
    }
    this.checkPoweredOn(`run until ${what}`);
    const test = typeof condition === 'function' ? condition : this.serialCondition(condition);
    const outcome = await this.runCpu(this.clock.nowMicros + millisToMicros(timeoutMs), test);
    if (outcome === 'deadline') {
      const tail = this.serial.lines().filter((l) => l.length > 0).slice(-3).join(' | ');
      // What explains the wait: the latest diagnostics.
      const why = this.diagnosticsLog.entries.slice(-3).map((d) => d.message).join(' ');
      throw new EmulatorError('RUN_TIMEOUT', 'Failed to reach the condition {what} within {timeoutMs} ms of virtual time (now {now} ms). Last serial lines: {tail}{why}', {
        what,
        timeoutMs,
        now: this.millis,
        tail: tail || '(none)',
        why: why ? `. Why (device.diagnostics): ${why}` : '',
      });
    }
  }

  private checkPoweredOn(action: string): void {
    if (!this.poweredOn) {
      throw new EmulatorError('NOT_POWERED_ON', 'Failed to {action}: the device was never powered on, so nothing would run. Call powerOn() first, e.g. new VirtualBoron({ … }).powerOn().', { action });
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
    // A sketch app and no other modules: the internal flash is the same for every such device, so
    // it is built once and shared copy-on-write (a device copies a sector before writing it).
    const sketch = options.app instanceof Uint8Array || options.modules?.length ? undefined : (options.app ?? IDLE_APP);
    const cached = sketch && FACTORY_FLASH.get(sketch)?.get(deviceOs);
    if (cached) {
      this.flash.internal.restore(cached.flash);
      this.sketches.give(cached.app);
      rememberBuild(cached.app);
      this.boot.followInstalledSystem();
      if (options.otaRegion) {
        this.sketches.give(options.otaRegion);
        this.flash.external.load(this.profile.otaRegion.start, options.otaRegion);
      }
      return;
    }
    const images = [
      buildModule({ function: ModuleFunction.BOOTLOADER, deviceOs, size: 2048 }),
      // Every Boron has a SoftDevice at 0x1000 (S140 6.1.1 before 1.4.0, when Device OS learnt to update it as a module).
      buildModule({ function: ModuleFunction.RADIO_STACK, deviceOs, flags: ModuleFlag.DROP_MODULE_INFO }),
      buildModule({ function: ModuleFunction.SYSTEM_PART, deviceOs, size: 16 * 1024 }),
      options.app instanceof Uint8Array ? options.app : buildModule({ sketch: options.app ?? IDLE_APP, deviceOs }),
    ];
    // Each image goes where its prefix says it starts, as the factory (or a programmer) flashes it.
    for (const image of [...images, ...(options.modules ?? [])]) {
      this.sketches.give(image);
      const module = parseModule(image);
      if (module.platformId !== PLATFORM_BORON) {
        throw new EmulatorError('MODULE_PLATFORM', 'Failed to install a {fn} module: it is for platform {platform}, not the Boron ({boron}).', { fn: module.functionName, platform: module.platformId, boron: PLATFORM_BORON });
      }
      // A SoftDevice is flashed as itself, without the module header (as the bootloader copies a DROP_MODULE_INFO module).
      const softDevice = module.function === ModuleFunction.RADIO_STACK && module.prefixOffset === 0;
      this.flash.internal.load(module.startAddress, softDevice ? image.subarray(PREFIX_SIZE) : image);
    }
    this.boot.followInstalledSystem();
    for (const image of [images[3], ...(options.modules ?? [])]) this.checkLayout(image);
    if (sketch) {
      let byVersion = FACTORY_FLASH.get(sketch);
      if (!byVersion) FACTORY_FLASH.set(sketch, (byVersion = new Map()));
      byVersion.set(deviceOs, { flash: this.flash.internal.image(), app: images[3] });
    }
    if (options.otaRegion) {
      this.sketches.give(options.otaRegion);
      this.flash.external.load(this.profile.otaRegion.start, options.otaRegion);
    }
  }

  /** A user part given to the device must start where one of its profile's user parts does: one built for another layout is explained. */
  private checkLayout(image: Uint8Array): void {
    const module = parseModule(image);
    if (module.function !== ModuleFunction.USER_PART) return;
    const profile = this.profile;
    const users = profile.moduleBounds.filter((b) => b.function === ModuleFunction.USER_PART);
    if (users.some((b) => b.start === module.startAddress)) return;
    const inside = profile.moduleBounds.find((b) => b.start <= module.startAddress && module.startAddress < b.end);
    const other = layoutsFor(module.function, module.index, module.startAddress);
    throw new EmulatorError(
      'MODULE_LAYOUT',
      'Failed to install the user part at {at}: Device OS {version} has no user part there (its user {parts} {regions}{inside}){built}. Build it with buildModule({ sketch, deviceOs: \'{version}\' }){or}.',
      {
        at: hex(module.startAddress),
        version: profile.version,
        parts: users.length === 1 ? 'part is' : 'parts are',
        regions: users.map((b) => `${hex(b.start)} to ${hex(b.end)}`).join(' and '),
        inside: inside ? `, and ${hex(module.startAddress)} is inside its ${inside.name} region, ${hex(inside.start)} to ${hex(inside.end)}` : '',
        built: other ? `: the image was built for the layout of Device OS ${versionList(other.versions)}` : '',
        or: other ? `, or give the device deviceOs '${other.versions[0]}'` : '',
      },
    );
  }

  /** Misuse the run cannot go on from (a call not awaited): the firmware stops here and the run fails with `error`. */
  private fail(error: Error): void {
    this.state = 'crashed';
    this.cpu.halt(error);
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
    this.calls.newBoot();
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
        calls: this.calls,
      }),
    );
    await instance.startup?.();
    await this.deviceOs.runApp(sketch, instance);
  }
}

function checkedTraceLevel(level: TraceLevel): TraceLevel {
  const ok = typeof level === 'object' && level !== null ? Number.isInteger(level.ring) && level.ring > 0 : level === 'all' || level === 'ota' || level === 'off';
  if (!ok) {
    throw new EmulatorError('TRACE_LEVEL', "Failed to create the device: trace {level} is not a trace level. Use 'all', 'ota', 'off' or { ring: n } with a whole n of at least 1.", { level: JSON.stringify(level) ?? String(level) });
  }
  return level;
}
