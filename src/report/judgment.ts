/**
 * One canary judgment rendered for people, in one order on every surface:
 * the headline naming the metrics that decided, the score against its
 * thresholds, hot metrics (did not pass) and cold ones (passed) with canary
 * against baseline in their units, the score by group, then the details
 * (sample sizes, distributions, intervals, and how the thresholds work).
 * Markdown for job summaries, check runs and pull requests; text for the
 * terminal.
 */
import type { JudgeResult, Verdict } from '../canary/judge/types.js';
import type { WindowDetail } from '../canary/promotion/reconcile.js';
import type { MetricEvidence } from './evidence.js';
import { judgmentHeadline, metricEvidence, scoreClause } from './evidence.js';
import { escapeMarkdown, fencedBlock } from './markdown.js';
import type { Style } from './terminal.js';
import { PLAIN, textTable } from './terminal.js';
import { formatNumber, formatValue } from './units.js';

/** The verdict with an icon, for Markdown. */
export const VERDICT_ICON: Record<Verdict, string> = {
  Pass: '✅',
  Marginal: '⚠️',
  Fail: '❌',
  NoData: '⏸️',
};

function context(result: JudgeResult, detail?: WindowDetail): string {
  const parts = [`${result.profile} profile`];
  if (result.sequential) parts.push(`look ${result.sequential.look} of ${result.sequential.looks}`);
  if (detail && detail.window.start !== '') parts.push(`window ${detail.window.start} to ${detail.window.end}`);
  return parts.join('; ');
}

function state(e: MetricEvidence): string {
  return `${e.classification}${e.criticalFailure ? ' (critical)' : e.critical ? ' (critical metric)' : ''}${e.muted ? ' (muted)' : ''}`;
}

function distribution(e: MetricEvidence, side: 'canary' | 'baseline'): string {
  const s = e.result[side];
  if (s.n === 0) return 'no data';
  return `${formatValue(s.median, e.unit)}, ${formatValue(s.p99, e.unit)}`;
}

function shift(e: MetricEvidence, result: JudgeResult): string {
  const iv = e.result.interval;
  if (!iv) return '–';
  // the bellwether profile judges count and ratio metrics on their totals: the interval is of the rate ratio canary / baseline
  if (result.profile === 'bellwether' && e.result.kind !== 'continuous')
    return `[${formatNumber(iv.low)}, ${formatNumber(iv.high)}] × the baseline's rate`;
  return `[${formatValue(iv.low, e.unit)}, ${formatValue(iv.high, e.unit)}]`;
}

function pValue(e: MetricEvidence): string {
  const r = e.result;
  if (r.pValue === null || r.alpha === null) return '–';
  return `${formatNumber(r.pValue)} (fails below ${formatNumber(r.alpha)})`;
}

/** How the thresholds work, in words, for the profile that judged. */
export function thresholdNote(result: JudgeResult): string {
  const score = `The score is 100 × the share of counted metrics that passed, weighted by group; the verdict is Pass at ${result.thresholds.pass} or more, Marginal at ${result.thresholds.marginal} or more, Fail below. Metrics without data hold the judgment (no score) unless the policy requires their data.`;
  if (result.profile === 'kayenta') {
    return `Kayenta's rule: a metric is High (Low) when the ${formatNumber(100 * result.confidenceLevel)}% interval of the shift canary − baseline lies wholly above (below) a tolerance of ±25% of its own estimate, and the effect size reaches what the policy allows. An interval that overlaps the tolerance passes. ${score}`;
  }
  const floor =
    result.minRelativeChange === null
      ? ''
      : `, its mean (or shift) moves by at least ${formatNumber(100 * result.minRelativeChange)}% of the baseline`;
  return `A metric fails when its change is significant (the one-sided test's p-value falls below the threshold shown: the policy's false-failure rate split over the metrics judged and spread over the looks of the soak, so an unchanged canary fails that rarely)${floor}, and the effect size reaches what the policy allows. ${score}`;
}

