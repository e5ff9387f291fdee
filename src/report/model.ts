import type { Diagnostic } from '../sim/diagnostics';
import { bytes, count, hex } from '../sim/messages';
import { BoronMap, decodeQspiAddress } from '../hal/boron-flash';
import { profileForSystemVersion, type DeviceOsProfile } from '../ota/profiles';
import { UpdateFlag } from '../ota/system-update';
import { Validation } from '../ota/validation';
import type { DeviceState, VirtualBoron } from '../device/virtual-boron';
import { readRun, REPORT_TRACE_EVENTS, type ReportTraceEntry, type ReportTraceEvent, type RunRecord } from './run-record';
import { sweepGrid, type SweepGrid, type SweepReportInput } from './sweep';

export type ChipName = 'internal' | 'external';

/** [start, end) on one chip. */
export interface AddressRange {
  start: number;
  end: number;
}

/** A named part of a chip's map (from the device's Device OS profile). Regions may overlap (the 3.1+ user parts). */
export interface MapRegion extends AddressRange {
  /** `bootloader`, `radio-stack`, `system-part1`, `user-part`, `user-part-compat`, `ota`, `mbr`, `filesystem`, `factory-app`, `asset-store`. */
  name: string;
  label: string;
}

/**
 * What this run did to a stretch of flash: an erase, programs (consecutive contiguous ones merged),
 * or the bootloader's copy of a module (erase and program).
 */
export interface FlashActivity extends AddressRange {
  kind: 'erase' | 'program' | 'copy';
  chip: ChipName;
  /** Flash operations merged into this stretch (program calls; 1 for an erase or a copy). */
  operations: number;
  firstMicros: number;
  lastMicros: number;
  /** The map regions it touches, by name. */
  regions: string[];
  /** Which OTA update (index into `updates`) it belongs to. */
  update?: number;
  /** Where these bytes were meant to go: the image's place for programs, the OTA region for erases. */
  meant?: AddressRange & { what: string };
  /** Bytes outside `meant`. */
  outsideBytes: number;
  /** Programs: bytes that already held data (were not erased), so the new bits merged with the old. */
  overDataBytes: number;
  /** Programs: bytes that read back different from what was written. */
  mismatchedBytes: number;
  /** Copies: bytes copied (less than the stretch when a power cut stopped it). */
  copiedBytes?: number;
  /** Copies: who copied what, and where a power cut stopped it. */
  note?: string;
}

export interface ChipReport {
  chip: ChipName;
  label: string;
  size: number;
  regions: MapRegion[];
  activity: FlashActivity[];
}

/** One update from Prepare (`ota:begin`) on. */
export interface UpdateReport {
  preparedMicros: number;
  /** As Prepare computed it (on the 1.x API: the OTA region's start plus the descriptor's chunk_address). */
  fileAddress: number;
  fileLength: number;
  /** Whether Begin erased anything. */
  erased: boolean;
  /** Where the image belongs on the external chip: the OTA region's start, file_length bytes (validation reads it there). */
  meant: AddressRange;
  saves: number;
  savedBytes: number;
  /** Saves that returned non-zero. */
  failedSaves: number;
  /** Where its programs landed on the external chip, merged. */
  landed: AddressRange[];
  outsideBytes: number;
  overDataBytes: number;
  mismatchedBytes: number;
}

export type ValidationFlagName = Exclude<keyof typeof Validation, 'PASSED'>;

export interface ValidationCheck {
  name: ValidationFlagName;
  bit: number;
  /** `not reached`: asked for, but RANGE failed first and `fetch_module` stopped there. */
  status: 'passed' | 'failed' | 'not checked' | 'not reached';
}

/** One `Spark_Finish_Firmware_Update` and the validation of the OTA region it ran. */
export interface FinishReport {
  atMicros: number;
  update?: number;
  /** Finish's flags argument, and their names (`SUCCESS`, `VALIDATE_ONLY`, `DONT_RESET`; 0 is `ERROR`). */
  updateFlags: number;
  updateFlagNames: string[];
  result: number;
  /** A module header was found and its RANGE check passed ("fetched" in Device OS's log). */
  fetched: boolean;
  checked: number;
  passed: number;
  checks: ValidationCheck[];
  validation: 'passed' | 'failed' | 'not validated';
}

export type TimelineKind = 'power' | 'boot' | 'reset' | 'bootloader' | 'connect' | 'request' | 'response' | 'close' | 'prepare' | 'erase' | 'finish';

