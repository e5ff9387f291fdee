import { EmulatorError } from '../sim/messages';
import type { Diagnostic } from '../sim/diagnostics';
import type { DeviceEventName, TraceEntry } from '../sim/events';
import type { DeviceOsProfile } from '../ota/profiles';
import type { DeviceState, VirtualBoron } from '../device/virtual-boron';

/**
 * The trace events the report reads, and nothing else: a device must keep every one of them
 * (`trace: 'all'`) for its report to be whole, and `readRun` refuses a device that may not.
 */
export const REPORT_TRACE_EVENTS = [
  'device:power',
  'device:boot',
  'device:reset',
  'bootloader:apply',
  'ota:bootloader',
  'ota:begin',
  'ota:chunk',
  'ota:finish',
  'flash:erase',
  'flash:program',
  'tcp:connect',
  'tcp:data',
  'tcp:close',
  'http:request',
  'http:response',
  'log',
] as const satisfies readonly DeviceEventName[];

export type ReportTraceEvent = (typeof REPORT_TRACE_EVENTS)[number];
export type ReportTraceEntry = Extract<TraceEntry, { type: ReportTraceEvent }>;

/** Everything the report knows about a run: the one place it reads a device. */
export interface RunRecord {
  /** The trace's events of the kinds in REPORT_TRACE_EVENTS, in order. */
  trace: readonly ReportTraceEntry[];
  diagnostics: readonly Diagnostic[];
  /** The profile in force at the end (it follows an installed system part). */
  profile: DeviceOsProfile;
  state: DeviceState;
  app: string;
  nowMicros: number;
}

const NEEDED: ReadonlySet<string> = new Set(REPORT_TRACE_EVENTS);

/** What the report reads from a device, once, at the moment it is called. */
export function readRun(device: VirtualBoron): RunRecord {
  // A report drawn from a partial trace would show Saves that never happened as missing.
  const missing = device.traceDrops(REPORT_TRACE_EVENTS);
  if (missing.length > 0) {
    throw new EmulatorError('REPORT_NEEDS_TRACE', "Failed to make the report: the device's trace level leaves out {missing} events, which the report draws. Create the device with trace: 'all' (new VirtualBoron({ …, trace: 'all' })).", { missing: missing.join(', ') });
  }
  return {
    trace: device.trace.filter((e): e is ReportTraceEntry => NEEDED.has(e.type)),
    diagnostics: device.diagnostics.map((d) => ({ ...d })),
    profile: device.profile,
    state: device.state,
    app: device.appName,
    nowMicros: device.nowMicros,
  };
}
