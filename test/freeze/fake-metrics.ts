/**
 * A MetricsProvider for the freeze tests: answers instant and range queries
 * from a function of the query and the time, and keeps every call.
 */
import type { InstantQuery, MetricsProvider, QueryResult, RangeQuery } from '../../src/metrics/provider.js';

/** A value for a query at a time, `undefined` for no series, or an Error for a failed query. */
export type Answer = (query: string, time: Date) => number | undefined | Error;

export class FakeMetrics implements MetricsProvider {
  readonly type = 'fake';
  readonly instant: InstantQuery[] = [];
  readonly ranges: RangeQuery[] = [];
  constructor(private readonly answer: Answer) {}

  async queryInstant(q: InstantQuery): Promise<QueryResult> {
    this.instant.push(q);
    return this.result(q.query, [q.time]);
  }

  async queryRange(q: RangeQuery): Promise<QueryResult> {
    this.ranges.push(q);
    const step = (q.stepSeconds ?? 60) * 1000;
    const times: Date[] = [];
    for (let t = q.start.getTime(); t <= q.end.getTime(); t += step) times.push(new Date(t));
    return this.result(q.query, times);
  }

  private result(query: string, times: Date[]): QueryResult {
    const points = [];
    for (const time of times) {
      const v = this.answer(query, time);
      if (v instanceof Error) return { ok: false, query, reason: v.message };
      if (v !== undefined) points.push({ t: time.getTime() / 1000, v });
    }
    return { ok: true, query, warnings: [], series: points.length === 0 ? [] : [{ labels: {}, points }] };
  }
}

/** The range selector of a rendered query, such as `5m`. */
export function windowOf(query: string): string {
  return /\[([^\]]+)\]/.exec(query)?.[1] ?? '';
}

/**
 * Per-second rates for the checkout fixture's queries: `bad` errors and
 * `total` requests per second, by window (a default for windows not listed).
 */
export function checkoutRates(
  byWindow: Record<string, { bad: number; total: number }>,
  fallback = { bad: 0, total: 10 },
): Answer {
  return (query) => {
    const r = byWindow[windowOf(query)] ?? fallback;
    return query.includes('code=~"5.."') ? r.bad : r.total;
  };
}