export interface TimelineEvent {
  atMicros: number;
  kind: TimelineKind;
  label: string;
  /** False where it went wrong: a failed connect or HTTP status, a Prepare that erased nothing or not at the OTA region's start, a refused or cut copy, a Finish whose validation failed, a safe-mode boot. */
  ok: boolean;
}

export interface TimelineReport {
  /** The run's length (virtual time at the end). */
  endMicros: number;
  /** Where the update happens: from its first network or OTA event to the boot after its last. */
  focus: { startMicros: number; endMicros: number };
  /** `tcp:data`: bytes the device received, and the total so far. */
  received: { atMicros: number; connection: number; bytes: number; total: number }[];
  /** `ota:chunk`: each Save, and the bytes its update has saved so far. */
  saves: SaveEntry[];
  events: TimelineEvent[];
}

export interface SaveEntry {
  atMicros: number;
  update?: number;
  /** The address Save was given, and where on the external chip it lands (the QSPI decodes 22 bits). */
  address: number;
  landsAt: number;
  bytes: number;
  total: number;
  result: number;
  /** Saved (result 0) within its image's place. */
  ok: boolean;
}

export interface LogEntry {
  atMicros: number;
  level: string;
  /** As a serial log handler prints it (device millis since boot, category, level, message). */
  line: string;
}

export interface SummaryLine {
  /** `bad`: something went wrong here; `good`: as intended. */
  tone: 'good' | 'bad' | 'neutral';
  text: string;
}

/** Everything `writeReport` shows, as plain data (JSON as it is). */
export interface ReportData {
  title: string;
  device: { deviceOs: string; state: DeviceState; app: string; endMicros: number; boots: number; resets: number };
  /** Plain-words sentences: where the bytes went, when, and how it ended. */
  summary: SummaryLine[];
  chips: ChipReport[];
  updates: UpdateReport[];
  finishes: FinishReport[];
  timeline: TimelineReport;
  diagnostics: Diagnostic[];
  log: LogEntry[];
  /** The trace events the report reads. */
  traceEvents: ReportTraceEvent[];
  sweep?: SweepGrid;
}

export interface ReportOptions {
  title?: string;
  /** A power-cut sweep to show as an outcome grid, one column per flash operation. */
  sweep?: SweepReportInput;
}

/** The report's data model for a device's run so far. */
export function reportData(device: VirtualBoron, options: ReportOptions = {}): ReportData {
  return buildReport(readRun(device), options);
}

const REGION_LABELS: Record<string, string> = {
  mbr: 'MBR',
  'radio-stack': 'radio stack (SoftDevice)',
  'system-part1': 'system part 1',
  'user-part': 'user part',
  'user-part-compat': 'user part (128K compat)',
  bootloader: 'bootloader',
  filesystem: 'file system',
  'factory-app': 'factory app',
  ota: 'OTA region',
  'asset-store': 'asset store',
};

const region = (name: string, range: AddressRange): MapRegion => ({ name, label: REGION_LABELS[name] ?? name, start: range.start, end: range.end });

/** The map of each chip as the profile lays it out, in address order. */
export function chipRegions(profile: DeviceOsProfile): Record<ChipName, MapRegion[]> {
  const bounds = (chip: ChipName) => profile.moduleBounds.filter((b) => b.chip === chip).map((b) => region(b.name, b));
  const internal = [region('mbr', BoronMap.internal.mbr), ...bounds('internal')];
  // Before 1.4.0 there is no radio-stack module, but the SoftDevice is there all the same.
  if (!internal.some((r) => r.name === 'radio-stack')) internal.push(region('radio-stack', BoronMap.internal.radioStack));
  const external = [
    region('filesystem', BoronMap.external.filesystem),
    region('factory-app', BoronMap.external.factoryApp),
    region('ota', profile.otaRegion),
    ...(profile.assetStore ? [region('asset-store', profile.assetStore)] : []),
  ];
  const order = (a: MapRegion, b: MapRegion) => a.start - b.start || b.end - a.end;
  return { internal: internal.sort(order), external: external.sort(order) };
}

const CHIP_LABELS: Record<ChipName, string> = { internal: 'internal flash: nRF52840, 1 MB', external: 'external flash: MX25L3233F over QSPI, 4 MB' };
const CHIP_SIZES: Record<ChipName, number> = { internal: BoronMap.internal.size, external: BoronMap.external.size };

/** A range on a chip that may run off its end (addresses wrap modulo its size) as at most two ranges on it. */
function onChip(address: number, length: number, size: number): AddressRange[] {
  if (length >= size) return [{ start: 0, end: size }];
  const end = address + length;
  return end <= size ? [{ start: address, end }] : [{ start: address, end: size }, { start: 0, end: end - size }];
}

