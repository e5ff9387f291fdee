import type { Descriptor } from '../ota/descriptor';
import type { UpdateFlags } from '../ota/system-update';
import { EmulatorError } from '../sim/messages';

export type SystemEventName = 'firmware_update' | 'reset_pending' | 'reset';
/** `data` is the event's pointer: for firmware_update, the descriptor (the app's in 1.x/2.x, the system's own from 3.0). */
export type SystemEventHandler = (event: SystemEventName, param: number, data?: Descriptor) => void;

/** What `System` reads from and asks of its device. */
export interface SystemHost {
  readonly updateFlags: UpdateFlags;
  readonly systemVersion: string;
  readonly systemVersionNumber: number;
  readonly freeMemory: number;
  readonly resetReason: number;
  reset(reason: number): Promise<never>;
  subscribe(event: SystemEventName, handler: SystemEventHandler): void;
  readonly resetPending: boolean;
  readonly resetEnabled: boolean;
  setResetEnabled(enabled: boolean): void;
  /** The Device OS version the device runs, for calls that exist only from a version on. */
  readonly deviceOs: { version: string; updateStatus: boolean };
}

/** `System.updateStatus()` values (`system_update_status`, `v4.1.0:system/inc/system_update.h:145-165`). */
export const UpdateStatus = { UNKNOWN: 0, NOT_AVAILABLE: 1, PENDING: 2, IN_PROGRESS: 3 } as const;

/** `RESET_REASON_USER` (`hal/inc/core_hal.h:61-80` at v1.4.4). */
export const RESET_REASON_USER = 140;

/** `System` as a sketch sees it. */
export class SystemApi {
  constructor(private readonly host: SystemHost) {}

  /** Never resolves: the device resets and code after it does not run. */
  reset(): Promise<never> {
    return this.host.reset(RESET_REASON_USER);
  }
  /** Free heap in bytes: the `freeMemory` option (default 70,184, what the forum thread's Boron printed). */
  freeMemory(): number {
    return this.host.freeMemory;
  }
  /** The running system part's Device OS version, e.g. "1.4.4". */
  version(): string {
    return this.host.systemVersion;
  }
  /** `SYSTEM_VERSION` of the running system part: 0xMMmmpp then 0xFF (1.4.4 is 0x010404FF). */
  versionNumber(): number {
    return this.host.systemVersionNumber;
  }
  /** Why this boot happened: 0 power-on, 20 the RESET button, 70 after an update (2.0+), 90 update timeout, 140 `System.reset()` (and 1.x's reset after an update). */
  resetReason(): number {
    return this.host.resetReason;
  }
  /** Whether updates are enabled (Prepare refuses while they are not). */
  updatesEnabled(): boolean {
    return this.host.updateFlags.updatesEnabled;
  }
  /** Allow updates again. */
  enableUpdates(): void {
    this.host.updateFlags.updatesEnabled = true;
  }
  /** Refuse updates: Prepare returns 1 (3.x+: -1380, OTA_UPDATES_DISABLED) and erases nothing. */
  disableUpdates(): void {
    this.host.updateFlags.updatesEnabled = false;
  }
  /** Whether the cloud announced an update (never, in the emulator). */
  updatesPending(): boolean {
    return this.host.updateFlags.updatesPending;
  }
  /** Whether the cloud forces updates (never, in the emulator). */
  updatesForced(): boolean {
    return this.host.updateFlags.updatesForced;
  }
  /**
   * Subscribe to a system event: 'firmware_update' (param 0 begin, 2 progress, 1 complete, -1 failed,
   * with the descriptor), 'reset_pending', 'reset'. Handlers run to the end at once, on the thread
   * that raised the event: a call that takes time from one is refused.
   */
  on(event: SystemEventName, handler: SystemEventHandler): void {
    this.host.subscribe(event, handler);
  }
  /** A reset the system wants (after an update) waits while reset is disabled (`system_update.cpp:326-343` at v1.4.4). */
  disableReset(): void {
    this.host.setResetEnabled(false);
  }
  /** Let a held-back reset happen. */
  enableReset(): void {
    this.host.setResetEnabled(true);
  }
  /** Whether a pending reset may happen now. */
  resetEnabled(): boolean {
    return this.host.resetEnabled;
  }
  /** Whether the system wants to reset (after Finish). */
  resetPending(): boolean {
    return this.host.resetPending;
  }
  /**
   * 4.0+: IN_PROGRESS during an update; otherwise UNKNOWN, since the emulator's cloud never sends
   * the update-pending notification that NOT_AVAILABLE or PENDING need (`system_update.cpp:402-416` at v4.1.0).
   */
  updateStatus(): number {
    const { version, updateStatus } = this.host.deviceOs;
    if (!updateStatus) {
      throw new EmulatorError('NOT_IN_DEVICE_OS', 'Failed to call System.updateStatus(): it exists from Device OS 4.0 (wiring/inc/spark_wiring_system.h:820-826 at v4.1.0), and this device runs {version}.', { version });
    }
    return this.host.updateFlags.flashUpdateActive ? UpdateStatus.IN_PROGRESS : UpdateStatus.UNKNOWN;
  }
}
