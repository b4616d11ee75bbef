/**
 * Kayenta's MannWhitneyClassifier.classify, reproduced (spinnaker/kayenta,
 * kayenta-judge, classifiers/metric/MannWhitneyClassifier.scala, with the
 * tolerance 0.25 and confidence level 0.98 that NetflixACAJudge passes it):
 *
 * 1. Where Bellwether departs from Kayenta: data that cannot be judged (too
 *    few points, infinite values, a side of NaN; see unjudgeable.ts) is
 *    NoData, or NoDataFail when mustHaveData, and holds the judgment.
 *    Kayenta passes an empty metric whose nanStrategy is `replace`, fails
 *    the canary on a critical metric's Nodata, calls infinite values Error
 *    and leaves them out of the score, and judges two points against two:
 *    each of these can pass a canary on no evidence or fail it on none.
 * 2. The sorted samples are equal: Pass, "data are identical".
 * 3. One distinct value across both samples: Pass.
 * 4. Both samples constant with different values: Kayenta adds Gaussian
 *    noise of 1e-5 × each side's value before the test. Noise cannot spread
 *    a side of one point, nor a side of zeros (its scale is 0), so when
 *    each side is one of these every shifted observation ties, Kayenta's
 *    Mann-Whitney throws, and the metric is Error: "all observations are
 *    tied". One point against one point is the common case. Otherwise we
 *    take the limit of that noise going to 0 (the interval and estimate
 *    are the difference), which is what the noise approximates, without
 *    making the judge random.
 * 5. Otherwise the Mann-Whitney interval of the shift at 98%, bounds at
 *    ±0.25 × |estimate|: High when the direction allows an increase, the
 *    interval's low end lies above the upper bound and the effect size
 *    reaches allowedIncrease; Low mirrors it. An effect size that cannot be
 *    computed (a mean of 0 on either side) skips the effect-size check, as
 *    Kayenta does: errors appearing from 0 are High, a canary falling to 0
 *    is Low.
 * 6. The critical rule (criticalIncrease / criticalDecrease; an effect size
 *    that cannot be computed counts as reaching them).
 * A failure of the computation is Error ("Metric Classification Failed").
 * Kayenta leaves an Error out of the score; Bellwether holds the judgment
 * on it like NoData (see score.ts), since a metric nobody could judge is no
 * evidence of health.
 */

import {
  kayentaDeviation,
  bare,
  failsHigh,
  failsLow,
  fmt,
  reachesDecrease,
  reachesIncrease,
  withCritical,
} from './effect-size.js';
import type { Outcome } from './effect-size.js';
import { shiftInterval } from './hodges-lehmann.js';
import { AllTiedError, sortPair } from './rank-sum.js';
import type { SortedPair } from './rank-sum.js';
import type { PreparedSample } from './transforms.js';
import type { MetricConfig } from './types.js';
import { unjudgeable } from './unjudgeable.js';

/** Kayenta's tolerance: the bounds are this fraction of |estimate|. */
export const KAYENTA_TOLERANCE = 0.25;

/** Classifies one metric with Kayenta's semantics. */
export function classifyKayenta(
  metric: MetricConfig,
  canary: PreparedSample,
  baseline: PreparedSample,
  confidenceLevel: number,
  minSamples: number,
  sorted?: SortedPair,
): Outcome {
  const x = canary.values;
  const y = baseline.values;
  const cannot = unjudgeable(metric, canary, baseline, minSamples);
  if (cannot) return cannot;
  const pair = sorted ?? sortPair(x, y);
  if (pair.x.length === pair.y.length && pair.x.every((v, i) => v === pair.y[i])) {
    return { ...bare('Pass', 'canary and baseline data are identical'), effectSize: 1 };
  }
  const first = pair.x[0] as number;
  const xConstant = pair.x[pair.x.length - 1] === first;
  const yConstant = pair.y[pair.y.length - 1] === pair.y[0];
  if (xConstant && yConstant && pair.y[0] === first) {
    return { ...bare('Pass', 'a single value on both sides'), effectSize: 1 };
  }

  let low: number;
  let high: number;
  let estimate: number;
  if (xConstant && yConstant) {
    if (unspreadable(pair.x) && unspreadable(pair.y))
      return bare('Error', `classification failed: all observations are tied (${describeTied(pair)})`);
    low = high = estimate = first - (pair.y[0] as number);
  } else {
    try {
      ({ low, high, estimate } = shiftInterval(pair, confidenceLevel, 'search'));
    } catch (err) {
      // a computation that cannot be done is no evidence: the scorer holds on Error
      if (err instanceof AllTiedError) return bare('Error', 'classification failed: all observations are tied');
      throw err;
    }
  }
  const deviation = kayentaDeviation(metric.effectSize, x, y, pair);
  const bound = KAYENTA_TOLERANCE * Math.abs(estimate);
  const measured = {
    interval: { low, high },
    estimate,
    bounds: { low: -bound, high: bound },
    effectSize: deviation,
    pValue: null,
    alpha: null,
  };
  const what = metric.effectSize.measure === 'cles' ? 'CLES' : 'mean ratio';
  const unmeasured = Number.isNaN(deviation)
    ? `${what} cannot be computed from a mean of 0, so the effect-size check is skipped`
    : '';
  if (failsHigh(metric) && low > bound && reachesIncrease(deviation, metric.effectSize.allowedIncrease)) {
    const outcome: Outcome = {
      ...measured,
      classification: 'High',
      criticalFailure: false,
      reason: `higher: shift interval [${fmt(low)}, ${fmt(high)}] lies above +${fmt(bound)} and ${unmeasured || `${what} ${fmt(deviation)} ≥ ${fmt(metric.effectSize.allowedIncrease)}`}`,
    };
    return withCritical(metric, outcome, deviation);
  }
  if (failsLow(metric) && high < -bound && reachesDecrease(deviation, metric.effectSize.allowedDecrease)) {
    const outcome: Outcome = {
      ...measured,
      classification: 'Low',
      criticalFailure: false,
      reason: `lower: shift interval [${fmt(low)}, ${fmt(high)}] lies below -${fmt(bound)} and ${unmeasured || `${what} ${fmt(deviation)} ≤ ${fmt(metric.effectSize.allowedDecrease)}`}`,
    };
    return withCritical(metric, outcome, deviation);
  }
  const outside = (failsHigh(metric) && low > bound) || (failsLow(metric) && high < -bound);
  return {
    ...measured,
    classification: 'Pass',
    criticalFailure: false,
    reason: outside
      ? `shift interval [${fmt(low)}, ${fmt(high)}] lies outside ±${fmt(bound)}, but ${what} ${fmt(deviation)} does not reach the allowed change`
      : `no clear shift: the shift interval [${fmt(low)}, ${fmt(high)}] is not wholly ${failsHigh(metric) && failsLow(metric) ? 'outside' : failsHigh(metric) ? 'above' : 'below'} the tolerance ±${fmt(bound)}`,
  };
}

/** A constant side that Kayenta's noise (1e-5 × its value) leaves constant: one point, or zeros. */
function unspreadable(sorted: Float64Array): boolean {
  return sorted.length === 1 || sorted[0] === 0;
}

function describeTied(pair: SortedPair): string {
  const side = (name: string, s: Float64Array): string =>
    s.length === 1 ? `${name}: one point, ${fmt(s[0] as number)}` : `${name}: ${s.length} zeros`;
  return `${side('canary', pair.x)}; ${side('baseline', pair.y)}`;
}