const overlap = (a: AddressRange, b: AddressRange): number => Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
const seconds = (micros: number): string => `${(micros / 1e6).toFixed(3)} s`;
const span = (r: AddressRange): string => `${hex(r.start)}–${hex(r.end)}`;

const VALIDATION_FLAGS = (Object.entries(Validation) as [keyof typeof Validation, number][]).filter((e): e is [ValidationFlagName, number] => e[0] !== 'PASSED');

/** Finish's `checked` and `passed` flags, one by one. Without a module in range (`fetched` false) only RANGE was looked at. */
export function validationChecks(checked: number, passed: number, fetched: boolean): ValidationCheck[] {
  return VALIDATION_FLAGS.map(([name, bit]) => ({
    name,
    bit,
    status: !(checked & bit) ? 'not checked' : passed & bit ? 'passed' : !fetched && bit !== Validation.RANGE ? 'not reached' : 'failed',
  }));
}

function updateFlagNames(flags: number): string[] {
  const names = (Object.entries(UpdateFlag) as [string, number][]).filter(([, bit]) => bit !== 0 && (flags & bit) === bit).map(([name]) => name);
  return names.length > 0 ? names : ['ERROR'];
}

interface Session {
  report: UpdateReport;
  index: number;
  ota: AddressRange;
}

