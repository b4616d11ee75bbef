/**
 * Charts people read: one metric's canary against its baseline, judgment by
 * judgment over the soak, as two lines with labelled axes and units. The
 * y axis fits the values (it starts at zero only when they come near it), so
 * 0.111 s and 0.116 s do not look alike. Inline SVG for HTML pages (no
 * scripts, no network), Mermaid `xychart-beta` for job summaries and
 * comments. Colours are the Okabe–Ito pair that colour-blind readers tell
 * apart; canary and baseline also differ in marker and dash.
 */
import { fencedBlock } from './markdown.js';
import type { Unit } from './units.js';
import { formatNumber, formatValue } from './units.js';

/** Baseline blue and canary vermillion (Okabe–Ito), with contrast on white above 4.5:1. */
export const CHART_COLORS = { baseline: '#0072B2', canary: '#C0461A', fail: '#B00020', axis: '#333333' } as const;

/** One metric over the judgments of a soak. */
export interface MetricSeries {
  readonly metric: string;
  readonly unit: Unit;
  /** One label per judgment (its time and the canary weight). */
  readonly labels: readonly string[];
  /** Canary and baseline values per judgment; null where that judgment had no data. */
  readonly canary: readonly (number | null)[];
  readonly baseline: readonly (number | null)[];
  /** The judgments whose verdict was Fail (or whose metric was High or Low), by index. */
  readonly failed: readonly number[];
  /** What the values are, for the y axis title: `mean p99 latency`. */
  readonly measure?: string;
}

/** An axis from `lo` to `hi` with round ticks; zero only when the values come near it. */
export function niceScale(values: readonly number[], ticks = 5): { lo: number; hi: number; ticks: number[] } {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { lo: 0, hi: 1, ticks: [0, 0.25, 0.5, 0.75, 1] };
  let min = Math.min(...finite);
  let max = Math.max(...finite);
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
  }
  const pad = (max - min) * 0.1;
  // a floor below a third of the top would look like zero anyway: start at zero then
  let lo = min >= 0 && min - pad < max / 3 ? 0 : min - pad;
  let hi = max + pad;
  const raw = (hi - lo) / (ticks - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((s) => s * mag >= raw) ?? 10) * mag;
  lo = Math.floor(lo / step) * step;
  if (min >= 0 && lo < 0) lo = 0;
  hi = Math.ceil(hi / step) * step;
  const out: number[] = [];
  for (let v = lo; v <= hi + step / 1e6; v += step) out.push(Number(v.toPrecision(12)));
  return { lo, hi, ticks: out };
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function axisTitle(s: MetricSeries): string {
  const unit = s.unit.symbol === '' ? '' : ` (${s.unit.percent ? '%' : s.unit.symbol})`;
  return `${s.measure ?? s.metric}${unit}`;
}

/**
 * An inline SVG line chart of canary against baseline. It scales to the
 * width of its container (viewBox), so it never overflows a narrow page.
 */
