/**
 * What the canary judge reads: for each metric, the same query template
 * filled for the canary and for the baseline, both asked over the same
 * window, and the two sample arrays. Every way the data can be unusable
 * yields `{ noData: reason }`, which the judge must treat as "hold"; NaN and
 * ±Inf values are passed on as they are, for the judge to count.
 */
import { ConfigurationError, type SourceLocation } from '../runtime/errors.js';
import type { MetricSeries, MetricsProvider, MetricsProviders, QueryResult } from './provider.js';
import { alignPoints, pairSeries } from './ratio-points.js';
import { formatLabels, signature, signatures } from './series-labels.js';
import { renderQuery, type QueryScope } from './template.js';

/** One metric of a judge configuration, as far as fetching goes. */
export interface JudgeMetricQuery {
  readonly name: string;
  /** A template with `{{service}}`, `{{role}}`, `{{window}}`… */
  readonly query: string;
  /**
   * A ratio metric's denominators (requests per point), a template with the
   * same variables: asked over the same window and step as `query`, and
   * paired with it point by point.
   */
  readonly denominator?: string;
  /** The provider's configured name; may be left out when only one is configured. */
  readonly provider?: string;
  /** Where the metric is defined, for configuration errors. */
  readonly location?: SourceLocation;
}

export interface CanarySampleRequest {
  readonly metrics: readonly JudgeMetricQuery[];
  /** The canary's scope; `role` is set to `canary` here. */
  readonly canary: QueryScope;
  /** The baseline's scope; `role` is set to `baseline` here. */
  readonly baseline: QueryScope;
  readonly start: Date;
  readonly end: Date;
  readonly stepSeconds?: number;
  /** Without `stepSeconds`: points the judge needs a side, so the provider picks a fine enough step. */
  readonly minPoints?: number;
  /**
   * Labels that may differ between the canary's and the baseline's series;
   * the series are paired on all the others, and must pair up exactly.
   */
  readonly ignoreLabels?: readonly string[];
}

export const DEFAULT_IGNORED_LABELS: readonly string[] = ['__name__', 'role', 'version', 'track', 'pod', 'instance'];

/** The queries asked for one metric, filled for each side. */
export interface SampleQueries {
  readonly canary: string;
  readonly baseline: string;
  /** A ratio metric's denominator queries. */
  readonly canaryDenominator?: string;
  readonly baselineDenominator?: string;
}

/** Both sample arrays of one metric, with the queries that produced them. */
export interface MetricSamples {
  readonly baseline: number[];
  readonly canary: number[];
  /** A ratio metric's denominators, point for point with `baseline` and `canary` (NaN where a point lacks one). */
  readonly baselineDenominator?: number[];
  readonly canaryDenominator?: number[];
  readonly queries: SampleQueries;
  /** Warnings from the server, and how many values were NaN or ±Inf. */
  readonly warnings: readonly string[];
  /** The step the provider asked at, when it chose one. */
  readonly stepSeconds?: number;
}

/** No usable data for one metric, and why. */
export interface MetricNoData {
  readonly noData: string;
  readonly queries?: SampleQueries;
}

export type CanarySamples = Record<string, MetricSamples | MetricNoData>;

function pick(source: MetricsProvider | MetricsProviders, metric: JudgeMetricQuery): MetricsProvider {
  if (!('names' in source)) return source;
  if (metric.provider !== undefined) return source.get(metric.provider);
  const names = source.names();
  if (names.length === 1 && names[0] !== undefined) return source.get(names[0]);
  throw new ConfigurationError(
    `metric ${JSON.stringify(metric.name)} does not say which metrics provider to use (configured: ${names.join(', ') || 'none'})`,
    metric.location,
  );
}

/**
 * Fills every metric's query for both sides, asks them all (the provider
 * bounds concurrency) and turns the answers into samples. A template mistake
 * is thrown as a ConfigurationError before any query is sent.
 */
