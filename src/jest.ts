/**
 * `virtual-boron/jest`: matchers for a `VirtualBoron`, for jest and vitest (`expect.extend` works
 * the same in both). Importing this module extends the global `expect` when there is one (jest,
 * vitest with globals); otherwise pass `matchers` to `expect.extend` yourself. A failure shows the
 * device's last serial lines and its diagnostics. Nothing here imports jest: the main entry does
 * not load this file, and this file needs no test framework of its own.
 */
import type { Diagnostic, InstalledModule, Sketch, TraceEntry } from './index';

/** The part of a device the matchers read (a `VirtualBoron`). */
interface DeviceView {
  readonly serial: { lines(): string[] };
  readonly logs: readonly { message: string }[];
  readonly diagnostics: readonly Diagnostic[];
  readonly trace: readonly TraceEntry[];
  traceDrops(types: readonly TraceEntry['type'][]): string[];
  modules(): InstalledModule[];
}

/** What jest's and vitest's matcher context give a matcher (`this`), as far as these use it. */
interface MatcherContext {
  isNot: boolean;
  utils?: {
    matcherHint(name: string, received?: string, expected?: string, options?: { isNot?: boolean }): string;
    printExpected(value: unknown): string;
    printReceived(value: unknown): string;
  };
}

interface MatcherResult {
  pass: boolean;
  message(): string;
}

/** The matchers, as `expect(device).toHaveBooted('v2')` and the others read in a test. */
export interface VirtualBoronMatchers<R = unknown> {
  /** The device booted this app (a sketch, or its name) at least once, not in safe mode. */
  toHaveBooted(app: string | Sketch): R;
  /**
   * The device printed this line on its serial port, or logged this message with `Log`: a string
   * must equal a whole serial line or a log message; a RegExp may match any part of one.
   */
  toHaveLogged(line: string | RegExp): R;
  /** `device.diagnostics` has an entry with this code. */
  toHaveDiagnostic(code: string): R;
  /** `device.modules()` has a module with every field given (e.g. `{ region: 'user-part', version: 6 }`, `{ sketch: 'v2' }`). */
  toHaveInstalled(module: Partial<InstalledModule>): R;
}

declare global {
  // jest's own declarations (@types/jest): `expect(device).toHaveBooted(…)` type-checks once this module is imported.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
    interface Matchers<R, T = {}> extends VirtualBoronMatchers<R> {}
  }
}

/** How many serial lines a failure shows. */
const SERIAL_LINES = 12;

const isDevice = (value: unknown): value is DeviceView =>
  typeof value === 'object' && value !== null && typeof (value as DeviceView).modules === 'function' && typeof (value as DeviceView).traceDrops === 'function' && Array.isArray((value as DeviceView).diagnostics) && typeof (value as DeviceView).serial?.lines === 'function';

const millis = (micros: number): string => `${Math.floor(micros / 1000).toLocaleString('en-US')} ms`;
const hex = (n: number): string => `0x${(n >>> 0).toString(16).toUpperCase()}`;

/** What a person needs beside a failed expectation: the last serial lines and every diagnostic. */
function context(device: DeviceView): string {
  const lines = device.serial.lines().filter((line) => line.length > 0);
  const shown = lines.slice(-SERIAL_LINES);
  const serial = shown.length === 0 ? '  (nothing printed)' : `${lines.length > shown.length ? `  … (${lines.length - shown.length} lines before)\n` : ''}${shown.map((l) => `  ${l}`).join('\n')}`;
  const diagnostics = device.diagnostics.length === 0 ? '  (none)' : device.diagnostics.map((d) => `  ${d.code} at ${millis(d.atMicros)}: ${d.message}`).join('\n');
  return `\n\nLast serial lines:\n${serial}\n\nDiagnostics:\n${diagnostics}`;
}

function describeModule(m: InstalledModule): string {
  return `${m.region}: ${m.function} index ${m.index} version ${m.version}, ${hex(m.startAddress)} to ${hex(m.endAddress)}, CRC ${m.crcOk ? 'ok' : 'bad'}${m.sketch ? `, sketch "${m.sketch}"` : ''}`;
}

