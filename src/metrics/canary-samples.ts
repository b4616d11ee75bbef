/**
 * What the canary judge reads: for each metric, the same query template
 * filled for the canary and for the baseline, both asked over the same
 * window, and the two sample arrays. Every way the data can be unusable
 * yields `{ noData: reason }`, which the judge must treat as "hold"; NaN and
 * ±Inf values are passed on as they are, for the judge to count.
 */
import { ConfigurationError, type SourceLocation } from '../runtime/errors.js';
import type { MetricSeries, MetricsProvider, MetricsProviders, QueryResult } from './provider.js';
import { renderQuery, type QueryScope } from './template.js';

/** One metric of a judge configuration, as far as fetching goes. */
export interface JudgeMetricQuery {
  readonly name: string;
  /** A template with `{{service}}`, `{{role}}`, `{{window}}`… */
  readonly query: string;
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

/** Both sample arrays of one metric, with the queries that produced them. */
export interface MetricSamples {
  readonly baseline: number[];
  readonly canary: number[];
  readonly queries: { readonly canary: string; readonly baseline: string };
  /** Warnings from the server, and how many values were NaN or ±Inf. */
  readonly warnings: readonly string[];
  /** The step the provider asked at, when it chose one. */
  readonly stepSeconds?: number;
}

/** No usable data for one metric, and why. */
export interface MetricNoData {
  readonly noData: string;
  readonly queries?: { readonly canary: string; readonly baseline: string };
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
  const plans: { metric: JudgeMetricQuery; provider: MetricsProvider; canary: string; baseline: string }[] = [];
  for (const metric of req.metrics) {
    try {
      plans.push({
        metric,
        provider: pick(source, metric),
        canary: renderQuery(metric.query, { ...req.canary, role: 'canary' }, metric.location),
        baseline: renderQuery(metric.query, { ...req.baseline, role: 'baseline' }, metric.location),
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
  const answers = await Promise.all(
    plans.map((p) => Promise.all([ask(p.provider, p.canary), ask(p.provider, p.baseline)])),
  );

  const out: CanarySamples = {};
  plans.forEach((plan, i) => {
    const [canary, baseline] = answers[i] ?? [];
    const queries = { canary: plan.canary, baseline: plan.baseline };
    out[plan.metric.name] =
      canary && baseline
        ? toSamples(canary, baseline, queries, req)
        : { noData: 'no answer (internal error)', queries };
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

function signature(labels: Readonly<Record<string, string>>, ignore: ReadonlySet<string>): string {
  const kept = Object.keys(labels)
    .filter((k) => !ignore.has(k))
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return `{${kept.join(',')}}`;
}

function signatures(series: readonly MetricSeries[], ignore: ReadonlySet<string>): string[] {
  return series.map((s) => signature(s.labels, ignore)).sort();
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

function formatLabels(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

/** True when a metric has samples rather than a no-data reason. */
export function hasSamples(x: MetricSamples | MetricNoData): x is MetricSamples {
  return !('noData' in x);
}
