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
  freeMemory(): number {
    return this.host.freeMemory;
  }
  version(): string {
    return this.host.systemVersion;
  }
  versionNumber(): number {
    return this.host.systemVersionNumber;
  }
  resetReason(): number {
    return this.host.resetReason;
  }
  updatesEnabled(): boolean {
    return this.host.updateFlags.updatesEnabled;
  }
  enableUpdates(): void {
    this.host.updateFlags.updatesEnabled = true;
  }
  disableUpdates(): void {
    this.host.updateFlags.updatesEnabled = false;
  }
  updatesPending(): boolean {
    return this.host.updateFlags.updatesPending;
  }
  updatesForced(): boolean {
    return this.host.updateFlags.updatesForced;
  }
  on(event: SystemEventName, handler: SystemEventHandler): void {
    this.host.subscribe(event, handler);
  }
  /** A reset the system wants (after an update) waits while reset is disabled (`system_update.cpp:326-343` at v1.4.4). */
  disableReset(): void {
    this.host.setResetEnabled(false);
  }
  enableReset(): void {
    this.host.setResetEnabled(true);
  }
  resetEnabled(): boolean {
    return this.host.resetEnabled;
  }
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
