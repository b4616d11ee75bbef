/**
 * The rule both profiles share before any statistics: unknown, missing,
 * infinite or too little data is no evidence either way. Such a metric is
 * NoData (NoDataFail when it must have data, which only labels it), never a
 * critical failure, and the scorer holds the whole judgment on it.
 *
 * - Too few points: fewer than `minSamples` on a side after NaN handling.
 *   Two points against two never decide anything, in either profile; a
 *   rank-sum interval at 98% cannot even exclude zero below five a side.
 * - Infinite points (+Inf is what `histogram_quantile` returns once latency
 *   passes the top bucket): they cannot be ranked against finite values or
 *   averaged, and leaving them out would hide exactly the worst points.
 * - A side that is NaN throughout: `nanStrategy: replace` fills gaps in a
 *   series with 0, it does not invent a whole series of zeros.
 */

import type { Outcome } from './effect-size.js';
import { bare } from './effect-size.js';
import type { PreparedSample } from './transforms.js';
import type { MetricConfig } from './types.js';

/** Why a sample cannot be judged, or null when it can. */
export function unjudgeable(
  metric: Pick<MetricConfig, 'mustHaveData' | 'critical' | 'nanStrategy'>,
  canary: PreparedSample,
  baseline: PreparedSample,
  minSamples: number,
): Outcome | null {
  const sides = [
    ['canary', canary],
    ['baseline', baseline],
  ] as const;
  const infinite: string[] = [];
  for (const [side, s] of sides) {
    const parts: string[] = [];
    if (s.raw.positiveInfinite > 0) parts.push(`${s.raw.positiveInfinite} of ${s.raw.total} points are +Inf`);
    if (s.raw.negativeInfinite > 0) parts.push(`${s.raw.negativeInfinite} of ${s.raw.total} points are -Inf`);
    if (parts.length > 0) infinite.push(`${side}: ${parts.join(', ')}`);
  }
  if (infinite.length > 0) return noData(metric, `infinite values cannot be compared: ${infinite.join('; ')}`);

  if (metric.nanStrategy === 'replace') {
    const allNaN = sides.filter(([, s]) => s.raw.total > 0 && s.raw.nan === s.raw.total);
    if (allNaN.length > 0) {
      return noData(
        metric,
        `no real data: ${allNaN.map(([side, s]) => `${side}: ${s.raw.nan} of ${s.raw.total} points are NaN`).join('; ')}`,
      );
    }
  }

  if (canary.values.length < minSamples || baseline.values.length < minSamples) {
    const count = (side: string, s: PreparedSample): string => {
      const n = s.values.length;
      const nan = s.removedNaN > 0 ? ` (${s.removedNaN} NaN left out)` : '';
      return n < minSamples ? `${side} ${n} of ${minSamples} points${nan}` : `${side} ${n}${nan}`;
    };
    const what = canary.values.length === 0 && baseline.values.length === 0 ? 'no data' : 'too few points';
    return noData(metric, `${what}: ${count('canary', canary)}, ${count('baseline', baseline)}`);
  }
  return null;
}

/** NoData, or NoDataFail when the metric must have data (never critical). */
export function noData(metric: Pick<MetricConfig, 'mustHaveData' | 'critical'>, reason: string): Outcome {
  if (metric.mustHaveData && !metric.critical) return bare('NoDataFail', `${reason}; the metric must have data`);
  return bare('NoData', reason);
}
