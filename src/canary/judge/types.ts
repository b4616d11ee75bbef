/**
 * The canary judge's vocabulary: what a metric is configured to mean, what the
 * judge is given, and the decision it returns as a value that explains itself.
 */

/** Which profile decides: Kayenta's NetflixACAJudge semantics, or Bellwether's. */
export type JudgeProfile = 'kayenta' | 'bellwether';

/** Which change of the canary counts against it. */
export type MetricDirection = 'increase' | 'decrease' | 'either';

/** Per-metric classification labels (Kayenta's, with NodataFailMetric named NoDataFail). */
export type Classification = 'Pass' | 'High' | 'Low' | 'NoData' | 'NoDataFail' | 'Error';

/**
 * Overall verdict from the score and the two thresholds; NoData when a
 * counted metric could not be judged and the rest do not fail the canary on
 * their own: a hold, never a pass and never a failure.
 */
export type Verdict = 'Pass' | 'Marginal' | 'Fail' | 'NoData';

/** How a metric's effect size is measured. */
export type EffectMeasure = 'meanRatio' | 'cles';

/** Thresholds on the effect size (Kayenta's `effectSize` block). */
export interface EffectSizeConfig {
  readonly measure: EffectMeasure;
  /** A High needs the effect size to reach this (mean ratio or CLES). */
  readonly allowedIncrease: number;
  /** A Low needs the effect size to fall to this. */
  readonly allowedDecrease: number;
  /** A critical metric fails the canary when its High reaches this. */
  readonly criticalIncrease: number;
  /** A critical metric fails the canary when its Low falls to this. */
  readonly criticalDecrease: number;
}

/**
 * What a metric's points are: measurements compared point by point
 * (`continuous`: latencies, sizes, gauges), or numbers of events per interval
 * (`count`: errors, timeouts), which the bellwether profile judges on their
 * totals with a test made for counts. `ratio`: events over exposure per
 * interval (errors over requests), given as the numerators (the samples) and
 * the denominators (`canaryDenominator`, `baselineDenominator`); the
 * bellwether profile judges the totals as a count per request, the kayenta
 * profile the per-interval ratios, as Kayenta would judge a ratio query.
 */
export type MetricKind = 'continuous' | 'count' | 'ratio';

/** The units a metric's values may be declared in (`unit:` of a metric), for reports only. */
export { METRIC_UNITS, type MetricUnit } from '../../policy/metric-units.js';
import type { MetricUnit } from '../../policy/metric-units.js';

/** One metric as configured. */
export interface MetricConfig {
  readonly name: string;
  /** What the points are; `continuous` unless configured (never inferred from the values). */
  readonly kind: MetricKind;
  /** The query that produces its samples; carried for the report only. */
  readonly query?: string;
  /** The unit its values are in, as configured; carried for the report only (absent: guessed from the query). */
  readonly unit?: MetricUnit;
  /** A ratio metric's query of its denominators (requests); carried for the report only. */
  readonly denominator?: string;
  readonly groups: readonly string[];
  readonly direction: MetricDirection;
  /** NaN samples are removed, or replaced by 0 (count metrics with no events). */
  readonly nanStrategy: 'remove' | 'replace';
  /** A critical metric that fails (or has no data) sets the score to 0. */
  readonly critical: boolean;
  /** A non-critical metric without data counts as a failure (NoDataFail). */
  readonly mustHaveData: boolean;
  /** Reported but left out of the score. */
  readonly muted: boolean;
  readonly outliers: { readonly strategy: 'keep' | 'remove'; readonly factor: number };
  readonly effectSize: EffectSizeConfig;
}

/** Everything the judge needs besides the samples. */
export interface JudgeConfig {
  readonly metrics: readonly MetricConfig[];
  /** Group weights out of 100; groups without a weight share what is left. */
  readonly groupWeights: Readonly<Record<string, number>>;
  /** Profile named by the configuration; the caller's option overrides it. */
  readonly profile?: JudgeProfile;
  readonly passThreshold?: number;
  readonly marginalThreshold?: number;
  /** Level of the interval of the shift (Kayenta: 0.98). */
  readonly confidenceLevel?: number;
  /** Fewer points than this on either side is NoData ("too few points"), in both profiles (default 10). */
  readonly minSamples?: number;
  /** Bellwether: chance of failing an unchanged canary, over all metrics and looks. */
  readonly falseFailureRate?: number;
  /** Bellwether: smallest relative change of the mean worth failing a canary for. */
  readonly minRelativeChange?: number;
}