export async function fetchCanarySamples(
  req: CanarySampleRequest,
  source: MetricsProvider | MetricsProviders,
): Promise<CanarySamples> {
  const problems: ConfigurationError[] = [];
  const plans: { metric: JudgeMetricQuery; provider: MetricsProvider; queries: SampleQueries }[] = [];
  for (const metric of req.metrics) {
    try {
      const fill = (template: string) => ({
        canary: renderQuery(template, { ...req.canary, role: 'canary' }, metric.location),
        baseline: renderQuery(template, { ...req.baseline, role: 'baseline' }, metric.location),
      });
      const numerator = fill(metric.query);
      const denominator = metric.denominator !== undefined ? fill(metric.denominator) : undefined;
      plans.push({
        metric,
        provider: pick(source, metric),
        queries: denominator
          ? { ...numerator, canaryDenominator: denominator.canary, baselineDenominator: denominator.baseline }
          : numerator,
      });
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      problems.push(...(err.problems.length ? err.problems : [err]));
    }
  }
  if (problems.length > 0) throw ConfigurationError.aggregate(problems);

  const ask = (p: MetricsProvider, query: string): Promise<QueryResult> =>
    p.queryRange({
      query,
      start: req.start,
      end: req.end,
      stepSeconds: req.stepSeconds,
      ...(req.minPoints !== undefined ? { minPoints: req.minPoints } : {}),
    });
  // A ratio's four queries are asked together, over the same window and step.
  const answers = await Promise.all(
    plans.map((p) =>
      Promise.all(
        [p.queries.canary, p.queries.baseline, p.queries.canaryDenominator, p.queries.baselineDenominator].map((q) =>
          q === undefined ? undefined : ask(p.provider, q),
        ),
      ),
    ),
  );

  const out: CanarySamples = {};
  plans.forEach((plan, i) => {
    const [canary, baseline, canaryDenominator, baselineDenominator] = answers[i] ?? [];
    const { queries } = plan;
    out[plan.metric.name] =
      !canary || !baseline
        ? { noData: 'no answer (internal error)', queries }
        : queries.canaryDenominator === undefined
          ? toSamples(canary, baseline, queries, req)
          : canaryDenominator && baselineDenominator
            ? toRatioSamples({ canary, baseline, canaryDenominator, baselineDenominator }, queries, req)
            : { noData: 'no answer to the denominator queries (internal error)', queries };
  });
  return out;
}

/** Pure: two answers to samples, or the reason they cannot be compared. */
export function toSamples(
  canary: QueryResult,
  baseline: QueryResult,
  queries: { canary: string; baseline: string },
  window: { start: Date; end: Date; ignoreLabels?: readonly string[] },
): MetricSamples | MetricNoData {
  if (!canary.ok) return { noData: `canary: ${canary.reason}`, queries };
  if (!baseline.ok) return { noData: `baseline: ${baseline.reason}`, queries };
  const from = window.start.getTime() / 1000;
  const to = window.end.getTime() / 1000;
  const sides = { canary: canary.series, baseline: baseline.series };
  for (const [role, series] of Object.entries(sides)) {
    if (series.length === 0)
      return {
        noData: `${role}: the query returned no series (query: ${queries[role as keyof typeof queries]})`,
        queries,
      };
    const empty = series.find((s) => !s.points.some((p) => p.t >= from && p.t <= to));
    if (empty) {
      return {
        noData: `${role}: the series ${formatLabels(empty.labels)} has no points between ${window.start.toISOString()} and ${window.end.toISOString()} (query: ${queries[role as keyof typeof queries]})`,
        queries,
      };
    }
  }
  // Comparing `{code="500"}` with `{code="503"}` would judge two different
  // things, so the series must pair up on every label that is not expected
  // to differ between the sides.
  const ignore = new Set(window.ignoreLabels ?? DEFAULT_IGNORED_LABELS);
  const cs = signatures(canary.series, ignore);
  const bs = signatures(baseline.series, ignore);
  if (cs.join('\n') !== bs.join('\n')) {
    return {
      noData: `the canary's and the baseline's series do not match: canary has ${cs.join(' ')}, baseline has ${bs.join(' ')} (queries: ${queries.canary} | ${queries.baseline})`,
      queries,
    };
  }
  const warnings = [...canary.warnings.map((w) => `canary: ${w}`), ...baseline.warnings.map((w) => `baseline: ${w}`)];
  // NaN and ±Inf stay in: the judge counts them and holds on them. Left out
  // here, the +Inf of a latency past the top bucket would make the worst
  // points of a canary vanish and the rest look healthy.
  const c = values(canary.series, from, to, ignore);
  const b = values(baseline.series, from, to, ignore);
  if (c.nonFinite) warnings.push(`canary: ${c.nonFinite} NaN or infinite values`);
  if (b.nonFinite) warnings.push(`baseline: ${b.nonFinite} NaN or infinite values`);
  const steps = [canary.stepSeconds, baseline.stepSeconds].filter((x): x is number => x !== undefined);
  return {
    canary: c.values,
    baseline: b.values,
    queries,
    warnings,
    ...(steps.length > 0 ? { stepSeconds: Math.max(...steps) } : {}),
  };
}

