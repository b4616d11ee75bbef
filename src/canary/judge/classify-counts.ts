/**
 * The bellwether profile's classifier for count metrics (`kind: count`):
 * errors, timeouts, restarts per interval. Counts are judged on their totals,
 * not point by point: at 0.2 errors per interval most intervals are 0 on both
 * sides, and a rank-sum test over mostly tied zeros cannot see a rise from
 * 0.2 to 0.3 that 60 intervals a side show plainly in the totals (12 against
 * 18 is weak, 60 against 90 over 300 intervals is not).
 *
 * The test is the conditional binomial test of the Poisson rate ratio
 * (count-test.ts), its totals divided by the quasi-Poisson dispersion of the
 * per-interval counts so that bursty counts do not spend more than the
 * budget. The rest is the profile's own logic: the same per-look share of
 * `falseFailureRate`, split over the directions that may fail; the rate ratio
 * must move by `minRelativeChange`; the configured effect size must reach
 * allowedIncrease / allowedDecrease (skipped, as Kayenta skips it, when a
 * side's mean is 0, so errors appearing from none fail as soon as the test
 * is significant); a critical metric's failure fails the canary.
 *
 * The interval and estimate reported are those of the rate ratio canary /
 * baseline (per interval), not of a shift; an interval unbounded above (no
 * baseline events) is reported as null and spelled out in the reason.
 */

import { dispersionOf, rateRatioTest } from './count-test.js';
import { failsHigh, failsLow, fmt, kayentaDeviation, withCritical } from './effect-size.js';
import type { Outcome } from './effect-size.js';
import type { BellwetherContext } from './classify-bellwether.js';
import type { SortedPair } from './rank-sum.js';
import { sortPair } from './rank-sum.js';
import type { PreparedSample } from './transforms.js';
import type { MetricConfig } from './types.js';
import { noData, unjudgeable } from './unjudgeable.js';

/** Classifies a count metric on its totals. */
export function classifyCounts(
  metric: MetricConfig,
  canary: PreparedSample,
  baseline: PreparedSample,
  context: BellwetherContext,
  sorted?: SortedPair,
): Outcome {
  const cannot = unjudgeable(metric, canary, baseline, context.minSamples);
  if (cannot) return cannot;
  const x = canary.values;
  const y = baseline.values;
  const negative = negatives([
    ['canary', x],
    ['baseline', y],
  ]);
  if (negative) return noData(metric, `a count cannot be negative: ${negative}`);
  const n = x.length;
  const m = y.length;
  const canaryTotal = sum(x);
  const baselineTotal = sum(y);
  return judgeTotals(metric, context, {
    canary: { events: x, total: canaryTotal, exposure: n },
    baseline: { events: y, total: baselineTotal, exposure: m },
    words: `${fmt(canaryTotal)} events in ${n} canary intervals against ${fmt(baselineTotal)} in ${m} baseline intervals`,
    none: `no events on either side: 0 in ${n} canary and 0 in ${m} baseline intervals`,
    deviation: kayentaDeviation(metric.effectSize, x, y, sorted ?? sortPair(x, y)),
  });
}

/**
 * Classifies a ratio metric (`kind: ratio`: errors over requests) on its
 * totals: the errors are the events and the requests the exposure, so the
 * test compares the error rate per request. `canary` and `baseline` are the
 * prepared per-interval ratios (for the point counts and the effect size);
 * the numerators and denominators are the raw series, point by point.
 */
export function classifyRatio(
  metric: MetricConfig,
  canary: PreparedSample,
  baseline: PreparedSample,
  context: BellwetherContext,
  parts: { readonly canary: RatioParts; readonly baseline: RatioParts },
  sorted?: SortedPair,
): Outcome {
  const cannot = unjudgeable(metric, canary, baseline, context.minSamples);
  if (cannot) return cannot;
  const negative = negatives([
    ['canary numerator', parts.canary.numerator],
    ['canary denominator', parts.canary.denominator],
    ['baseline numerator', parts.baseline.numerator],
    ['baseline denominator', parts.baseline.denominator],
  ]);
  if (negative) return noData(metric, `a ratio of counts cannot have negative parts: ${negative}`);
  const c = { errors: sum(parts.canary.numerator), requests: sum(parts.canary.denominator) };
  const b = { errors: sum(parts.baseline.numerator), requests: sum(parts.baseline.denominator) };
  const empty = [c.requests > 0 ? null : 'canary', b.requests > 0 ? null : 'baseline'].filter((v) => v !== null);
  if (empty.length > 0)
    return noData(metric, `no requests: the denominator of the ${empty.join(' and the ')} adds up to 0`);
  const share = (e: number, r: number): string => `${fmt(e)} of ${fmt(r)} (${fmt((100 * e) / r)}%)`;
  return judgeTotals(metric, context, {
    canary: {
      events: parts.canary.numerator,
      total: c.errors,
      exposure: c.requests,
      exposures: parts.canary.denominator,
    },
    baseline: {
      events: parts.baseline.numerator,
      total: b.errors,
      exposure: b.requests,
      exposures: parts.baseline.denominator,
    },
    words: `canary ${share(c.errors, c.requests)} against baseline ${share(b.errors, b.requests)}`,
    none: `no events on either side: 0 of ${fmt(c.requests)} canary and 0 of ${fmt(b.requests)} baseline`,
    deviation: kayentaDeviation(
      metric.effectSize,
      canary.values,
      baseline.values,
      sorted ?? sortPair(canary.values, baseline.values),
    ),
  });
}