/** The judgment as Markdown: headline, score, hot and cold metrics, groups, details. */
export function renderJudgmentMarkdown(result: JudgeResult, detail?: WindowDetail, heading = '###'): string {
  const rows = metricEvidence(result);
  const hot = rows.filter((e) => e.hot && !e.muted);
  const cold = rows.filter((e) => !e.hot || e.muted);
  const cell = escapeMarkdown;
  const out = [
    `${heading} ${VERDICT_ICON[result.verdict]} ${cell(judgmentHeadline(result))}`,
    '',
    `${cell(scoreClause(result)).replace(/^./, (c) => c.toUpperCase())}; ${cell(context(result, detail))}.`,
  ];
  if (hot.length > 0) {
    out.push('', '**Hot metrics** (did not pass)', '');
    out.push('| metric | state | canary | baseline | change | allowed | what decided |');
    out.push('| --- | --- | ---: | ---: | ---: | ---: | --- |');
    for (const e of hot)
      out.push(
        `| ${cell(e.name)} | ${state(e)} | ${cell(e.canary)} | ${cell(e.baseline)} | ${cell(e.change || '–')} | ${cell(e.allowed)} | ${cell(e.rule)} |`,
      );
  }
  if (cold.length > 0) {
    out.push('', '**Cold metrics** (passed, or muted)', '');
    out.push('| metric | canary | baseline | change | allowed | why it passed (or does not count) |');
    out.push('| --- | ---: | ---: | ---: | ---: | --- |');
    for (const e of cold)
      out.push(
        `| ${cell(e.name)}${e.muted ? ' (muted)' : ''} | ${cell(e.canary)} | ${cell(e.baseline)} | ${cell(e.change || '–')} | ${cell(e.allowed)} | ${cell(e.rule)} |`,
      );
  }
  if (result.groups.length > 0) {
    out.push('', '**Score by group**', '', '| group | score | weight | passed | failed | no data |');
    out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const g of result.groups) {
      const c = g.counts;
      out.push(
        `| ${cell(g.name)} | ${g.score === null ? 'no score' : formatNumber(g.score)} | ${formatNumber(g.weight)} | ${c.Pass} | ${c.High + c.Low + c.NoDataFail} | ${c.NoData + c.Error} |`,
      );
    }
  }
  out.push('', '<details><summary>Details: points, distributions, intervals and thresholds</summary>', '');
  out.push(
    '| metric | points (canary, baseline) | canary median, p99 | baseline median, p99 | interval of the shift | p-value |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const e of rows)
    out.push(
      `| ${cell(e.name)} | ${e.result.canary.n}, ${e.result.baseline.n} | ${cell(distribution(e, 'canary'))} | ${cell(distribution(e, 'baseline'))} | ${cell(shift(e, result))} | ${cell(pValue(e))} |`,
    );
  out.push('', cell(thresholdNote(result)), '', '</details>');
  const chart = ratioChart(rows);
  if (chart) out.push('', chart);
  return `${out.join('\n')}\n`;
}

/** A Mermaid chart of each metric's canary mean over its baseline mean, the line at 1 meaning no change. */
function ratioChart(rows: readonly MetricEvidence[]): string | null {
  const charted = rows
    .filter((e) => e.result.meanRatio !== null && Number.isFinite(e.result.meanRatio) && !e.muted)
    .slice(0, 12);
  if (charted.length === 0) return null;
  const ratios = charted.map((e) => Number((e.result.meanRatio as number).toPrecision(3)));
  const lo = Math.min(1, ...ratios);
  const hi = Math.max(1, ...ratios);
  const pad = Math.max(0.05, (hi - lo) * 0.15);
  const bottom = Math.max(0, Math.floor((lo - pad) * 20) / 20);
  const top = Math.ceil((hi + pad) * 20) / 20;
  return fencedBlock(
    [
      'xychart-beta',
      '  title "Canary mean over baseline mean (1 = no change)"',
      `  x-axis [${charted.map((e) => JSON.stringify(e.name.replace(/"/g, "'"))).join(', ')}]`,
      `  y-axis "canary / baseline" ${bottom} --> ${top}`,
      `  bar [${ratios.join(', ')}]`,
      `  line [${charted.map(() => 1).join(', ')}]`,
    ].join('\n'),
    'mermaid',
  );
}

