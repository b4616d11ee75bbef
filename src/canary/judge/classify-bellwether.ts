/**
 * Bellwether's classifier. It keeps Kayenta's vocabulary and configuration
 * (direction, effect sizes, critical, mustHaveData, NaN and outlier handling)
 * and changes how the evidence is weighed:
 *
 * - Significance comes from the rank-sum test itself (one-sided in each
 *   direction that may fail, tie-corrected, continuity-corrected), not from
 *   comparing the interval with a fraction of its own estimate. On integer
 *   data the rank estimate of a shift is itself an integer, so Kayenta's
 *   ±0.25 × |estimate| bound swallows a 20% rise in a count around 3; the
 *   rank statistic still sees it.
 * - The chance of failing an unchanged canary is budgeted: `falseFailureRate`
 *   is split over the metrics judged (Bonferroni) and, when a soak is judged
 *   in several looks, spent across the looks with an O'Brien-Fleming-like
 *   Lan-DeMets function, so that looking often does not fail clean canaries
 *   and a clear regression still stops the canary early.
 * - A failure must also matter: the mean, or the Hodges-Lehmann shift, must
 *   move by at least `minRelativeChange` of the baseline's scale, and the
 *   configured effect size must reach allowedIncrease / allowedDecrease.
 * - Too few points, infinite values or a side of NaN is NoData (see
 *   unjudgeable.ts): never a pass, never a failure.
 * - The interval of the shift reported is exact (hodges-lehmann.ts), not the
 *   point where a 1e-4 search stopped.
 */

import { bare, failsHigh, failsLow, fmt, kayentaDeviation, withCritical } from './effect-size.js';
import type { Outcome } from './effect-size.js';
import { shiftInterval } from './hodges-lehmann.js';
import { normalQuantile, normalUpperTail } from './normal.js';
import { rankCounts, rankSigma, sortPair } from './rank-sum.js';
import type { SortedPair } from './rank-sum.js';
import type { PreparedSample } from './transforms.js';
import { meanOf, percentile } from './transforms.js';
import type { MetricConfig, SequentialLook } from './types.js';
import { unjudgeable } from './unjudgeable.js';

/** Defaults of the bellwether profile. */
export const BELLWETHER_DEFAULTS = {
  minSamples: 10,
  falseFailureRate: 0.01,
  minRelativeChange: 0.05,
} as const;

/** What the bellwether classifier needs besides the metric and its samples. */
export interface BellwetherContext {
  readonly confidenceLevel: number;
  readonly minSamples: number;
  /** Error budget of this look for this metric, both directions together. */
  readonly alpha: number;
  readonly minRelativeChange: number;
}

/**
 * The share of `rate` that may be spent by look k of K: an O'Brien-Fleming
 * type spending function, α(t) = 2 − 2Φ(z_{rate/2} / √t) (Lan and DeMets, 1983).
 * Early looks spend almost nothing, the last look almost all of it, and the
 * sum over looks never exceeds `rate`.
 */
export function alphaSpentAtLook(rate: number, sequential: SequentialLook | undefined): number {
  if (!sequential || sequential.looks <= 1) return rate;
  const z = -normalQuantile(rate / 2);
  const spent = (t: number): number => (t <= 0 ? 0 : 2 * normalUpperTail(z / Math.sqrt(Math.min(1, t))));
  const k = Math.min(Math.max(1, sequential.look), sequential.looks);
  return Math.max(0, spent(k / sequential.looks) - spent((k - 1) / sequential.looks));
}

