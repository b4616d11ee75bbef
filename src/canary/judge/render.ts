/**
 * Renders a judgement for people: a text report for the terminal and
 * Markdown for job summaries and pull request comments. Hot metrics (those
 * that did not pass) come first, as in Netflix's canary reports: name, state,
 * ratio and bounds, then the reason in words.
 */

import { fmt } from './effect-size.js';
import type { JudgeResult, MetricResult } from './types.js';

const ORDER: Record<MetricResult['classification'], number> = {
  High: 0,
  Low: 0,
  NoDataFail: 1,
  Error: 2,
  NoData: 3,
  Pass: 4,
};

/** Metrics in report order: failures first (critical ones at the top), then by name. */
export function hotFirst(metrics: readonly MetricResult[]): MetricResult[] {
  return [...metrics].sort(
    (a, b) =>
      Number(b.criticalFailure) - Number(a.criticalFailure) ||
      Number(a.muted) - Number(b.muted) ||
      ORDER[a.classification] - ORDER[b.classification] ||
      a.name.localeCompare(b.name),
  );
}

function state(m: MetricResult): string {
  return `${m.classification}${m.criticalFailure ? ' (critical)' : ''}${m.muted ? ' (muted)' : ''}`;
}

function interval(m: MetricResult): string {
  return m.interval ? `[${fmt(m.interval.low)}, ${fmt(m.interval.high)}]` : '–';
}

function bounds(m: MetricResult): string {
  return m.bounds ? `±${fmt(m.bounds.high)}` : '–';
}

function headline(result: JudgeResult): string {
  const look = result.sequential ? `, look ${result.sequential.look} of ${result.sequential.looks}` : '';
  return `${result.verdict}: ${result.score === null ? 'no score, holding' : `score ${result.score.toFixed(2)}`} (pass ≥ ${result.thresholds.pass}, marginal ≥ ${result.thresholds.marginal}; ${result.profile} profile${look})`;
}

/** The text report: verdict, table of metrics with hot ones first, groups, and a chart of the distributions. */
export function renderJudgeText(result: JudgeResult): string {
  const rows = hotFirst(result.metrics);
  const table: string[][] = [['METRIC', 'STATE', 'RATIO', 'SHIFT INTERVAL', 'BOUNDS', 'REASON']];
  for (const m of rows) table.push([m.name, state(m), fmt(m.meanRatio), interval(m), bounds(m), m.reason]);
  const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => (r[c] ?? '').length)));
  const lines = [headline(result), result.reason, ''];
  for (const r of table)
    lines.push(
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    );
  lines.push(
    '',
    `Groups: ${result.groups.map((g) => `${g.name} ${g.score === null ? 'no data' : g.score.toFixed(2)} (weight ${fmt(g.weight)})`).join(', ')}`,
  );
  // an infinite point has no place on a scale: such metrics are in the table, with their reason
  const charted = rows
    .filter(
      (m) =>
        m.canary.n > 0 &&
        m.baseline.n > 0 &&
        [m.canary.min, m.canary.max, m.baseline.min, m.baseline.max].every(Number.isFinite),
    )
    .slice(0, 12);
  if (charted.length > 0) {
    lines.push('', 'Distributions (min ├ median ● p99 ┤ max, baseline B and canary C on one scale per metric):');
    const nameWidth = Math.max(...charted.map((m) => m.name.length));
    for (const m of charted) {
      const [b, c] = distributionLines(m, 40);
      lines.push(`${m.name.padEnd(nameWidth)}  B ${b}  median ${fmt(m.baseline.median)}, p99 ${fmt(m.baseline.p99)}`);
      lines.push(`${''.padEnd(nameWidth)}  C ${c}  median ${fmt(m.canary.median)}, p99 ${fmt(m.canary.p99)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Two lines drawing both samples' min, median, p99 and max on a shared axis. */
export function distributionLines(m: MetricResult, width: number): [string, string] {
  const lo = Math.min(m.baseline.min, m.canary.min);
  const hi = Math.max(m.baseline.max, m.canary.max);
  const at = (v: number): number =>
    hi === lo ? Math.floor(width / 2) : Math.round(((v - lo) / (hi - lo)) * (width - 1));
  const draw = (s: MetricResult['baseline']): string => {
    const cells = Array.from({ length: width }, () => ' ');
    const a = at(s.min);
    const p = at(s.p99);
    for (let i = a; i <= p; i++) cells[i] = '─';
    for (let i = p + 1; i <= at(s.max); i++) cells[i] = '·';
    cells[a] = '├';
    cells[p] = '┤';
    cells[at(s.median)] = '●';
    return cells.join('');
  };
  return [draw(m.baseline), draw(m.canary)];
}

const escape = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Markdown for a job summary: verdict, a table with hot metrics first, groups, and a Mermaid chart of the ratios. */
export function renderJudgeMarkdown(result: JudgeResult): string {
  const icon =
    result.verdict === 'Pass' ? '✅' : result.verdict === 'Marginal' ? '⚠️' : result.verdict === 'NoData' ? '⏸️' : '❌';
  const rows = hotFirst(result.metrics);
  const out: string[] = [
    `### ${icon} Canary ${headline(result)}`,
    '',
    escape(result.reason),
    '',
    '| Metric | State | Ratio | Shift interval | Bounds | Baseline n / median / p99 | Canary n / median / p99 | Reason |',
    '|---|---|---:|---|---|---|---|---|',
  ];
  for (const m of rows) {
    const stats = (s: MetricResult['baseline']): string => `${s.n} / ${fmt(s.median)} / ${fmt(s.p99)}`;
    out.push(
      `| ${escape(m.name)} | ${state(m)} | ${fmt(m.meanRatio)} | ${interval(m)} | ${bounds(m)} | ${stats(m.baseline)} | ${stats(m.canary)} | ${escape(m.reason)} |`,
    );
  }
  out.push(
    '',
    '| Group | Score | Weight | Pass | High | Low | NoData | NoDataFail | Error |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const g of result.groups) {
    const c = g.counts;
    out.push(
      `| ${escape(g.name)} | ${g.score === null ? 'no data' : g.score.toFixed(2)} | ${fmt(g.weight)} | ${c.Pass} | ${c.High} | ${c.Low} | ${c.NoData} | ${c.NoDataFail} | ${c.Error} |`,
    );
  }
  const charted = rows.filter((m) => m.meanRatio !== null && Number.isFinite(m.meanRatio)).slice(0, 20);
  if (charted.length > 0) {
    const ratios = charted.map((m) => Number((m.meanRatio as number).toPrecision(4)));
    const top = Math.max(2, Math.ceil(Math.max(...ratios) * 10) / 10);
    out.push(
      '',
      '```mermaid',
      'xychart-beta',
      '  title "Canary mean / baseline mean (1 = no change)"',
      `  x-axis [${charted.map((m) => JSON.stringify(m.name.replace(/"/g, "'"))).join(', ')}]`,
      `  y-axis "ratio" 0 --> ${top}`,
      `  bar [${ratios.join(', ')}]`,
      `  line [${charted.map(() => 1).join(', ')}]`,
      '```',
    );
  }
  return `${out.join('\n')}\n`;
}
