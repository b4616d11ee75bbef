/**
 * What happens to samples before they are compared, as Kayenta's
 * NetflixACAJudge.transformMetric does it: NaN points removed or replaced by 0
 * (Transforms.removeNaNs / replaceNaNs), then, when asked, outliers removed
 * by IQRDetector(factor, reduceSensitivity = true), whose fences never cut
 * inside the 1st and 99th percentiles. Percentiles follow Apache Commons
 * Math's default estimator (StatUtils.percentile), which Kayenta uses.
 */

import { sortNumbers } from './sort.js';
import type { MetricConfig, SampleStats } from './types.js';

/** A sample ready for comparison, with what was dropped on the way. */
export interface PreparedSample {
  readonly values: readonly number[];
  readonly removedNaN: number;
  readonly removedOutliers: number;
  /** Infinite points were present: they cannot be ranked meaningfully. */
  readonly infinite: boolean;
  /** What the raw sample held, before anything was removed or replaced. */
  readonly raw: {
    readonly total: number;
    readonly nan: number;
    readonly positiveInfinite: number;
    readonly negativeInfinite: number;
  };
}

/** Reused for the fences of every sample, so that each metric does not allocate a sorted copy. */
let outlierBuffer = new Float64Array(0);

/** Applies the metric's NaN strategy and outlier handling to raw samples. */
export function prepareSample(
  raw: readonly (number | null)[],
  metric: Pick<MetricConfig, 'nanStrategy' | 'outliers'>,
): PreparedSample {
  // A sample with no missing point is used as it is; a copy is made from the first missing one.
  let copy: number[] | null = null;
  let removedNaN = 0;
  const counts = { total: raw.length, nan: 0, positiveInfinite: 0, negativeInfinite: 0 };
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i] as number | null;
    if (v === null || Number.isNaN(v)) {
      copy ??= raw.slice(0, i) as number[];
      counts.nan++;
      if (metric.nanStrategy === 'replace') copy.push(0);
      else removedNaN++;
      continue;
    }
    if (v === Number.POSITIVE_INFINITY) counts.positiveInfinite++;
    else if (v === Number.NEGATIVE_INFINITY) counts.negativeInfinite++;
    if (copy !== null) copy.push(v);
  }
  const values: readonly number[] = copy ?? (raw as readonly number[]);
  const infinite = counts.positiveInfinite + counts.negativeInfinite > 0;
  if (metric.outliers.strategy !== 'remove' || values.length === 0 || infinite) {
    return { values, removedNaN, removedOutliers: 0, infinite, raw: counts };
  }
  if (outlierBuffer.length < values.length) outlierBuffer = new Float64Array(values.length);
  const sorted = outlierBuffer.subarray(0, values.length);
  for (let i = 0; i < values.length; i++) sorted[i] = values[i] as number;
  sortNumbers(sorted);
  const iqr = percentile(sorted, 75) - percentile(sorted, 25);
  const lower = Math.min(percentile(sorted, 1), percentile(sorted, 25) - metric.outliers.factor * iqr);
  const upper = Math.max(percentile(sorted, 99), percentile(sorted, 75) + metric.outliers.factor * iqr);
  const kept = values.filter((v) => v >= lower && v <= upper);
  return { values: kept, removedNaN, removedOutliers: values.length - kept.length, infinite, raw: counts };
}

/** Apache Commons Math's default (legacy) percentile of an ascending sample; p in (0, 100]. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (n === 1) return sorted[0] as number;
  const pos = (p * (n + 1)) / 100;
  const floor = Math.floor(pos);
  if (pos < 1) return sorted[0] as number;
  if (pos >= n) return sorted[n - 1] as number;
  const lower = sorted[floor - 1] as number;
  const upper = sorted[floor] as number;
  return lower + (pos - floor) * (upper - lower);
}

/** Summary statistics of a prepared sample. */
export function sampleStats(prepared: PreparedSample, sortedValues?: Float64Array): SampleStats {
  const values = prepared.values;
  const n = values.length;
  const base = { n, removedNaN: prepared.removedNaN, removedOutliers: prepared.removedOutliers };
  if (n === 0)
    return {
      ...base,
      mean: Number.NaN,
      median: Number.NaN,
      q1: Number.NaN,
      q3: Number.NaN,
      p99: Number.NaN,
      min: Number.NaN,
      max: Number.NaN,
      std: Number.NaN,
    };
  const sorted = sortedValues ?? sortNumbers(Float64Array.from(values));
  const mean = meanOf(values);
  let squares = 0;
  // indexed, not for-of: iterating a number array boxes every point on the heap
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    squares += (v - mean) * (v - mean);
  }
  return {
    ...base,
    mean,
    median: percentile(sorted, 50),
    q1: percentile(sorted, 25),
    q3: percentile(sorted, 75),
    p99: percentile(sorted, 99),
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
  };
}

/** Arithmetic mean. */
export function meanOf(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}
