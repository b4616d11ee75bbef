/**
 * Effect sizes as Kayenta's EffectSizes and MannWhitneyClassifier compute
 * them, and the outcome shared by both profiles' classifiers.
 */

import type { SortedPair } from './rank-sum.js';
import { rankCounts } from './rank-sum.js';
import type { Classification, EffectSizeConfig, MetricConfig } from './types.js';
import { meanOf } from './transforms.js';

/** What a classifier decided about one metric. */
export interface Outcome {
  readonly classification: Classification;
  readonly criticalFailure: boolean;
  readonly reason: string;
  readonly interval: { readonly low: number; readonly high: number } | null;
  readonly estimate: number | null;
  readonly bounds: { readonly low: number; readonly high: number } | null;
  readonly effectSize: number | null;
  readonly pValue: number | null;
  readonly alpha: number | null;
}

/**
 * Kayenta's effect size: with `cles`, P(canary > baseline) + ties/2
 * (EffectSizes.cles); otherwise the mean ratio, which is NaN when either
 * side's mean is 0 (EffectSizes.meanRatio). A NaN effect size cannot be
 * compared, and Kayenta then skips the effect-size check: the interval alone
 * decides High or Low, and a critical High or Low is a critical failure
 * (MannWhitneyClassifier.compare and classify). So errors appearing from a
 * baseline of 0, and a canary whose throughput falls to 0, both fail.
 */
export function kayentaDeviation(
  effect: EffectSizeConfig,
  canary: readonly number[],
  baseline: readonly number[],
  pair: SortedPair,
): number {
  if (effect.measure === 'cles') return cles(pair);
  const control = meanOf(baseline);
  const experiment = meanOf(canary);
  if (control === 0 || experiment === 0) return Number.NaN;
  return experiment / control;
}

/** The effect size reaches `allowedIncrease`, or cannot be measured (Kayenta then skips the check). */
export function reachesIncrease(deviation: number, threshold: number): boolean {
  return Number.isNaN(deviation) || deviation >= threshold;
}

/** The effect size falls to `allowedDecrease`, or cannot be measured (Kayenta then skips the check). */
export function reachesDecrease(deviation: number, threshold: number): boolean {
  return Number.isNaN(deviation) || deviation <= threshold;
}

/** P(canary > baseline) + P(equal)/2, by one merge of the sorted samples. */
export function cles(pair: SortedPair): number {
  return rankCounts(pair, 0).u / (pair.x.length * pair.y.length);
}

/** Mean of the canary over mean of the baseline; 1 when both are 0; null when only the baseline's is 0. */
export function meanRatio(canary: readonly number[], baseline: readonly number[]): number | null {
  if (canary.length === 0 || baseline.length === 0) return null;
  const b = meanOf(baseline);
  const c = meanOf(canary);
  if (b === 0) return c === 0 ? 1 : null;
  return c / b;
}

/** Directions in which the metric may fail. */
export function failsHigh(metric: MetricConfig): boolean {
  return metric.direction === 'increase' || metric.direction === 'either';
}

/** Directions in which the metric may fail. */
export function failsLow(metric: MetricConfig): boolean {
  return metric.direction === 'decrease' || metric.direction === 'either';
}

/**
 * Kayenta's critical rule: a critical metric's High fails the whole canary
 * when its effect size reaches criticalIncrease (Low: falls to
 * criticalDecrease), or when the effect size cannot be measured.
 */
export function withCritical(metric: MetricConfig, outcome: Outcome, deviation: number): Outcome {
  if (!metric.critical) return outcome;
  if (outcome.classification === 'High' && reachesIncrease(deviation, metric.effectSize.criticalIncrease)) {
    return { ...outcome, criticalFailure: true, reason: `${outcome.reason} (critical)` };
  }
  if (outcome.classification === 'Low' && reachesDecrease(deviation, metric.effectSize.criticalDecrease)) {
    return { ...outcome, criticalFailure: true, reason: `${outcome.reason} (critical)` };
  }
  return outcome;
}

/** An outcome with nothing measured. */
export function bare(classification: Classification, reason: string, criticalFailure = false): Outcome {
  return {
    classification,
    criticalFailure,
    reason,
    interval: null,
    estimate: null,
    bounds: null,
    effectSize: null,
    pValue: null,
    alpha: null,
  };
}

/** Formats a number for a reason line: short, but exact enough to compare. */
export function fmt(v: number | null): string {
  if (v === null || Number.isNaN(v)) return 'n/a';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(3);
  return Number(v.toPrecision(4)).toString();
}
