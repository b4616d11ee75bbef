/**
 * The canary judge: compares each metric's canary samples with its baseline
 * samples, classifies it, scores the groups and decides Pass, Marginal or
 * Fail. Pure: no I/O, the same input gives the same result.
 */

import { ConfigurationError } from '../../runtime/errors.js';
import { classifyBellwether, alphaSpentAtLook, BELLWETHER_DEFAULTS } from './classify-bellwether.js';
import { classifyCounts, classifyRatio } from './classify-counts.js';
import type { RatioParts } from './classify-counts.js';
import { classifyKayenta } from './classify-kayenta.js';
import { meanRatio } from './effect-size.js';
import type { Outcome } from './effect-size.js';
import { noData } from './unjudgeable.js';
import { PairScratch } from './rank-sum.js';
import { scoreResults } from './score.js';
import { prepareSample, sampleStats } from './transforms.js';
import type {
  JudgeConfig,
  JudgeInput,
  JudgeOptions,
  JudgeResult,
  MetricConfig,
  MetricResult,
  MetricSamples,
} from './types.js';

/** Kayenta's defaults for the thresholds when neither the caller nor the configuration names them. */
export const DEFAULT_THRESHOLDS = { pass: 95, marginal: 75 } as const;

/** Kayenta's confidence level for the interval of the shift. */
export const DEFAULT_CONFIDENCE_LEVEL = 0.98;

/**
 * Judges a canary. Metrics in the configuration but not in the input have no
 * data; samples for a metric the configuration does not name are a
 * ConfigurationError (Kayenta: "Could not find metric config").
 */
export function judge(config: JudgeConfig, input: JudgeInput, options: JudgeOptions): JudgeResult {
  const known = new Set(config.metrics.map((m) => m.name));
  const unknown = Object.keys(input).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw ConfigurationError.aggregate(
      unknown.map(
        (name) =>
          new ConfigurationError(`samples for metric "${name}", which the configuration does not define`, {
            field: name,
          }),
      ),
    );
  }
  const thresholds = {
    pass: options.passThreshold ?? config.passThreshold ?? DEFAULT_THRESHOLDS.pass,
    marginal: options.marginalThreshold ?? config.marginalThreshold ?? DEFAULT_THRESHOLDS.marginal,
  };
  if (thresholds.marginal > thresholds.pass) {
    throw new ConfigurationError(
      `the marginal threshold ${thresholds.marginal} is above the pass threshold ${thresholds.pass}`,
      { field: 'marginalThreshold' },
    );
  }
  const confidenceLevel = config.confidenceLevel ?? DEFAULT_CONFIDENCE_LEVEL;
  const profile = options.profile;
  const judged = config.metrics.filter((m) => !m.muted).length;
  const rate = config.falseFailureRate ?? BELLWETHER_DEFAULTS.falseFailureRate;
  const context = {
    confidenceLevel,
    minSamples: config.minSamples ?? BELLWETHER_DEFAULTS.minSamples,
    alpha: alphaSpentAtLook(rate, options.sequential) / Math.max(1, judged),
    budget: rate / Math.max(1, judged),
    minRelativeChange: config.minRelativeChange ?? BELLWETHER_DEFAULTS.minRelativeChange,
  };

  // metrics are judged one after another: their sorted samples share buffers
  const scratch = new PairScratch();
  const metrics = config.metrics.map((metric): MetricResult => {
    const samples = input[metric.name];
    // Samples that come with the reason they are empty hold with that reason, whatever the kind.
    const ratio =
      metric.kind === 'ratio' && samples !== undefined && samples.noData === undefined
        ? ratioOf(metric, samples, context.minSamples)
        : null;
    const canary = prepareSample(ratio?.canary ?? samples?.canary ?? [], metric);
    const baseline = prepareSample(ratio?.baseline ?? samples?.baseline ?? [], metric);
    // sorted once, for the statistics and the comparison alike
    const pair = scratch.sort(canary.values, baseline.values);
    const outcome: Outcome =
      ratio?.problem !== undefined
        ? noData(metric, ratio.problem)
        : profile === 'kayenta'
          ? classifyKayenta(metric, canary, baseline, confidenceLevel, context.minSamples, pair)
          : metric.kind === 'count'
            ? classifyCounts(metric, canary, baseline, context, pair)
            : ratio !== null
              ? classifyRatio(metric, canary, baseline, context, ratio.parts, pair)
              : classifyBellwether(metric, canary, baseline, context, pair);
    const result = toResult(
      metric,
      outcome,
      samples === undefined ? 'the input has no samples for this metric' : samples.noData,
      canary.values,
      baseline.values,
      sampleStats(canary, pair.x),
      sampleStats(baseline, pair.y),
    );
    return ratio !== null && ratio.problem === undefined ? { ...result, totals: ratioTotals(ratio.parts) } : result;
  });

  const scored = scoreResults(metrics, config.groupWeights, thresholds, profile);
  return {
    profile,
    score: scored.score,
    verdict: scored.verdict,
    reason: scored.reason,
    thresholds,
    confidenceLevel,
    minRelativeChange: profile === 'bellwether' ? context.minRelativeChange : null,
    sequential: options.sequential ?? null,
    groups: scored.groups,
    metrics,
  };
}

