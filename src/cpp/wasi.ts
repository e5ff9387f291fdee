/** What the WASI functions need from the app they serve. */
export interface WasiHost {
  nowMicros(): number;
  blocking(name: string, call: (...args: number[]) => number): (...args: number[]) => number;
  memory(): Uint8Array;
  random(length: number): Uint8Array;
  diagnose(code: string, message: string): void;
}

/** The app called exit(): its runtime turns this into a SKETCH_CRASH naming the function that called it. */
export class AppExit extends Error {
  constructor(readonly code: number) {
    super(`exit(${code})`);
    this.name = 'AppExit';
  }
}

/** WASI errno values (`wasi_snapshot_preview1`). */
const SUCCESS = 0;
const EBADF = 8;
const ENOSYS = 52;

/**
 * The WASI system calls the C and C++ libraries make, answered as a Boron would: the clocks are
 * the virtual clock (reading one takes time like millis()), randomness is the device's seeded
 * source, stdout and stderr go nowhere (a Boron has none; said once in the diagnostics), files
 * do not exist, and exit() ends the app as a crash.
 */
export function wasiImports(host: WasiHost): Record<string, (...args: never[]) => number> {
  let told = false;
  const view = () => new DataView(host.memory().buffer);
  const known: Record<string, (...args: never[]) => number> = {
    clock_time_get: host.blocking('clock_time_get', (_clock: number, _precision: number, out: number) => {
      view().setBigUint64(out, BigInt(Math.floor(host.nowMicros())) * 1000n, true);
      return SUCCESS;
    }) as (...args: never[]) => number,
    clock_res_get: (_clock: number, out: number) => {
      view().setBigUint64(out, 1000n, true);
      return SUCCESS;
    },
    random_get: (pointer: number, length: number) => {
      host.memory().set(host.random(length), pointer);
      return SUCCESS;
    },
    fd_write: (fd: number, iovs: number, count: number, written: number) => {
      const v = view();
      let total = 0;
      for (let i = 0; i < count; i++) total += v.getUint32(iovs + i * 8 + 4, true);
      v.setUint32(written, total, true);
      if (fd !== 1 && fd !== 2) return EBADF;
      if (!told && total > 0) {
        told = true;
        host.diagnose('stdout-discarded', `The app wrote to ${fd === 1 ? 'stdout' : 'stderr'} (printf, puts or std::cout): a Boron has none, so the bytes went nowhere. Print with Serial.printf() or Log.info() to see them.`);
      }
      return SUCCESS;
    },
    environ_sizes_get: (count: number, size: number) => {
      view().setUint32(count, 0, true);
      view().setUint32(size, 0, true);
      return SUCCESS;
    },
    args_sizes_get: (count: number, size: number) => {
      view().setUint32(count, 0, true);
      view().setUint32(size, 0, true);
      return SUCCESS;
    },
    environ_get: () => SUCCESS,
    args_get: () => SUCCESS,
    sched_yield: () => SUCCESS,
    proc_exit: (code: number) => {
      throw new AppExit(code);
    },
  };
  // Everything else (files, sockets, polling) a Boron app has no use for: "not supported".
  return new Proxy(known, { get: (target, name: string) => target[name] ?? (() => (name.startsWith('fd_') ? EBADF : ENOSYS)) });
}
