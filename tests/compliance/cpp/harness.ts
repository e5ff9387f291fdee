/**
 * Shared pieces of the C++ compliance tests: compile a sketch inline, run it, and read back what a
 * user sees (serial output, logs, diagnostics, virtual time) so that a C++ sketch can be compared
 * with its TypeScript twin.
 */
import { compileSketch, EmulatorError, VirtualBoron, type CompileSketchOptions, type Sketch, type VirtualBoronOptions } from '../../../src/index';

/** The first compile in a jest file loads the toolchain (5-15 s); a cold cache compiles the runtime too. */
export const COMPILE_TIMEOUT = 180_000;

let sketches = 0;

/** Compile `source` as the sketch's `app.ino` (and `files` beside it), under a name of its own. */
export function ino(source: string, options: CompileSketchOptions & { files?: Record<string, string> } = {}): Promise<Sketch> {
  const { files = {}, ...rest } = options;
  return compileSketch({ 'app.ino': source, ...files }, { name: `cpp test ${++sketches}`, ...rest });
}

/** Compile several sketches at once (they queue on one toolchain worker), keyed as given. */
export async function compileAll<K extends string>(sources: Record<K, string>, options: CompileSketchOptions = {}): Promise<Record<K, Sketch>> {
  const entries = await Promise.all(Object.entries<string>(sources).map(async ([key, source]) => [key, await ino(source, options)] as const));
  return Object.fromEntries(entries) as Record<K, Sketch>;
}

/** What a user reads off a device after a run. */
export interface Observed {
  serial: string;
  logs: readonly { millis: number; category: string; level: string; message: string; line: string }[];
  diagnostics: readonly { code: string; message: string }[];
  millis: number;
}

export function observe(device: VirtualBoron): Observed {
  return {
    serial: device.serial.output,
    logs: device.logs.map((l) => ({ ...l })),
    diagnostics: device.diagnostics.map((d) => ({ code: d.code, message: d.message })),
    millis: device.millis,
  };
}

/** Power on a device running `app` (1.4.4 unless told), run until `until` (serial text), and observe it. */
export async function run(app: Sketch, until: string | number, options: Omit<VirtualBoronOptions, 'app'> = {}): Promise<{ device: VirtualBoron; seen: Observed }> {
  const device = new VirtualBoron({ deviceOs: '1.4.4', ...options, app }).powerOn();
  if (typeof until === 'number') await device.runFor(until);
  else await device.runUntil(until, { timeoutMs: 600_000 });
  return { device, seen: observe(device) };
}

/** The error a promise rejects with, which must be an EmulatorError. */
export async function rejection(promise: Promise<unknown>): Promise<EmulatorError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EmulatorError);
    return error as EmulatorError;
  }
  throw new Error('expected the promise to reject with an EmulatorError, but it resolved');
}