/** Classifies one metric with Bellwether's semantics. */
export function classifyBellwether(metric: MetricConfig, canary: PreparedSample, baseline: PreparedSample, context: BellwetherContext, sorted?: SortedPair): Outcome {
  const x = canary.values;
  const y = baseline.values;
  const cannot = unjudgeable(metric, canary, baseline, context.minSamples);
  if (cannot) return cannot;
  const pair = sorted ?? sortPair(x, y);
  if (pair.x.length === pair.y.length && pair.x.every((v, i) => v === pair.y[i])) {
    return { ...bare('Pass', 'canary and baseline data are identical'), effectSize: 1 };
  }
  const xConstant = pair.x[pair.x.length - 1] === pair.x[0];
  const yConstant = pair.y[pair.y.length - 1] === pair.y[0];
  if (xConstant && yConstant && pair.x[0] === pair.y[0]) {
    return { ...bare('Pass', 'a single value on both sides'), effectSize: 1 };
  }

  const interval =
    xConstant && yConstant
      ? { low: (pair.x[0] as number) - (pair.y[0] as number), high: (pair.x[0] as number) - (pair.y[0] as number), estimate: (pair.x[0] as number) - (pair.y[0] as number) }
      : shiftInterval(pair, context.confidenceLevel, 'exact');

  // One-sided rank-sum tests at shift 0, continuity-corrected toward the null.
  const n = pair.x.length;
  const m = pair.y.length;
  const { u, ties } = rankCounts(pair, 0);
  const sigma = rankSigma(n, m, ties);
  const dz = u - (n * m) / 2;
  const pHigh = normalUpperTail((dz - 0.5) / sigma);
  const pLow = normalUpperTail((-dz - 0.5) / sigma);
  const sides = failsHigh(metric) && failsLow(metric) ? 2 : 1;
  const alpha = context.alpha / sides;

  // Practical size: relative change of the mean, or of the rank shift against the baseline's median.
  const baseMean = meanOf(y);
  const baseSorted = pair.y;
  const iqr = percentile(baseSorted, 75) - percentile(baseSorted, 25);
  const meanScale = Math.max(Math.abs(baseMean), sampleStd(y), Number.MIN_VALUE);
  const shiftScale = Math.max(Math.abs(percentile(baseSorted, 50)), iqr, Number.MIN_VALUE);
  const meanChange = (meanOf(x) - baseMean) / meanScale;
  const shiftChange = interval.estimate / shiftScale;
  const band = context.minRelativeChange * meanScale;
  const deviation = kayentaDeviation(metric.effectSize, x, y, pair);
  const what = metric.effectSize.measure === 'cles' ? 'CLES' : 'mean ratio';
  const measured = {
    interval: { low: interval.low, high: interval.high },
    estimate: interval.estimate,
    bounds: { low: -band, high: band },
    effectSize: deviation,
    alpha,
  };
  const pct = (v: number): string => `${fmt(100 * v)}%`;

  const highMatters = meanChange >= context.minRelativeChange || shiftChange >= context.minRelativeChange;
  const highEffect = deviation >= metric.effectSize.allowedIncrease || (Number.isNaN(deviation) && meanChange > 0);
  if (failsHigh(metric) && pHigh < alpha && highMatters && highEffect) {
    const outcome: Outcome = {
      ...measured,
      pValue: pHigh,
      classification: 'High',
      criticalFailure: false,
      reason: `higher: rank-sum p = ${fmt(pHigh)} < ${fmt(alpha)}, mean ${pct(meanChange)}, shift ${fmt(interval.estimate)} in [${fmt(interval.low)}, ${fmt(interval.high)}], ${what} ${fmt(deviation)}`,
    };
    return withCritical(metric, outcome, deviation);
  }
  const lowMatters = -meanChange >= context.minRelativeChange || -shiftChange >= context.minRelativeChange;
  const lowEffect = deviation <= metric.effectSize.allowedDecrease || (Number.isNaN(deviation) && meanChange < 0);
  if (failsLow(metric) && pLow < alpha && lowMatters && lowEffect) {
    const outcome: Outcome = {
      ...measured,
      pValue: pLow,
      classification: 'Low',
      criticalFailure: false,
      reason: `lower: rank-sum p = ${fmt(pLow)} < ${fmt(alpha)}, mean ${pct(meanChange)}, shift ${fmt(interval.estimate)} in [${fmt(interval.low)}, ${fmt(interval.high)}], ${what} ${fmt(deviation)}`,
    };
    return withCritical(metric, outcome, deviation);
  }
  const tested = failsHigh(metric) && (!failsLow(metric) || pHigh <= pLow) ? pHigh : pLow;
  const significant = tested < alpha;
  return {
    ...measured,
    pValue: tested,
    classification: 'Pass',
    criticalFailure: false,
    reason: significant
      ? `a change too small to matter: p = ${fmt(tested)}, mean ${pct(meanChange)}, shift ${fmt(interval.estimate)} (needs ${pct(context.minRelativeChange)} and the allowed ${what})`
      : `no significant change: p = ${fmt(tested)} ≥ ${fmt(alpha)}, mean ${pct(meanChange)}`,
  };
}

function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = meanOf(values);
  let s = 0;
  for (const v of values) s += (v - mean) * (v - mean);
  return Math.sqrt(s / (values.length - 1));
}
