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
 * - Samples too small for the test to ever fail the metric within its whole
 *   budget are NoData, not Pass: one point against one point gives the
 *   rank-sum test a p-value of 0.5 whatever the values are. A "no change"
 *   from a test that could not have seen one would pass on no evidence.
 *   (Kayenta calls one point against one point Error: its test throws.)
 * - An effect size that cannot be computed (a mean of 0 on either side)
 *   does not block a failure, as in Kayenta: errors appearing from a
 *   baseline of 0 fail like any other significant rise.
 */

import { bare, failsHigh, failsLow, fmt, kayentaDeviation, withCritical } from './effect-size.js';
import { noData } from './unjudgeable.js';
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
  /** Error budget of the whole soak for this metric (all looks), both directions together; `alpha` when absent. */
  readonly budget?: number;
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
export function classifyBellwether(
  metric: MetricConfig,
  canary: PreparedSample,
  baseline: PreparedSample,
  context: BellwetherContext,
  sorted?: SortedPair,
): Outcome {
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
      ? {
          low: (pair.x[0] as number) - (pair.y[0] as number),
          high: (pair.x[0] as number) - (pair.y[0] as number),
          estimate: (pair.x[0] as number) - (pair.y[0] as number),
        }
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
  const best = smallestPValue(n, m);
  if (best >= (context.budget ?? context.alpha) / sides) {
    return noData(
      metric,
      `too few points to show a change: with canary ${n} and baseline ${m} points the rank-sum p-value cannot fall below ${fmt(best)}, and failing needs less than ${fmt((context.budget ?? context.alpha) / sides)}`,
    );
  }

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
  // a baseline mean of 0 gives no relative change to speak of: say where the mean went
  const meanWords = baseMean === 0 ? `mean from 0 to ${fmt(meanOf(x))}` : `mean ${fmt(100 * meanChange)}%`;

  const highMatters = meanChange >= context.minRelativeChange || shiftChange >= context.minRelativeChange;
  const highEffect = deviation >= metric.effectSize.allowedIncrease || (Number.isNaN(deviation) && meanChange > 0);
  if (failsHigh(metric) && pHigh < alpha && highMatters && highEffect) {
    const outcome: Outcome = {
      ...measured,
      pValue: pHigh,
      classification: 'High',
      criticalFailure: false,
      reason: `higher: rank-sum p = ${fmt(pHigh)} < ${fmt(alpha)}, ${meanWords}, shift ${fmt(interval.estimate)} in [${fmt(interval.low)}, ${fmt(interval.high)}], ${what} ${fmt(deviation)}`,
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
      reason: `lower: rank-sum p = ${fmt(pLow)} < ${fmt(alpha)}, ${meanWords}, shift ${fmt(interval.estimate)} in [${fmt(interval.low)}, ${fmt(interval.high)}], ${what} ${fmt(deviation)}`,
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
      ? `a change too small to matter: p = ${fmt(tested)}, ${meanWords}, shift ${fmt(interval.estimate)} (needs ${fmt(100 * context.minRelativeChange)}% and the allowed ${what})`
      : `no significant change: p = ${fmt(tested)} ≥ ${fmt(alpha)}, ${meanWords}`,
  };
}

/**
 * The smallest one-sided p-value the continuity-corrected rank-sum test can
 * give with n and m points: every canary point beyond every baseline point,
 * each side constant (ties inside a side shrink sigma and so raise z).
 */
export function smallestPValue(n: number, m: number): number {
  const sigma = rankSigma(n, m, n * n * n - n + (m * m * m - m));
  if (!(sigma > 0)) return 1;
  return normalUpperTail(((n * m) / 2 - 0.5) / sigma);
}

function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const mean = meanOf(values);
  let s = 0;
  // indexed, not for-of: iterating a number array boxes every point on the heap
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    s += (v - mean) * (v - mean);
  }
  return Math.sqrt(s / (values.length - 1));
}
