/**
 * Record and replay. `recordQueries` asks a live provider a list of queries
 * over one time range; `ReplayProvider` answers later queries from that
 * recording: a range query with the recorded points inside its window, an
 * instant query with the last recorded point at or before its instant.
 */
import type { InstantQuery, MetricSeries, MetricsProvider, QueryResult, RangeQuery } from './provider.js';
import type { RecordedAnswer, Recording } from './recording.js';

/** How far back an instant query may find its point, as Prometheus' default lookback. */
export const DEFAULT_LOOKBACK_SECONDS = 300;

/** A MetricsProvider that only reads a recording and never touches the network. */
export class ReplayProvider implements MetricsProvider {
  readonly type = 'replay';
  private readonly byQuery = new Map<string, RecordedAnswer[]>();

  constructor(
    private readonly recording: Recording,
    /** Where the recording came from, for the reasons. */
    private readonly origin: string,
    private readonly lookbackSeconds = DEFAULT_LOOKBACK_SECONDS,
  ) {
    for (const e of recording.entries) {
      const list = this.byQuery.get(e.query) ?? [];
      list.push(e);
      this.byQuery.set(e.query, list);
    }
  }

  async queryRange(q: RangeQuery): Promise<QueryResult> {
    const from = q.start.getTime() / 1000;
    const to = q.end.getTime() / 1000;
    const found = this.covering(q.query, from, to);
    if ('reason' in found) return { ok: false, query: q.query, reason: found.reason };
    return clip(q.query, found.entry, from, to, `between ${q.start.toISOString()} and ${q.end.toISOString()}`);
  }

  async queryInstant(q: InstantQuery): Promise<QueryResult> {
    const at = q.time.getTime() / 1000;
    const found = this.covering(q.query, at, at);
    if ('reason' in found) return { ok: false, query: q.query, reason: found.reason };
    const clipped = clip(
      q.query,
      found.entry,
      at - this.lookbackSeconds,
      at,
      `in the ${this.lookbackSeconds} s before ${q.time.toISOString()}`,
      false,
    );
    if (!clipped.ok) return clipped;
    return { ...clipped, series: clipped.series.map((s) => ({ labels: s.labels, points: s.points.slice(-1) })) };
  }

  private covering(query: string, from: number, to: number): { entry: RecordedAnswer } | { reason: string } {
    const entries = this.byQuery.get(query);
    if (!entries) return { reason: `the query is not in the recording ${this.origin} (query: ${query})` };
    const entry = entries.find((e) => e.start.getTime() / 1000 <= from && to <= e.end.getTime() / 1000);
    if (!entry) {
      const spans = entries.map((e) => `${e.start.toISOString()}..${e.end.toISOString()}`).join(', ');
      return {
        reason: `the recording ${this.origin} holds this query only for ${spans}, which does not cover ${new Date(from * 1000).toISOString()}..${new Date(to * 1000).toISOString()} (query: ${query})`,
      };
    }
    return { entry };
  }
}

function clip(
  query: string,
  entry: RecordedAnswer,
  from: number,
  to: number,
  window: string,
  range = true,
): QueryResult {
  if (!entry.result.ok) return { ok: false, query, reason: `when recorded: ${entry.result.reason}` };
  const series: MetricSeries[] = entry.result.series
    .map((s) => ({ labels: s.labels, points: s.points.filter((p) => p.t >= from && p.t <= to) }))
    .filter((s) => s.points.length > 0);
  if (series.length === 0)
    return { ok: false, query, reason: `the recording has no points ${window} (query: ${query})` };
  // A range answer carries the step it was recorded at: the resolution the judge's points have.
  return {
    ok: true,
    query,
    series,
    warnings: entry.result.warnings,
    ...(range ? { stepSeconds: entry.stepSeconds } : {}),
  };
}

/** What to record. */
export interface RecordRequest {
  readonly queries: readonly string[];
  readonly start: Date;
  readonly end: Date;
  readonly stepSeconds: number;
  readonly source: { readonly name: string; readonly type: string };
  readonly recordedAt: Date;
}

/**
 * Asks `provider` every query over the range and keeps each answer, failures
 * included, so that a replay says what the live run would have said.
 */
export async function recordQueries(provider: MetricsProvider, req: RecordRequest): Promise<Recording> {
  const unique = [...new Set(req.queries)];
  const entries = await Promise.all(
    unique.map(async (query): Promise<RecordedAnswer> => {
      const result = await provider.queryRange({ query, start: req.start, end: req.end, stepSeconds: req.stepSeconds });
      return { query, start: req.start, end: req.end, stepSeconds: req.stepSeconds, result };
    }),
  );
  return { recordedAt: req.recordedAt, source: req.source, entries };
}