function toResult(
  metric: MetricConfig,
  outcome: Outcome,
  missing: string | undefined,
  canaryValues: readonly number[],
  baselineValues: readonly number[],
  canary: MetricResult['canary'],
  baseline: MetricResult['baseline'],
): MetricResult {
  return {
    name: metric.name,
    kind: metric.kind,
    ...(metric.query !== undefined ? { query: metric.query } : {}),
    ...(metric.unit !== undefined ? { unit: metric.unit } : {}),
    ...(metric.denominator !== undefined ? { denominator: metric.denominator } : {}),
    classification: outcome.classification,
    critical: metric.critical,
    criticalFailure: outcome.criticalFailure,
    muted: metric.muted,
    groups: metric.groups,
    direction: metric.direction,
    interval: outcome.interval,
    estimate: outcome.estimate,
    bounds: outcome.bounds,
    meanRatio: meanRatio(canaryValues, baselineValues),
    effectSize: finiteOrNull(outcome.effectSize),
    allowed: metric.effectSize,
    pValue: outcome.pValue,
    alpha: outcome.alpha,
    baseline,
    canary,
    reason: missing !== undefined ? `${outcome.reason}: ${missing}` : outcome.reason,
  };
}

/**
 * A ratio metric's per-interval ratios (what the kayenta profile and the
 * statistics see) and its numerators and denominators point by point (what
 * the bellwether profile's totals add up). A point with no requests, or with
 * a part missing, has no ratio; `nanStrategy: replace` counts a missing
 * numerator as 0 errors. Infinite parts stay infinite, so the metric holds.
 */
function ratioOf(
  metric: MetricConfig,
  samples: MetricSamples,
  minSamples: number,
): {
  canary: (number | null)[];
  baseline: (number | null)[];
  parts: { canary: RatioParts; baseline: RatioParts };
  problem?: string;
} {
  const missing = (['canary', 'baseline'] as const).filter((side) => samples[`${side}Denominator`] === undefined);
  const uneven = (['canary', 'baseline'] as const).filter((side) => {
    const d = samples[`${side}Denominator`];
    return d !== undefined && d.length !== samples[side].length;
  });
  const problem =
    missing.length > 0
      ? `a ratio metric needs its denominators: ${missing.map((side) => `${side}Denominator`).join(' and ')} missing`
      : uneven.length > 0
        ? `a ratio metric needs one denominator per point: ${uneven.map((side) => `${side} ${samples[side].length} points, ${side}Denominator ${samples[`${side}Denominator`]?.length}`).join('; ')}`
        : undefined;
  const side = (
    numerators: readonly (number | null)[],
    denominators: readonly (number | null)[],
  ): { ratios: (number | null)[]; parts: RatioParts; noRequests: number; unknownRequests: number } => {
    const ratios: (number | null)[] = [];
    const numerator: number[] = [];
    const denominator: number[] = [];
    let noRequests = 0;
    let unknownRequests = 0;
    numerators.forEach((raw, i) => {
      const d = denominators[i];
      const n = raw === null || Number.isNaN(raw) ? (metric.nanStrategy === 'replace' ? 0 : null) : raw;
      if (d === null || d === undefined || Number.isNaN(d)) unknownRequests++;
      else if (d === 0) noRequests++;
      if (n === null || d === null || d === undefined || Number.isNaN(d)) return ratios.push(null);
      if (!Number.isFinite(n) || !Number.isFinite(d))
        return ratios.push(n < 0 || d < 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
      if (d === 0) return ratios.push(null);
      ratios.push(n / d);
      numerator.push(n);
      denominator.push(d);
    });
    return { ratios, parts: { numerator, denominator }, noRequests, unknownRequests };
  };
  const canary = side(samples.canary, samples.canaryDenominator ?? []);
  const baseline = side(samples.baseline, samples.baselineDenominator ?? []);
  // Points without requests have no ratio; when too few are left, the reason names the requests, not NaN.
  const short = (
    [
      ['canary', canary],
      ['baseline', baseline],
    ] as const
  )
    .filter(([, s]) => s.parts.numerator.length < minSamples && s.noRequests + s.unknownRequests > 0)
    .map(([name, s]) => {
      const why = [
        s.noRequests > 0 ? `${s.noRequests} with 0 requests` : '',
        s.unknownRequests > 0 ? `${s.unknownRequests} with no request count (NaN or missing)` : '',
      ].filter((w) => w !== '');
      return `${name} ${s.parts.numerator.length} of ${minSamples} points (${why.join(', ')})`;
    });
  const found = problem ?? (short.length > 0 ? `too few points with requests: ${short.join(', ')}` : undefined);
  return {
    canary: canary.ratios,
    baseline: baseline.ratios,
    parts: { canary: canary.parts, baseline: baseline.parts },
    ...(found !== undefined ? { problem: found } : {}),
  };
}

/** Events and requests added up over the points that have a ratio, per side. */
function ratioTotals(parts: { canary: RatioParts; baseline: RatioParts }): NonNullable<MetricResult['totals']> {
  const add = (values: readonly number[]): number => values.reduce((total, v) => total + v, 0);
  const side = (p: RatioParts) => ({ events: add(p.numerator), requests: add(p.denominator) });
  return { canary: side(parts.canary), baseline: side(parts.baseline) };
}

function finiteOrNull(v: number | null): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}
