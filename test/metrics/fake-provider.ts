/**
 * A scripted MetricsProvider for orchestration tests: answers come from a
 * function of the query, and every call is kept.
 */
import type { InstantQuery, MetricsProvider, QueryResult, RangeQuery } from '../../src/metrics/provider.js';

export class ScriptedProvider implements MetricsProvider {
  readonly type = 'scripted';
  readonly calls: (RangeQuery | InstantQuery)[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly answer: (query: string) => QueryResult | Promise<QueryResult>,
    private readonly delay: () => Promise<void> = () => Promise.resolve(),
  ) {}
  async queryRange(q: RangeQuery): Promise<QueryResult> {
    return this.run(q, q.query);
  }
  async queryInstant(q: InstantQuery): Promise<QueryResult> {
    return this.run(q, q.query);
  }
  private async run(q: RangeQuery | InstantQuery, query: string): Promise<QueryResult> {
    this.calls.push(q);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.delay();
      return await this.answer(query);
    } finally {
      this.inFlight--;
    }
  }
}

/** A series answer with the given values, one a minute from `t0`. */
export function seriesAnswer(
  query: string,
  values: number[],
  labels: Record<string, string> = {},
  t0 = 1_700_000_000,
): QueryResult {
  return { ok: true, query, warnings: [], series: [{ labels, points: values.map((v, i) => ({ t: t0 + 60 * i, v })) }] };
}
