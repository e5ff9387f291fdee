/**
 * Link cuts everywhere: run an update once clean, note every TCP read boundary (each point where the
 * device's TCP stack handed the app bytes, and each connection's start), then run it again with the
 * connection cut at each — the server closing (FIN) or resetting (RST) after that byte, or the modem
 * dropping the socket just after it was read — and see what the
 * device ends in. The device runs on after such a cut, so each run starts from power-on: a sketch's
 * place cannot be copied, and a replay up to the cut would cost the same run.
 */
import { EmulatorError, VirtualBoron, type NetworkFault } from '../index';
import { classify, runUntilBooted, runUntilOver, type Apps, type Outcome, type UpdateScenario } from './scenario';
import { appsLine, columns, count } from './report';
import { describeValue, OptionCheck } from '../sim/option-check';

/** `fin`: the server closes after the byte; `rst`: it resets after it; `drop`: the modem drops the socket 1 µs after the device read up to it. */
export type LinkCutKind = 'fin' | 'rst' | 'drop';

/** A read boundary of a response stream in the clean run: where the app had been handed bytes (lwIP recv), or the connection's start. */
export interface LinkCutPoint {
  index: number;
  /** The device's connection number (from 0), as faults count them. */
  connection: number;
  host: string;
  port: number;
  /** Bytes of the server's stream (headers included) the device had read from its TCP stack. */
  afterBytes: number;
  /** When (virtual µs). */
  atMicros: number;
}

export interface LinkCutRecipe {
  scenario: string;
  point: number;
  kind: LinkCutKind;
  /** The fault to add to the scenario's device options to make this cut again. */
  fault: NetworkFault;
}

export interface LinkCutResult {
  point: number;
  kind: LinkCutKind;
  connection: number;
  afterBytes: number;
  outcome: Outcome;
  app?: string;
  /** Boots into safe mode during the run, plus one if it ended in DFU mode or bricked: a corrupted update reaching flash. */
  corruptBoots: number;
  /** With `retry`: the outcome of starting the update again on a device left running the old app. */
  retry?: Outcome;
  recipe: LinkCutRecipe;
}

export interface LinkCutOptions {
  /** Default: all three. */
  kinds?: readonly LinkCutKind[];
  /** Cut only at these points (a sample). Default: all. */
  only?: (point: LinkCutPoint) => boolean;
  /** Start the update again on every device left running the old app, and record how that went. */
  retry?: boolean;
  /** Told after each cut: how many are done of how many (a progress bar's feed). */
  onProgress?: (done: number, total: number) => void;
}

export interface LinkCutRow {
  kind: LinkCutKind;
  outcome: Outcome;
  cuts: number;
  firstPoint: number;
  recipe: LinkCutRecipe;
  retried?: { tried: number; newApp: number };
}

export interface LinkCutSweep {
  scenario: string;
  deviceOs: string;
  apps: Apps;
  kinds: readonly LinkCutKind[];
  points: LinkCutPoint[];
  cuts: LinkCutResult[];
  rows: LinkCutRow[];
  /** Corrupt boots over every cut: a robust routine has none. */
  corruptBoots: number;
  table: string;
  toJSON(): object;
}

/** Cut the connection at every TCP read boundary, in each way, and see what the device ends in. */
export async function sweepLinkCuts(scenario: UpdateScenario, options: LinkCutOptions = {}): Promise<LinkCutSweep> {
  const check = new OptionCheck('sweep link cuts');
  const o = check.object(options, '', ['kinds', 'only', 'retry', 'onProgress']);
  if (o.kinds !== undefined) {
    if (!Array.isArray(o.kinds) || o.kinds.length === 0) check.fail('kinds is {actual}', 'Pass a list of one or more of fin, rst, drop.', { actual: describeValue(o.kinds) });
    (o.kinds as unknown[]).forEach((kind, i) => check.choice(kind, `kinds[${i}]`, 'a link cut', ['fin', 'rst', 'drop']));
  }
  if (o.retry !== undefined) check.boolean(o.retry, 'retry');
  const kinds = options.kinds ?? ['fin', 'rst', 'drop'];
  const { points, apps, deviceOs } = await cleanLinkRun(scenario);
  const cuts: LinkCutResult[] = [];
  const chosen = points.filter((p) => options.only?.(p) ?? true);
  for (const point of chosen) {
    for (const kind of kinds) {
      cuts.push(await linkCut(scenario, apps, point, kind, options.retry ?? false));
      options.onProgress?.(cuts.length, chosen.length * kinds.length);
    }
  }
  const rows = linkRows(cuts);
  const corruptBoots = cuts.reduce((n, c) => n + c.corruptBoots, 0);
  const sweep = { scenario: scenario.name, deviceOs, apps, kinds, points, cuts, rows, corruptBoots };
  return { ...sweep, table: linkCutTable(sweep), toJSON: () => ({ ...sweep, cuts: undefined }) };
}

/** The fault that makes a cut of `kind` at `point`. */
export function linkFault(point: LinkCutPoint, kind: LinkCutKind): NetworkFault {
  if (kind === 'drop') return { kind: 'socket-dropped', atMs: (point.atMicros + 1) / 1000, connection: point.connection };
  return { kind: 'server-close', afterBytes: point.afterBytes, connection: point.connection, ...(kind === 'rst' ? { reset: true } : {}) };
}

