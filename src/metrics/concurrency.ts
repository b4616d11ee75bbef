/**
 * Bounded concurrency and a per-run cache around any provider. A canary
 * judgement can ask 1,500 queries: they go out at most `concurrency` at a
 * time, and a query asked twice in one run (the same text, window and step)
 * is sent once, so that both askers get the same answer.
 */
import type { InstantQuery, MetricsProvider, QueryResult, RangeQuery } from './provider.js';
import { errorMessage } from '../runtime/errors.js';

/** Runs async tasks with at most `limit` in flight. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`concurrency must be a whole number of at least 1, not ${limit}`);
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so that a
    // newcomer arriving in between cannot take it too and pass the limit.
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

export interface RunScopedOptions {
  /** Queries in flight at once; 1 sends them one at a time. */
  readonly concurrency: number;
  /** Reuse answers to identical queries (default true). */
  readonly cache?: boolean;
}

export const DEFAULT_CONCURRENCY = 8;

/** A provider wrapped for one run; make a new one per run so that the cache never outlives it. */
export class RunScopedProvider implements MetricsProvider {
  readonly type: string;
  private readonly limiter: Limiter;
  private readonly cache = new Map<string, Promise<QueryResult>>();
  private sent = 0;
  private hits = 0;

  constructor(
    private readonly inner: MetricsProvider,
    private readonly options: RunScopedOptions = { concurrency: DEFAULT_CONCURRENCY },
  ) {
    this.type = inner.type;
    this.limiter = new Limiter(options.concurrency);
  }

  /** Queries sent to the inner provider and answers served from the cache. */
  stats(): { sent: number; cacheHits: number } {
    return { sent: this.sent, cacheHits: this.hits };
  }

  queryRange(q: RangeQuery): Promise<QueryResult> {
    const key = `range\u0000${q.query}\u0000${q.start.getTime()}\u0000${q.end.getTime()}\u0000${q.stepSeconds ?? ''}\u0000${q.minPoints ?? ''}`;
    return this.through(key, q.query, () => this.inner.queryRange(q));
  }

  queryInstant(q: InstantQuery): Promise<QueryResult> {
    const key = `instant\u0000${q.query}\u0000${q.time.getTime()}`;
    return this.through(key, q.query, () => this.inner.queryInstant(q));
  }

  private through(key: string, query: string, ask: () => Promise<QueryResult>): Promise<QueryResult> {
    const useCache = this.options.cache ?? true;
    const cached = useCache ? this.cache.get(key) : undefined;
    if (cached) {
      this.hits++;
      return cached;
    }
    const pending = this.limiter.run(() => {
      this.sent++;
      // A provider that throws has a bug; its callers still get a value, never a pass.
      return ask().catch((err: unknown): QueryResult => ({
        ok: false,
        query,
        reason: `the ${this.inner.type} provider failed: ${errorMessage(err)} (query: ${query})`,
      }));
    });
    if (useCache) this.cache.set(key, pending);
    return pending;
  }
}