/** Samples of one metric; `null` or NaN stands for a missing point. */
export interface MetricSamples {
  readonly baseline: readonly (number | null)[];
  readonly canary: readonly (number | null)[];
  /** A ratio metric's denominators (requests per interval), point for point with `baseline` and `canary`. */
  readonly baselineDenominator?: readonly (number | null)[];
  readonly canaryDenominator?: readonly (number | null)[];
  /** Why the samples are empty, when the source could not give any (shown as the metric's reason). */
  readonly noData?: string;
}

/** The samples of every metric, by metric name. */
export type JudgeInput = Readonly<Record<string, MetricSamples>>;

/** Where a judgement stands in a sequence of looks at a growing soak. */
export interface SequentialLook {
  /** 1-based index of this look. */
  readonly look: number;
  /** Number of looks planned for the whole soak. */
  readonly looks: number;
}

/** How to judge. */
export interface JudgeOptions {
  readonly profile: JudgeProfile;
  readonly passThreshold?: number;
  readonly marginalThreshold?: number;
  /** Bellwether only: this judgement is one of several looks at the same soak. */
  readonly sequential?: SequentialLook;
}

/** Summary statistics of one sample after NaN and outlier handling. */
export interface SampleStats {
  readonly n: number;
  readonly mean: number;
  readonly median: number;
  /** First and third quartiles (linear interpolation); absent from judgments recorded before they were kept. */
  readonly q1?: number;
  readonly q3?: number;
  readonly p99: number;
  readonly min: number;
  readonly max: number;
  readonly std: number;
  /** Points dropped as NaN, and as outliers. */
  readonly removedNaN: number;
  readonly removedOutliers: number;
}

/** The verdict on one metric, with what was measured and why. */
export interface MetricResult {
  readonly name: string;
  /** What the points are (the configured kind). */
  readonly kind: MetricKind;
  /** The query that produced the samples, when the configuration gives one. */
  readonly query?: string;
  /** The unit the configuration declares for the values, if any. */
  readonly unit?: MetricUnit;
  /** A ratio metric's query of its denominators, when the configuration gives one. */
  readonly denominator?: string;
  /**
   * A ratio metric's totals over the points that have a ratio: events (the
   * numerators) and requests (the denominators) per side, so that reports
   * show the rate per request rather than a mean of per-interval ratios.
   */
  readonly totals?: { readonly canary: RatioTotals; readonly baseline: RatioTotals };
  readonly classification: Classification;
  /** The metric is configured critical. */
  readonly critical: boolean;
  /** This result alone sets the canary's score to 0. */
  readonly criticalFailure: boolean;
  readonly muted: boolean;
  readonly groups: readonly string[];
  readonly direction: MetricDirection;
  /** Interval of the shift canary − baseline (of the rate ratio canary / baseline for a count metric in the bellwether profile); null when not computed or unbounded. */
  readonly interval: { readonly low: number; readonly high: number } | null;
  readonly estimate: number | null;
  /** Bounds the interval is compared with (Kayenta: ±0.25 × |estimate|). */
  readonly bounds: { readonly low: number; readonly high: number } | null;
  /** Mean of the canary over mean of the baseline (1 when both are 0). */
  readonly meanRatio: number | null;
  /** The effect size in the configured measure. */
  readonly effectSize: number | null;
  /** The effect sizes the configuration allows (mean ratio or CLES), so that reports can name the rule that decided. */
  readonly allowed: EffectSizeConfig;
  /** Bellwether: one-sided p-value in the direction that failed or was tested. */
  readonly pValue: number | null;
  /** Bellwether: the p-value it had to fall below. */
  readonly alpha: number | null;
  readonly baseline: SampleStats;
  readonly canary: SampleStats;
  /** One line, in words. */
  readonly reason: string;
}

/** A side's events and requests, added up over its points. */
export interface RatioTotals {
  readonly events: number;
  readonly requests: number;
}

/** Score of one group. */
export interface GroupResult {
  readonly name: string;
  /** 100 × Pass / (Pass + High + Low + NoDataFail); null when the group has none of these. */
  readonly score: number | null;
  readonly weight: number;
  readonly counts: Readonly<Record<Classification, number>>;
}

/** The decision on a canary. */
export interface JudgeResult {
  readonly profile: JudgeProfile;
  /** Null when the judgment holds (NoData): a score would pretend the unjudged metrics did not exist. */
  readonly score: number | null;
  readonly verdict: Verdict;
  /** Why the score and verdict are what they are, in one line. */
  readonly reason: string;
  readonly thresholds: { readonly pass: number; readonly marginal: number };
  readonly confidenceLevel: number;
  /** Bellwether: the smallest relative change of the mean worth failing for (0.05 is 5%); null in the kayenta profile. */
  readonly minRelativeChange: number | null;
  readonly sequential: SequentialLook | null;
  readonly groups: readonly GroupResult[];
  readonly metrics: readonly MetricResult[];
}