/** The numerators and denominators of a ratio metric's points, aligned, with the points either lacks left out. */
export interface RatioParts {
  readonly numerator: readonly number[];
  readonly denominator: readonly number[];
}

interface Side {
  /** Events per point, for the dispersion. */
  readonly events: readonly number[];
  readonly total: number;
  /** Intervals, or requests, in all. */
  readonly exposure: number;
  /** Exposure per point, when it is not 1. */
  readonly exposures?: readonly number[];
}

function judgeTotals(
  metric: MetricConfig,
  context: BellwetherContext,
  data: { canary: Side; baseline: Side; words: string; none: string; deviation: number },
): Outcome {
  const { canary, baseline, words: events, deviation } = data;
  if (canary.total + baseline.total === 0) {
    return {
      classification: 'Pass',
      criticalFailure: false,
      reason: data.none,
      interval: null,
      estimate: null,
      bounds: null,
      effectSize: 1,
      pValue: 1,
      alpha: context.alpha,
    };
  }
  const dispersion = dispersionOf(
    canary.events,
    baseline.events,
    canary.exposures && baseline.exposures ? { canary: canary.exposures, baseline: baseline.exposures } : undefined,
  );
  const test = rateRatioTest(
    canary.total,
    canary.exposure,
    baseline.total,
    baseline.exposure,
    context.confidenceLevel,
    dispersion,
  );
  const sides = failsHigh(metric) && failsLow(metric) ? 2 : 1;
  const alpha = context.alpha / sides;
  const what = metric.effectSize.measure === 'cles' ? 'CLES' : 'mean ratio';
  const band = context.minRelativeChange;
  const finite = Number.isFinite(test.interval.high);
  const ratioWords = `rate ratio ${fmt(test.ratio)} in [${fmt(test.interval.low)}, ${finite ? fmt(test.interval.high) : '∞)'}${finite ? ']' : ''}`;
  const dispersionWords = dispersion > 1 ? `, totals divided by dispersion ${fmt(dispersion)}` : '';
  const measured = {
    interval: finite ? { low: test.interval.low, high: test.interval.high } : null,
    estimate: Number.isFinite(test.ratio) ? test.ratio : null,
    bounds: { low: 1 - band, high: 1 + band },
    effectSize: deviation,
    alpha,
  };

  const highEffect = deviation >= metric.effectSize.allowedIncrease || (Number.isNaN(deviation) && test.ratio > 1);
  if (failsHigh(metric) && test.pHigh < alpha && test.ratio - 1 >= band && highEffect) {
    const outcome: Outcome = {
      ...measured,
      pValue: test.pHigh,
      classification: 'High',
      criticalFailure: false,
      reason: `higher: count test p = ${fmt(test.pHigh)} < ${fmt(alpha)}, ${events}, ${ratioWords}${dispersionWords}, ${what} ${fmt(deviation)}`,
    };
    return withCritical(metric, outcome, deviation);
  }
  const lowEffect = deviation <= metric.effectSize.allowedDecrease || (Number.isNaN(deviation) && test.ratio < 1);
  if (failsLow(metric) && test.pLow < alpha && 1 - test.ratio >= band && lowEffect) {
    const outcome: Outcome = {
      ...measured,
      pValue: test.pLow,
      classification: 'Low',
      criticalFailure: false,
      reason: `lower: count test p = ${fmt(test.pLow)} < ${fmt(alpha)}, ${events}, ${ratioWords}${dispersionWords}, ${what} ${fmt(deviation)}`,
    };
    return withCritical(metric, outcome, deviation);
  }
  const tested = failsHigh(metric) && (!failsLow(metric) || test.pHigh <= test.pLow) ? test.pHigh : test.pLow;
  return {
    ...measured,
    pValue: tested,
    classification: 'Pass',
    criticalFailure: false,
    reason:
      tested < alpha
        ? `a change too small to matter: count test p = ${fmt(tested)}, ${events}, ${ratioWords}${dispersionWords} (needs ${fmt(100 * band)}% and the allowed ${what})`
        : `no significant change: count test p = ${fmt(tested)} ≥ ${fmt(alpha)}, ${events}, ${ratioWords}${dispersionWords}`,
  };
}

/** Which sides have negative points, in words; null when none. */
function negatives(sides: readonly (readonly [string, readonly number[]])[]): string | null {
  const found = sides
    .map(([side, values]) => [side, values.filter((v) => v < 0).length] as const)
    .filter(([, k]) => k > 0);
  return found.length > 0 ? found.map(([side, k]) => `${side} has ${k} points below 0`).join(', ') : null;
}

function sum(values: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s;
}
