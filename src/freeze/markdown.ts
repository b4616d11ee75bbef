/**
 * The budget report as Markdown for a job summary: per SLO, the budget, a
 * burn-down chart (Mermaid xychart), the alert table and the gate.
 */
import { BURN_WINDOWS } from './burn.js';
import { CHANGE_TYPES } from '../policy/schemas/freeze-gate.js';
import type { BudgetReport, SloReport } from './report.js';
import { escapeMarkdown } from '../report/markdown.js';

/** Text safe inside a Markdown table cell, and out of one. */
const cell = escapeMarkdown;

const pct = (x: number) => `${Number((x * 100).toFixed(2))}%`;
const rate = (x: number | null) => (x === null ? 'n/a' : String(Number(x.toFixed(2))));
const icon = (verdict: 'allow' | 'block') => (verdict === 'allow' ? '✅ allow' : '⛔ block');

/**
 * A Mermaid xychart of the budget remaining (percent) through the period.
 * Points without data are left out rather than drawn as zero.
 */
export function burnDownChart(slo: Pick<SloReport, 'name' | 'burnDown'>): string | undefined {
  const points = (slo.burnDown ?? []).filter((p): p is { t: string; remaining: number } => p.remaining !== null);
  if (points.length === 0) return undefined;
  const labels = points.map((p) => JSON.stringify(p.t.slice(5, 16).replace('T', ' ')));
  const values = points.map((p) => Number((p.remaining * 100).toFixed(2)));
  const low = Math.min(0, Math.floor(Math.min(...values) / 10) * 10);
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${JSON.stringify(`Error budget remaining: ${slo.name}`)}`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis "budget remaining (%)" ${low} --> 100`,
    `  line [${values.join(', ')}]`,
    '```',
  ].join('\n');
}

function sloSection(s: SloReport): string {
  const out: string[] = [];
  out.push(`### ${cell(s.displayName ?? s.name)}`);
  out.push('');
  out.push(
    `Objective ${s.objective.percent}% over ${s.window.text} (${s.window.kind}), measured from ${s.window.from} to ${s.window.to}; defined in \`${s.file}\`.`,
  );
  out.push('');
  out.push('| budget consumed | budget remaining | errors / events | tier |');
  out.push('|---|---|---|---|');
  const budget = s.budget
    ? [pct(s.budget.consumed), pct(s.budget.remaining)]
    : ['unknown', cell(s.unavailable ?? 'no data')];
  const events = s.events ? `${Number(s.events.errors.toFixed(1))} / ${Number(s.events.total.toFixed(1))}` : 'n/a';
  out.push(
    `| ${budget[0]} | ${budget[1]} | ${events} | ${s.tier ? `${s.tier.action} (≥ ${s.tier.threshold}%)` : 'none'} |`,
  );
  out.push('');
  const chart = burnDownChart(s);
  if (chart) out.push(chart, '');
  out.push(`| ${BURN_WINDOWS.join(' | ')} |`);
  out.push(`|${BURN_WINDOWS.map(() => '---').join('|')}|`);
  out.push(`| ${BURN_WINDOWS.map((w) => rate(s.burnRates[w] ?? null)).join(' | ')} |`);
  out.push('');
  out.push(
    '| alert | severity | long window | short window | factor | threshold | burn rate (long) | burn rate (short) | firing | why |',
  );
  out.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const a of s.alerts) {
    out.push(
      `| ${a.name} | ${a.severity} | ${a.longWindow} | ${a.shortWindow} | ${a.factor} | ${Number(a.threshold.toFixed(4))} | ${rate(a.burnRates.long)} | ${rate(a.burnRates.short)} | ${a.firing ? '🔥 yes' : a.state === 'ok' ? 'no' : `no (${a.state})`} | ${cell(a.reason)} |`,
    );
  }
  out.push('');
  out.push('| change type | gate | reason |');
  out.push('|---|---|---|');
  for (const t of CHANGE_TYPES) out.push(`| ${t} | ${icon(s.gate[t].verdict)} | ${cell(s.gate[t].reason)} |`);
  return out.join('\n');
}

/** The whole report as a job summary. */
export function renderMarkdown(report: BudgetReport): string {
  const out: string[] = ['## Error budgets', '', `Evaluated at ${report.at}.`, ''];
  if (report.metricsDeadline) out.push(`> **${cell(report.metricsDeadline.note)}**`, '');
  out.push('| change type | gate over all SLOs | reason |');
  out.push('|---|---|---|');
  for (const t of CHANGE_TYPES) out.push(`| ${t} | ${icon(report.gate[t].verdict)} | ${cell(report.gate[t].reason)} |`);
  if (report.breakGlass) {
    const b = report.breakGlass;
    out.push(
      '',
      `> **Break-glass ${b.accepted ? 'accepted' : 'refused'}** for @${cell(b.user)} until ${b.expiresAt}: ${cell(b.reason)}`,
    );
  }
  for (const s of report.slos) out.push('', sloSection(s));
  return out.join('\n') + '\n';
}
