import { millisToMicros, type VirtualClock } from '../sim/clock';
import type { Diagnostics } from '../sim/diagnostics';
import type { EventBus } from '../sim/events';
import { LogLevel } from '../sim/log-format';
import type { DeviceOsProfile } from '../ota/profiles';
import type { SystemUpdate } from '../ota/system-update';
import { RESET_REASON, resetReasonName, TIMING } from './config';
import type { Cpu } from './cpu';
import type { LogManager } from './logging';
import type { Sketch, SketchApi, SketchInstance } from './sketch';
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
  /** Restart the MCU: the running firmware stops where it is and the device boots again. */
  reboot(reason: number): void;
}

/**
 * Device OS as the app meets it: it runs setup() and loop(), owns the cloud session, the system
 * events and their handlers, the reset an update schedules and the update watchdog. One per
 * device; `newBoot()` forgets what the last boot set up.
 */
export class DeviceOs {
  private resetPending = false;
  private cloudConnected = false;
  private handlers: { event: SystemEventName; handler: SystemEventHandler }[] = [];
  private readonly updateWatchdog;

  constructor(private readonly host: DeviceOsHost) {
    this.updateWatchdog = host.clock.createAlarm('flash update timeout', () => this.updateTimedOut());
  }

  get connected(): boolean {
    return this.cloudConnected;
  }

  newBoot(): void {
    this.resetPending = false;
    this.cloudConnected = false;
    this.handlers = [];
    this.updateWatchdog.cancel();
  }

  /** Reset now: the running firmware stops where it is and the device boots again. */
  reset(reason: number): Promise<never> {
    this.host.events.emit('device:reset', { reason, reasonName: resetReasonName(reason) });
    this.host.reboot(reason);
    return new Promise<never>(() => {});
  }

  /** `app_loop` (`system/src/main.cpp` at v1.4.4): the cloud first when AUTOMATIC, setup() once, then loop() forever. */
  async runApp(sketch: Sketch, instance: SketchInstance): Promise<never> {
    const cpu = this.host.cpu;
    if (sketch.systemThread) {
      this.host.diagnostics.report('system-thread-not-modelled', `The app asks for SYSTEM_THREAD(ENABLED), which the emulator does not model yet: setup() and loop() run on one thread with the system, as without it.`);
    }
    if (sketch.systemMode === 'AUTOMATIC') {
      await cpu.spend(millisToMicros(this.host.cloud.connectMs));
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
      if (idle) await cpu.idle(TIMING.loopTurnMicros);
      else await cpu.spend(TIMING.loopTurnMicros);
    }
  }

  /**
   * `Spark_Idle_Events` → `system_shutdown_if_needed` (`system_update.cpp:345-367` at v1.4.4): a
   * pending reset emits the `reset` event, then resets (without SYSTEM_THREAD, at once).
   */
  async idleEvents(): Promise<void> {
    if (!this.resetPending) return;
    this.dispatch('reset', 0);
    await this.reset(this.host.profile.otaResetReason);
  }

  /** The sketch API's `delay(ms)`. */
  async delay(ms: number): Promise<void> {
    await this.idleEvents();
    await this.host.cpu.spend(millisToMicros(ms));
  }

  /** `Particle.process()`. */
  async process(): Promise<void> {
    await this.idleEvents();
    await this.host.cpu.spend(TIMING.loopTurnMicros);
  }

  subscribe(event: SystemEventName, handler: SystemEventHandler): void {
    this.handlers.push({ event, handler });
  }

  dispatch(event: SystemEventName, param: number): void {
    this.host.events.emit('system:event', { event, param });
    for (const h of this.handlers) if (h.event === event) h.handler(event, param);
  }

  /** `system_pending_shutdown()`: reset at the next idle point, after the `reset_pending` event. */
  scheduleReset(): void {
    if (this.resetPending) return;
    this.resetPending = true;
    this.dispatch('reset_pending', 0);
  }

  /** `TimingFlashUpdateTimeout = 0`: restart the stall watchdog's count. */
  touchUpdateTimeout(): void {
    if (this.host.profile.stallWatchdog) this.updateWatchdog.schedule(TIMING.flashUpdateTimeoutMicros);
  }

  /**
   * Finish's forced `spark_protocol_command(DISCONNECT)`. With a live session it waits for the
   * cloud's confirmation; without one it fails at once with INVALID_STATE (3), logging the two
   * lines the thread's MANUAL-mode poster saw (reference note §4).
   */
  async disconnectCloud(): Promise<void> {
    const hadSession = this.cloudConnected;
    this.host.events.emit('cloud:disconnect', { hadSession });
    if (hadSession) {
      await this.host.cpu.spend(millisToMicros(this.host.cloud.disconnectMs));
      this.cloudConnected = false;
      return;
    }
    this.host.logs.log('comm.protocol', LogLevel.LOG_LEVEL_ERROR, 'Event loop error 3');
    this.host.logs.log('comm', LogLevel.LOG_LEVEL_WARN, 'error receiving acknowledgements: 3');
  }

  /** The SysTick count reached the limit while an update was in progress: reset with reason 90. */
  private updateTimedOut(): void {
    if (!this.host.update.flags.flashUpdateActive) return;
    this.host.diagnostics.report(
      'update-timeout',
      'Failed to finish the update: no chunk was saved for 300 s while it was in progress (after Spark_Prepare_For_Firmware_Update), so the system reset the device with reason 90 (UPDATE_TIMEOUT). Save a chunk, or call Spark_Finish_Firmware_Update, at least every 300 s.',
    );
    this.host.cpu.interrupt(() => void this.reset(RESET_REASON.UPDATE_TIMEOUT));
  }
}

