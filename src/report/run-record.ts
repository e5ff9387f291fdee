import type { Diagnostic } from '../sim/diagnostics';
import type { DeviceEventName, TraceEntry } from '../sim/events';
import type { DeviceOsProfile } from '../ota/profiles';
import type { DeviceState, VirtualBoron } from '../device/virtual-boron';

/**
 * The trace events the report reads, and nothing else. If the trace ever records events by level,
 * these are the ones a device must keep for its report to be whole.
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
  return {
    trace: device.trace.filter((e): e is ReportTraceEntry => NEEDED.has(e.type)),
    diagnostics: device.diagnostics.map((d) => ({ ...d })),
    profile: device.profile,
    state: device.state,
    app: device.appName,
    nowMicros: device.nowMicros,
  };
}
