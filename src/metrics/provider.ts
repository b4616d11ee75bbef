/**
 * The metrics port. Every reader of metrics (the canary judge, region health
 * checks, error-budget freezes) goes through a MetricsProvider. Failures are
 * values with a reason, never exceptions that a caller could mistake for a pass.
 */

/** One sample: time in epoch seconds and its value (NaN and ±Infinity allowed). */
export interface MetricPoint {
  readonly t: number;
  readonly v: number;
}

/** One labelled series of samples, oldest first. */
export interface MetricSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: readonly MetricPoint[];
}

/** A query over a time range, already rendered from its template. */
export interface RangeQuery {
  readonly query: string;
  readonly start: Date;
  readonly end: Date;
  /** Resolution; the provider may widen it to respect the server's point limit. */
  readonly stepSeconds?: number;
  /**
   * Without `stepSeconds`: the caller needs at least this many points over
   * the range, and a provider that chooses its own step narrows it to give
   * them, down to the source's resolution and no further.
   */
  readonly minPoints?: number;
  /** The deadline of the decision that asks: when it aborts, the provider stops waiting and answers no data. */
  readonly signal?: AbortSignal;
}

/** A query at one instant, already rendered from its template. */
export interface InstantQuery {
  readonly query: string;
  readonly time: Date;
  /** The deadline of the decision that asks: when it aborts, the provider stops waiting and answers no data. */
  readonly signal?: AbortSignal;
}

/** What a provider answered: data, or no data with the reason. */
export type QueryResult =
  | {
      readonly ok: true;
      readonly query: string;
      readonly series: readonly MetricSeries[];
      readonly warnings: readonly string[];
      /** The step a range query was asked at, when the provider chose it. */
      readonly stepSeconds?: number;
    }
  | { readonly ok: false; readonly query: string; readonly reason: string };

/** A source of metrics: Prometheus and the servers that speak its API, Datadog, a recording. */
export interface MetricsProvider {
  /** The registry type it was made from, such as `prometheus`. */
  readonly type: string;
  queryRange(q: RangeQuery): Promise<QueryResult>;
  queryInstant(q: InstantQuery): Promise<QueryResult>;
}

/** The providers a run may use, by the name the policy gives them. */
export interface MetricsProviders {
  get(name: string): MetricsProvider;
  names(): string[];
}
