/**
 * An overall deadline for one decision's metrics. A provider's own timeout is
 * per attempt; with retries and dozens of queries a server that accepts
 * connections and never answers could hold a decision for many minutes.
 * Wrapped here, every query of the decision shares one deadline: when it
 * passes, the request in flight is aborted, queued and later queries are not
 * sent, and each answers "no data" with the reason, which the policy then
 * treats as it treats any missing data (it holds or blocks, never allows as
 * if measured).
 */
import type { InstantQuery, MetricsProvider, MetricsProviders, QueryResult, RangeQuery } from './provider.js';

/** How long a decision waits for its metrics unless its policy or flag says otherwise. */
export const DEFAULT_METRICS_DEADLINE_MS = 60_000;

/** What the deadline cut short, for the decision's output. */
export interface DeadlineReport {
  readonly deadlineMs: number;
  readonly passed: boolean;
  /** Queries asked in time and answered (with data or a reason of their own). */
  readonly answered: number;
  /** Queries the deadline left without an answer, each once, in the order asked. */
  readonly notMeasured: readonly string[];
}

/** `60 s`, `1.5 s`, `2 min`: how the deadline is said in reasons. */
export function formatDeadline(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** A provider whose queries all end by one deadline, counted from its construction. */
export class DeadlineProvider implements MetricsProvider {
  readonly type: string;
  private readonly signal: AbortSignal;
  private answered = 0;
  private readonly missed: string[] = [];

  constructor(
    private readonly inner: MetricsProvider,
    readonly deadlineMs: number,
    /** For tests: a signal to use instead of a timer. */
    signal?: AbortSignal,
  ) {
    this.type = inner.type;
    // AbortSignal.timeout's timer does not keep the process alive.
    this.signal = signal ?? AbortSignal.timeout(deadlineMs);
  }

  /** The reason every query cut short carries. */
  get reason(): string {
    return `not measured: the metrics deadline of ${formatDeadline(this.deadlineMs)} passed before an answer`;
  }

  /** What the deadline cut short so far. */
  report(): DeadlineReport {
    return {
      deadlineMs: this.deadlineMs,
      passed: this.missed.length > 0,
      answered: this.answered,
      notMeasured: [...new Set(this.missed)],
    };
  }

  queryRange(q: RangeQuery): Promise<QueryResult> {
    return this.within(q.query, q.signal, (signal) => this.inner.queryRange({ ...q, signal }));
  }

  queryInstant(q: InstantQuery): Promise<QueryResult> {
    return this.within(q.query, q.signal, (signal) => this.inner.queryInstant({ ...q, signal }));
  }

  private async within(
    query: string,
    outer: AbortSignal | undefined,
    ask: (signal: AbortSignal) => Promise<QueryResult>,
  ): Promise<QueryResult> {
    const signal = outer ? AbortSignal.any([this.signal, outer]) : this.signal;
    if (signal.aborted) return this.miss(query);
    let onAbort: () => void = () => {};
    // A provider that ignores the signal still cannot hold the decision past the deadline.
    const cut = new Promise<'deadline'>((resolve) => {
      onAbort = () => resolve('deadline');
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([ask(signal), cut]);
      if (result === 'deadline' || signal.aborted) return this.miss(query);
      this.answered++;
      return result;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private miss(query: string): QueryResult {
    this.missed.push(query);
    return { ok: false, query, reason: `${this.reason} (query: ${query})` };
  }
}

/**
 * The providers of one decision, every one of them under the same deadline,
 * counted from this call: a decision that reads several providers still
 * waits at most `deadlineMs` in all.
 */
export function providersWithDeadline(providers: MetricsProviders, deadlineMs: number): MetricsProviders {
  const signal = AbortSignal.timeout(deadlineMs);
  const wrapped = new Map<string, DeadlineProvider>();
  return {
    get(name) {
      let p = wrapped.get(name);
      if (!p) {
        p = new DeadlineProvider(providers.get(name), deadlineMs, signal);
        wrapped.set(name, p);
      }
      return p;
    },
    names: () => providers.names(),
  };
}

/** One line for a decision's output: the deadline passed and how much was not measured. */
export function describeDeadline(report: DeadlineReport): string | undefined {
  if (!report.passed) return undefined;
  const total = report.answered + report.notMeasured.length;
  return `The metrics deadline of ${formatDeadline(report.deadlineMs)} passed: ${report.notMeasured.length} of ${total} queries were not measured, so what depends on them counts as missing data.`;
}