/**
 * Pure: a ratio metric's four answers to samples, numerators and
 * denominators paired point by point, or the reason they cannot be compared.
 * Each pair of queries is checked as `toSamples` checks one; then a side's
 * numerator series pair with its denominator series on their labels (a
 * single series each pair whatever their labels, as `sum(errors) /
 * sum(requests)` would), and their points on their timestamps. A point that
 * one of the two lacks keeps its place with NaN there, for the judge to drop
 * (or count as 0 errors, with `nanStrategy: replace`).
 */
export function toRatioSamples(
  answers: {
    canary: QueryResult;
    baseline: QueryResult;
    canaryDenominator: QueryResult;
    baselineDenominator: QueryResult;
  },
  queries: SampleQueries,
  window: { start: Date; end: Date; ignoreLabels?: readonly string[] },
): MetricSamples | MetricNoData {
  const numerators = toSamples(answers.canary, answers.baseline, queries, window);
  if (!hasSamples(numerators)) return { ...numerators, queries };
  const denominatorQueries = { canary: queries.canaryDenominator ?? '', baseline: queries.baselineDenominator ?? '' };
  const denominators = toSamples(answers.canaryDenominator, answers.baselineDenominator, denominatorQueries, window);
  if (!hasSamples(denominators)) return { noData: `denominator: ${denominators.noData}`, queries };
  const ignore = new Set(window.ignoreLabels ?? DEFAULT_IGNORED_LABELS);
  const from = window.start.getTime() / 1000;
  const to = window.end.getTime() / 1000;
  const sides = { canary: 'canaryDenominator', baseline: 'baselineDenominator' } as const;
  const aligned: Partial<Record<'canary' | 'baseline', { numerator: number[]; denominator: number[] }>> = {};
  const warnings = [...numerators.warnings, ...denominators.warnings.map((w) => `denominator: ${w}`)];
  for (const [role, denominatorRole] of Object.entries(sides) as [
    keyof typeof sides,
    (typeof sides)[keyof typeof sides],
  ][]) {
    const n = answers[role];
    const d = answers[denominatorRole];
    if (!n.ok || !d.ok) return { noData: `${role}: no answer (internal error)`, queries };
    const pairs = pairSeries(n.series, d.series, ignore);
    if (pairs === null) {
      return {
        noData: `the ${role}'s numerator and denominator series do not pair: the numerator has ${signatures(n.series, ignore).join(' ')}, the denominator has ${signatures(d.series, ignore).join(' ')} (queries: ${queries[role]} | ${queries[denominatorRole]})`,
        queries,
      };
    }
    const side = alignPoints(pairs, from, to);
    aligned[role] = side;
    if (side.zero > 0)
      warnings.push(`${role}: ${side.zero} points with no requests (denominator 0), which have no ratio`);
    if (side.unpaired > 0)
      warnings.push(`${role}: ${side.unpaired} points with a numerator or a denominator and not both`);
  }
  return {
    canary: aligned.canary?.numerator ?? [],
    baseline: aligned.baseline?.numerator ?? [],
    canaryDenominator: aligned.canary?.denominator ?? [],
    baselineDenominator: aligned.baseline?.denominator ?? [],
    queries,
    warnings,
    ...(numerators.stepSeconds !== undefined || denominators.stepSeconds !== undefined
      ? { stepSeconds: Math.max(numerators.stepSeconds ?? 0, denominators.stepSeconds ?? 0) }
      : {}),
  };
}

/** Values in the window, series in a stable order; non-finite ones kept, and counted. */
function values(
  series: readonly MetricSeries[],
  from: number,
  to: number,
  ignore: ReadonlySet<string>,
): { values: number[]; nonFinite: number } {
  const ordered = [...series].sort((x, y) => signature(x.labels, ignore).localeCompare(signature(y.labels, ignore)));
  const out: number[] = [];
  let nonFinite = 0;
  for (const s of ordered) {
    for (const p of s.points) {
      if (p.t < from || p.t > to) continue;
      out.push(p.v);
      if (!Number.isFinite(p.v)) nonFinite++;
    }
  }
  return { values: out, nonFinite };
}

/** True when a metric has samples rather than a no-data reason. */
export function hasSamples(x: MetricSamples | MetricNoData): x is MetricSamples {
  return !('noData' in x);
}
