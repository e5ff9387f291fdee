import { millisToMicros, type VirtualClock } from '../sim/clock';
import type { Diagnostics } from '../sim/diagnostics';
import type { EventBus } from '../sim/events';
import { LogLevel } from '../sim/log-format';
import { EmulatorError, formatMessage } from '../sim/messages';
import type { Descriptor } from '../ota/descriptor';
import type { DeviceOsProfile } from '../ota/profiles';
import type { SystemUpdate } from '../ota/system-update';
import { RESET_REASON, resetReasonName, TIMING } from './config';
import type { AppCalls } from './app-calls';
import type { Cpu } from './cpu';
import type { LogManager } from './logging';
import type { Sketch, SketchInstance } from './sketch';
import type { SystemEventHandler, SystemEventName } from './system-api';

/** What the Device OS runtime needs from the device it runs on. */
export interface DeviceOsHost {
  readonly cpu: Cpu;
  readonly clock: VirtualClock;
  readonly events: EventBus;
  readonly logs: LogManager;
  readonly diagnostics: Diagnostics;
  readonly profile: DeviceOsProfile;
  readonly cloud: { connectMs: number; disconnectMs: number };
  /** The system part's update calls of the current boot. */
  readonly update: SystemUpdate;
  /** The app thread's calls that take time: app code the system runs inside one is nested. */
  readonly calls: AppCalls;
  /** Restart the MCU: the running firmware stops where it is and the device boots again. */
  reboot(reason: number): void;
}

/** `SPARK_LOOP_DELAY_MILLIS` (`system/inc/system_task.h` at v1.4.4): delays this long since the last idle pass run the system loop. */
const SPARK_LOOP_DELAY_MILLIS = 1000;
/** With SYSTEM_THREAD, `system_shutdown_if_needed` pumps for up to 30 s before it resets (`system_update.cpp:345-367` at v1.4.4). */
const SHUTDOWN_PUMP_MICROS = 30_000_000;
/** How soon the system thread's loop notices something new (it runs continuously beside the app). */
const SYSTEM_THREAD_TURN_MICROS = 1_000;
/**
 * How long a function's result takes to reach the cloud over cellular: one uplink trip. An
 * estimate (not in the source); what matters is that a reset in that window loses the result.
 */
const CLOUD_REPLY_MS = 300;
/** `USER_FUNC_KEY_LENGTH` on Gen 3 (`system/inc/system_cloud.h:276-284` at v1.4.4). */
const FUNCTION_NAME_LENGTH = 64;

/** A function a sketch registered with `Particle.function()`. */
export type CloudFunction = (argument: string) => number | Promise<number>;

