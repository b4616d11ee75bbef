/**
 * The evidence of a canary judgment as people read it, derived once from the
 * judge's typed result and rendered by every surface (job summary, check run,
 * pull request comment, HTML page, terminal, JSON): which metrics decided,
 * canary against baseline in their units, the change, what the policy
 * allows and the rule that decided. Hot metrics (those that did not pass)
 * come first, then cold ones, as in Netflix's canary reports.
 */
import type { Classification, JudgeResult, MetricResult } from '../canary/judge/types.js';
import type { WindowDetail } from '../canary/promotion/reconcile.js';
import type { Unit } from './units.js';
import { formatChange, formatNumber, formatValue, unitOfMetric } from './units.js';

/** One metric's row of evidence, every field already in words and units. */
export interface MetricEvidence {
  readonly name: string;
  readonly classification: Classification;
  readonly critical: boolean;
  readonly criticalFailure: boolean;
  readonly muted: boolean;
  /** Did not pass: High, Low, NoDataFail, Error or NoData. */
  readonly hot: boolean;
  readonly unit: Unit;
  /** Canary and baseline means in their unit; `no data` when a side has no points. */
  readonly canary: string;
  readonly baseline: string;
  /** The relative change of the mean (`+86%`), or where a mean of 0 went; '' without data. */
  readonly change: string;
  /** The change the policy allows in the metric's failing direction(s): `+10%`, `±5%`, `CLES 0.6`. */
  readonly allowed: string;
  /** The rule that decided, in words, with the figures it compared. */
  readonly rule: string;
  /** The judge's reason, in full (for the details). */
  readonly reason: string;
  readonly result: MetricResult;
}

const ORDER: Record<Classification, number> = { High: 0, Low: 0, NoDataFail: 1, Error: 2, NoData: 3, Pass: 4 };

/** Metrics in report order: critical failures, failures, no data, passes; muted last; then by name. */
export function hotFirst(metrics: readonly MetricResult[]): MetricResult[] {
  return [...metrics].sort(
    (a, b) =>
      Number(b.criticalFailure) - Number(a.criticalFailure) ||
      Number(a.muted) - Number(b.muted) ||
      ORDER[a.classification] - ORDER[b.classification] ||
      a.name.localeCompare(b.name),
  );
}

/** Every metric's evidence, hot ones first. */
export function metricEvidence(result: JudgeResult): MetricEvidence[] {
  return hotFirst(result.metrics).map((m) => evidenceOf(m, result));
}

/** Events per request are written as a percentage. */
const PER_REQUEST: Unit = { symbol: '%', percent: true };

/**
 * What a side's figure is: its mean, or a ratio metric's events over its
 * requests added up over the window (the rate its test judged, where a mean of
 * per-interval ratios would weigh a quiet interval as much as a busy one).
 */
export function sideValues(m: MetricResult): { canary: number | null; baseline: number | null } {
  if (m.totals) {
    const rate = (t: { events: number; requests: number }) => (t.requests > 0 ? t.events / t.requests : null);
    return { canary: rate(m.totals.canary), baseline: rate(m.totals.baseline) };
  }
  return { canary: m.canary.n > 0 ? m.canary.mean : null, baseline: m.baseline.n > 0 ? m.baseline.mean : null };
}

/** The unit of what `sideValues` gives: events per request as a percentage for a ratio, the query's unit otherwise. */
export function sideUnit(m: MetricResult): Unit {
  return m.totals ? PER_REQUEST : unitOfMetric(m);
}

/**
 * One metric's evidence. A ratio metric shows events per request on each
 * side, with the totals they come from; any other its means in its unit.
 */
function evidenceOf(m: MetricResult, result: JudgeResult): MetricEvidence {
  const unit = sideUnit(m);
  const values = sideValues(m);
  const side = (value: number | null, totals?: { events: number; requests: number }) =>
    totals
      ? value === null
        ? 'no requests'
        : `${formatValue(value, unit)} (${formatCount(totals.events)} of ${formatCount(totals.requests)})`
      : value === null
        ? 'no data'
        : formatValue(value, unit);
  return {
    name: m.name,
    classification: m.classification,
    critical: m.critical,
    criticalFailure: m.criticalFailure,
    muted: m.muted,
    hot: m.classification !== 'Pass',
    unit,
    canary: side(values.canary, m.totals?.canary),
    baseline: side(values.baseline, m.totals?.baseline),
    change: values.canary !== null && values.baseline !== null ? changeOf(values.canary, values.baseline, unit) : '',
    allowed: allowedOf(m, result),
    rule: ruleOf(m, result, unit),
    reason: m.reason,
    result: m,
  };
}

