import type { VirtualClock } from '../sim/clock';
import type { Diagnostics } from '../sim/diagnostics';
import type { EventBus } from '../sim/events';
import type { ExternalWork } from '../sim/external-work';
import type { SeededRandom } from '../sim/random';
import type { BoronFlash } from '../hal/boron-flash';
import type { DctModuleSlots } from '../ota/dct-slots';
import type { Descriptor } from '../ota/descriptor';
import type { DeviceOsProfile } from '../ota/profiles';
import type { SystemUpdateHost } from '../ota/system-update';
import type { NetContext } from '../net/context';
import type { Cpu } from './cpu';
import type { DeviceOs } from './device-os';
import type { LogManager } from './logging';

/** The parts of the device the lower layers reach, each owned elsewhere. */
export interface DeviceParts {
  readonly clock: VirtualClock;
  readonly events: EventBus;
  readonly external: ExternalWork;
  readonly cpu: Cpu;
  readonly logs: LogManager;
  readonly diagnostics: Diagnostics;
  readonly flash: BoronFlash;
  readonly slots: DctModuleSlots;
  readonly deviceOs: DeviceOs;
  readonly led: { controlled: boolean; color: string };
  /** The Device OS profile in force. */
  profile(): DeviceOsProfile;
  /** Bytes a server sent toward the device. */
  served(bytes: Uint8Array): void;
  /** Stop the run with `error`. */
  fail(error: Error): void;
}

/**
 * The one adapter through which the network (`NetContext`) and the update calls
 * (`SystemUpdateHost`) reach the device: each service is served by the part that owns it.
 */
export class DeviceServices implements NetContext, SystemUpdateHost {
  readonly clock: VirtualClock;
  readonly events: EventBus;
  readonly external: ExternalWork;
  readonly chips: BoronFlash;
  readonly slots: DctModuleSlots;

  constructor(
    private readonly parts: DeviceParts,
    /** The network's own seeded randomness (link jitter, losses). */
    readonly random: SeededRandom,
  ) {
    this.clock = parts.clock;
    this.events = parts.events;
    this.external = parts.external;
    this.chips = parts.flash;
    this.slots = parts.slots;
  }

  get profile(): DeviceOsProfile {
    return this.parts.profile();
  }

  get connectFailureResult(): number {
    return this.parts.profile().connectFailureResult;
  }

  served(bytes: Uint8Array): void {
    this.parts.served(bytes);
  }

  fail(error: Error): void {
    this.parts.fail(error);
  }

  spend(micros: number): Promise<void> | undefined {
    return this.parts.cpu.take(micros);
  }

  spendPolling(micros: number): Promise<void> | undefined {
    return this.parts.cpu.poll(micros);
  }

  waitForEvent(minMicros: number, capMicros: number): Promise<void> | undefined {
    return this.parts.cpu.waitForEvent(minMicros, capMicros);
  }

  /** Anything the sketch did since: output, input read, or a call that takes time other than a poll. */
  activity(): number {
    return this.parts.cpu.activity + this.parts.cpu.spends;
  }

  log(category: string, level: number, message: string): void {
    this.parts.logs.log(category, level, message);
  }

  diagnose(code: string, message: string, key?: string): void {
    this.parts.diagnostics.report(code, message, key);
  }

  systemEvent(event: 'firmware_update', param: number, file: Descriptor): void {
    this.parts.deviceOs.dispatch(event, param, file);
  }

  setUpdateLed(on: boolean): void {
    this.parts.led.controlled = on;
    this.parts.led.color = on ? 'magenta' : 'cyan';
  }

  disconnectCloud(): Promise<void> {
    return this.parts.deviceOs.disconnectCloud();
  }

  scheduleReset(): void {
    this.parts.deviceOs.scheduleReset();
  }

  touchUpdateTimeout(): void {
    this.parts.deviceOs.touchUpdateTimeout();
  }
}
