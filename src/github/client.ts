/**
 * The only place in Bellwether that builds an Octokit.
 *
 * Octokit from `@octokit/core` with `@octokit/plugin-retry` and
 * `@octokit/plugin-throttling` (Bellwether calls `request(route)` only, so
 * `@octokit/rest`'s generated method for every endpoint is not loaded), under a request policy of Bellwether's own
 * (see `retry-policy.ts` for the rules and the do-not-retry list):
 * - rate limits are waited out and retried for every method, a bounded number
 *   of times, honouring `retry-after`;
 * - 5xx answers, timeouts and unparseable bodies are retried only for
 *   idempotent requests; a creating POST fails fast so that its port verb can
 *   look for what it may already have created before creating again;
 * - every attempt has its own timeout (`AbortSignal.timeout`);
 * - repeated GETs are conditional (`If-None-Match`), and a 304 is answered
 *   from the cache without spending rate limit;
 * - every request is counted by route, and the rate-limit headers are kept.
 *
 * Nothing is built at import time: entrypoints call `createGitHubClient` once
 * and pass the result down in `Deps`.
 */
import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { ConfigurationError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { httpFacts } from './errors.js';
import { RequestBudget } from './request-budget.js';
import { classifyFailure, DO_NOT_RETRY, isIdempotent } from './retry-policy.js';

/** Options of `createGitHubClient`. */
export interface GitHubClientOptions {
  /** A `GITHUB_TOKEN`, an App installation token or a personal token. Masked in every log. */
  readonly token: string;
  /** `https://api.github.com` unless GitHub Enterprise Server (`https://host/api/v3`) or a test server. */
  readonly baseUrl?: string;
  readonly userAgent?: string;
  readonly logger: Logger;
  /** Retries after a transient failure or a rate limit; 3 unless told. */
  readonly retries?: number;
  /** Time allowed for one attempt before it is abandoned; 30 s unless told. */
  readonly requestTimeoutMs?: number;
  /**
   * The length of one back-off unit, 1000 ms unless told. Transient failures
   * wait 1, 4, 9 units; a rate limit waits the `retry-after` seconds in units;
   * writes are spaced one unit apart as GitHub asks. Tests pass 1.
   */
  readonly minRetryDelayMs?: number;
  /** Longest rate-limit wait, in seconds, that is worth waiting for inside a job; 900 unless told. */
  readonly maxRateLimitWaitSeconds?: number;
}

interface CachedGet {
  readonly etag: string;
  readonly response: unknown;
}

interface PolicyConfig {
  readonly budget: RequestBudget;
  readonly timeoutMs: number;
  readonly etags: Map<string, CachedGet>;
}

const ETAG_CACHE_SIZE = 500;

/** Builds the GitHub client. Call once per process, in an entrypoint. */
export function createGitHubClient(options: GitHubClientOptions) {
  const { logger } = options;
  if (!options.token)
    throw new ConfigurationError('a GitHub token is required (the `token` input or GITHUB_TOKEN)', { field: 'token' });
  logger.mask(options.token);
  const retries = options.retries ?? 3;
  const unit = options.minRetryDelayMs ?? 1000;
  const maxWait = options.maxRateLimitWaitSeconds ?? 900;
  const budget = new RequestBudget();
  const policy: PolicyConfig = { budget, timeoutMs: options.requestTimeoutMs ?? 30_000, etags: new Map() };

  const onLimit =
    (kind: string) =>
    (retryAfter: number, req: { method?: string; url?: string }, _octokit: unknown, retryCount: number): boolean => {
      const what = `${req.method ?? ''} ${req.url ?? ''}`.trim();
      if (retryCount >= retries) {
        logger.warning(`GitHub ${kind} rate limit on ${what}: giving up after ${retryCount} retries`);
        return false;
      }
      if (retryAfter > maxWait) {
        logger.warning(
          `GitHub ${kind} rate limit on ${what}: retry-after ${retryAfter}s is longer than ${maxWait}s; giving up`,
        );
        return false;
      }
      logger.info(
        `GitHub ${kind} rate limit on ${what}: retrying after ${retryAfter}s (retry ${retryCount + 1} of ${retries})`,
      );
      return true;
    };

  const BellwetherOctokit = Octokit.plugin(requestPolicy, retry, throttling);
  // Per-client groups: the plugin's shared default spaces writes a fixed second apart.
  const spacing = (minTime: number) => new Bottleneck.Group({ maxConcurrent: 1, minTime });
  const octokit = new BellwetherOctokit({
    auth: options.token,
    baseUrl: options.baseUrl ?? 'https://api.github.com',
    userAgent: options.userAgent ?? 'bellwether',
    bellwetherPolicy: policy,
    // Octokit logs each failed attempt as an error; the port reports the final
    // failure with its verb, so attempts are debug lines.
    log: {
      debug: (m: string) => logger.debug(m),
      info: (m: string) => logger.debug(m),
      warn: (m: string) => logger.warning(m),
      error: (m: string) => logger.debug(m),
    },
    retry: { doNotRetry: [...DO_NOT_RETRY], retries, retryAfterBaseValue: unit },
    throttle: {
      retryAfterBaseValue: unit,
      write: spacing(unit),
      notifications: spacing(unit * 3),
      search: spacing(unit * 2),
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
    },
  });
  return Object.assign(octokit, {
    /** Requests sent so far, by route. */
    calls: () => budget.calls(),
    /** The rate limit GitHub reported last, or null before any answer. */
    rateLimit: () => budget.rateLimit(),
  });
}

/** The client type, derived from the factory so that plugins' methods are typed. */
export type GitHubClient = ReturnType<typeof createGitHubClient>;

type RequestFn = (
  options: Record<string, unknown>,
) => Promise<{ status: number; headers: Record<string, string>; data: unknown }>;

/**
 * Bellwether's request policy, registered before the retry and throttling
 * plugins so that it sees every attempt: it times the attempt out, counts it,
 * makes GETs conditional, and tells the retry plugin not to repeat a
 * non-idempotent request after a transient failure.
 */
const requestPolicy: Parameters<typeof Octokit.plugin>[0] = (octokit, octokitOptions) => {
  const cfg = (octokitOptions as Record<string, unknown>)['bellwetherPolicy'] as PolicyConfig | undefined;
  if (!cfg) return;
  octokit.hook.wrap('request', async (request, options) => {
    const send = request as unknown as RequestFn;
    const opts = options as unknown as Record<string, unknown> & {
      method: string;
      url: string;
      request: Record<string, unknown>;
      headers: Record<string, string>;
    };
    const method = opts.method.toUpperCase();
    const route = opts.url;
    const idempotent = isIdempotent(method, route, opts);
    const cacheKey = method === 'GET' ? conditionalKey(opts) : null;
    const cached = cacheKey ? cfg.etags.get(cacheKey) : undefined;
    // Octokit's hooks share one options object (each layer is bound to it), so
    // the attempt's timeout and validator are set on it in place (a caller's
    // own signal is replaced: every attempt gets the same time).
    opts.request['signal'] = AbortSignal.timeout(cfg.timeoutMs);
    if (cached) opts.headers['if-none-match'] = cached.etag;
    cfg.budget.count(method, route);
    try {
      const response = await send(opts);
      cfg.budget.observe(response.headers);
      if (isMalformed(response)) throw malformedError(response, opts);
      const etag = response.headers['etag'];
      if (cacheKey && etag) remember(cfg.etags, cacheKey, { etag, response });
      return response as never;
    } catch (err) {
      const facts = httpFacts(err);
      cfg.budget.observe(facts.headers);
      if (facts.status === 304 && cached) {
        cfg.budget.countNotModified();
        return cached.response as never;
      }
      const kind = classifyFailure(facts);
      if (kind === 'transient' && !idempotent) opts.request['retries'] = 0;
      if (kind === 'rate-limit') markAsSecondaryWhenUnrecognised(err, facts);
      throw err;
    }
  });
};

/** Same route and same parameters: the same resource as far as caching goes. */
function conditionalKey(opts: Record<string, unknown>): string {
  const params: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(opts)) {
    if (!['method', 'baseUrl', 'headers', 'mediaType', 'request', 'url'].includes(k)) params[k] = v;
  }
  return `${String(opts['baseUrl'])} ${String(opts['url'])} ${JSON.stringify(params)} ${JSON.stringify(opts['mediaType'] ?? {})}`;
}

