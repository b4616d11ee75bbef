/**
 * A judgment's evidence as HTML, in the order of the Markdown: headline,
 * score, hot metrics, cold metrics, score by group, details.
 */
import type { JudgeResult } from '../canary/judge/types.js';
import type { WindowDetail } from '../canary/promotion/reconcile.js';
import type { MetricEvidence } from './evidence.js';
import { judgmentHeadline, metricEvidence, scoreClause } from './evidence.js';
import { thresholdNote } from './judgment.js';
import { formatNumber, formatValue } from './units.js';
import { withUnit } from '../metrics/health-check.js';

/** Text escaped for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const td = (s: string, cls = ''): string => `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(s)}</td>`;

function stateOf(e: MetricEvidence): string {
  return `${e.classification}${e.criticalFailure ? ' (critical)' : ''}${e.muted ? ' (muted)' : ''}`;
}

/** Gate verdicts styled as the judge's classifications are. */
const GATE_CLASS = { pass: 'Pass', fail: 'High', unknown: 'NoData' } as const;

/** The judgment's evidence as an HTML fragment. */
export function judgmentHtml(result: JudgeResult, detail?: WindowDetail): string {
  const rows = metricEvidence(result);
  const hot = rows.filter((e) => e.hot && !e.muted);
  const cold = rows.filter((e) => !e.hot || e.muted);
  const out = [
    // With health gates the judge's verdict is the comparison's alone: say so, the gates follow.
    `<p class="headline ${escapeHtml(result.verdict)}">${detail?.gates?.length ? 'Comparison with the baseline: ' : ''}${escapeHtml(judgmentHeadline(result))}</p>`,
    `<p>${escapeHtml(scoreClause(result).replace(/^./, (c) => c.toUpperCase()))}; ${escapeHtml(result.profile)} profile${detail && detail.window.start ? `; window ${escapeHtml(detail.window.start)} to ${escapeHtml(detail.window.end)}` : ''}.</p>`,
  ];
  if (hot.length > 0) {
    out.push(
      '<h4>Hot metrics (did not pass)</h4><div class="scroll"><table><tr><th>metric</th><th>state</th><th>canary</th><th>baseline</th><th>change</th><th>allowed</th><th>what decided</th></tr>',
      ...hot.map(
        (e) =>
          `<tr>${td(e.name)}${td(stateOf(e), e.classification)}${td(e.canary, 'num')}${td(e.baseline, 'num')}${td(e.change || '–', 'num')}${td(e.allowed, 'num')}${td(e.rule)}</tr>`,
      ),
      '</table></div>',
    );
  }
  if (cold.length > 0) {
    out.push(
      '<h4>Cold metrics (passed, or muted)</h4><div class="scroll"><table><tr><th>metric</th><th>canary</th><th>baseline</th><th>change</th><th>allowed</th><th>why it passed</th></tr>',
      ...cold.map(
        (e) =>
          `<tr>${td(`${e.name}${e.muted ? ' (muted)' : ''}`)}${td(e.canary, 'num')}${td(e.baseline, 'num')}${td(e.change || '–', 'num')}${td(e.allowed, 'num')}${td(e.rule)}</tr>`,
      ),
      '</table></div>',
    );
  }
  const gates = detail?.gates ?? [];
  if (gates.length > 0) {
    out.push(
      `<h4>Health gates (absolute bounds on the canary, every point${detail && detail.window.start ? ` from ${escapeHtml(detail.window.start)} to ${escapeHtml(detail.window.end)}` : ''})</h4><div class="scroll"><table><tr><th>gate</th><th>verdict</th><th>lowest</th><th>highest</th><th>bound</th><th>query</th><th>what decided</th></tr>`,
      ...gates.map(
        (g) =>
          `<tr>${td(g.name)}${td(g.verdict, GATE_CLASS[g.verdict])}${td(g.low === undefined ? '–' : withUnit(g.low, g.unit), 'num')}${td(g.high === undefined ? '–' : withUnit(g.high, g.unit), 'num')}${td(g.bound, 'num')}<td><code>${escapeHtml(g.query)}</code></td>${td(g.reason)}</tr>`,
      ),
      '</table></div>',
    );
  }
  if (result.groups.length > 0) {
    out.push(
      '<h4>Score by group</h4><table><tr><th>group</th><th>score</th><th>weight</th><th>passed</th><th>failed</th><th>no data</th></tr>',
      ...result.groups.map((g) => {
        const c = g.counts;
        return `<tr>${td(g.name)}${td(g.score === null ? 'no score' : formatNumber(g.score), 'num')}${td(formatNumber(g.weight), 'num')}${td(String(c.Pass), 'num')}${td(String(c.High + c.Low + c.NoDataFail), 'num')}${td(String(c.NoData + c.Error), 'num')}</tr>`;
      }),
      '</table>',
    );
  }
  out.push(
    '<details><summary>Details: points, distributions, intervals and thresholds</summary><div class="scroll"><table><tr><th>metric</th><th>points (canary, baseline)</th><th>canary median, p99</th><th>baseline median, p99</th><th>p-value</th></tr>',
    ...rows.map((e) => {
      const d = (side: 'canary' | 'baseline'): string =>
        e.result[side].n === 0
          ? 'no data'
          : `${formatValue(e.result[side].median, e.unit)}, ${formatValue(e.result[side].p99, e.unit)}`;
      const p =
        e.result.pValue === null || e.result.alpha === null
          ? '–'
          : `${formatNumber(e.result.pValue)} (fails below ${formatNumber(e.result.alpha)})`;
      return `<tr>${td(e.name)}${td(`${e.result.canary.n}, ${e.result.baseline.n}`, 'num')}${td(d('canary'), 'num')}${td(d('baseline'), 'num')}${td(p, 'num')}</tr>`;
    }),
    `</table></div><p>${escapeHtml(thresholdNote(result))}</p></details>`,
  );
  return out.join('\n');
}
