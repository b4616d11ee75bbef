/**
 * The HTTP exchange shared by the metric providers: one attempt has a
 * deadline, 5xx, 429 and network failures are retried with exponential
 * backoff, and the caller always gets a value back (never an exception), so
 * that a failing metrics server becomes "no data, because …".
 */
import type { Sleep } from '../runtime/clock.js';
import { errorMessage } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { processSecrets, SecretRegistry } from '../runtime/secrets.js';

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
  /**
   * The credentials this request carries. A server may copy them into its
   * answer (an error that echoes the request's headers), so they are removed
   * from the body and from every failure before the caller sees either.
   */
  readonly secrets?: readonly string[];
  /**
   * The deadline of the whole decision this request serves: once it fires,
   * the attempt in flight is abandoned and no retry is made.
   */
  readonly signal?: AbortSignal;
}

/** The last answer the server gave, or why there was none. */
export type HttpAnswer =
  | {
      readonly ok: true;
      readonly status: number;
      readonly headers: Headers;
      readonly body: string;
      readonly attempts: number;
    }
  | { readonly ok: false; readonly reason: string; readonly attempts: number; readonly deadline?: true };

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
  const hide = redactorFor(req.secrets);
  let attempts = 0;
  let lastFailure = '';
  for (let n = 0; n <= req.retry.retries; n++) {
    if (req.signal?.aborted)
      return { ok: false, reason: deadlineReason(req.signal, lastFailure, attempts), attempts, deadline: true };
    attempts++;
    let serverMs: number | undefined;
    try {
      const timeout = AbortSignal.timeout(req.timeoutMs);
      const res = await deps.fetch(req.url, {
        method: req.method ?? 'GET',
        headers: req.headers,
        body: req.body,
        signal: req.signal ? AbortSignal.any([timeout, req.signal]) : timeout,
      });
      const body = hide(await res.text());
      if (!retryable(res.status) || n === req.retry.retries) {
        return { ok: true, status: res.status, headers: res.headers, body, attempts };
      }
      serverMs = req.serverDelayMs?.(res.headers) ?? retryAfterMs(res.headers);
      lastFailure = `HTTP ${res.status}`;
    } catch (err) {
      if (req.signal?.aborted)
        return { ok: false, reason: deadlineReason(req.signal, lastFailure, attempts), attempts, deadline: true };
      lastFailure = hide(describeFetchError(err, req.timeoutMs));
      if (n === req.retry.retries) break;
    }
    const wait = backoffMs(req.retry, n, random, serverMs);
    deps.logger?.debug(
      `${lastFailure} from ${endpoint(req.url)}; retry ${n + 1} of ${req.retry.retries} in ${Math.round(wait)} ms`,
    );
    await sleepUnlessAborted(deps.sleep, wait, req.signal);
  }
  return { ok: false, reason: `${lastFailure} after ${attempts} attempt${attempts === 1 ? '' : 's'}`, attempts };
}

/**
 * Removes this request's credentials and every secret of the process from
 * text the server sent; the redaction happens before the text can become a
 * reason, which may be committed, posted or printed.
 */
function redactorFor(secrets: readonly string[] | undefined): (text: string) => string {
  const own = new SecretRegistry();
  for (const s of secrets ?? []) own.add(s);
  return (text) => processSecrets.redact(own.redact(text));
}

/** Why a request stopped at the decision's deadline, with what the last attempt had seen. */
function deadlineReason(signal: AbortSignal, lastFailure: string, attempts: number): string {
  const why =
    signal.reason instanceof Error && signal.reason.name !== 'AbortError' && signal.reason.name !== 'TimeoutError'
      ? signal.reason.message
      : 'the deadline for the metrics passed';
  const tried =
    attempts === 0
      ? 'before the request was sent'
      : `after ${attempts} attempt${attempts === 1 ? '' : 's'}${lastFailure ? ` (last: ${lastFailure})` : ''}`;
  return `${why} ${tried}`;
}

/** Waits, but not past the deadline: an abandoned decision must not keep the process alive. */
async function sleepUnlessAborted(sleep: Sleep, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  if (signal.aborted) return;
  let onAbort: () => void = () => {};
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([sleep(ms, signal), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
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

/**
 * How much of a server's own error message a reason keeps. Reasons are
 * committed to manifests and posted to pull requests: enough to act on, not
 * a copy of whatever the server chose to send.
 */
export const ERROR_EXCERPT = 200;

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