export function svgMetricChart(s: MetricSeries): string {
  const W = 680;
  const H = 300;
  const left = 78;
  // room for half of the last x label, centred on the last judgment
  const right = 48;
  const top = 44;
  const bottom = 62;
  const all = [...s.canary, ...s.baseline].filter((v): v is number => v !== null);
  const scale = niceScale(all);
  const n = s.labels.length;
  const x = (i: number): number => left + (n === 1 ? (W - left - right) / 2 : ((W - left - right) * i) / (n - 1));
  const y = (v: number): number => top + (H - top - bottom) * (1 - (v - scale.lo) / (scale.hi - scale.lo || 1));
  const f = (v: number): string => v.toFixed(1);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px;height:auto" role="img" aria-labelledby="t-${esc(s.metric)}" font-family="system-ui, sans-serif">`,
    `<title id="t-${esc(s.metric)}">${esc(s.metric)}: canary against baseline per judgment</title>`,
  );
  // grid and y ticks
  for (const t of scale.ticks) {
    parts.push(
      `<line x1="${left}" x2="${W - right}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#dddddd"/>`,
      `<text x="${left - 8}" y="${f(y(t) + 4)}" font-size="13" text-anchor="end" fill="${CHART_COLORS.axis}">${esc(formatValue(t, s.unit))}</text>`,
    );
  }
  parts.push(
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}" stroke="${CHART_COLORS.axis}"/>`,
    `<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="${CHART_COLORS.axis}"/>`,
    `<text class="axis-title" x="16" y="${f((top + H - bottom) / 2)}" font-size="13" text-anchor="middle" transform="rotate(-90 16 ${f((top + H - bottom) / 2)})" fill="${CHART_COLORS.axis}">${esc(axisTitle(s))}</text>`,
    `<text class="axis-title" x="${f((left + W - right) / 2)}" y="${H - 8}" font-size="13" text-anchor="middle" fill="${CHART_COLORS.axis}">judgment (UTC time, canary weight)</text>`,
  );
  // x labels: at most ten, evenly picked
  const every = Math.max(1, Math.ceil(n / 10));
  s.labels.forEach((label, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    parts.push(
      `<text x="${f(x(i))}" y="${H - bottom + 18}" font-size="13" text-anchor="middle" fill="${CHART_COLORS.axis}">${esc(label)}</text>`,
    );
  });
  // failed judgments: a band behind the points
  for (const i of s.failed) {
    const half = n === 1 ? 24 : Math.min(24, (W - left - right) / (n - 1) / 2);
    parts.push(
      `<rect x="${f(x(i) - half)}" y="${top}" width="${f(2 * half)}" height="${H - top - bottom}" fill="${CHART_COLORS.fail}" fill-opacity="0.08"/>`,
      `<text x="${f(x(i))}" y="${top - 6}" font-size="13" text-anchor="middle" fill="${CHART_COLORS.fail}">failed</text>`,
    );
  }
  const line = (values: readonly (number | null)[], color: string, dash: string): void => {
    const pts = values.map((v, i) => (v === null || !Number.isFinite(v) ? null : `${f(x(i))},${f(y(v))}`));
    const runs: string[][] = [[]];
    for (const p of pts) {
      if (p === null) runs.push([]);
      else runs.at(-1)!.push(p);
    }
    for (const run of runs)
      if (run.length > 1)
        parts.push(
          `<polyline points="${run.join(' ')}" fill="none" stroke="${color}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
        );
  };
  line(s.baseline, CHART_COLORS.baseline, '');
  line(s.canary, CHART_COLORS.canary, '7 4');
  s.baseline.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    parts.push(
      `<circle cx="${f(x(i))}" cy="${f(y(v))}" r="4.5" fill="${CHART_COLORS.baseline}"><title>baseline ${esc(formatValue(v, s.unit))} at ${esc(s.labels[i] ?? '')}</title></circle>`,
    );
  });
  s.canary.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    parts.push(
      `<rect x="${f(x(i) - 4.5)}" y="${f(y(v) - 4.5)}" width="9" height="9" fill="${CHART_COLORS.canary}"><title>canary ${esc(formatValue(v, s.unit))} at ${esc(s.labels[i] ?? '')}</title></rect>`,
    );
  });
  // legend, top left, 14 px
  parts.push(
    `<g font-size="14" fill="${CHART_COLORS.axis}">`,
    `<line x1="${left}" x2="${left + 26}" y1="16" y2="16" stroke="${CHART_COLORS.baseline}" stroke-width="2.5"/><circle cx="${left + 13}" cy="16" r="4.5" fill="${CHART_COLORS.baseline}"/><text x="${left + 32}" y="21">baseline</text>`,
    `<line x1="${left + 110}" x2="${left + 136}" y1="16" y2="16" stroke="${CHART_COLORS.canary}" stroke-width="2.5" stroke-dasharray="7 4"/><rect x="${left + 118.5}" y="11.5" width="9" height="9" fill="${CHART_COLORS.canary}"/><text x="${left + 142}" y="21">canary</text>`,
    `</g>`,
    '</svg>',
  );
  return parts.join('\n');
}

/**
 * The same chart as Mermaid `xychart-beta`, for job summaries and comments.
 * Mermaid draws no legend, so the title says which line is which.
 */
export function mermaidMetricChart(s: MetricSeries): string | null {
  const all = [...s.canary, ...s.baseline].filter((v): v is number => v !== null && Number.isFinite(v));
  if (all.length === 0) return null;
  const scale = niceScale(all);
  // Mermaid cannot leave a gap: a judgment without data repeats nothing and is drawn at the axis floor, so say so
  // five significant digits, so that 113.1 and 113.9 stay apart on an axis from 113 to 115
  const data = (v: number): string => {
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e6 || a < 1e-3) ? formatNumber(v) : String(Number(v.toPrecision(5)));
  };
  const value = (v: number | null): string => data(v === null || !Number.isFinite(v) ? scale.lo : v);
  const title = `${s.metric}: baseline (first line) and canary (second line) per judgment`;
  return fencedBlock(
    [
      'xychart-beta',
      `  title ${JSON.stringify(title.replace(/"/g, "'"))}`,
      `  x-axis "judgment (UTC, canary weight)" [${s.labels.map((l) => JSON.stringify(l.replace(/"/g, "'"))).join(', ')}]`,
      `  y-axis ${JSON.stringify(axisTitle(s).replace(/"/g, "'"))} ${formatNumber(scale.lo)} --> ${formatNumber(scale.hi)}`,
      `  line [${s.baseline.map(value).join(', ')}]`,
      `  line [${s.canary.map(value).join(', ')}]`,
    ].join('\n'),
    'mermaid',
  );
}

/** What one side of one judgment saw, as the judge keeps it: summaries, not the points. */
export interface SideSummary {
  readonly n: number;
  readonly min: number;
  /** Quartiles, where the judgment kept them (judgments recorded before did not). */
  readonly q1?: number;
  readonly q3?: number;
  readonly median: number;
  readonly mean: number;
  readonly p99: number;
  readonly max: number;
}

/** One metric's distributions, canary against baseline, judgment by judgment. */
export interface MetricDistributions {
  readonly metric: string;
  readonly unit: Unit;
  readonly labels: readonly string[];
  /** null where that side of that judgment had no data. */
  readonly canary: readonly (SideSummary | null)[];
  readonly baseline: readonly (SideSummary | null)[];
  readonly failed: readonly number[];
}

const usable = (s: SideSummary | null): s is SideSummary =>
  s !== null && s.n > 0 && [s.min, s.median, s.mean, s.p99, s.max].every(Number.isFinite);

const hasQuartiles = (s: SideSummary): s is SideSummary & { q1: number; q3: number } =>
  s.q1 !== undefined && s.q3 !== undefined && Number.isFinite(s.q1) && Number.isFinite(s.q3);

/**
 * Per judgment, the baseline's and the canary's distributions side by side, as
 * box plots: a box from the first to the third quartile, a wide bar at the
 * median, whiskers from min to max with end caps, a short tick at p99 and a
 * diamond at the mean. Judgments recorded before quartiles were kept get no
 * box (one would be invented); their tooltip says so. Unknown sides are drawn
 * as "no data".
 */
export function svgDistributionChart(d: MetricDistributions): string {
  const W = 680;
  const H = 320;
  const left = 78;
  const right = 24;
  const top = 44;
  const bottom = 62;
  const sides = [...d.canary, ...d.baseline].filter(usable);
  const scale = niceScale(sides.flatMap((s) => [s.min, s.max]));
  const n = d.labels.length;
  const slot = (W - left - right) / Math.max(1, n);
  const cx = (i: number): number => left + slot * (i + 0.5);
  const off = Math.min(22, slot / 4);
  const half = Math.min(12, slot / 8);
  const y = (v: number): number => top + (H - top - bottom) * (1 - (v - scale.lo) / (scale.hi - scale.lo || 1));
  const f = (v: number): string => v.toFixed(1);
  const id = `d-${esc(d.metric)}`;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="distribution" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px;height:auto" role="img" aria-labelledby="${id}" font-family="system-ui, sans-serif">`,
    `<title id="${id}">${esc(d.metric)}: distribution of canary against baseline per judgment (box from first to third quartile, median, mean, p99, whiskers min to max)</title>`,
  ];
  for (const t of scale.ticks)
    parts.push(
      `<line x1="${left}" x2="${W - right}" y1="${f(y(t))}" y2="${f(y(t))}" stroke="#dddddd"/>`,
      `<text x="${left - 8}" y="${f(y(t) + 4)}" font-size="13" text-anchor="end" fill="${CHART_COLORS.axis}">${esc(formatValue(t, d.unit))}</text>`,
    );
  const unit = d.unit.symbol === '' ? '' : ` (${d.unit.percent ? '%' : d.unit.symbol})`;
  const mid = (top + H - bottom) / 2;
  parts.push(
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${H - bottom}" stroke="${CHART_COLORS.axis}"/>`,
    `<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="${CHART_COLORS.axis}"/>`,
    `<text class="axis-title" x="16" y="${f(mid)}" font-size="13" text-anchor="middle" transform="rotate(-90 16 ${f(mid)})" fill="${CHART_COLORS.axis}">${esc(`${d.metric}, distribution per judgment${unit}`)}</text>`,
    `<text class="axis-title" x="${f((left + W - right) / 2)}" y="${H - 8}" font-size="13" text-anchor="middle" fill="${CHART_COLORS.axis}">judgment (UTC time, canary weight)</text>`,
  );
  // time over weight, two short lines, so up to ten judgments fit side by side
  const every = Math.max(1, Math.ceil(n / 10));
  d.labels.forEach((label, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    const [first = '', ...rest] = label.split(' ');
    parts.push(
      `<text class="x-label" x="${f(cx(i))}" y="${H - bottom + 17}" font-size="13" text-anchor="middle" fill="${CHART_COLORS.axis}"><tspan x="${f(cx(i))}">${esc(first)}</tspan><tspan x="${f(cx(i))}" dy="15">${esc(rest.join(' '))}</tspan></text>`,
    );
  });
  const band = Math.min(slot - 4, 4 * off + 4 * half);
  for (const i of d.failed)
    parts.push(
      `<rect x="${f(cx(i) - band / 2)}" y="${top}" width="${f(band)}" height="${H - top - bottom}" fill="${CHART_COLORS.fail}" fill-opacity="0.08"/>`,
      `<text x="${f(cx(i))}" y="${top - 6}" font-size="13" text-anchor="middle" fill="${CHART_COLORS.fail}">failed</text>`,
    );
  const box = (s: SideSummary | null, x: number, color: string, side: string, label: string): void => {
    if (!usable(s)) {
      parts.push(
        `<text class="no-data" x="${f(x)}" y="${f(H - bottom - 8)}" font-size="13" text-anchor="middle" fill="${CHART_COLORS.axis}">–<title>${side} had no data at ${esc(label)}</title></text>`,
      );
      return;
    }
    const quart = hasQuartiles(s)
      ? `, quartiles ${formatValue(s.q1, d.unit)} to ${formatValue(s.q3, d.unit)}`
      : ' (no quartiles were recorded for this judgment)';
    const tip = `${side} at ${label}: ${s.n} points${quart}; min ${formatValue(s.min, d.unit)}, median ${formatValue(s.median, d.unit)}, mean ${formatValue(s.mean, d.unit)}, p99 ${formatValue(s.p99, d.unit)}, max ${formatValue(s.max, d.unit)}`;
    const dm = y(s.mean);
    parts.push(
      `<g class="box ${side}" data-min="${s.min}" data-median="${s.median}" data-mean="${s.mean}" data-p99="${s.p99}" data-max="${s.max}"><title>${esc(tip)}</title>`,
      `<line class="range" x1="${f(x)}" x2="${f(x)}" y1="${f(y(s.min))}" y2="${f(y(s.max))}" stroke="${color}" stroke-width="2"/>`,
      `<line class="min" x1="${f(x - half / 2)}" x2="${f(x + half / 2)}" y1="${f(y(s.min))}" y2="${f(y(s.min))}" stroke="${color}" stroke-width="2"/>`,
      `<line class="max" x1="${f(x - half / 2)}" x2="${f(x + half / 2)}" y1="${f(y(s.max))}" y2="${f(y(s.max))}" stroke="${color}" stroke-width="2"/>`,
      ...(hasQuartiles(s)
        ? [
            `<rect class="quartiles" data-q1="${s.q1}" data-q3="${s.q3}" x="${f(x - half)}" y="${f(y(s.q3))}" width="${f(2 * half)}" height="${f(Math.max(1, y(s.q1) - y(s.q3)))}" fill="#ffffff" stroke="${color}" stroke-width="2"/>`,
          ]
        : []),
      `<line class="p99" x1="${f(x)}" x2="${f(x + half)}" y1="${f(y(s.p99))}" y2="${f(y(s.p99))}" stroke="${color}" stroke-width="3"/>`,
      `<line class="median" x1="${f(x - half)}" x2="${f(x + half)}" y1="${f(y(s.median))}" y2="${f(y(s.median))}" stroke="${color}" stroke-width="5"/>`,
      `<path class="mean" d="M${f(x)} ${f(dm - 6)} L${f(x + 6)} ${f(dm)} L${f(x)} ${f(dm + 6)} L${f(x - 6)} ${f(dm)} Z" fill="#ffffff" stroke="${color}" stroke-width="2"/>`,
      '</g>',
    );
  };
  d.labels.forEach((label, i) => {
    box(d.baseline[i] ?? null, cx(i) - off, CHART_COLORS.baseline, 'baseline', label);
    box(d.canary[i] ?? null, cx(i) + off, CHART_COLORS.canary, 'canary', label);
  });
  parts.push(
    `<g font-size="14" fill="${CHART_COLORS.axis}">`,
    `<rect x="${left}" y="9" width="14" height="14" fill="${CHART_COLORS.baseline}"/><text x="${left + 20}" y="21">baseline (left)</text>`,
    `<rect x="${left + 150}" y="9" width="14" height="14" fill="${CHART_COLORS.canary}"/><text x="${left + 170}" y="21">canary (right)</text>`,
    `</g>`,
    '</svg>',
  );
  return parts.join('\n');
}
