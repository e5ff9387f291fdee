import { bytes, hex } from '../sim/messages';
import type { AddressRange, ChipReport, FinishReport, FlashActivity, MapRegion, ReportData, TimelineEvent, TimelineReport } from './model';
import { SWEEP_OUTCOME_MEANINGS, type SweepGrid, type SweepOutcome } from './sweep';

/**
 * The report as one HTML file: inline CSS, inline SVG drawn here, a few lines of inline script, and
 * the data model itself as JSON. It loads nothing, so it opens offline and from a file:// URL.
 */
export function renderReport(data: ReportData): string {
  const body = [
    header(data),
    section('flash', 'Where the bytes went', flashMaps(data)),
    section('timeline', 'When', timeline(data.timeline, data)),
    section('validation', 'Validation', validation(data.finishes)),
    data.sweep ? section('sweep', data.sweep.title, sweepGrid(data.sweep)) : '',
    section('diagnostics', 'Diagnostics', diagnostics(data)),
    section('log', 'Log', logTable(data)),
    footer(data),
  ].join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(data.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
<script type="application/json" id="report-data">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

// ---- text ----

const esc = (text: string | number): string => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const seconds = (micros: number, digits = 3): string => `${(micros / 1e6).toFixed(digits)} s`;
const size = (n: number): string => (n >= 0x100000 && n % 0x100000 === 0 ? `${n / 0x100000} MB` : n >= 1024 && n % 1024 === 0 ? `${n / 1024} KB` : `${bytes(n)} B`);
const span = (r: AddressRange): string => `${hex(r.start)}–${hex(r.end)}`;
/** Rough width of text at 11px in the sans-serif face (for placing labels, not for layout that matters). */
const textWidth = (text: string, px = 11): number => text.length * px * 0.56;

function section(id: string, title: string, content: string): string {
  return `<section id="${id}"><h2>${esc(title)}</h2>\n${content}\n</section>`;
}

function header(data: ReportData): string {
  const d = data.device;
  const facts = [
    `Device OS ${d.deviceOs}`,
    d.state === 'running' ? `ended running <b>${esc(d.app)}</b>` : `ended <b class="bad">${esc(d.state)}</b>`,
    `${seconds(d.endMicros)} of virtual time`,
    `${d.boots} boot${d.boots === 1 ? '' : 's'}, ${d.resets} reset${d.resets === 1 ? '' : 's'}`,
  ];
  const summary = data.summary.map((s) => `<li class="${s.tone}">${esc(s.text)}</li>`).join('\n');
  return `<header><h1>${esc(data.title)}</h1><p class="facts">${facts.join(' · ')}</p><ul class="summary">\n${summary}\n</ul></header>`;
}

function footer(data: ReportData): string {
  return `<footer><p>Drawn from the device's trace in virtual time by virtual-boron. It reads these trace events: ${data.traceEvents
    .map((t) => `<code>${esc(t)}</code>`)
    .join(', ')}; the diagnostics; and the Device OS profile's flash map.</p></footer>`;
}

// ---- scales and labels ----

interface Scale {
  (value: number): number;
  from: number;
  to: number;
}

function scale(from: number, to: number, x0: number, x1: number): Scale {
  const f = ((v: number) => x0 + ((v - from) / (to - from || 1)) * (x1 - x0)) as Scale;
  f.from = from;
  f.to = to;
  return f;
}

/** Ticks for an address axis: a power of two apart, about eight of them. */
function addressTicks(from: number, to: number): number[] {
  const step = 2 ** Math.max(8, Math.ceil(Math.log2((to - from) / 8)));
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** A 1, 2 or 5 step that gives about `n` ticks over `range`. */
function niceStep(range: number, n: number): number {
  const raw = range / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag) || 1;
}

/** Puts labels in the first row where they don't overlap the one before; returns each one's row. */
function stagger(items: { x: number; width: number }[], rows: number, gap = 8): number[] {
  const ends: number[] = Array.from({ length: rows }, () => -Infinity);
  return items.map(({ x, width }) => {
    let row = ends.findIndex((end) => x >= end + gap);
    if (row < 0) row = ends.indexOf(Math.min(...ends));
    ends[row] = x + width;
    return row;
  });
}

interface PlacedLabel {
  x: number;
  anchor: 'start' | 'end';
  row: number;
}

/** Labels beside marks at `at`: to the right of the mark, or to its left where the right edge is too near; then staggered into rows. */
function placeLabels(items: { at: number; width: number }[], rows: number, right: number): PlacedLabel[] {
  const spans = items.map(({ at, width }) => (at + 5 + width > right ? { x: at - 5, start: at - 5 - width, anchor: 'end' as const } : { x: at + 5, start: at + 5, anchor: 'start' as const }));
  const order = spans.map((_, i) => i).sort((a, b) => spans[a].start - spans[b].start);
  const rowsOf = stagger(
    order.map((i) => ({ x: spans[i].start, width: items[i].width })),
    rows,
  );
  const placed: PlacedLabel[] = [];
  order.forEach((i, k) => {
    placed[i] = { x: spans[i].x, anchor: spans[i].anchor, row: rowsOf[k] };
  });
  return placed;
}

const REGION_COLOURS: Record<string, string> = {
  mbr: '#cbd5e1',
  'radio-stack': '#c7d2fe',
  'system-part1': '#bfdbfe',
  'user-part': '#bbf7d0',
  'user-part-compat': '#d9f99d',
  bootloader: '#fde68a',
  filesystem: '#e2e8f0',
  'factory-app': '#fbcfe8',
  ota: '#bae6fd',
  'asset-store': '#fed7aa',
};
const regionColour = (name: string): string => REGION_COLOURS[name] ?? '#e5e7eb';
/** What a region is called where its full name does not fit. */
const SHORT_LABELS: Record<string, string> = { 'radio-stack': 'radio stack', 'user-part-compat': 'compat', 'system-part1': 'system', 'factory-app': 'factory', filesystem: 'fs', 'asset-store': 'assets', ota: 'OTA' };

/** Lanes for regions that overlap (the 3.1+ user parts, 5.5+'s asset store inside the OTA region). */
function regionLanes(regions: readonly MapRegion[]): number[] {
  const ends: number[] = [];
  return regions.map((r) => {
    let lane = ends.findIndex((end) => end <= r.start);
    if (lane < 0) lane = ends.push(0) - 1;
    ends[lane] = r.end;
    return lane;
  });
}

function patterns(id: string): string {
  return `<defs>
<pattern id="${id}-erased" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f8fafc"/><rect width="2.5" height="6" fill="#94a3b8"/></pattern>
<pattern id="${id}-overdata" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="2" height="5" fill="#450a0a" fill-opacity="0.55"/></pattern>
<marker id="${id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#b91c1c"/></marker>
</defs>`;
}

// ---- the flash map ----

const MAP = { width: 1000, left: 128, right: 16, lane: 26 };

const ACTIVITY_NAMES: Record<FlashActivity['kind'], string> = { erase: 'erased', program: 'programmed', copy: 'copied by the bootloader' };

function activityText(a: FlashActivity): string {
  const what = a.kind === 'copy' && a.note ? `${a.note}: ${span(a)}` : `${ACTIVITY_NAMES[a.kind]} ${span(a)}`;
  const parts = [`${what} (${bytes(a.end - a.start)} bytes${a.operations > 1 ? ` in ${a.operations} operations` : ''}) at ${seconds(a.firstMicros)}${a.lastMicros !== a.firstMicros ? `–${seconds(a.lastMicros)}` : ''}`];
  if (a.outsideBytes > 0 && a.meant) parts.push(`${a.outsideBytes === a.end - a.start ? 'all of them' : `${bytes(a.outsideBytes)} bytes`} outside ${span(a.meant)}, ${a.meant.what}`);
  if (a.overDataBytes > 0) parts.push(`${bytes(a.overDataBytes)} bytes over data that was not erased (${bytes(a.mismatchedBytes)} read back different)`);
  return parts.join('; ');
}

function activityFill(a: FlashActivity, id: string): string {
  if (a.kind === 'erase') return `url(#${id}-erased)`;
  if (a.kind === 'copy') return '#7c3aed';
  return a.outsideBytes > 0 ? '#dc2626' : '#16a34a';
}

/** A box for one activity; at least 3 px wide so a few bytes on a 4 MB chip still show. */
function activityBox(a: FlashActivity, x: Scale, y: number, h: number, id: string): string {
  const x0 = x(a.start);
  const w = Math.max(3, x(a.end) - x0);
  const title = `<title>${esc(activityText(a))}</title>`;
  const cls = `activity ${a.kind}${a.outsideBytes > 0 ? ' outside' : ''}${a.overDataBytes > 0 ? ' over-data' : ''}`;
  let out = `<g class="${cls}">${title}<rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${h}" fill="${activityFill(a, id)}" stroke="${a.kind === 'erase' ? '#64748b' : 'none'}" stroke-width="0.8"/>`;
  if (a.overDataBytes > 0) out += `<rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${h}" fill="url(#${id}-overdata)"/>`;
  if (a.kind === 'copy' && a.copiedBytes !== undefined && a.copiedBytes < a.end - a.start) {
    // A cut copy: the part never copied is left erased.
    const cut = x(a.start + a.copiedBytes);
    out += `<rect x="${cut.toFixed(1)}" y="${y}" width="${Math.max(1, x(a.end) - cut).toFixed(1)}" height="${h}" fill="url(#${id}-erased)" stroke="#7c3aed" stroke-width="0.8"/>`;
  }
  return `${out}</g>`;
}

function regionBars(all: readonly MapRegion[], x: Scale, y: number, clip?: AddressRange): { svg: string; height: number } {
  const regions = clip ? all.filter((r) => r.end > clip.start && r.start < clip.end) : all;
  const lanes = regionLanes(regions);
  const laneCount = Math.max(1, ...lanes.map((l) => l + 1));
  const parts: string[] = [];
  const above: { x: number; width: number; text: string; cx: number }[] = [];
  regions.forEach((r, i) => {
    const from = clip ? Math.max(r.start, clip.start) : r.start;
    const to = clip ? Math.min(r.end, clip.end) : r.end;
    if (to <= from) return;
    const x0 = x(from);
    const w = Math.max(1, x(to) - x0);
    const ry = y + lanes[i] * MAP.lane;
    const title = `${r.label}: ${span(r)} (${size(r.end - r.start)})`;
    parts.push(`<g class="region" data-region="${esc(r.name)}"><title>${esc(title)}</title><rect x="${x0.toFixed(1)}" y="${ry}" width="${w.toFixed(1)}" height="${MAP.lane - 2}" fill="${regionColour(r.name)}" stroke="#fff" stroke-width="1"/>`);
    const text = [clip ? '' : `${r.label} ${size(r.end - r.start)}`, r.label, SHORT_LABELS[r.name] ?? ''].find((t) => t && textWidth(t) + 8 <= w);
    if (text) parts.push(`<text x="${(x0 + w / 2).toFixed(1)}" y="${ry + MAP.lane / 2 + 3}" text-anchor="middle" class="region-label">${esc(text)}</text></g>`);
    else {
      parts.push('</g>');
      const width = textWidth(r.label);
      above.push({ x: Math.min(MAP.width - MAP.right - width, Math.max(MAP.left, x0 + w / 2 - width / 2)), width, text: r.label, cx: x0 + w / 2 });
    }
  });
  // Regions too narrow for their name get it above the bar, with a leader line.
  const rows = stagger(above, 2);
  const labelRows = above.length === 0 ? 0 : Math.max(...rows) + 1;
  const shift = labelRows * 14;
  const labels = above.map((a, i) => {
    const ty = y + (rows[i] - labelRows) * 14 + 10;
    return `<text x="${a.x.toFixed(1)}" y="${ty + shift}" class="region-label small">${esc(a.text)}</text><line x1="${a.cx.toFixed(1)}" y1="${ty + shift + 2}" x2="${a.cx.toFixed(1)}" y2="${y + shift}" stroke="#64748b" stroke-width="0.8"/>`;
  });
  return { svg: `${labels.join('')}<g transform="translate(0 ${shift})">${parts.join('')}</g>`, height: shift + laneCount * MAP.lane };
}

function axis(ticks: number[], x: Scale, y: number, label: (t: number) => string): string {
  const marks = ticks.map((t) => {
    const text = label(t);
    const tx = x(t);
    // A label at either end stays inside the drawing.
    const anchor = tx - textWidth(text, 10) / 2 < x(x.from) - 20 ? 'start' : tx + textWidth(text, 10) / 2 > x(x.to) + 8 ? 'end' : 'middle';
    return `<line x1="${tx.toFixed(1)}" y1="${y}" x2="${tx.toFixed(1)}" y2="${y + 4}" stroke="#94a3b8"/><text x="${tx.toFixed(1)}" y="${y + 15}" text-anchor="${anchor}" class="tick">${esc(text)}</text>`;
  });
  return `<line x1="${x(x.from).toFixed(1)}" y1="${y}" x2="${x(x.to).toFixed(1)}" y2="${y}" stroke="#94a3b8"/>${marks.join('')}`;
}

const laneLabel = (text: string, y: number): string => `<text x="${MAP.left - 8}" y="${y}" text-anchor="end" class="lane-label">${esc(text)}</text>`;

/** The window a chip's zoom shows: every activity and each program's meant place, with room around them. */
function zoomWindow(chip: ChipReport): AddressRange | undefined {
  if (chip.activity.length === 0) return undefined;
  const ranges: AddressRange[] = [...chip.activity, ...chip.activity.filter((a) => a.kind === 'program' && a.meant).map((a) => a.meant!)];
  const lo = Math.min(...ranges.map((r) => r.start));
  const hi = Math.max(...ranges.map((r) => r.end));
  const pad = Math.max((hi - lo) * 0.12, 0x600);
  const start = Math.max(0, Math.floor((lo - pad) / 0x100) * 0x100);
  const end = Math.min(chip.size, Math.ceil((hi + pad) / 0x100) * 0x100);
  return end - start > chip.size / 3 ? undefined : { start, end };
}

function chipMap(chip: ChipReport, index: number): string {
  const id = `map${index}`;
  const x = scale(0, chip.size, MAP.left, MAP.width - MAP.right);
  let y = 8;
  const parts: string[] = [patterns(id)];
  const bars = regionBars(chip.regions, x, y);
  parts.push(bars.svg);
  parts.push(laneLabel('regions', y + bars.height - MAP.lane / 2 + 3));
  y += bars.height + 4;
  // What this run did, on the whole chip.
  parts.push(laneLabel('this run', y + 11));
  if (chip.activity.length === 0) parts.push(`<text x="${MAP.left + 4}" y="${y + 12}" class="lane-label">nothing erased or programmed in this run</text>`);
  for (const a of chip.activity) parts.push(activityBox(a, x, y, 16, id));
  y += 20;
  parts.push(axis(addressTicks(0, chip.size), x, y, hex));
  y += 24;
  const window = zoomWindow(chip);
  if (window) {
    const z = scale(window.start, window.end, MAP.left, MAP.width - MAP.right);
    const top = y + 22;
    // The magnified stretch, joined to its place on the whole chip.
    parts.push(
      `<path d="M${x(window.start).toFixed(1)} ${y - 24} L${z(window.start).toFixed(1)} ${top - 4} M${x(window.end).toFixed(1)} ${y - 24} L${z(window.end).toFixed(1)} ${top - 4}" class="connector"/>`,
      `<text x="${MAP.left}" y="${y + 12}" class="zoom-title">magnified: ${esc(span(window))} (${esc(size(window.end - window.start))})</text>`,
    );
    y = top;
    const zoomTop = y;
    const zbars = regionBars(chip.regions, z, y, window);
    parts.push(zbars.svg);
    y += zbars.height + 6;
    const lanes: { label: string; items: FlashActivity[] }[] = [
      { label: 'erased', items: chip.activity.filter((a) => a.kind === 'erase') },
      { label: 'programmed', items: chip.activity.filter((a) => a.kind === 'program') },
      { label: 'copied', items: chip.activity.filter((a) => a.kind === 'copy') },
    ].filter((l) => l.items.length > 0);
    const meant = uniqueRanges(chip.activity.filter((a) => a.kind === 'program' && a.meant).map((a) => a.meant!));
    const laneY: Record<string, number> = {};
    if (meant.length > 0) {
      parts.push(laneLabel('image’s place', y + 14));
      for (const m of meant) {
        const x0 = z(m.start);
        const w = Math.max(3, z(m.end) - x0);
        parts.push(
          `<g class="meant"><title>${esc(`${m.what}: ${span(m)}`)}</title><rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="22" fill="#dcfce7" stroke="#15803d" stroke-width="1.2" stroke-dasharray="5 3"/>`,
          `<text x="${(x0 + 4).toFixed(1)}" y="${y + 15}" class="box-label">${esc(`meant: ${span(m)}`)}</text></g>`,
        );
      }
      laneY.meant = y;
      y += 30;
    }
    for (const lane of lanes) {
      parts.push(laneLabel(lane.label, y + 14));
      for (const a of lane.items) parts.push(activityBox(a, z, y, 22, id));
      laneY[lane.label] = y;
      y += 30;
    }
    // Sector boundaries when they are far enough apart to read.
    const sector = 0x1000;
    if ((window.end - window.start) / sector <= 48) {
      for (let s = Math.ceil(window.start / sector) * sector; s <= window.end; s += sector) {
        parts.push(`<line x1="${z(s).toFixed(1)}" y1="${zoomTop}" x2="${z(s).toFixed(1)}" y2="${y - 6}" class="sector"/>`);
      }
    }
    // An arrow from where the bytes were meant to go to where they landed.
    for (const a of chip.activity.filter((p) => p.kind === 'program' && p.outsideBytes > 0 && p.meant)) {
      const m = a.meant!;
      const from = { x: z(m.start) + Math.min(40, (z(m.end) - z(m.start)) / 2), y: laneY.meant + 22 };
      const to = { x: z(a.start) + Math.min(20, (z(a.end) - z(a.start)) / 2), y: laneY.programmed };
      const offset = a.start - m.start;
      const label = `${offset >= 0 ? '+' : '−'}${hex(Math.abs(offset))} from the image’s place`;
      parts.push(
        `<path class="misplaced-arrow" d="M${from.x.toFixed(1)} ${from.y} C${from.x.toFixed(1)} ${to.y}, ${to.x.toFixed(1)} ${from.y}, ${to.x.toFixed(1)} ${to.y}" stroke="#b91c1c" stroke-width="1.6" fill="none" marker-end="url(#${id}-arrow)"/>`,
        `<rect x="${((from.x + to.x) / 2 - textWidth(label) / 2 - 4).toFixed(1)}" y="${(from.y + to.y) / 2 - 7}" width="${(textWidth(label) + 8).toFixed(1)}" height="14" rx="3" fill="#fff"/>`,
        `<text x="${((from.x + to.x) / 2).toFixed(1)}" y="${(from.y + to.y) / 2 + 4}" text-anchor="middle" class="arrow-label">${esc(label)}</text>`,
      );
    }
    parts.push(axis(addressTicks(window.start, window.end), z, y, hex));
    y += 24;
  }
  const svg = `<svg class="map" viewBox="0 0 ${MAP.width} ${y}" role="img" aria-label="${esc(`Flash map of the ${chip.label}`)}">${parts.join('\n')}</svg>`;
  const notes = chip.activity.map((a) => `<li class="${a.outsideBytes > 0 || a.overDataBytes > 0 || (a.copiedBytes ?? 0) < (a.kind === 'copy' ? a.end - a.start : 0) ? 'bad' : 'good'}">${esc(activityText(a))}</li>`);
  return `<figure class="chip" data-chip="${chip.chip}"><figcaption>${esc(chip.label)}</figcaption>${svg}${notes.length > 0 ? `<ul class="activity-list">${notes.join('')}</ul>` : ''}</figure>`;
}

function uniqueRanges<T extends AddressRange>(ranges: T[]): T[] {
  return ranges.filter((r, i) => ranges.findIndex((o) => o.start === r.start && o.end === r.end) === i);
}

function flashMaps(data: ReportData): string {
  const legend = [
    ['swatch erased', 'erased'],
    ['swatch programmed', 'programmed where it was meant to go'],
    ['swatch outside', 'programmed outside its place'],
    ['swatch over-data', 'programmed over data that was not erased'],
    ['swatch copied', 'copied by the bootloader'],
    ['swatch meant', 'where the image was meant to go'],
  ]
    .map(([cls, text]) => `<span><i class="${cls}"></i>${esc(text)}</span>`)
    .join('');
  // The chip this run wrote to comes first.
  const order = [...data.chips].sort((a, b) => Number(b.activity.length > 0) - Number(a.activity.length > 0) || (a.chip === 'external' ? -1 : 1));
  return `<p class="legend">${legend}</p>${order.map((c, i) => chipMap(c, i)).join('\n')}`;
}

// ---- the timeline ----

const TL = { width: 1000, left: 128, right: 16 };

const EVENT_COLOURS: Record<TimelineEvent['kind'], string> = {
  power: '#475569',
  boot: '#15803d',
  reset: '#b45309',
  bootloader: '#7c3aed',
  connect: '#2563eb',
  request: '#2563eb',
  response: '#2563eb',
  close: '#64748b',
  prepare: '#0f766e',
  erase: '#64748b',
  finish: '#0f766e',
};

function timeTicks(from: number, to: number, n: number): number[] {
  const step = niceStep(to - from, n);
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to + 1e-9; t += step) ticks.push(Math.round(t));
  return ticks;
}

const tickSeconds = (from: number, to: number, n: number) => {
  const step = niceStep(to - from, n);
  const digits = Math.max(0, Math.ceil(-Math.log10(step / 1e6)));
  return (t: number) => `${(t / 1e6).toFixed(digits)} s`;
};

function timeline(t: TimelineReport, data: ReportData): string {
  const id = 'tl';
  const parts: string[] = [patterns(id)];
  const events = t.events;
  // The whole run, with the stretch magnified below it marked.
  const whole = scale(0, Math.max(1, t.endMicros), TL.left, TL.width - TL.right);
  let y = 10;
  parts.push(laneLabel('whole run', y + 12));
  parts.push(`<rect x="${whole(t.focus.startMicros).toFixed(1)}" y="${y}" width="${Math.max(3, whole(t.focus.endMicros) - whole(t.focus.startMicros)).toFixed(1)}" height="18" class="focus-box"/>`);
  for (const e of events) parts.push(`<g><title>${esc(`${seconds(e.atMicros)} ${e.label}`)}</title><rect x="${(whole(e.atMicros) - 1).toFixed(1)}" y="${y + 2}" width="2" height="14" fill="${e.ok ? EVENT_COLOURS[e.kind] : '#dc2626'}"/></g>`);
  y += 22;
  parts.push(axis(timeTicks(0, t.endMicros, 10), whole, y, tickSeconds(0, t.endMicros, 10)));
  y += 26;
  const f = t.focus;
  const x = scale(f.startMicros, f.endMicros, TL.left, TL.width - TL.right);
  const inFocus = events.filter((e) => e.atMicros >= f.startMicros && e.atMicros <= f.endMicros);
  parts.push(`<path d="M${whole(f.startMicros).toFixed(1)} ${y - 26} L${TL.left} ${y + 4} M${whole(f.endMicros).toFixed(1)} ${y - 26} L${TL.width - TL.right} ${y + 4}" class="connector"/>`);
  y += 10;

  // Milestones: a line through the whole chart and a label on top.
  const milestones = inFocus.filter((e) => ['prepare', 'finish', 'reset', 'boot', 'bootloader', 'erase'].includes(e.kind));
  const right = TL.width - TL.right;
  const milestoneLabels = placeLabels(
    milestones.map((e) => ({ at: x(e.atMicros), width: textWidth(milestoneText(e)) + 6 })),
    4,
    right,
  );
  const rowCount = milestones.length === 0 ? 0 : Math.max(...milestoneLabels.map((l) => l.row)) + 1;
  const chartTop = y + rowCount * 14 + 4;
  const chartHeight = 150;
  const lanesTop = chartTop + chartHeight + 34;
  const laneRows = ['network', 'Saves', 'device'];
  const laneGap = 42;
  const bottom = lanesTop + laneRows.length * laneGap - 6;
  // Every line first, then the labels on a white ground over them.
  const labelY = (i: number) => y + milestoneLabels[i].row * 14 + 10;
  const colourOf = (e: TimelineEvent) => (e.ok ? EVENT_COLOURS[e.kind] : '#dc2626');
  milestones.forEach((e, i) => {
    const mx = x(e.atMicros).toFixed(1);
    parts.push(`<line x1="${mx}" y1="${labelY(i) - 9}" x2="${mx}" y2="${bottom - 6}" stroke="${colourOf(e)}" stroke-dasharray="4 3" stroke-width="1.2"/>`);
  });
  milestones.forEach((e, i) => {
    const label = milestoneLabels[i];
    const text = milestoneText(e);
    const width = textWidth(text) + 2;
    const bx = label.anchor === 'start' ? label.x - 1 : label.x - width - 1;
    parts.push(
      `<g class="milestone" data-kind="${e.kind}"><title>${esc(`${seconds(e.atMicros)} ${e.label}`)}</title><rect x="${bx.toFixed(1)}" y="${labelY(i) - 10}" width="${(width + 2).toFixed(1)}" height="13" fill="#fff"/>`,
      `<text x="${label.x.toFixed(1)}" y="${labelY(i)}" text-anchor="${label.anchor}" class="milestone-label" fill="${colourOf(e)}">${esc(text)}</text></g>`,
    );
  });

  // Bytes received and saved, as steps.
  const fileLength = Math.max(0, ...data.updates.map((u) => u.fileLength).filter((n) => n < 0x1000000));
  const yMax = niceCeil(Math.max(1, ...t.received.map((r) => r.total), ...t.saves.map((s) => s.total), fileLength));
  const yScale = (v: number) => chartTop + chartHeight - (v / yMax) * chartHeight;
  parts.push(`<rect x="${TL.left}" y="${chartTop}" width="${TL.width - TL.left - TL.right}" height="${chartHeight}" class="chart-bg"/>`);
  for (const v of [0, yMax / 2, yMax]) {
    parts.push(`<line x1="${TL.left}" y1="${yScale(v).toFixed(1)}" x2="${TL.width - TL.right}" y2="${yScale(v).toFixed(1)}" class="grid"/><text x="${TL.left - 6}" y="${(yScale(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${esc(`${bytes(Math.round(v))} bytes`)}</text>`);
  }
  if (fileLength > 0) {
    parts.push(`<line x1="${TL.left}" y1="${yScale(fileLength).toFixed(1)}" x2="${TL.width - TL.right}" y2="${yScale(fileLength).toFixed(1)}" stroke="#0f766e" stroke-dasharray="2 3"/><text x="${TL.width - TL.right - 4}" y="${(yScale(fileLength) - 4).toFixed(1)}" text-anchor="end" class="series-label" fill="#0f766e">file_length ${esc(bytes(fileLength))}</text>`);
  }
  const stepPath = (points: { atMicros: number; total: number }[]): string => {
    const before = points.filter((p) => p.atMicros < f.startMicros).at(-1)?.total ?? 0;
    const inside = points.filter((p) => p.atMicros >= f.startMicros && p.atMicros <= f.endMicros);
    if (inside.length === 0) return '';
    let d = `M${x(before > 0 ? f.startMicros : inside[0].atMicros).toFixed(1)} ${yScale(before).toFixed(1)}`;
    for (const p of inside) d += ` H${x(p.atMicros).toFixed(1)} V${yScale(p.total).toFixed(1)}`;
    return d;
  };
  if (t.received.length > 0) parts.push(`<path d="${stepPath(t.received)}" class="series received"/>`);
  // Saves per update: each update counts from zero.
  const updateIndexes = [...new Set(t.saves.map((s) => s.update ?? -1))];
  for (const u of updateIndexes) parts.push(`<path d="${stepPath(t.saves.filter((s) => (s.update ?? -1) === u))}" class="series saved${t.saves.some((s) => (s.update ?? -1) === u && !s.ok) ? ' bad' : ''}"/>`);
  const lastReceived = t.received.at(-1);
  const lastSave = t.saves.at(-1);
  const seriesLabel = (at: number, total: number, dy: number, colour: string, text: string) => {
    const [label] = placeLabels([{ at: x(Math.min(at, f.endMicros)), width: textWidth(text) }], 1, right);
    return `<text x="${label.x.toFixed(1)}" y="${(yScale(total) + dy).toFixed(1)}" text-anchor="${label.anchor}" class="series-label" fill="${colour}">${esc(text)}</text>`;
  };
  if (lastReceived) parts.push(seriesLabel(lastReceived.atMicros, lastReceived.total, -4, '#2563eb', `received ${bytes(lastReceived.total)}`));
  if (lastSave) parts.push(seriesLabel(lastSave.atMicros, lastSave.total, 14, lastSave.ok ? '#15803d' : '#dc2626', `saved ${bytes(lastSave.total)}`));
  parts.push(axis(timeTicks(f.startMicros, f.endMicros, 10), x, chartTop + chartHeight, tickSeconds(f.startMicros, f.endMicros, 10)));

  // Lanes of events; events at the same moment share a label.
  const laneY = (i: number) => lanesTop + i * laneGap;
  laneRows.forEach((name, i) => {
    parts.push(`<line x1="${TL.left}" y1="${laneY(i)}" x2="${right}" y2="${laneY(i)}" class="lane-line"/>`, laneLabel(name, laneY(i) + 4));
  });
  const laneOf: Partial<Record<TimelineEvent['kind'], number>> = { connect: 0, request: 0, response: 0, close: 0, power: 2, boot: 2, reset: 2, bootloader: 2 };
  for (const lane of [0, 2]) {
    const groups: TimelineEvent[][] = [];
    for (const e of inFocus.filter((ev) => laneOf[ev.kind] === lane)) {
      const group = groups.at(-1);
      if (group && group[0].atMicros === e.atMicros) group.push(e);
      else groups.push([e]);
    }
    const texts = groups.map((g) => g.map(shortLabel).join(' · '));
    const labels = placeLabels(
      groups.map((g, i) => ({ at: x(g[0].atMicros), width: textWidth(texts[i]) + 4 })),
      2,
      right,
    );
    groups.forEach((g, i) => {
      const ex = x(g[0].atMicros);
      const bad = g.find((e) => !e.ok);
      const colour = bad ? '#dc2626' : EVENT_COLOURS[g[0].kind];
      const ly = laneY(lane) + (labels[i].row === 0 ? -6 : 15);
      const width = textWidth(texts[i]) + 2;
      const bx = labels[i].anchor === 'start' ? labels[i].x - 1 : labels[i].x - width - 1;
      parts.push(
        `<g class="event" data-kind="${g.map((e) => e.kind).join(' ')}"><title>${esc(g.map((e) => `${seconds(e.atMicros)} ${e.label}`).join('\n'))}</title><circle cx="${ex.toFixed(1)}" cy="${laneY(lane)}" r="4.5" fill="${colour}"/>`,
        `<rect x="${bx.toFixed(1)}" y="${ly - 10}" width="${(width + 2).toFixed(1)}" height="13" fill="#fff"/>`,
        `<text x="${labels[i].x.toFixed(1)}" y="${ly}" text-anchor="${labels[i].anchor}" class="event-label" fill="${colour}">${esc(texts[i])}</text></g>`,
      );
    });
  }
  const shown = t.saves.filter((s) => s.atMicros >= f.startMicros && s.atMicros <= f.endMicros);
  for (const s of shown) {
    const sx = x(s.atMicros);
    const text = `${seconds(s.atMicros)} Save ${bytes(s.bytes)} bytes at ${hex(s.address)}${s.landsAt !== s.address ? ` (lands at ${hex(s.landsAt)})` : ''}, result ${s.result}${s.ok ? '' : ' — not where the image belongs'}`;
    parts.push(`<g class="save${s.ok ? '' : ' bad'}"><title>${esc(text)}</title><rect x="${(sx - 1).toFixed(1)}" y="${laneY(1) - 9}" width="2" height="18" fill="${s.ok ? '#16a34a' : '#dc2626'}"/></g>`);
  }
  if (shown.length > 0) {
    const bad = shown.filter((s) => !s.ok).length;
    const text = `${shown.length} Saves${bad === 0 ? '' : bad === shown.length ? ', all outside the image’s place or failed' : `, ${bad} of them outside the image’s place or failed`}`;
    const [label] = placeLabels([{ at: x(shown.at(-1)!.atMicros), width: textWidth(text) }], 1, right);
    const lx = label.anchor === 'start' ? label.x : x(shown[0].atMicros) - 5;
    parts.push(`<text x="${lx.toFixed(1)}" y="${laneY(1) + 4}" text-anchor="${label.anchor}" class="event-label" fill="${bad === 0 ? '#15803d' : '#dc2626'}">${esc(text)}</text>`);
  }
  const svg = `<svg class="timeline" viewBox="0 0 ${TL.width} ${bottom + 8}" role="img" aria-label="OTA timeline in virtual time">${parts.join('\n')}</svg>`;
  const list = events.map((e) => `<tr class="${e.ok ? '' : 'bad'}"><td class="num">${esc(seconds(e.atMicros, 6))}</td><td>${esc(e.kind)}</td><td>${esc(e.label)}</td></tr>`);
  return `<p class="legend"><span><i class="swatch received"></i>bytes received (tcp:data)</span><span><i class="swatch saved"></i>bytes saved (Save)</span><span><i class="swatch bad-line"></i>went wrong</span></p>${svg}
<details><summary>Events (${events.length}) and Saves (${t.saves.length})</summary><table class="events"><thead><tr><th>virtual time</th><th>kind</th><th>what</th></tr></thead><tbody>${list.join('')}</tbody></table></details>`;
}

function niceCeil(v: number): number {
  const step = niceStep(v, 4);
  return Math.ceil((v * 1.08) / step) * step;
}

function milestoneText(e: TimelineEvent): string {
  const at = seconds(e.atMicros);
  switch (e.kind) {
    case 'prepare':
      return `Prepare ${at}${e.ok ? '' : ' ⚠'}`;
    case 'finish':
      return `Finish ${at}${e.ok ? '' : ' ✘'}`;
    case 'reset':
      return `reset ${at}`;
    case 'boot':
      return `${e.label} ${at}`;
    case 'bootloader':
      return `bootloader ${at}`;
    case 'erase':
      return `erase ${at}`;
    default:
      return e.label;
  }
}

function shortLabel(e: TimelineEvent): string {
  switch (e.kind) {
    case 'request':
      return e.label.replace(/^(\w+) \w+:\/\/[^/]+/, '$1 ');
    case 'boot':
    case 'reset':
      return e.label;
    case 'bootloader':
      return e.label.replace(/, [\d,]+ bytes.*$/, '');
    case 'close':
      return e.label.replace(/^connection \d+ /, '');
    default:
      return e.label.length > 48 ? `${e.label.slice(0, 47)}…` : e.label;
  }
}

// ---- validation ----

const FLAG_MEANINGS: Record<string, string> = {
  INTEGRITY: 'the CRC-32 after the module matches its bytes',
  DEPENDENCIES: 'the modules it depends on are installed, new enough',
  RANGE: 'its addresses fit the region its header names',
  PLATFORM: 'built for the Boron (platform 13)',
  PRODUCT: 'built for this product',
  DEPENDENCIES_FULL: 'installed modules that depend on it still have what they need',
};

const STATUS_MARKS = { passed: '✔ passed', failed: '✘ failed', 'not checked': '— not checked', 'not reached': '… not reached (RANGE failed first)' } as const;

function validation(finishes: readonly FinishReport[]): string {
  if (finishes.length === 0) return '<p class="muted">No Finish in this run, so nothing was validated.</p>';
  return finishes
    .map((f) => {
      const failed = f.checks.filter((c) => c.status === 'failed').map((c) => c.name);
      const verdict = f.validation === 'failed' ? `failed: ${failed.join(', ')}` : f.validation;
      const rows = f.checks.map((c) => `<tr class="flag ${c.status.replace(' ', '-')}" data-flag="${c.name}"><td><code>${c.name}</code></td><td class="num"><code>${hex(c.bit)}</code></td><td>${STATUS_MARKS[c.status]}</td><td>${esc(FLAG_MEANINGS[c.name] ?? '')}</td></tr>`);
      const head = `Finish at ${seconds(f.atMicros)} with ${f.updateFlagNames.join(' | ')} returned <b>${f.result}</b>; checked <code>${hex(f.checked)}</code>, passed <code>${hex(f.passed)}</code>${f.fetched ? '' : ' (no module header found in range: the checks after RANGE did not run)'} — validation <b class="${f.validation === 'passed' ? 'good' : f.validation === 'failed' ? 'bad' : ''}">${esc(verdict)}</b>`;
      return `<div class="finish"><p>${head}</p><table class="flags"><thead><tr><th>flag</th><th>bit</th><th>result</th><th>what it checks</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
    })
    .join('\n');
}

// ---- the sweep ----

const OUTCOME_COLOURS: Record<SweepOutcome, string> = {
  'new-app': '#16a34a',
  'old-app': '#38bdf8',
  'other-app': '#a78bfa',
  'safe-mode': '#f59e0b',
  dfu: '#ea580c',
  bricked: '#111827',
  crash: '#dc2626',
  hang: '#a855f7',
};

function sweepGrid(sweep: SweepGrid): string {
  const cellW = Math.max(8, Math.min(22, Math.floor(840 / Math.max(1, sweep.operations.length))));
  const cellH = 22;
  const left = 128;
  const groupsTop = 8;
  const top = groupsTop + 20;
  const width = left + sweep.operations.length * cellW + 16;
  const parts: string[] = [];
  // Column groups: runs of operations done during the same thing.
  let start = 0;
  sweep.operations.forEach((op, i) => {
    const next = sweep.operations[i + 1];
    if (next && next.during === op.during) return;
    const x0 = left + start * cellW;
    const w = (i - start + 1) * cellW;
    const label = op.during ?? '';
    parts.push(`<line x1="${x0 + 1}" y1="${groupsTop + 14}" x2="${x0 + w - 1}" y2="${groupsTop + 14}" stroke="#64748b"/>`);
    if (label && textWidth(label, 10) < w) parts.push(`<text x="${x0 + w / 2}" y="${groupsTop + 10}" text-anchor="middle" class="tick">${esc(label)}</text>`);
    else if (label) parts.push(`<title>${esc(label)}</title>`);
    start = i + 1;
  });
  const cellsByKey = new Map(sweep.cells.map((c) => [`${c.operation}/${c.mode}`, c]));
  sweep.modes.forEach((mode, row) => {
    const y = top + row * (cellH + 2);
    parts.push(laneLabel(`cut ${mode}`, y + 15));
    sweep.operations.forEach((op, col) => {
      const cell = cellsByKey.get(`${op.index}/${mode}`);
      const x0 = left + col * cellW;
      const what = `operation ${op.index}: ${op.kind} ${bytes(op.length)} bytes at ${hex(op.address)} (${op.chip})${op.during ? ` during ${op.during}` : ''}`;
      if (!cell) {
        parts.push(`<g><title>${esc(`${what}, cut ${mode}: not tried`)}</title><rect x="${x0 + 1}" y="${y}" width="${cellW - 2}" height="${cellH}" fill="#f1f5f9" stroke="#cbd5e1" stroke-width="0.5"/></g>`);
        return;
      }
      const title = `${what}, cut ${mode}: ${cell.outcome}${cell.detail ? ` — ${cell.detail}` : ''}`;
      parts.push(`<g class="cell" data-cell="${op.index}/${esc(mode)}" data-outcome="${cell.outcome}" tabindex="0"><title>${esc(title)}</title><rect x="${x0 + 1}" y="${y}" width="${cellW - 2}" height="${cellH}" rx="2" fill="${OUTCOME_COLOURS[cell.outcome]}"/></g>`);
    });
  });
  const gridBottom = top + sweep.modes.length * (cellH + 2);
  const ticks = sweep.operations.filter((_, i) => i % Math.max(1, Math.ceil(40 / cellW)) === 0);
  for (const op of ticks) {
    const col = sweep.operations.indexOf(op);
    parts.push(`<text x="${left + col * cellW + cellW / 2}" y="${gridBottom + 12}" text-anchor="middle" class="tick">${op.index}</text>`);
  }
  parts.push(`<text x="${left - 8}" y="${gridBottom + 12}" text-anchor="end" class="lane-label">operation</text>`);
  const svg = `<div class="scroll"><svg class="sweep" width="${width}" viewBox="0 0 ${width} ${gridBottom + 20}" role="img" aria-label="Outcome of a power cut at each flash operation">${parts.join('\n')}</svg></div>`;
  const legend = sweep.counts.map((c) => `<span><i class="swatch" style="background:${OUTCOME_COLOURS[c.outcome]}"></i><b>${esc(c.outcome)}</b> ${c.cells} — ${esc(SWEEP_OUTCOME_MEANINGS[c.outcome])}</span>`).join('');
  const table = badCuts(sweep);
  return `<p class="legend">${legend}</p>${svg}<div id="cell-detail" class="cell-detail muted">Click a cell for its outcome and how to replay it.</div>${table}`;
}

/**
 * The cuts that leave no app running, a row per run of neighbouring operations that ended the same
 * way for the same reason, with the first one's replay recipe.
 */
function badCuts(sweep: SweepGrid): string {
  const column = new Map(sweep.operations.map((o, i) => [o.index, i]));
  const bad = sweep.cells.filter((c) => c.outcome !== 'new-app' && c.outcome !== 'old-app').sort((a, b) => column.get(a.operation)! - column.get(b.operation)! || sweep.modes.indexOf(a.mode) - sweep.modes.indexOf(b.mode));
  if (bad.length === 0) return '<p class="good">After every cut the device runs an app.</p>';
  const groups: { cells: typeof bad; from: number; to: number }[] = [];
  for (const cell of bad) {
    const col = column.get(cell.operation)!;
    const group = groups.find((g) => g.cells[0].outcome === cell.outcome && g.cells[0].detail === cell.detail && col - g.to <= 1);
    if (group) {
      group.cells.push(cell);
      group.to = col;
    } else groups.push({ cells: [cell], from: col, to: col });
  }
  const rows = groups.map((g) => {
    const first = sweep.operations[g.from];
    const last = sweep.operations[g.to];
    const ops = g.from === g.to ? `${first.index}` : `${first.index}–${last.index}`;
    const what = g.from === g.to ? `${first.kind} ${bytes(first.length)} B at ${hex(first.address)}` : `${g.to - g.from + 1} operations, ${hex(first.address)} to ${hex(last.address + last.length)}`;
    const during = [...new Set(sweep.operations.slice(g.from, g.to + 1).map((o) => o.during).filter(Boolean))].join(', ');
    const modes = sweep.modes.filter((m) => g.cells.some((c) => c.mode === m)).join(', ');
    const outcome = g.cells[0].outcome;
    const replay = g.cells.find((c) => c.replay)?.replay;
    return `<tr><td class="num">${esc(ops)}</td><td>${esc(what)}${during ? ` (${esc(during)})` : ''}</td><td>${esc(modes)}</td><td><span class="outcome" style="background:${OUTCOME_COLOURS[outcome]}">${esc(outcome)}</span></td><td>${esc(g.cells[0].detail ?? '')}${replay ? `<pre class="replay">${esc(g.cells.length > 1 ? `e.g. ${replay}` : replay)}</pre>` : ''}</td></tr>`;
  });
  return `<h3>Cuts after which no app runs</h3><table class="events bad-cuts"><thead><tr><th>operations</th><th>what</th><th>cut</th><th>outcome</th><th>why, and how to replay</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

// ---- diagnostics and log ----

function diagnostics(data: ReportData): string {
  if (data.diagnostics.length === 0) return '<p class="muted">No diagnostics: nothing needed explaining.</p>';
  const items = data.diagnostics.map((d) => `<li><span class="when">${esc(seconds(d.atMicros))}</span><code class="code">${esc(d.code)}</code><p>${esc(d.message)}</p></li>`);
  return `<ol class="diagnostics">${items.join('\n')}</ol>`;
}

function logTable(data: ReportData): string {
  if (data.log.length === 0) return '<p class="muted">Nothing was logged.</p>';
  const rows = data.log.map((l) => `<tr class="level-${esc(l.level.toLowerCase())}"><td class="num">${esc(seconds(l.atMicros))}</td><td><pre>${esc(l.line)}</pre></td></tr>`);
  return `<div class="log"><table><thead><tr><th>virtual time</th><th>line (device millis since boot)</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

const STYLE = `
:root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --bad: #dc2626; --good: #15803d; --bg: #f8fafc; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 24px 48px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 16px 0 6px; }
header, section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; margin-bottom: 18px; }
.facts { color: var(--muted); margin: 0 0 10px; }
.summary { margin: 0; padding: 0; list-style: none; }
.summary li { padding: 3px 0 3px 24px; position: relative; }
.summary li::before { position: absolute; left: 2px; font-weight: bold; }
.summary li.bad::before { content: "✘"; color: var(--bad); }
.summary li.good::before { content: "✔"; color: var(--good); }
.summary li.neutral::before { content: "•"; color: var(--muted); }
.bad { color: var(--bad); }
.good { color: var(--good); }
.muted { color: var(--muted); }
code, pre, .num { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
figure { margin: 0 0 14px; }
figcaption { font-weight: 600; margin-bottom: 2px; }
svg { display: block; width: 100%; height: auto; font-family: inherit; }
svg.sweep { width: auto; }
.scroll { overflow-x: auto; }
.region-label { font-size: 11px; fill: #1e293b; }
.region-label.small { font-size: 10.5px; fill: #334155; }
.lane-label { font-size: 11px; fill: var(--muted); }
.tick { font-size: 10px; fill: var(--muted); font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
.zoom-title { font-size: 11px; fill: var(--muted); font-style: italic; }
.zoom-title, .tick, .arrow-label, .milestone-label, .event-label, .series-label, .box-label { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.connector { stroke: #cbd5e1; stroke-dasharray: 3 3; fill: none; }
.box-label { font-size: 10.5px; fill: #166534; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
.arrow-label { font-size: 11px; fill: #b91c1c; font-weight: 600; }
.sector { stroke: #94a3b8; stroke-width: 0.6; stroke-dasharray: 1 3; }
.activity-list { margin: 6px 0 0; padding-left: 20px; font-size: 13px; }
.activity-list li.bad { color: #991b1b; }
.activity-list li.good { color: #166534; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0 0 10px; font-size: 12.5px; color: #334155; }
.legend span { display: inline-flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 18px; height: 11px; border-radius: 2px; }
.swatch.erased { background: repeating-linear-gradient(45deg, #94a3b8 0 2px, #f8fafc 2px 5px); outline: 1px solid #64748b; }
.swatch.programmed { background: #16a34a; }
.swatch.outside { background: #dc2626; }
.swatch.over-data { background: repeating-linear-gradient(-45deg, #7f1d1d 0 2px, #dc2626 2px 5px); }
.swatch.copied { background: #7c3aed; }
.swatch.meant { background: #dcfce7; outline: 1.5px dashed #15803d; }
.swatch.received { background: #2563eb; height: 3px; }
.swatch.saved { background: #16a34a; height: 3px; }
.swatch.bad-line { background: #dc2626; height: 3px; }
.focus-box { fill: #fef9c3; stroke: #ca8a04; stroke-width: 1; }
.chart-bg { fill: #f8fafc; stroke: var(--line); }
.grid { stroke: var(--line); }
.lane-line { stroke: var(--line); }
.series { fill: none; stroke-width: 2; }
.series.received { stroke: #2563eb; }
.series.saved { stroke: #16a34a; }
.series.saved.bad { stroke: #dc2626; }
.series-label, .event-label, .milestone-label { font-size: 11px; }
.milestone-label { font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; border-bottom: 1px solid var(--line); padding: 4px 8px; }
td { border-bottom: 1px solid #f1f5f9; padding: 3px 8px; vertical-align: top; }
table.flags { width: auto; min-width: 70%; }
tr.flag.passed td:nth-child(3) { color: var(--good); font-weight: 600; }
tr.flag.failed td { background: #fef2f2; }
tr.flag.failed td:nth-child(3) { color: var(--bad); font-weight: 700; }
tr.flag.not-checked td:nth-child(3), tr.flag.not-reached td:nth-child(3) { color: var(--muted); }
.finish + .finish { margin-top: 14px; }
table.events tr.bad td { color: #991b1b; }
details { margin-top: 10px; }
summary { cursor: pointer; color: #334155; }
.diagnostics { margin: 0; padding-left: 22px; }
.diagnostics li { margin-bottom: 10px; }
.diagnostics p { margin: 2px 0 0; }
.diagnostics .when { color: var(--muted); font-size: 12px; margin-right: 8px; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; }
.diagnostics .code { background: #fee2e2; color: #991b1b; border-radius: 4px; padding: 1px 6px; }
.log { max-height: 460px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
.log pre { margin: 0; white-space: pre-wrap; word-break: break-word; }
.log td.num { white-space: nowrap; color: var(--muted); }
.log tr.level-error pre { color: var(--bad); font-weight: 600; }
.log tr.level-warn pre { color: #b45309; }
.log tr.level-trace pre { color: var(--muted); }
.outcome { color: #fff; border-radius: 4px; padding: 1px 6px; font-size: 12px; white-space: nowrap; }
.replay { margin: 4px 0 0; padding: 6px 8px; background: #f1f5f9; border-radius: 4px; white-space: pre-wrap; }
.cell-detail { margin: 8px 0; min-height: 1.5em; }
.cell { cursor: pointer; }
.cell.selected rect { stroke: #0f172a; stroke-width: 2; }
footer { color: var(--muted); font-size: 12px; }
`;

/** Click a sweep cell to see its outcome and how to replay it. */
const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var panel = document.getElementById('cell-detail');
  if (!data.sweep || !panel) return;
  function show(el) {
    var key = el.getAttribute('data-cell');
    var cell = data.sweep.cells.find(function (c) { return c.operation + '/' + c.mode === key; });
    if (!cell) return;
    document.querySelectorAll('.cell.selected').forEach(function (s) { s.classList.remove('selected'); });
    el.classList.add('selected');
    panel.classList.remove('muted');
    panel.textContent = '';
    var title = document.createElement('b');
    title.textContent = 'operation ' + cell.operation + ', cut ' + cell.mode + ': ' + cell.outcome;
    panel.appendChild(title);
    if (cell.detail) panel.appendChild(document.createTextNode(' — ' + cell.detail));
    if (cell.replay) { var pre = document.createElement('pre'); pre.className = 'replay'; pre.textContent = cell.replay; panel.appendChild(pre); }
  }
  document.querySelectorAll('[data-cell]').forEach(function (el) {
    el.addEventListener('click', function () { show(el); });
    el.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') show(el); });
  });
})();
`;
