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
 * 4. Otherwise the Mann-Whitney interval of the shift at 98%, bounds at
 *    ±0.25 × |estimate|: High when the direction allows an increase, the
 *    interval's low end lies above the upper bound and the deviation reaches
 *    allowedIncrease; Low mirrors it. Two constant samples get Gaussian noise
 *    of 1e-5 × their value in Kayenta before the test; we take the limit of
 *    that noise going to 0 (the interval and estimate are the difference),
 *    which is what the noise approximates, without making the judge random.
 * 5. The critical rule (criticalIncrease / criticalDecrease).
 * A failure of the computation is Error ("Metric Classification Failed"),
 * which holds the judgment like NoData (Kayenta fails a critical one).
 */

import { kayentaDeviation, bare, failsHigh, failsLow, fmt, withCritical } from './effect-size.js';
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
export function classifyKayenta(metric: MetricConfig, canary: PreparedSample, baseline: PreparedSample, confidenceLevel: number, minSamples: number, sorted?: SortedPair): Outcome {
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
  if (failsHigh(metric) && low > bound && deviation >= metric.effectSize.allowedIncrease) {
    const outcome: Outcome = {
      ...measured,
      classification: 'High',
      criticalFailure: false,
      reason: `higher: shift interval [${fmt(low)}, ${fmt(high)}] lies above +${fmt(bound)} and ${what} ${fmt(deviation)} ≥ ${fmt(metric.effectSize.allowedIncrease)}`,
    };
    return withCritical(metric, outcome, deviation);
  }
  if (failsLow(metric) && high < -bound && deviation <= metric.effectSize.allowedDecrease) {
    const outcome: Outcome = {
      ...measured,
      classification: 'Low',
      criticalFailure: false,
      reason: `lower: shift interval [${fmt(low)}, ${fmt(high)}] lies below -${fmt(bound)} and ${what} ${fmt(deviation)} ≤ ${fmt(metric.effectSize.allowedDecrease)}`,
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
      : `within bounds: shift interval [${fmt(low)}, ${fmt(high)}] against ±${fmt(bound)}`,
  };
}
