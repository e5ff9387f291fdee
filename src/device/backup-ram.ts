import type { SeededRandom } from '../sim/random';

/** The app's share of backup RAM: `_user_backup_ram_size = 3K` (`build/arm/linker/nrf52840/platform_ram.ld:37` at v1.4.4). */
export const USER_BACKUP_RAM_SIZE = 3 * 1024;

export interface BackupRamState {
  /** The bytes, once something has read them since the power came up (until then they are the power-up's seeded bytes). */
  readonly bytes?: Uint8Array;
  readonly valid: boolean;
  /** Power-ups so far: each one's bytes come from its own seeded stream. */
  readonly powerUps: number;
}

/**
 * Backup RAM, where `retained` variables live: it keeps its bytes across a reset and loses them
 * with the power. At power-on it holds whatever SRAM comes up with (seeded, one stream per power-up,
 * drawn only when something reads it); from 2.0 the app then copies its retained variables' initial
 * values in, in 1.x nothing does (profile field `initialisesRetained`).
 */
export class BackupRam {
  private bytes?: Uint8Array;
  private powerUps = 0;
  /** False until the first boot after power-on has set it up. */
  private valid = false;
  private live?: () => Uint8Array;

  constructor(private readonly random: SeededRandom) {}

  /** What SRAM holds: the bytes it came up with at this power-up, drawn when first needed. */
  private get ram(): Uint8Array {
    return (this.bytes ??= this.random.fork(`power-up/${this.powerUps}`).fill(new Uint8Array(USER_BACKUP_RAM_SIZE)));
  }

  /** What the app's retained variables hold at this boot; `live` reads them back at the next reset. */
  restore(initial: Uint8Array, initialises: boolean, live: () => Uint8Array): Uint8Array {
    if (!this.valid && initialises) this.ram.set(initial.subarray(0, USER_BACKUP_RAM_SIZE));
    this.valid = true;
    this.live = live;
    return this.ram.slice(0, Math.min(initial.length, USER_BACKUP_RAM_SIZE));
  }

  /** A reset: the running app's retained bytes stay for the next boot. */
  keep(): void {
    const live = this.live;
    this.live = undefined;
    if (live) this.ram.set(live().subarray(0, USER_BACKUP_RAM_SIZE));
  }

  /** The power went: SRAM comes back up with arbitrary bytes. */
  powerLost(): void {
    this.live = undefined;
    this.valid = false;
    this.powerUps++;
    this.bytes = undefined;
  }

  /** What a snapshot keeps: the bytes (if drawn), whether a boot has set them up, and which power-up this is. */
  save(): BackupRamState {
    return { ...(this.bytes ? { bytes: this.bytes.slice() } : {}), valid: this.valid, powerUps: this.powerUps };
  }

  /** Put back what `save` kept (the running app's live view is not kept: a restored device is off). */
  load(state: BackupRamState): void {
    this.bytes = state.bytes?.slice();
    this.valid = state.valid;
    this.powerUps = state.powerUps;
    this.live = undefined;
  }
}
