/**
 * The HTTP exchange shared by the metric providers: one attempt has a
 * deadline, 5xx, 429 and network failures are retried with exponential
 * backoff, and the caller always gets a value back (never an exception), so
 * that a failing metrics server becomes "no data, because …".
 */
import type { Sleep } from '../runtime/clock.js';
import { errorMessage } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Extra attempts after the first. */
  readonly retries: number;
  /** Delay before the first retry; doubled for each further one. */
  readonly baseDelayMs: number;
  /** No single wait is longer than this, whatever the server asks. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

/** The effects an HTTP provider needs; tests pass fakes. */
export interface HttpDeps {
  readonly fetch: typeof fetch;
  readonly sleep: Sleep;
  /** For jitter; `() => 1` makes the waits exact. */
  readonly random?: () => number;
  /** Retries are logged at debug level, without the query string. */
  readonly logger?: Logger;
}

export interface HttpRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  /** How long the server asked us to wait, read from its headers; undefined when it did not say. */
  readonly serverDelayMs?: (headers: Headers) => number | undefined;
}

/** The last answer the server gave, or why there was none. */
export type HttpAnswer =
  | { readonly ok: true; readonly status: number; readonly headers: Headers; readonly body: string; readonly attempts: number }
  | { readonly ok: false; readonly reason: string; readonly attempts: number };

/** `Retry-After` in seconds or as an HTTP date, in milliseconds. */
export function retryAfterMs(headers: Headers, now: number = Date.now()): number | undefined {
  const raw = headers.get('retry-after');
  if (raw === null) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function retryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/** The wait before retry number `n` (0-based), with full jitter between half and all of it. */
export function backoffMs(policy: RetryPolicy, n: number, random: () => number, serverMs?: number): number {
  const exp = policy.baseDelayMs * 2 ** n;
  const jittered = exp * (0.5 + 0.5 * random());
  return Math.min(policy.maxDelayMs, Math.max(jittered, serverMs ?? 0));
}

/**
 * Sends the request, retrying as the policy allows. A final 4xx or 5xx is
 * returned as an answer so that the provider can read the server's own
 * explanation from the body.
 */
export async function exchange(req: HttpRequest, deps: HttpDeps): Promise<HttpAnswer> {
  const random = deps.random ?? Math.random;
  let attempts = 0;
  let lastFailure = '';
  for (let n = 0; n <= req.retry.retries; n++) {
    attempts++;
    let serverMs: number | undefined;
    try {
      const res = await deps.fetch(req.url, {
        method: req.method ?? 'GET',
        headers: req.headers,
        body: req.body,
        signal: AbortSignal.timeout(req.timeoutMs),
      });
      const body = await res.text();
      if (!retryable(res.status) || n === req.retry.retries) {
        return { ok: true, status: res.status, headers: res.headers, body, attempts };
      }
      serverMs = req.serverDelayMs?.(res.headers) ?? retryAfterMs(res.headers);
      lastFailure = `HTTP ${res.status}`;
    } catch (err) {
      lastFailure = describeFetchError(err, req.timeoutMs);
      if (n === req.retry.retries) break;
    }
    const wait = backoffMs(req.retry, n, random, serverMs);
    deps.logger?.debug(`${lastFailure} from ${endpoint(req.url)}; retry ${n + 1} of ${req.retry.retries} in ${Math.round(wait)} ms`);
    await deps.sleep(wait);
  }
  return { ok: false, reason: `${lastFailure} after ${attempts} attempt${attempts === 1 ? '' : 's'}`, attempts };
}

function endpoint(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'the server';
  }
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `request failed: ${errorMessage(err)}${cause}`;
}

/** The start of a body for an error message, on one line. */
export function snippet(body: string, max = 120): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** True when a body looks like an HTML page (a proxy's or load balancer's error page). */
export function looksLikeHtml(body: string, contentType: string | null): boolean {
  if (contentType?.includes('text/html')) return true;
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(body);
}