/** The common frame of every matcher: a device to read, or a clear failure saying what was received. */
function match(ctx: MatcherContext, name: string, received: unknown, expected: unknown, check: (device: DeviceView, print: (v: unknown) => string) => { pass: boolean; what: string }): MatcherResult {
  const printExpected = ctx.utils?.printExpected ?? ((v: unknown) => (v instanceof RegExp ? String(v) : JSON.stringify(v)));
  const printReceived = ctx.utils?.printReceived ?? ((v: unknown) => (typeof v === 'object' && v !== null ? `an object (${v.constructor?.name ?? 'no prototype'})` : String(v)));
  const hint = ctx.utils?.matcherHint(`${ctx.isNot ? '.not' : ''}.${name}`, 'device', 'expected') ?? `expect(device)${ctx.isNot ? '.not' : ''}.${name}(expected)`;
  // Thrown, not failed: under .not a failure would pass.
  if (!isDevice(received)) throw new Error(`${hint}\n\nExpected a VirtualBoron, received ${printReceived(received)}.`);
  const { pass, what } = check(received, printExpected);
  return { pass, message: () => `${hint}\n\n${what}${context(received)}` };
}

const bootedApps = (device: DeviceView) => device.trace.filter((e): e is Extract<TraceEntry, { type: 'device:boot' }> => e.type === 'device:boot');

/** `expect.extend(matchers)`: the four matchers. */
export const matchers = {
  toHaveBooted(this: MatcherContext, received: unknown, app: string | Sketch): MatcherResult {
    const name = typeof app === 'string' ? app : app?.name;
    return match(this, 'toHaveBooted', received, app, (device, print) => {
      // A trace without the boots would make every .not pass.
      if (device.traceDrops(['device:boot']).length > 0) {
        throw new Error("toHaveBooted reads the boots from device.trace, and this device's trace level may leave them out. Create it with trace: 'ota' (the default) or 'all'.");
      }
      const boots = bootedApps(device);
      const hit = boots.find((b) => !b.safeMode && b.app === name);
      const list = boots.map((b) => (b.safeMode ? `safe mode at ${millis(b.atMicros)}` : `${JSON.stringify(b.app)} at ${millis(b.atMicros)}`)).join(', ');
      return {
        pass: hit !== undefined,
        what: hit ? `Expected the device not to have booted ${print(name)}, and it did at ${millis(hit.atMicros)}.` : `Expected the device to have booted ${print(name)}; it booted ${list || 'nothing (was it powered on and run?)'}.`,
      };
    });
  },

  toHaveLogged(this: MatcherContext, received: unknown, line: string | RegExp): MatcherResult {
    return match(this, 'toHaveLogged', received, line, (device, print) => {
      const serial = device.serial.lines();
      const messages = device.logs.map((r) => r.message);
      const matches = (text: string) => (typeof line === 'string' ? text === line : new RegExp(line.source, line.flags.replace(/[gy]/g, '')).test(text));
      const hit = serial.find(matches) ?? messages.find(matches);
      return {
        pass: hit !== undefined,
        what:
          hit !== undefined
            ? `Expected the device not to have logged ${print(line)}, and it did: ${JSON.stringify(hit)}.`
            : `Expected the device to have logged ${print(line)}: ${typeof line === 'string' ? 'a whole serial line or Log message equal to it' : 'a serial line or Log message it matches'}; none of its ${serial.filter(Boolean).length} serial lines and ${messages.length} log messages does.`,
      };
    });
  },

  toHaveDiagnostic(this: MatcherContext, received: unknown, code: string): MatcherResult {
    return match(this, 'toHaveDiagnostic', received, code, (device, print) => {
      const hit = device.diagnostics.find((d) => d.code === code);
      const codes = [...new Set(device.diagnostics.map((d) => d.code))];
      return {
        pass: hit !== undefined,
        what: hit ? `Expected no diagnostic ${print(code)}, and there is one: ${hit.message}` : `Expected a diagnostic ${print(code)}; the codes are ${codes.length ? codes.map((c) => JSON.stringify(c)).join(', ') : 'none'}.`,
      };
    });
  },

  toHaveInstalled(this: MatcherContext, received: unknown, module: Partial<InstalledModule>): MatcherResult {
    return match(this, 'toHaveInstalled', received, module, (device, print) => {
      const modules = device.modules();
      const fields = Object.entries(module ?? {}) as [keyof InstalledModule, unknown][];
      const hit = modules.find((m) => fields.every(([key, value]) => m[key] === value));
      return {
        pass: hit !== undefined,
        what: hit
          ? `Expected no installed module like ${print(module)}, and there is: ${describeModule(hit)}.`
          : `Expected an installed module like ${print(module)}; the device has:\n${modules.map((m) => `  ${describeModule(m)}`).join('\n')}`,
      };
    });
  },
};

// jest (and vitest with globals) have a global expect: extend it now, so importing this module is enough.
const globalExpect = (globalThis as { expect?: { extend?: (matchers: object) => void } }).expect;
if (typeof globalExpect?.extend === 'function') globalExpect.extend(matchers);
