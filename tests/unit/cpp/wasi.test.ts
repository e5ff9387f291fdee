/** The WASI system calls a compiled sketch's C library makes, answered as a Boron would (src/cpp/wasi.ts). */
import { AppExit, wasiImports, type WasiHost } from '../../../src/cpp/wasi';

/** WASI errno values (`wasi_snapshot_preview1`). */
const SUCCESS = 0;
const EBADF = 8;
const ENOSYS = 52;

function host(nowMicros = 0) {
  const memory = new Uint8Array(1024);
  const diagnostics: [string, string][] = [];
  const blocked: string[] = [];
  const wasiHost: WasiHost = {
    nowMicros: () => nowMicros,
    blocking: (name, call) => {
      blocked.push(name);
      return call;
    },
    memory: () => memory,
    random: (length) => Uint8Array.from({ length }, (_, i) => 0xa0 + i),
    diagnose: (code, message) => void diagnostics.push([code, message]),
  };
  const calls = wasiImports(wasiHost) as unknown as Record<string, (...args: number[]) => number>;
  return { memory, view: new DataView(memory.buffer), diagnostics, blocked, calls };
}

/** Put iovecs for `texts` at 0.., their bytes from 256 on; the written count goes to 128. */
function iovecs(memory: Uint8Array, texts: string[]): number {
  const view = new DataView(memory.buffer);
  let at = 256;
  texts.forEach((text, i) => {
    memory.set(Buffer.from(text), at);
    view.setUint32(i * 8, at, true);
    view.setUint32(i * 8 + 4, text.length, true);
    at += text.length;
  });
  return texts.length;
}

describe('WASI for a compiled sketch', () => {
  it('answers clock_time_get with the virtual clock in nanoseconds, through the blocking wrapper (reading it takes time)', () => {
    const { calls, view, blocked } = host(2_730_123);
    expect(calls.clock_time_get(1, 0, 64)).toBe(SUCCESS);
    expect(view.getBigUint64(64, true)).toBe(2_730_123_000n);
    expect(blocked).toEqual(['clock_time_get']);
  });

  it('gives a 1 µs clock resolution', () => {
    const { calls, view } = host();
    expect(calls.clock_res_get(1, 64)).toBe(SUCCESS);
    expect(view.getBigUint64(64, true)).toBe(1000n);
  });

  it('fills random_get from the device\'s seeded source', () => {
    const { calls, memory } = host();
    expect(calls.random_get(100, 4)).toBe(SUCCESS);
    expect(Array.from(memory.subarray(100, 104))).toEqual([0xa0, 0xa1, 0xa2, 0xa3]);
  });

  it('swallows stdout and stderr, reporting every byte written, and says so once', () => {
    const { calls, memory, view, diagnostics } = host();
    expect(calls.fd_write(1, 0, iovecs(memory, ['hello ', 'world\n']), 128)).toBe(SUCCESS);
    expect(view.getUint32(128, true)).toBe(12);
    expect(calls.fd_write(2, 0, iovecs(memory, ['oops\n']), 128)).toBe(SUCCESS);
    expect(diagnostics).toEqual([
      ['stdout-discarded', 'The app wrote to stdout (printf, puts or std::cout): a Boron has none, so the bytes went nowhere. Print with Serial.printf() or Log.info() to see them.'],
    ]);
  });

  it('names stderr when that is what the app wrote to first', () => {
    const { calls, memory, diagnostics } = host();
    calls.fd_write(2, 0, iovecs(memory, ['oops\n']), 128);
    expect(diagnostics.map(([, message]) => message.slice(0, 26))).toEqual(['The app wrote to stderr (p']);
  });

  it('has no files: other descriptors are EBADF, other calls ENOSYS', () => {
    const { calls, memory } = host();
    expect(calls.fd_write(3, 0, iovecs(memory, ['x']), 128)).toBe(EBADF);
    expect(calls.fd_read(0, 0, 0, 128)).toBe(EBADF);
    expect(calls.path_open(3, 0, 0, 0, 0, 0n as never, 0n as never, 0, 128)).toBe(ENOSYS);
    expect(calls.poll_oneoff(0, 0, 0, 128)).toBe(ENOSYS);
  });

  it('has no arguments or environment', () => {
    const { calls, view } = host();
    view.setUint32(0, 99, true);
    view.setUint32(4, 99, true);
    expect(calls.args_sizes_get(0, 4)).toBe(SUCCESS);
    expect([view.getUint32(0, true), view.getUint32(4, true)]).toEqual([0, 0]);
    expect(calls.environ_sizes_get(0, 4)).toBe(SUCCESS);
    expect([view.getUint32(0, true), view.getUint32(4, true)]).toEqual([0, 0]);
  });

  it('turns exit() into an AppExit carrying its code, which the runtime reports as a crash', () => {
    const { calls } = host();
    expect(() => calls.proc_exit(3)).toThrow(AppExit);
    try {
      calls.proc_exit(7);
    } catch (error) {
      expect((error as AppExit).code).toBe(7);
    }
  });
});
