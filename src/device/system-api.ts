import type { UpdateFlags } from '../ota/system-update';

export type SystemEventName = 'firmware_update' | 'reset_pending' | 'reset';
export type SystemEventHandler = (event: SystemEventName, param: number) => void;

/** What `System` reads from and asks of its device. */
export interface SystemHost {
  readonly updateFlags: UpdateFlags;
  readonly systemVersion: string;
  readonly systemVersionNumber: number;
  readonly freeMemory: number;
  readonly resetReason: number;
  reset(reason: number): Promise<never>;
  subscribe(event: SystemEventName, handler: SystemEventHandler): void;
}

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
}