/** The update once, clean: where each connection's response arrived, piece by piece. */
async function cleanLinkRun(scenario: UpdateScenario): Promise<{ points: LinkCutPoint[]; apps: Apps; deviceOs: string }> {
  const device = new VirtualBoron(scenario.device).powerOn();
  // The version it starts on: an update of the system part changes the profile.
  const deviceOs = device.profile.version;
  const points: LinkCutPoint[] = [];
  const received = new Map<number, { host: string; port: number; bytes: number }>();
  const stops = [
    device.on('tcp:connect', (e) => {
      if (!e.ok) return;
      received.set(e.connection, { host: e.host, port: e.port, bytes: 0 });
      points.push({ index: points.length, connection: e.connection, host: e.host, port: e.port, afterBytes: 0, atMicros: e.atMicros });
    }),
    device.on('tcp:recv', (e) => {
      const seen = received.get(e.connection)!;
      seen.bytes += e.bytes;
      points.push({ index: points.length, connection: e.connection, host: seen.host, port: seen.port, afterBytes: seen.bytes, atMicros: e.atMicros });
    }),
  ];
  await runUntilBooted(device, 60_000, 0);
  const old = device.appName;
  await scenario.start(device);
  const hung = await runUntilOver(device, scenario);
  for (const stop of stops) stop();
  if (hung || device.state !== 'running' || !(scenario.installed ? scenario.installed(device) : device.appName !== old)) {
    throw new EmulatorError('SWEEP_NO_UPDATE', 'Failed to sweep "{name}": its clean run did not end with the update installed (it ended {state}), so there is no update to cut. Check the scenario without the harness first.', {
      name: scenario.name,
      state: hung ? 'still going at its timeout' : device.state === 'running' ? `running "${device.appName}"` : `in state ${device.state}`,
    });
  }
  return { points, apps: { old, new: device.appName, ...(scenario.installed ? { installed: scenario.installed } : {}) }, deviceOs };
}

async function linkCut(scenario: UpdateScenario, apps: Apps, point: LinkCutPoint, kind: LinkCutKind, retry: boolean): Promise<LinkCutResult> {
  const fault = linkFault(point, kind);
  const device = new VirtualBoron({ ...scenario.device, faults: [...(scenario.device.faults ?? []), fault] }).powerOn();
  let corruptBoots = 0;
  const stop = device.on('device:boot', (e) => {
    if (e.safeMode) corruptBoots++;
  });
  await runUntilBooted(device, 60_000, 0);
  await scenario.start(device);
  let hung = await runUntilOver(device, scenario);
  // A boot ended the run: let the device reach its app (or stop) before reading the outcome.
  if (!hung && device.state === 'booting') hung = await runUntilBooted(device, 60_000, 0);
  const outcome = classify(device, apps, hung);
  if (outcome === 'dfu' || outcome === 'bricked') corruptBoots++;
  const result: LinkCutResult = {
    point: point.index,
    kind,
    connection: point.connection,
    afterBytes: point.afterBytes,
    outcome,
    ...(device.state === 'running' ? { app: device.appName } : {}),
    corruptBoots,
    recipe: { scenario: scenario.name, point: point.index, kind, fault },
  };
  if (retry && outcome === 'old-app') {
    await scenario.start(device);
    let again = await runUntilOver(device, scenario);
    if (!again && device.state === 'booting') again = await runUntilBooted(device, 60_000, 0);
    result.retry = classify(device, apps, again);
    if (result.retry === 'dfu' || result.retry === 'bricked') corruptBoots++;
  }
  stop();
  result.corruptBoots = corruptBoots;
  return result;
}

function linkRows(cuts: readonly LinkCutResult[]): LinkCutRow[] {
  const rows = new Map<string, LinkCutRow>();
  for (const cut of cuts) {
    const key = `${cut.kind}/${cut.outcome}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { kind: cut.kind, outcome: cut.outcome, cuts: 0, firstPoint: cut.point, recipe: cut.recipe }));
    row.cuts++;
    if (cut.retry !== undefined) {
      row.retried ??= { tried: 0, newApp: 0 };
      row.retried.tried++;
      if (cut.retry === 'new-app') row.retried.newApp++;
    }
  }
  return [...rows.values()];
}

const KIND_TEXT: Record<LinkCutKind, string> = { fin: 'server closes (FIN)', rst: 'server resets (RST)', drop: 'modem drops the socket' };

function linkCutTable(sweep: Omit<LinkCutSweep, 'table' | 'toJSON'>): string {
  const head = [
    `Link cuts in "${sweep.scenario}" (Device OS ${sweep.deviceOs}): ${count(sweep.points.length, 'TCP read boundary').replace(/boundarys$/, 'boundaries')}, ${count(sweep.cuts.length, 'cut')}; ${count(sweep.corruptBoots, 'corrupt boot')}.`,
    appsLine(sweep.apps),
  ];
  const rows = sweep.rows.map((r) => {
    const p = sweep.points[r.firstPoint];
    return [KIND_TEXT[r.kind], r.outcome, String(r.cuts), `#${r.firstPoint} (connection ${p.connection}, after byte ${p.afterBytes})`, r.retried ? `${r.retried.newApp} of ${r.retried.tried} reached the new app` : '', JSON.stringify(r.recipe.fault)];
  });
  return [...head, '', ...columns(['cut', 'outcome', 'cuts', 'first', 'retry', 'fault, again'], rows)].join('\n');
}
