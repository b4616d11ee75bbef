/**
 * Faults of the GitHub server, as GitHub produces them, for both the nock
 * harness (`github-nock.ts`) and the local server (`github-server.ts`):
 *
 *   gh.fault('POST /repos/{owner}/{repo}/issues', fault.serverError(502, { afterWrite: true }))
 *
 * A fault applies to the next `times` matching calls (1 unless told). A fault
 * with `afterWrite` lets GitHub do the work (the matching expectation is
 * consumed and recorded as applied) and then loses the answer; without it
 * GitHub refuses before doing anything.
 */

export interface Fault {
  /** For messages, such as `502` or `secondary rate limit 429`. */
  readonly name: string;
  /** The status sent; absent for a malformed body (the expectation's status is kept). */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Wait this long before answering (a timeout when longer than the client's). */
  readonly delayMs?: number;
  /** Send a truncated JSON body instead of the expectation's body. */
  readonly malformed?: boolean;
  /** GitHub did the work, then the answer was lost. */
  readonly afterWrite: boolean;
}

const DOCS = 'https://docs.github.com/rest';

/** Builders of the faults GitHub is known to produce. */
export const fault = {
  /** A 5xx answer (GitHub's "Server Error" or a gateway's). */
  serverError(status: 500 | 502 | 503 | 504 = 502, options: { afterWrite?: boolean } = {}): Fault {
    return {
      name: String(status),
      status,
      body: { message: status === 502 ? 'Server Error' : 'Service Unavailable' },
      afterWrite: options.afterWrite ?? false,
    };
  },
  /** GitHub's secondary rate limit: 403 or 429 with `retry-after` in seconds. */
  secondaryRateLimit(options: { status?: 403 | 429; retryAfter?: number } = {}): Fault {
    const status = options.status ?? 403;
    const headers: Record<string, string> = {
      'x-ratelimit-remaining': '4000',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    };
    if (options.retryAfter !== undefined) headers['retry-after'] = String(options.retryAfter);
    return {
      name: `secondary rate limit ${status}`,
      status,
      headers,
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits`,
      },
      afterWrite: false,
    };
  },
  /** The primary rate limit spent: 403 with `x-ratelimit-remaining: 0`, reset in `resetInSeconds`. */
  primaryRateLimit(options: { resetInSeconds?: number } = {}): Fault {
    const reset = Math.floor(Date.now() / 1000) + (options.resetInSeconds ?? 0);
    return {
      name: 'primary rate limit 403',
      status: 403,
      headers: {
        'x-ratelimit-remaining': '0',
        'x-ratelimit-limit': '1000',
        'x-ratelimit-used': '1000',
        'x-ratelimit-reset': String(reset),
      },
      body: {
        message: 'API rate limit exceeded for installation ID 1.',
        documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
      },
      afterWrite: false,
    };
  },
  /** 409: a stale SHA, a merge conflict. */
  conflict(status: 409 = 409, message = 'Conflict'): Fault {
    return { name: String(status), status, body: { message, documentation_url: DOCS }, afterWrite: false };
  },
  /** 422 with GitHub's message, such as `Reference already exists` or `Update is not a fast forward`. */
  unprocessable(status: 422 = 422, message = 'Validation Failed'): Fault {
    return {
      name: String(status),
      status,
      body: { message, documentation_url: DOCS, status: '422' },
      afterWrite: false,
    };
  },
  /** No answer for `ms` (then a 504); with `afterWrite`, the work was done meanwhile. */
  timeout(ms: number, options: { afterWrite?: boolean } = {}): Fault {
    return {
      name: `timeout ${ms} ms`,
      status: 504,
      delayMs: ms,
      body: { message: 'Gateway Timeout' },
      afterWrite: options.afterWrite ?? false,
    };
  },
  /** The work is done and the answer's JSON is cut short. */
  malformedBody(): Fault {
    return { name: 'malformed body', malformed: true, afterWrite: true };
  },
};
