/** How the CLI writes: colour only where the terminal takes it (picocolors reads NO_COLOR, FORCE_COLOR and the TTY), JSON as one document. */
import pc from 'picocolors';
import type { Diagnostic, VirtualBoron } from '../index';

/** picocolors turns colour on when FORCE_COLOR is set at all; FORCE_COLOR=0 means off, as chalk and Node read it. */
export const colour = pc.createColors(pc.isColorSupported && process.env.FORCE_COLOR !== '0');

export const write = (text: string): void => void process.stdout.write(text);
export const note = (text: string): void => void process.stderr.write(`${text}\n`);

/** The one JSON document a `--json` run prints, on stdout and nothing else there. */
export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length === 0) return;
  write(`\n${colour.bold('--- why (device.diagnostics) ---')}\n`);
  for (const d of diagnostics) write(`${colour.yellow('-')} ${d.message} ${colour.dim(`[${d.code}]`)}\n`);
}

/** What a run leaves behind, as `--json` reports it. */
export function deviceSummary(device: VirtualBoron) {
  return {
    state: device.state,
    app: device.appName,
    deviceOs: device.profile.version,
    millis: device.millis,
    modules: device.modules(),
    diagnostics: device.diagnostics.map(({ code, message, atMicros }) => ({ code, message, atMicros })),
  };
}

/** One line: where the device ended up. */
export function describeDevice(device: VirtualBoron): string {
  const app = device.appName ? `app "${device.appName}"` : 'no app';
  return `${device.state}, ${app}, Device OS ${device.profile.version}, ${device.millis} ms of virtual time`;
}

/** Whole numbers with thousands separators, as the emulator's own messages print them. */
export const bytes = (n: number): string => n.toLocaleString('en-US');
