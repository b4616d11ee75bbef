/**
 * Counting GitHub requests. A `GITHUB_TOKEN` gets 1,000 requests an hour per
 * repository, so every flow reports what it spent, route by route, and what
 * GitHub says is left.
 */

/** Requests sent, including retries and conditional reads answered 304. */
export interface CallCounts {
  readonly total: number;
  /** Keyed by `METHOD /route/{template}`, such as `GET /repos/{owner}/{repo}/contents/{path}`. */
  readonly byRoute: Readonly<Record<string, number>>;
  /** Conditional GETs that GitHub answered 304 (these do not count against the rate limit). */
  readonly notModified: number;
}

/** GitHub's view of the budget, from the `x-ratelimit-*` headers of the last answer. */
export interface RateLimitState {
  readonly limit: number;
  readonly remaining: number;
  readonly used: number;
  /** When the window resets. */
  readonly resetAt: Date;
  /** `core`, `graphql`, `search`... */
  readonly resource: string;
}

/** Mutable counter shared by the client hooks and the port that reports it. */
export class RequestBudget {
  private readonly counts = new Map<string, number>();
  private total = 0;
  private notModified = 0;
  private last: RateLimitState | null = null;

  /** Notes one request on the wire. */
  count(method: string, route: string): void {
    const key = `${method.toUpperCase()} ${route}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total += 1;
  }

  /** Notes a 304 answer to a conditional GET. */
  countNotModified(): void {
    this.notModified += 1;
  }

  /** Reads the rate-limit headers of any answer, success or failure. */
  observe(headers: Readonly<Record<string, string | number | undefined>> | undefined): void {
    const state = parseRateLimit(headers);
    if (state) this.last = state;
  }

  calls(): CallCounts {
    return { total: this.total, byRoute: Object.fromEntries(this.counts), notModified: this.notModified };
  }

  rateLimit(): RateLimitState | null {
    return this.last;
  }
}

/** The rate-limit state in GitHub's headers, or null when they are absent or garbled. */
export function parseRateLimit(
  headers: Readonly<Record<string, string | number | undefined>> | undefined,
): RateLimitState | null {
  if (!headers) return null;
  const limit = Number(headers['x-ratelimit-limit']);
  const remaining = Number(headers['x-ratelimit-remaining']);
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-limit'] === undefined || ![limit, remaining, reset].every(Number.isFinite)) return null;
  const usedHeader = Number(headers['x-ratelimit-used']);
  return {
    limit,
    remaining,
    used: Number.isFinite(usedHeader) && headers['x-ratelimit-used'] !== undefined ? usedHeader : limit - remaining,
    resetAt: new Date(reset * 1000),
    resource: String(headers['x-ratelimit-resource'] ?? 'core'),
  };
}