interface CloudCall {
  name: string;
  argument: string;
  resolve: (result: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Device OS as the app meets it: it runs setup() and loop() as `app_loop` does, owns the cloud
 * session, the system events and their handlers, the reset an update schedules, the update
 * watchdog, and — with SYSTEM_THREAD(ENABLED) — a system thread beside the application thread.
 * One per device; `newBoot()` forgets what the last boot set up.
 */
export class DeviceOs {
  private threaded = false;
  private resetPending = false;
  private resetEnabled = true;
  private inShutdown = false;
  private cloudConnected = false;
  private handlers: { event: SystemEventName; handler: SystemEventHandler }[] = [];
  private functions = new Map<string, CloudFunction>();
  /** Calls from the cloud waiting for the app's next pass through the system. */
  private calls: CloudCall[] = [];
  /** Results on their way back to the cloud. */
  private replies: { call: CloudCall; result: number }[] = [];
  /** Events the system thread raised, for the application thread to handle at its next chance. */
  private appQueue: (() => Promise<void>)[] = [];
  /** `spark_loop_total_millis`: delays since the last idle pass. */
  private delayedMillis = 0;
  /** When (since boot) Prepare returned with an update in progress, for explaining what it stops. */
  private updateStartedAt?: number;
  private loopSuspensionNoted = false;
  private readonly updateWatchdog;
  private readonly systemThread;
  private readonly shutdownTimeout;
  private readonly cloudConnect;
  private readonly replyAlarm;

  constructor(private readonly host: DeviceOsHost) {
    this.updateWatchdog = host.clock.createAlarm('flash update timeout', () => this.updateTimedOut());
    this.systemThread = host.clock.createAlarm('system thread', () => this.systemThreadTurn());
    this.shutdownTimeout = host.clock.createAlarm('system thread: reset after 30 s', () => this.shutdownTimedOut());
    this.cloudConnect = host.clock.createAlarm('system thread: cloud connected', () => {
      this.cloudConnected = true;
    });
    this.replyAlarm = host.clock.createAlarm('cloud: function results delivered', () => this.deliverReplies());
  }

  get connected(): boolean {
    return this.cloudConnected;
  }

  /** `System.resetPending()`. */
  get isResetPending(): boolean {
    return this.resetPending;
  }

  /** `System.resetEnabled()`. */
  get isResetEnabled(): boolean {
    return this.resetEnabled;
  }

  private get updating(): boolean {
    return this.host.update.flags.flashUpdateActive;
  }

  newBoot(reason: number): void {
    this.lostCalls(reason);
    this.threaded = false;
    this.resetPending = false;
    this.resetEnabled = true;
    this.inShutdown = false;
    this.cloudConnected = false;
    this.handlers = [];
    this.functions = new Map();
    this.appQueue = [];
    this.delayedMillis = 0;
    this.updateStartedAt = undefined;
    this.loopSuspensionNoted = false;
    for (const alarm of [this.updateWatchdog, this.systemThread, this.shutdownTimeout, this.cloudConnect]) alarm.cancel();
  }

  /** The power went: what this boot set up is gone, and its alarms (the update watchdog, the system thread) with it. */
  powerLost(): void {
    this.newBoot(RESET_REASON.NONE);
  }

  /** Reset now: the running firmware stops where it is and the device boots again. */
  reset(reason: number): Promise<never> {
    this.host.events.emit('device:reset', { reason, reasonName: resetReasonName(reason) });
    this.host.reboot(reason);
    return new Promise<never>(() => {});
  }

  /**
   * `app_loop` (`system/src/main.cpp:440-500` at v1.4.4): without SYSTEM_THREAD the cloud comes
   * first when AUTOMATIC, then setup() once, then loop() — but only while no update is in
   * progress (`if (threaded || !SPARK_FLASH_UPDATE)`, line 466), with Spark_Idle between turns.
   * With it, the system thread connects while setup() runs, and loop() always runs.
   */
  async runApp(sketch: Sketch, instance: SketchInstance): Promise<never> {
    const cpu = this.host.cpu;
    this.threaded = sketch.systemThread ?? this.host.profile.systemThreadDefault;
    if (sketch.systemMode === 'AUTOMATIC') {
      if (this.threaded) this.cloudConnect.schedule(millisToMicros(this.host.cloud.connectMs));
      else {
        await cpu.spend(millisToMicros(this.host.cloud.connectMs));
        this.cloudConnected = true;
      }
    }
    await instance.setup?.();
    for (;;) {
      if (!this.threaded && this.updating) {
        if (instance.loop) this.noteLoopSuspended();
        await this.idlePass();
        await cpu.idle(TIMING.loopTurnMicros);
        continue;
      }
      const before = { busy: cpu.activity + cpu.clockReads + cpu.spends, polls: cpu.emptyPolls };
      await instance.loop?.();
      // A turn that only polled for input and found none is skipped ahead to the next event, as a
      // CPU waits in WFI; a turn that did anything else (even just count) takes its normal time.
      const idle = cpu.activity + cpu.clockReads + cpu.spends === before.busy && cpu.emptyPolls > before.polls;
      await this.idlePass();
      if (idle) await cpu.idle(TIMING.loopTurnMicros);
      else await cpu.spend(TIMING.loopTurnMicros);
    }
  }

  /**
   * The app thread's pass through the system between turns: without SYSTEM_THREAD,
   * `Spark_Idle_Events` (`system_task.cpp:447-487` at v1.4.4) — the delay count starts again and a
   * pending reset happens; with it, the events the system thread queued for the app.
   */
  private async idlePass(): Promise<void> {
    if (this.threaded) return this.handleQueuedEvents();
    this.delayedMillis = 0;
    // The cloud loop runs the functions it was asked to call, inline (system_cloud_internal.cpp:630-642 at v1.4.4).
    await this.runCloudCalls();
    await this.shutdownIfNeeded();
  }

  /** Whether `idlePass` has anything to do: queued events or cloud calls, or (without SYSTEM_THREAD) a pending reset. */
  private idlePassHasWork(): boolean {
    return this.threaded ? this.appQueue.length > 0 || this.calls.length > 0 : this.calls.length > 0 || (this.canShutdown() && !this.inShutdown);
  }

  /**
   * `system_delay_pump` (`system/src/system_task.cpp:492-549` at v1.4.4; the same at v6.2.0's
   * `delayNonThreadedImpl`): delay in 1 ms steps; once the delays since the last idle pass reach
   * 1000 ms, or 1000 ms pass within this one, run the system loop — and, without SYSTEM_THREAD,
   * keep running it for as long as an update is in progress. Nothing in an app-driven update ends
   * it, so such a delay never returns.
   */
  async delay(ms: number): Promise<void> {
    const cpu = this.host.cpu;
    // Not a time at all (NaN, negative): the clock refuses it with a typed error.
    if (!(ms >= 0) || !Number.isFinite(ms)) return cpu.spend(millisToMicros(ms));
    const length = Math.floor(ms);
    if (length === 0) return;
    if (!this.threaded) this.delayedMillis += length;
    const start = cpu.sinceBootMicros;
    const end = start + millisToMicros(length);
    let elapsedLimit = SPARK_LOOP_DELAY_MILLIS;
    for (;;) {
      // The loop checks after each 1 ms step, with the milliseconds elapsed before it; the last one is waited out in microseconds.
      const elapsed = Math.floor((cpu.sinceBootMicros - start) / 1000);
      const pumpAt = this.delayedMillis >= SPARK_LOOP_DELAY_MILLIS ? elapsed : Math.max(elapsed, elapsedLimit);
      if (pumpAt >= length - 1) return cpu.spend(Math.max(0, end - cpu.sinceBootMicros));
      await cpu.spend(start + millisToMicros(pumpAt + 1) - cpu.sinceBootMicros);
      elapsedLimit = pumpAt + SPARK_LOOP_DELAY_MILLIS;
      await this.pump(`delay(${length})`, start);
    }
  }

  /** `Particle.process()` → `spark_process()`: one pass of the system loop (with SYSTEM_THREAD, the app's queued events). */
  async process(): Promise<void> {
    await this.idlePass();
    await this.host.cpu.spend(TIMING.loopTurnMicros);
  }

  /**
   * `process()` now or later: a pass with nothing to run (no cloud call, queued event or reset)
   * takes its time at once, with no promise. A sketch that waits in a Particle.process() loop
   * makes thousands of such passes per update.
   */
  processSoon(): Promise<void> | undefined {
    if (this.idlePassHasWork()) return this.process();
    // What idlePass does when it has nothing else to do.
    if (!this.threaded) this.delayedMillis = 0;
    return this.host.cpu.take(TIMING.loopTurnMicros);
  }

  /** The system loop run from a delay: once, or — without SYSTEM_THREAD during an update — for good. */
  private async pump(call: string, calledAt: number): Promise<void> {
    await this.idlePass();
    if (this.threaded || !this.updating) return;
    this.noteStuckDelay(call, calledAt);
    for (;;) {
      await this.idlePass();
      await this.host.cpu.idle(TIMING.loopTurnMicros);
    }
  }

  subscribe(event: SystemEventName, handler: SystemEventHandler): void {
    this.handlers.push({ event, handler });
  }

  /** Spark_Prepare_For_Firmware_Update returned: from now on the app model during an update applies. */
  prepared(): void {
    if (this.updating) this.updateStartedAt = this.host.cpu.sinceBootMicros;
  }

  /** Run the handlers of `event` now, on the thread that raised it; `data` is the event's pointer (a firmware_update's descriptor). */
  dispatch(event: SystemEventName, param: number, data?: Descriptor): void {
    // Once per saved chunk: nothing is built for an event no trace keeps and no one hears, and the
    // closure a handler runs in is made only when there is one (see runHandler).
    const events = this.host.events;
    if (events.wantsSystemEvent(event, param)) events.emit('system:event', { event, param });
    const handlers = this.handlers;
    for (let i = 0; i < handlers.length; i++) if (handlers[i].event === event) this.runHandler(handlers[i].handler, event, param, data);
  }

  /** Apart from dispatch: a closure written there would make V8 allocate what it captures on every call. */
  private runHandler(handler: SystemEventHandler, event: SystemEventName, param: number, data: Descriptor | undefined): void {
    this.host.calls.handler(() => handler(event, param, data));
  }

  /** `system_pending_shutdown()`: reset at the next idle point, after the `reset_pending` event. */
  scheduleReset(): void {
    if (this.resetPending) return;
    this.resetPending = true;
    this.dispatch('reset_pending', 0);
    if (this.threaded) this.systemThread.schedule(SYSTEM_THREAD_TURN_MICROS);
  }

  /** `System.disableReset()` / `enableReset()` (`system_update.cpp:326-343` at v1.4.4): a pending reset waits while disabled. */
  setResetEnabled(enabled: boolean): void {
    this.resetEnabled = enabled;
    if (enabled && this.threaded && this.resetPending) this.systemThread.schedule(SYSTEM_THREAD_TURN_MICROS);
  }

  private canShutdown(): boolean {
    return this.resetPending && this.resetEnabled;
  }

  /**
   * `system_shutdown_if_needed` without SYSTEM_THREAD: the `reset` event's handlers run, then
   * the device resets (`system_shutdown_if_enabled`, which checks again: a handler may disable it).
   */
  private async shutdownIfNeeded(): Promise<void> {
    if (!this.canShutdown() || this.inShutdown) return;
    this.inShutdown = true;
    this.dispatch('reset', 0);
    this.inShutdown = false;
    if (this.canShutdown()) await this.reset(this.host.profile.otaResetReason);
  }

  /**
   * The system thread's `system_shutdown_if_needed`: the `reset` event goes to the application
   * thread with the reset as its completion; if the app has not taken it within 30 s, the
   * system thread resets anyway.
   */
  private systemThreadTurn(): void {
    if (!this.canShutdown() || this.inShutdown) return;
    this.inShutdown = true;
    this.appQueue.push(async () => {
      this.dispatch('reset', 0);
      // The event's completion, on the app thread: it never returns from the reset.
      if (this.canShutdown()) await this.reset(this.host.profile.otaResetReason);
    });
    this.shutdownTimeout.schedule(SHUTDOWN_PUMP_MICROS);
  }

  private shutdownTimedOut(): void {
    this.inShutdown = false;
    if (this.canShutdown()) this.host.cpu.interrupt(() => void this.reset(this.host.profile.otaResetReason));
  }

  /** `ApplicationThread.process()`: the app thread runs what the system thread queued for it. */
  private async handleQueuedEvents(): Promise<void> {
    const queued = this.appQueue;
    this.appQueue = [];
    for (const run of queued) await run();
    await this.runCloudCalls();
  }

  // ---- cloud functions ----

  /** `Particle.function(name, handler)`: the cloud may call it once the device is connected. */
  registerFunction(name: string, handler: CloudFunction): boolean {
    if (name.length === 0 || name.length > FUNCTION_NAME_LENGTH) return false;
    this.functions.set(name, handler);
    return true;
  }

  /**
   * The cloud calls a function the app registered: it runs on the app thread at the app's next
   * pass through the system (with SYSTEM_THREAD, from the app's event queue), and its result
   * goes back over the session — unless the device resets before it has gone.
   */
  call(name: string, argument: string): Promise<number> {
    if (!this.cloudConnected) {
      return Promise.reject(new EmulatorError('CLOUD_OFFLINE', 'Failed to call the function "{name}": the device has no cloud session (it is off, in MANUAL or SEMI_AUTOMATIC mode without Particle.connect(), or still connecting).', { name }));
    }
    if (!this.functions.has(name)) {
      const known = [...this.functions.keys()];
      return Promise.reject(new EmulatorError('CLOUD_NO_FUNCTION', 'Failed to call the function "{name}": the app registered {known}.', { name, known: known.length ? known.map((n) => `"${n}"`).join(', ') : 'no function with Particle.function()' }));
    }
    return new Promise<number>((resolve, reject) => this.calls.push({ name, argument, resolve, reject }));
  }

  private async runCloudCalls(): Promise<void> {
    while (this.calls.length > 0) {
      const call = this.calls.shift()!;
      // The handler runs inside the call that reached the system loop (a delay, Particle.process()), on the app thread.
      const result = await this.host.calls.nested(async () => this.functions.get(call.name)!(call.argument));
      // The result goes out with the session's next message: it is lost if the device resets first.
      this.replies.push({ call, result });
      this.replyAlarm.schedule(millisToMicros(CLOUD_REPLY_MS));
    }
  }

  private deliverReplies(): void {
    for (const { call, result } of this.replies.splice(0)) call.resolve(result | 0);
  }

  /** A reset or power loss drops the session: calls waiting for a result never get one. */
  private lostCalls(reason: number): void {
    const lost = [...this.calls, ...this.replies.map((r) => r.call)];
    this.calls = [];
    this.replies = [];
    this.replyAlarm.cancel();
    for (const call of lost) {
      call.reject(
        new EmulatorError('CLOUD_CALL_LOST', 'Failed to call the function "{name}": {what} before its result reached the cloud (system_cloud_internal.cpp:620-642 at v1.4.4: the result goes back after the function returns, and a reset it scheduled can come first).', {
          name: call.name,
          what: reason === RESET_REASON.NONE ? 'the device lost power' : `the device reset (reason ${reason}, ${resetReasonName(reason)})`,
        }),
      );
    }
  }

  /** `TimingFlashUpdateTimeout = 0`: restart the stall watchdog's count. */
  touchUpdateTimeout(): void {
    if (this.host.profile.stallWatchdog) this.updateWatchdog.schedule(TIMING.flashUpdateTimeoutMicros);
  }

  /**
   * Finish's forced `spark_protocol_command(DISCONNECT)` → `wait_confirmable()`
   * (`communication/src/dtls_protocol.cpp:57-89` at v1.4.4). With a live session it waits at
   * least 1 s for the cloud's confirmations; without one the event loop fails at once with
   * INVALID_STATE (3) — the two lines the thread's MANUAL-mode posters saw (reference note §4).
   */
  async disconnectCloud(): Promise<void> {
    const hadSession = this.cloudConnected;
    const logs = this.host.logs;
    this.host.events.emit('cloud:disconnect', { hadSession });
    logs.log('comm', LogLevel.LOG_LEVEL_INFO, 'Waiting for Confirmed messages to be sent.');
    if (hadSession) {
      await this.host.cpu.spend(millisToMicros(this.host.cloud.disconnectMs));
      this.cloudConnected = false;
    } else {
      logs.log('comm.protocol', LogLevel.LOG_LEVEL_ERROR, 'Event loop error 3');
      logs.log('comm', LogLevel.LOG_LEVEL_WARN, 'error receiving acknowledgements: 3');
    }
    logs.log('comm', LogLevel.LOG_LEVEL_INFO, 'All Confirmed messages sent: client(yes) server(yes)');
  }

  /** The SysTick count reached the limit while an update was in progress: reset with reason 90. */
  private updateTimedOut(): void {
    if (!this.updating) return;
    this.host.diagnostics.report(
      'update-timeout',
      'Failed to finish the update: no chunk was saved for 300 s while it was in progress (after Spark_Prepare_For_Firmware_Update), so the system reset the device with reason 90 (UPDATE_TIMEOUT). Save a chunk, or call Spark_Finish_Firmware_Update, at least every 300 s.',
    );
    this.host.cpu.interrupt(() => void this.reset(RESET_REASON.UPDATE_TIMEOUT));
  }

  // ---- explaining the traps ----

  /** What the device does next when nothing will end the update. */
  private fate(): string {
    return this.host.profile.stallWatchdog
      ? 'The update watchdog resets the device with reason 90 (UPDATE_TIMEOUT) 300 s after the last saved chunk'
      : `Device OS ${this.host.profile.version} has no update watchdog on a Boron (compiled out from 3.0), so the device hangs until its power is cut`;
  }

  private prepareNote(at: number): string {
    return this.updateStartedAt === undefined ? 'during an update' : `${millisText(at - this.updateStartedAt)} after Spark_Prepare_For_Firmware_Update`;
  }

  private noteStuckDelay(call: string, calledAt: number): void {
    this.host.diagnostics.report(
      'delay-during-update',
      formatMessage(
        '{call} at {at}, {after}, never returns: without SYSTEM_THREAD(ENABLED), delay() runs the system loop once 1000 ms of delays have added up since the last loop() turn (or 1000 ms pass in one delay), and while an update is in progress it keeps running it until the update ends (system_task.cpp:533-543 at v1.4.4), which nothing will now do. {fate}. Do the whole download inside one loop() call without delay(), or use SYSTEM_THREAD(ENABLED).',
        { call, at: millisText(calledAt), after: this.prepareNote(calledAt), fate: this.fate() },
      ),
    );
  }

  private noteLoopSuspended(): void {
    if (this.loopSuspensionNoted) return;
    this.loopSuspensionNoted = true;
    const at = this.host.cpu.sinceBootMicros;
    this.host.diagnostics.report(
      'loop-during-update',
      formatMessage(
        'loop() returned at {at}, {after}, and is not called again: without SYSTEM_THREAD(ENABLED), Device OS runs loop() only while no update is in progress (main.cpp:466 at v1.4.4), so Saves planned for later loop() turns never happen. {fate}. Do the whole download inside one loop() call, or use SYSTEM_THREAD(ENABLED).',
        { at: millisText(at), after: this.prepareNote(at), fate: this.fate() },
      ),
    );
  }
}

/** Milliseconds since boot as a person reads them: "19 702 ms". */
function millisText(micros: number): string {
  return `${Math.floor(micros / 1000)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} ms`;
}
