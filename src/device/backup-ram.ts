import type { SeededRandom } from '../sim/random';

/** The app's share of backup RAM: `_user_backup_ram_size = 3K` (`build/arm/linker/nrf52840/platform_ram.ld:37` at v1.4.4). */
export const USER_BACKUP_RAM_SIZE = 3 * 1024;

export interface BackupRamState {
  readonly bytes: Uint8Array;
  readonly valid: boolean;
  readonly random: readonly [number, number, number, number];
}

/**
 * Backup RAM, where `retained` variables live: it keeps its bytes across a reset and loses them
 * with the power. At power-on it holds whatever SRAM comes up with (seeded); from 2.0 the app
 * then copies its retained variables' initial values in, in 1.x nothing does (profile field
 * `initialisesRetained`).
 */
export class BackupRam {
  private readonly bytes = new Uint8Array(USER_BACKUP_RAM_SIZE);
  /** False until the first boot after power-on has set it up. */
  private valid = false;
  private live?: () => Uint8Array;

  constructor(private readonly random: SeededRandom) {
    this.powerLost();
  }

  /** What the app's retained variables hold at this boot; `live` reads them back at the next reset. */
  restore(initial: Uint8Array, initialises: boolean, live: () => Uint8Array): Uint8Array {
    if (!this.valid && initialises) this.bytes.set(initial.subarray(0, USER_BACKUP_RAM_SIZE));
    this.valid = true;
    this.live = live;
    return this.bytes.slice(0, Math.min(initial.length, USER_BACKUP_RAM_SIZE));
  }

  /** A reset: the running app's retained bytes stay for the next boot. */
  keep(): void {
    const live = this.live;
    this.live = undefined;
    if (live) this.bytes.set(live().subarray(0, USER_BACKUP_RAM_SIZE));
  }

  /** What a snapshot keeps: the bytes, whether a boot has set them up, and the source of the next power-up's bytes. */
  save(): BackupRamState {
    return { bytes: this.bytes.slice(), valid: this.valid, random: this.random.state() };
  }

  /** Put back what `save` kept (the running app's live view is not kept: a restored device is off). */
  load(state: BackupRamState): void {
    this.bytes.set(state.bytes);
    this.valid = state.valid;
    this.live = undefined;
    this.random.setState(state.random);
  }

  /** The power went: SRAM comes back up with arbitrary bytes. */
  powerLost(): void {
    this.live = undefined;
    this.valid = false;
    this.random.fill(this.bytes);
  }
}
