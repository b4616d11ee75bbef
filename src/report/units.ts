/**
 * Units of a metric, as its policy declares them (`unit:`) or else read from
 * its query by Prometheus's naming conventions (`_seconds`, `_bytes`,
 * `_ratio`, ...), and values written with them, so a report says "0.222 s
 * against 0.119 s" rather than "1.86".
 */
import type { MetricUnit } from '../canary/judge/types.js';

/** A unit: the symbol written after a value, and how a value is scaled for it. */
export interface Unit {
  /** Written after the value ('s', 'ms', 'B', '/s', '%'); '' for a bare number. */
  readonly symbol: string;
  /** A ratio in [0, 1] written as a percentage. */
  readonly percent?: boolean;
}

const NONE: Unit = { symbol: '' };

// Suffixes in the order they are tried: the longest first, so `_per_second` wins over `_second`.
const SUFFIXES: ReadonlyArray<readonly [RegExp, Unit]> = [
  [/_milliseconds(?:_bucket|_sum|_count)?$/, { symbol: 'ms' }],
  [/_per_second$/, { symbol: '/s' }],
  [/_seconds(?:_bucket|_sum)?$/, { symbol: 's' }],
  [/_bytes(?:_bucket|_sum)?$/, { symbol: 'B' }],
  [/_ratio$/, { symbol: '%', percent: true }],
  [/_percent$/, { symbol: '%' }],
];

/** How each unit a policy may declare is written. */
const DECLARED: Record<MetricUnit, Unit> = {
  s: { symbol: 's' },
  ms: { symbol: 'ms' },
  bytes: { symbol: 'B' },
  percent: { symbol: '%' },
  ratio: { symbol: '%', percent: true },
  'per-second': { symbol: '/s' },
  count: NONE,
};

/**
 * The unit of a metric's values: the one its policy declares, or else the
 * one its query's metric names carry (see `unitOf`).
 */
export function unitOfMetric(m: { readonly unit?: MetricUnit | undefined; readonly query?: string | undefined }): Unit {
  return m.unit !== undefined ? DECLARED[m.unit] : unitOf(m.query);
}

/**
 * The unit of a metric's values, from the metric names in its query; a bare
 * number when the query names no unit or mixes units (a ratio of two
 * counters) or when there is no query.
 */
export function unitOf(query: string | undefined): Unit {
  if (!query) return NONE;
  const names = (
    query.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '').match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? []
  ).filter((n) => n.includes('_'));
  const found = new Set<Unit>();
  for (const name of names) {
    const hit = SUFFIXES.find(([re]) => re.test(name));
    if (hit) found.add(hit[1]);
  }
  const [only] = found;
  if (found.size !== 1 || !only) return NONE;
  // rate() over seconds or bytes totals gives a unit per second; leave those bare rather than guess
  if (/\b(?:rate|irate|increase)\s*\(/.test(query) && only.symbol !== '/s' && !only.percent) return NONE;
  return only;
}

/** Four significant digits at most, no exponent between 0.001 and a million. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(2);
  return Number(v.toPrecision(3)).toString();
}

/** A value in its unit: `0.222 s`, `12 ms`, `1.2 kB`, `3.1%`. */
export function formatValue(v: number, unit: Unit): string {
  if (!Number.isFinite(v)) return formatNumber(v);
  if (unit.percent) return `${formatNumber(100 * v)}%`;
  if (unit.symbol === '') return formatNumber(v);
  if (unit.symbol === '%' || unit.symbol === '/s') return `${formatNumber(v)}${unit.symbol}`;
  if (unit.symbol === 'B') {
    const steps = ['B', 'kB', 'MB', 'GB', 'TB'];
    let x = v;
    let i = 0;
    while (Math.abs(x) >= 1000 && i < steps.length - 1) {
      x /= 1000;
      i++;
    }
    return `${formatNumber(x)} ${steps[i]}`;
  }
  return `${formatNumber(v)} ${unit.symbol}`;
}

/** A signed relative change: `+86%`, `-12%`, `±0%`. */
export function formatChange(relative: number): string {
  if (!Number.isFinite(relative)) return relative > 0 ? '+∞' : '-∞';
  const pct = 100 * relative;
  const text = Math.abs(pct) >= 10 ? pct.toFixed(0) : formatNumber(Number(pct.toFixed(1)));
  if (Number(text) === 0) return '±0%';
  return `${pct > 0 ? '+' : ''}${text}%`;
}