/** Whole counts in full, with thousands separated (`67,800`); fractions of events as other numbers. */
function formatCount(v: number): string {
  return Number.isInteger(v) && Math.abs(v) < 1e15 ? v.toLocaleString('en-US') : formatNumber(v);
}

function changeOf(c: number, b: number, unit: Unit): string {
  if (!Number.isFinite(b) || !Number.isFinite(c)) return '';
  if (b === 0) return c === 0 ? '±0%' : `from 0 to ${formatValue(c, unit)}`;
  return formatChange((c - b) / Math.abs(b));
}

/** The change the policy lets pass, in the direction(s) that can fail the metric. */
function allowedOf(m: MetricResult, result: JudgeResult): string {
  const a = m.allowed;
  if (a.measure === 'cles') {
    const up = `CLES ≤ ${formatNumber(a.allowedIncrease)}`;
    const down = `CLES ≥ ${formatNumber(a.allowedDecrease)}`;
    return m.direction === 'increase' ? up : m.direction === 'decrease' ? down : `${down} and ${up}`;
  }
  const floor = result.minRelativeChange ?? 0;
  const up = Math.max(a.allowedIncrease - 1, floor);
  const down = Math.max(1 - a.allowedDecrease, floor);
  if (m.direction === 'increase') return formatChange(up).replace('±', '+');
  if (m.direction === 'decrease') return formatChange(-down).replace('±', '-');
  return up === down ? `±${formatChange(up).replace(/^[+±]/, '')}` : `${formatChange(up)} / ${formatChange(-down)}`;
}

function ruleOf(m: MetricResult, result: JudgeResult, unit: Unit): string {
  const c = m.classification;
  if (m.muted) return `muted: ${c}, reported and left out of the score`;
  if (c === 'NoData' || c === 'NoDataFail' || c === 'Error') return m.reason;
  if (m.reason === 'canary and baseline data are identical' || m.reason === 'a single value on both sides')
    return m.reason;
  if (result.profile === 'kayenta') return kayentaRule(m, unit);
  const p = m.pValue;
  const alpha = m.alpha;
  if (p === null || alpha === null) return m.reason;
  const test = `p = ${formatNumber(p)}`;
  if (c === 'High' || c === 'Low') {
    return `significant (${test} < ${formatNumber(alpha)}) and beyond the allowed change`;
  }
  return p < alpha
    ? `significant (${test} < ${formatNumber(alpha)}) but smaller than the allowed change`
    : `no significant change (${test}; failing needs < ${formatNumber(alpha)})`;
}

/** Kayenta: the interval of the shift must lie wholly outside ±25% of its own estimate. */
function kayentaRule(m: MetricResult, unit: Unit): string {
  if (!m.interval || !m.bounds) return m.reason;
  const iv = `[${formatValue(m.interval.low, unit)}, ${formatValue(m.interval.high, unit)}]`;
  const tol = formatValue(m.bounds.high, unit);
  if (m.classification === 'High') return `the shift interval ${iv} lies wholly above the tolerance +${tol}`;
  if (m.classification === 'Low') return `the shift interval ${iv} lies wholly below the tolerance -${tol}`;
  const above = m.interval.low > m.bounds.high;
  const below = m.interval.high < m.bounds.low;
  if (above || below)
    return `the shift interval ${iv} lies ${above ? 'above' : 'below'} the tolerance ±${tol}, but the effect size does not reach the allowed change`;
  return `no clear shift: the interval ${iv} overlaps the tolerance ±${tol}, so it is not wholly ${m.direction === 'decrease' ? 'below' : m.direction === 'increase' ? 'above' : 'outside'} it`;
}

/** One metric in a sentence: `latency-p99 High — canary 0.222 s against baseline 0.119 s, +86% (the policy allows +10%)`. */
export function metricSentence(e: MetricEvidence): string {
  const state = `${e.name} ${e.classification}${e.criticalFailure ? ' (critical)' : ''}`;
  if (e.classification === 'NoData' || e.classification === 'NoDataFail' || e.classification === 'Error')
    return `${state} — ${e.reason}`;
  if (e.change === '') return `${state} — ${e.rule}`;
  return `${state} — canary ${e.canary} against baseline ${e.baseline}, ${e.change} (the policy allows ${e.allowed})`;
}