function remember(cache: Map<string, CachedGet>, key: string, entry: CachedGet): void {
  cache.delete(key);
  cache.set(key, entry);
  if (cache.size > ETAG_CACHE_SIZE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
}

/** A JSON answer whose body did not parse: Octokit hands back the raw text. */
function isMalformed(response: { headers: Record<string, string>; data: unknown }): boolean {
  const type = response.headers['content-type'] ?? '';
  return /json/i.test(type) && typeof response.data === 'string' && response.data.length > 0;
}

/**
 * An unparseable answer is treated like a 502: the request may have done its
 * work, but Bellwether cannot know what GitHub returned.
 */
function malformedError(
  response: { status: number; headers: Record<string, string>; data: unknown },
  opts: Record<string, unknown>,
): Error {
  const err = new Error(`malformed JSON in a ${response.status} answer`) as Error & {
    status: number;
    request: unknown;
    response: unknown;
  };
  err.name = 'HttpError';
  err.status = 502;
  err.request = { method: opts['method'], url: opts['url'], headers: opts['headers'], request: opts['request'] };
  err.response = response;
  return err;
}

/**
 * GitHub documents any 403 or 429 with `retry-after` as a rate limit, but the
 * throttling plugin recognises a secondary limit by its message. Naming it in
 * the message lets the plugin wait out the `retry-after` GitHub gave.
 */
function markAsSecondaryWhenUnrecognised(
  err: unknown,
  facts: { message: string; headers: Record<string, string> },
): void {
  if (/\bsecondary rate\b/i.test(facts.message) || String(facts.headers['x-ratelimit-remaining']) === '0') return;
  if (err instanceof Error) err.message = `${err.message} (secondary rate limit)`;
}
