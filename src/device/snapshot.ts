import type { Micros } from '../sim/clock';
import type { FlashImage } from '../hal/nor-flash';
import type { RequestHandler } from '../net/http-server';
import type { BackupRamState } from './backup-ram';
import type { BootChecksState } from './boot';
import type { VirtualBoronOptions } from './config';
import type { SketchCatalogState } from './sketch-catalog';

/** The device states (`VirtualBoron.state`). */
export type DeviceState = 'off' | 'booting' | 'running' | 'safe-mode' | 'dfu' | 'crashed' | 'bricked';

/**
 * What a test did to a device, in order: what a replay does again. A run keeps where it stopped —
 * at its deadline, or at the check of its condition that first held (`checks`: the how-manieth) — so
 * the replay stops there too.
 */
export type DeviceInput =
  | { kind: 'power-on' | 'power-off' | 'reset' | 'clear-serial' }
  | { kind: 'type'; text: string }
  | { kind: 'cloud-call'; name: string; argument: string }
  | { kind: 'server-use'; handlers: readonly RequestHandler[] }
  | { kind: 'run'; stopAt: Micros; ended: 'condition' | 'deadline' | 'error'; checks: number };

/** What must match between a device and its replay at the snapshot's moment. */
export interface SnapshotFingerprint {
  atMicros: Micros;
  state: DeviceState;
  generation: number;
  trace: number;
  serial: number;
  logs: number;
  spends: number;
  activity: number;
}

/**
 * A device at one moment. What each restore gives back:
 *
 * - `VirtualBoron.restore(snapshot, { as: 'power-cut' })`: the device as a power cut at that moment
 *   leaves it, off. Exact for everything that survives a cut: both flash chips (copy on write: the
 *   snapshot shares every sector with the device until one of them writes it), the DCT slots, the
 *   clock, the Device OS profile in force, the next power-up's backup RAM bytes (seeded), how many
 *   connections the network has numbered (faults target the nth), and the emulator's record of
 *   interrupted copies (which names them in diagnostics). RAM — the sketch's variables, sockets, the
 *   cloud session, timers — is what a cut loses, and the restored device has none of it. Its trace,
 *   logs, serial output and diagnostics start empty.
 * - `VirtualBoron.restore(snapshot)`: the running device, the sketch where it was, rebuilt by
 *   replaying the recorded inputs (`options` and its seed, power, resets, typed serial, cloud calls,
 *   `server.use`, the runs and where each stopped) on a new device, then checked against the
 *   snapshot: flash, DCT, time, state, counts of trace entries, serial characters, log records and
 *   sketch calls. A sketch's place — a JavaScript function mid-await, a C++ stack in WebAssembly —
 *   cannot be copied, so this is the only honest way to get it back; it costs the run up to the
 *   snapshot again, and it holds only if that run is deterministic (msw handlers that answer the same,
 *   no real server). A snapshot taken during a run (from a hook or listener), or after an input
 *   given during one, cannot be replayed; restoring it throws `SNAPSHOT_NOT_REPLAYABLE`, and a replay
 *   that does not arrive at the same device throws `RESTORE_DIVERGED`.
 *
 * A snapshot lives in memory only: `options` holds functions (the sketch, msw handlers).
 */
export interface DeviceSnapshot {
  readonly atMicros: Micros;
  readonly state: DeviceState;
  readonly flash: { readonly internal: FlashImage; readonly external: FlashImage };
  /** The five DCT module slots, 20 bytes each. */
  readonly dct: Uint8Array;
  /** Taken during a run, from a hook or a listener: the firmware was mid-step. */
  readonly midRun: boolean;
  /** Why it cannot be restored by replay, when it cannot. */
  readonly notReplayable?: string;
  readonly options: VirtualBoronOptions;
  readonly inputs: readonly DeviceInput[];
  readonly generation: number;
  readonly backupRam: BackupRamState;
  readonly boot: BootChecksState;
  readonly connections: number;
  /** The sketches the device knows by their images' SHA-256 (which one an image in flash runs). */
  readonly sketches: SketchCatalogState;
  readonly fingerprint: SnapshotFingerprint;
}