/** The metrics that decided a judgment that did not pass: its hot, unmuted metrics, critical ones first. */
export function decidingMetrics(result: JudgeResult): MetricEvidence[] {
  return metricEvidence(result).filter((e) => e.hot && !e.muted);
}

const MOST = 3;

/** The metrics that decided, as one clause; '' when every metric passed. */
export function decidingClause(result: JudgeResult): string {
  const deciding = decidingMetrics(result);
  if (deciding.length === 0) return '';
  const shown = deciding.slice(0, MOST).map(metricSentence).join('; ');
  return deciding.length > MOST ? `${shown}; and ${deciding.length - MOST} more` : shown;
}

/** The score and what it is compared with: `score 50 (pass needs ≥ 95, marginal ≥ 75)`. */
export function scoreClause(result: JudgeResult): string {
  const score = result.score === null ? 'no score' : `score ${formatNumber(result.score)}`;
  const critical = result.metrics.filter((m) => m.criticalFailure).map((m) => m.name);
  const why = critical.length > 0 ? `: a failing critical metric (${critical.join(', ')}) sets the score to 0` : '';
  return `${score} (pass needs ≥ ${result.thresholds.pass}, marginal ≥ ${result.thresholds.marginal})${why}`;
}

/**
 * A judgment in one line, naming the metrics that decided:
 * `Fail: latency-p99 High — canary 0.222 s against baseline 0.119 s, +86% (the policy allows +10%)`.
 */
export function judgmentHeadline(result: JudgeResult): string {
  const clause = decidingClause(result);
  const counted = result.metrics.filter((m) => !m.muted).length;
  if (result.verdict === 'NoData') return `NoData, holding: ${clause || result.reason}`;
  if (result.verdict === 'Pass' && clause === '')
    return `Pass: ${counted === 1 ? 'the metric is' : `all ${counted} metrics are`} within what the policy allows`;
  return `${result.verdict}: ${clause || result.reason}`;
}

/**
 * A promotion step's headline with the metrics that decided it, when a
 * judgment did not pass: `Failed at 1%: latency-p99 High — canary 0.222 s
 * against baseline 0.119 s, +86% (the policy allows +10%). Traffic back to
 * 1.42.0: 1 failed judgment(s) in stage 1, more than the 0 the policy
 * tolerates`. Other steps read as their summary and reason.
 */
export function stepHeadline(
  explanation: { readonly summary: string; readonly reason: string },
  detail: WindowDetail | undefined,
): string {
  const result = detail?.result;
  const gates = detail?.gates ?? [];
  const breached = gates.filter((g) => g.verdict === 'fail');
  const unknown = gates.filter((g) => g.verdict === 'unknown');
  const gateClause = (shown: typeof gates) =>
    shown.length > 0 ? `health gate ${shown.map((g) => g.reason).join('; health gate ')}` : '';
  // A breached gate decides on its own; a gate without data decides only when the comparison did not fail.
  const clause = [
    gateClause(breached),
    result && result.verdict !== 'Pass' ? decidingClause(result) : '',
    breached.length === 0 && result?.verdict !== 'Fail' ? gateClause(unknown) : '',
  ]
    .filter(Boolean)
    .join('; ');
  if (clause === '') return `${explanation.summary}. ${explanation.reason}`;
  const cut = explanation.summary.indexOf(': ');
  if (cut < 0) return `${explanation.summary}: ${clause}. ${capitalize(explanation.reason)}`;
  const head = explanation.summary.slice(0, cut);
  const tail = explanation.summary.slice(cut + 2);
  return `${head}: ${clause}. ${capitalize(tail)}: ${explanation.reason}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The evidence as JSON, for scripts: the headline, then hot and cold metrics with their figures. */
export function evidenceJson(result: JudgeResult): Record<string, unknown> {
  const rows = metricEvidence(result).map((e) => ({
    name: e.name,
    classification: e.classification,
    ...sideValues(e.result),
    ...(e.result.totals ? { totals: e.result.totals } : {}),
    unit: e.unit.symbol === '' ? null : e.unit.percent ? 'ratio' : e.unit.symbol,
    change: e.change || null,
    allowed: e.allowed,
    rule: e.rule,
  }));
  return {
    headline: judgmentHeadline(result),
    hot: rows.filter((r) => r.classification !== 'Pass'),
    cold: rows.filter((r) => r.classification === 'Pass'),
  };
}