/** Builds the model from what `readRun` read: pure, so it can be tested on a hand-made trace. */
export function buildReport(run: RunRecord, options: ReportOptions = {}): ReportData {
  const regions = chipRegions(run.profile);
  const activity: Record<ChipName, FlashActivity[]> = { internal: [], external: [] };
  const updates: UpdateReport[] = [];
  const finishes: FinishReport[] = [];
  const events: TimelineEvent[] = [];
  const received: TimelineReport['received'] = [];
  const saves: SaveEntry[] = [];
  const log: LogEntry[] = [];
  const apps: string[] = [];
  let profile = run.profile;
  let session: Session | undefined;
  let boots = 0;
  let resets = 0;
  let receivedTotal = 0;

  const regionsOf = (chip: ChipName, range: AddressRange) => regions[chip].filter((r) => overlap(r, range) > 0).map((r) => r.name);
  const otaRange = (): AddressRange => ({ start: profile.otaRegion.start, end: profile.otaRegion.end });

  /** A new stretch of activity: one operation so far; what it touches and what lies outside its meant range follow from where it is. */
  const addActivity = (a: Pick<FlashActivity, 'kind' | 'chip' | 'start' | 'end' | 'firstMicros' | 'lastMicros'> & Partial<Pick<FlashActivity, 'update' | 'meant' | 'overDataBytes' | 'mismatchedBytes' | 'copiedBytes' | 'note'>>): void => {
    activity[a.chip].push({
      kind: a.kind,
      chip: a.chip,
      start: a.start,
      end: a.end,
      operations: 1,
      firstMicros: a.firstMicros,
      lastMicros: a.lastMicros,
      regions: regionsOf(a.chip, a),
      ...(a.update === undefined ? {} : { update: a.update }),
      ...(a.meant ? { meant: a.meant } : {}),
      outsideBytes: a.meant ? a.end - a.start - overlap(a, a.meant) : 0,
      overDataBytes: a.overDataBytes ?? 0,
      mismatchedBytes: a.mismatchedBytes ?? 0,
      ...(a.copiedBytes === undefined ? {} : { copiedBytes: a.copiedBytes }),
      ...(a.note === undefined ? {} : { note: a.note }),
    });
  };

  /** A copy into internal flash: `done` and `doing` say who copied what, for a whole copy and for one a power cut stopped. */
  const copy = (e: { atMicros: number; destination: number; length: number; applied: boolean; cut?: { copied: number; total: number } }, done: string, doing: string): void => {
    if (!e.applied && !e.cut) return;
    const copied = e.cut ? e.cut.copied : e.length;
    const note = e.cut ? `${doing} when the power was cut after ${bytes(e.cut.copied)} of ${bytes(e.cut.total)} bytes` : done;
    for (const range of onChip(e.destination, e.length, CHIP_SIZES.internal)) addActivity({ kind: 'copy', chip: 'internal', ...range, firstMicros: e.atMicros, lastMicros: e.atMicros, copiedBytes: Math.min(copied, range.end - range.start), note });
  };

  for (const e of run.trace) {
    switch (e.type) {
      case 'device:power':
        events.push({ atMicros: e.atMicros, kind: 'power', label: e.on ? 'power on' : 'power off', ok: true });
        break;
      case 'device:boot': {
        boots++;
        profile = profileForSystemVersion(e.systemVersion) ?? profile;
        if (!e.safeMode && apps.at(-1) !== e.app) apps.push(e.app);
        events.push({ atMicros: e.atMicros, kind: 'boot', label: e.safeMode ? 'boot: safe mode' : `boot: ${e.app}`, ok: !e.safeMode });
        session = undefined;
        break;
      }
      case 'device:reset':
        resets++;
        events.push({ atMicros: e.atMicros, kind: 'reset', label: `reset: ${e.reasonName} (${e.reason})`, ok: true });
        break;
      case 'bootloader:apply': {
        const where = `DCT slot ${e.slot} to ${hex(e.destination)}, ${bytes(e.length)} bytes`;
        const label = e.cut
          ? `bootloader: power cut copying ${where} (after ${bytes(e.cut.copied)})`
          : e.applied
            ? `bootloader copied ${where}`
            : `bootloader refused ${where}${e.why ? `: ${e.why}` : ''}`;
        events.push({ atMicros: e.atMicros, kind: 'bootloader', label, ok: e.applied && !e.cut });
        copy(e, `the bootloader copied DCT slot ${e.slot}`, `the bootloader was copying DCT slot ${e.slot}`);
        break;
      }
      case 'ota:bootloader': {
        const where = `the bootloader in place at ${hex(e.destination)}, ${bytes(e.length)} bytes`;
        const label = e.cut ? `power cut flashing ${where} (after ${bytes(e.cut.copied)})` : e.applied ? `Finish flashed ${where}` : `Finish refused to flash ${where}${e.why ? `: ${e.why}` : ''}`;
        events.push({ atMicros: e.atMicros, kind: 'bootloader', label, ok: e.applied && !e.cut });
        copy(e, 'Finish flashed the bootloader in place', 'Finish was flashing the bootloader in place');
        break;
      }
      case 'ota:begin': {
        const ota = otaRange();
        const report: UpdateReport = {
          preparedMicros: e.atMicros,
          fileAddress: e.fileAddress,
          fileLength: e.fileLength,
          erased: e.erased,
          meant: { start: ota.start, end: Math.min(ota.start + e.fileLength, BoronMap.external.size) },
          saves: 0,
          savedBytes: 0,
          failedSaves: 0,
          landed: [],
          outsideBytes: 0,
          overDataBytes: 0,
          mismatchedBytes: 0,
        };
        updates.push(report);
        session = { report, index: updates.length - 1, ota };
        events.push({
          atMicros: e.atMicros,
          kind: 'prepare',
          label: `Prepare: file_address ${hex(e.fileAddress)}, file_length ${bytes(e.fileLength)}, ${e.erased ? 'erased' : 'erase skipped'}`,
          ok: e.erased && e.fileAddress === ota.start,
        });
        break;
      }
      case 'flash:erase': {
        const chip = e.chip as ChipName;
        const meant = chip === 'external' ? { ...(session?.ota ?? otaRange()), what: 'the OTA region' } : undefined;
        for (const range of onChip(e.address, e.length, CHIP_SIZES[chip])) {
          addActivity({ kind: 'erase', chip, ...range, firstMicros: e.atMicros, lastMicros: e.atMicros, ...(session ? { update: session.index } : {}), ...(meant ? { meant } : {}) });
        }
        events.push({ atMicros: e.atMicros, kind: 'erase', label: `erase ${bytes(e.length)} bytes at ${hex(e.address)}`, ok: true });
        break;
      }
      case 'flash:program': {
        const chip = e.chip as ChipName;
        const meant = session && chip === 'external' ? { ...session.report.meant, what: `the image's place (the OTA region's start + file_length ${bytes(session.report.fileLength)})` } : chip === 'external' ? { ...otaRange(), what: 'the OTA region' } : undefined;
        const pieces = onChip(e.address, e.length, CHIP_SIZES[chip]);
        for (const [i, range] of pieces.entries()) {
          // Each part of a wrapped write gets the counts once (on the first part): the event does not split them.
          const counts = i === 0 ? { overDataBytes: e.overData, mismatchedBytes: e.mismatched } : {};
          const last = activity[chip].at(-1);
          const inside = !meant || overlap(range, meant) === range.end - range.start;
          const lastInside = last && last.outsideBytes === 0;
          if (last && last.kind === 'program' && last.end === range.start && last.update === session?.index && lastInside === inside) {
            last.end = range.end;
            last.operations++;
            last.lastMicros = e.atMicros;
            last.overDataBytes += counts.overDataBytes ?? 0;
            last.mismatchedBytes += counts.mismatchedBytes ?? 0;
            last.outsideBytes = meant ? last.end - last.start - overlap(last, meant) : 0;
            last.regions = regionsOf(chip, last);
          } else {
            addActivity({ kind: 'program', chip, ...range, firstMicros: e.atMicros, lastMicros: e.atMicros, ...(session ? { update: session.index } : {}), ...(meant ? { meant } : {}), ...counts });
          }
          if (session && chip === 'external') {
            const report = session.report;
            const landed = report.landed.at(-1);
            if (landed && landed.end === range.start) landed.end = range.end;
            else report.landed.push({ ...range });
            report.outsideBytes += range.end - range.start - overlap(range, report.meant);
            report.overDataBytes += counts.overDataBytes ?? 0;
            report.mismatchedBytes += counts.mismatchedBytes ?? 0;
          }
        }
        break;
      }
      case 'ota:chunk': {
        const landsAt = decodeQspiAddress(e.address).chipAddress;
        const inside = !session || onChip(landsAt, e.length, BoronMap.external.size).every((r) => overlap(r, session!.report.meant) === r.end - r.start);
        if (session) {
          session.report.saves++;
          session.report.savedBytes += e.length;
          if (e.result !== 0) session.report.failedSaves++;
        }
        const total = session ? session.report.savedBytes : e.length + (saves.at(-1)?.total ?? 0);
        saves.push({ atMicros: e.atMicros, ...(session ? { update: session.index } : {}), address: e.address, landsAt, bytes: e.length, total, result: e.result, ok: e.result === 0 && inside });
        break;
      }
      case 'ota:finish': {
        const checks = validationChecks(e.checked, e.passed, e.fetched);
        const failed = checks.filter((c) => c.status === 'failed').map((c) => c.name);
        const validation = e.checked === 0 ? 'not validated' : failed.length === 0 ? 'passed' : 'failed';
        finishes.push({
          atMicros: e.atMicros,
          ...(session ? { update: session.index } : {}),
          updateFlags: e.flags,
          updateFlagNames: updateFlagNames(e.flags),
          result: e.result,
          fetched: e.fetched,
          checked: e.checked,
          passed: e.passed,
          checks,
          validation,
        });
        const verdict = validation === 'failed' ? `validation failed: ${failed.join(', ')}` : validation === 'passed' ? 'validation passed' : 'not validated';
        events.push({ atMicros: e.atMicros, kind: 'finish', label: `Finish: result ${e.result}, ${verdict}`, ok: validation !== 'failed' && (validation === 'passed' || e.fetched) });
        break;
      }
      case 'tcp:connect':
        events.push({ atMicros: e.atMicros, kind: 'connect', label: `connect ${e.host}:${e.port}${e.ok ? '' : ' failed'}`, ok: e.ok });
        break;
      case 'tcp:data':
        receivedTotal += e.bytes;
        received.push({ atMicros: e.atMicros, connection: e.connection, bytes: e.bytes, total: receivedTotal });
        break;
      case 'tcp:close':
        events.push({ atMicros: e.atMicros, kind: 'close', label: `connection ${e.connection} closed by ${e.by === 'device' ? 'the device' : 'the server'}`, ok: true });
        break;
      case 'http:request':
        events.push({ atMicros: e.atMicros, kind: 'request', label: `${e.method} ${e.url}`, ok: true });
        break;
      case 'http:response':
        events.push({ atMicros: e.atMicros, kind: 'response', label: `HTTP ${e.status}, ${bytes(e.bytes)}-byte body`, ok: e.status >= 200 && e.status < 300 });
        break;
      case 'log':
        log.push({ atMicros: e.atMicros, level: e.level, line: e.line });
        break;
      default:
        e satisfies never;
    }
  }

  const chips: ChipReport[] = (['internal', 'external'] as const).map((chip) => ({ chip, label: CHIP_LABELS[chip], size: CHIP_SIZES[chip], regions: regions[chip], activity: activity[chip] }));
  const timeline: TimelineReport = { endMicros: run.nowMicros, focus: focusOf(events, saves, run.nowMicros), received, saves, events };
  const device = { deviceOs: run.profile.version, state: run.state, app: run.app, endMicros: run.nowMicros, boots, resets };
  return {
    title: options.title ?? (apps.length > 0 ? `${apps.join(' → ')} on Device OS ${run.profile.version}` : `A Boron on Device OS ${run.profile.version}`),
    device,
    summary: summarise(updates, finishes, chips, device),
    chips,
    updates,
    finishes,
    timeline,
    diagnostics: run.diagnostics.map((d) => ({ ...d })),
    log,
    traceEvents: [...REPORT_TRACE_EVENTS],
    ...(options.sweep ? { sweep: sweepGrid(options.sweep) } : {}),
  };
}