/** The judgment as terminal text, in the same order as the Markdown. */
export function renderJudgmentText(result: JudgeResult, style: Style = PLAIN, detail?: WindowDetail): string {
  const rows = metricEvidence(result);
  const hot = rows.filter((e) => e.hot && !e.muted);
  const cold = rows.filter((e) => !e.hot || e.muted);
  const paint = (verdict: string, text: string): string =>
    verdict === 'Pass'
      ? style.good(text)
      : verdict === 'Fail' || verdict === 'High' || verdict === 'Low' || verdict === 'NoDataFail'
        ? style.bad(text)
        : style.warn(text);
  const out = [
    style.bold(paint(result.verdict, judgmentHeadline(result))),
    `${scoreClause(result).replace(/^./, (c) => c.toUpperCase())}; ${context(result, detail)}.`,
  ];
  if (hot.length > 0) {
    out.push('', style.bold('Hot metrics (did not pass)'));
    const table = textTable(
      [
        ['METRIC', 'STATE', 'CANARY', 'BASELINE', 'CHANGE', 'ALLOWED', 'WHAT DECIDED'],
        ...hot.map((e) => [e.name, state(e), e.canary, e.baseline, e.change || '–', e.allowed, e.rule]),
      ],
      [2, 3, 4, 5],
    );
    out.push(...table.map((line, i) => (i === 0 ? style.dim(line) : line)));
  }
  if (cold.length > 0) {
    out.push('', style.bold('Cold metrics (passed, or muted)'));
    const table = textTable(
      [
        ['METRIC', 'CANARY', 'BASELINE', 'CHANGE', 'ALLOWED', 'WHY IT PASSED (OR DOES NOT COUNT)'],
        ...cold.map((e) => [
          `${e.name}${e.muted ? ' (muted)' : ''}`,
          e.canary,
          e.baseline,
          e.change || '–',
          e.allowed,
          e.rule,
        ]),
      ],
      [1, 2, 3, 4],
    );
    out.push(...table.map((line, i) => (i === 0 ? style.dim(line) : line)));
  }
  if (result.groups.length > 0) {
    out.push('', style.bold('Score by group'));
    const table = textTable(
      [
        ['GROUP', 'SCORE', 'WEIGHT', 'PASSED', 'FAILED', 'NO DATA'],
        ...result.groups.map((g) => [
          g.name,
          g.score === null ? 'no score' : formatNumber(g.score),
          formatNumber(g.weight),
          String(g.counts.Pass),
          String(g.counts.High + g.counts.Low + g.counts.NoDataFail),
          String(g.counts.NoData + g.counts.Error),
        ]),
      ],
      [1, 2, 3, 4, 5],
    );
    out.push(...table.map((line, i) => (i === 0 ? style.dim(line) : line)));
  }
  out.push('', style.bold('Details'));
  const details = textTable(
    [
      ['METRIC', 'POINTS C/B', 'CANARY MEDIAN, P99', 'BASELINE MEDIAN, P99', 'SHIFT INTERVAL', 'P-VALUE'],
      ...rows.map((e) => [
        e.name,
        `${e.result.canary.n}/${e.result.baseline.n}`,
        distribution(e, 'canary'),
        distribution(e, 'baseline'),
        shift(e, result),
        pValue(e),
      ]),
    ],
    [1, 2, 3],
  );
  out.push(...details.map((line, i) => (i === 0 ? style.dim(line) : line)));
  out.push('', thresholdNote(result));
  const charted = rows.filter(
    (e) =>
      e.result.canary.n > 0 &&
      e.result.baseline.n > 0 &&
      [e.result.canary.min, e.result.canary.max, e.result.baseline.min, e.result.baseline.max].every(Number.isFinite),
  );
  if (charted.length > 0) {
    out.push('', style.bold('Distributions'), 'min ├ median ● p99 ┤ max; B baseline, C canary, one scale per metric');
    const nameWidth = Math.max(...charted.slice(0, 12).map((e) => e.name.length));
    for (const e of charted.slice(0, 12)) {
      const [b, c] = distributionLines(e.result, 40);
      out.push(`${e.name.padEnd(nameWidth)}  B ${b}  ${distribution(e, 'baseline')}`);
      out.push(`${''.padEnd(nameWidth)}  C ${paint(e.classification, c)}  ${distribution(e, 'canary')}`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** Two lines drawing both samples' min, median, p99 and max on a shared axis. */
export function distributionLines(m: MetricEvidence['result'], width: number): [string, string] {
  const lo = Math.min(m.baseline.min, m.canary.min);
  const hi = Math.max(m.baseline.max, m.canary.max);
  const at = (v: number): number =>
    hi === lo ? Math.floor(width / 2) : Math.round(((v - lo) / (hi - lo)) * (width - 1));
  const draw = (s: MetricEvidence['result']['baseline']): string => {
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