const UPDATE_KINDS: ReadonlySet<TimelineKind> = new Set(['connect', 'request', 'response', 'prepare', 'erase', 'finish', 'bootloader', 'reset']);

/** From the first event of an update to the boot after its last, with a little room either side. */
function focusOf(events: readonly TimelineEvent[], saves: readonly SaveEntry[], endMicros: number): TimelineReport['focus'] {
  const first = events.findIndex((e) => UPDATE_KINDS.has(e.kind));
  if (first < 0 && saves.length === 0) return { startMicros: 0, endMicros };
  let last = events.length - 1;
  while (last >= 0 && !UPDATE_KINDS.has(events[last].kind)) last--;
  let to = Math.max(last >= 0 ? events[last].atMicros : 0, saves.at(-1)?.atMicros ?? 0);
  const boot = events.find((e) => e.atMicros > to && e.kind === 'boot');
  if (boot) to = boot.atMicros;
  const from = Math.min(first >= 0 ? events[first].atMicros : Infinity, saves[0]?.atMicros ?? Infinity);
  const room = Math.max(Math.round((to - from) * 0.06), 1000);
  return { startMicros: Math.max(0, from - room), endMicros: Math.min(endMicros, to + room) };
}

function summarise(updates: readonly UpdateReport[], finishes: readonly FinishReport[], chips: readonly ChipReport[], device: ReportData['device']): SummaryLine[] {
  const lines: SummaryLine[] = [];
  const say = (tone: SummaryLine['tone'], text: string) => lines.push({ tone, text });
  for (const [i, u] of updates.entries()) {
    const name = updates.length > 1 ? `Update ${i + 1}` : 'The update';
    const landed = u.landed.length > 0 ? u.landed.map(span).join(', ') : 'nowhere';
    const placed = u.outsideBytes === 0 && u.landed.length > 0;
    say(
      placed ? 'good' : 'bad',
      `${name} (Prepare at ${seconds(u.preparedMicros)}) saved ${bytes(u.savedBytes)} bytes in ${count(u.saves, 'Save')} to ${landed}; the image's place is ${span(u.meant)} (the OTA region's start, file_length ${bytes(u.fileLength)}).`,
    );
    if (!u.erased) say('bad', `Prepare erased nothing (file_address ${hex(u.fileAddress)}).`);
    if (u.outsideBytes > 0) say('bad', `${bytes(u.outsideBytes)} bytes landed outside the image's place.`);
    if (u.overDataBytes > 0) say('bad', `${bytes(u.overDataBytes)} bytes were programmed over data that was not erased; ${bytes(u.mismatchedBytes)} read back different from what was written.`);
    if (u.failedSaves > 0) say('bad', `${count(u.failedSaves, 'Save')} failed.`);
    for (const f of finishes.filter((x) => x.update === i)) {
      const failed = f.checks.filter((c) => c.status === 'failed').map((c) => c.name);
      const verdict = f.validation === 'failed' ? `validation failed (${failed.join(', ')})` : f.validation === 'passed' ? 'validation passed' : 'no validation';
      say(f.validation === 'passed' ? 'good' : 'bad', `Finish at ${seconds(f.atMicros)} returned ${f.result}: ${verdict}.`);
    }
  }
  for (const c of chips.flatMap((chip) => chip.activity).filter((a) => a.kind === 'copy')) {
    say(c.copiedBytes === c.end - c.start ? 'good' : 'bad', `At ${seconds(c.firstMicros)}, ${c.note ?? 'a copy'}: ${span(c)} (${c.regions.map((r) => REGION_LABELS[r] ?? r).join(', ')}).`);
  }
  const state = device.state === 'running' ? `running ${device.app}` : device.state;
  say(device.state === 'running' ? 'neutral' : 'bad', `At the end (${seconds(device.endMicros)} of virtual time, ${count(device.boots, 'boot')}) the device is ${state} on Device OS ${device.deviceOs}.`);
  return lines;
}
