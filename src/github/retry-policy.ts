/**
 * When Bellwether repeats a GitHub request, and when it must not.
 *
 * The rule that keeps a write from happening twice: a request is repeated
 * blindly only when GitHub certainly did nothing, or when doing it again
 * leaves the same end state.
 *
 * - Rate limits (403 or 429 with `retry-after`, `x-ratelimit-remaining: 0`, or
 *   GitHub's "secondary rate limit" message): GitHub refused before doing any
 *   work, so every method is retried after the time GitHub names, a bounded
 *   number of times (the throttling plugin).
 * - 5xx answers, timeouts, dropped connections and unparseable bodies: GitHub
 *   may or may not have done the work. Only idempotent requests are repeated
 *   (see `isIdempotent`). A POST that creates something is never repeated
 *   here; the port verb that made it first looks for what it would have
 *   created (a marker, a ref name, a head branch) and only then creates again.
 * - `DO_NOT_RETRY` statuses are answers about the request itself; repeating
 *   it cannot change them.
 *
 * Pure functions only, so that the table of cases is tested directly.
 */

/**
 * Statuses that are never retried by the retry plugin.
 *
 * 400 bad request, 401 bad credentials, 403 forbidden (a 403 that is a rate
 * limit goes to the throttling plugin instead), 404 not found, 409 conflict
 * (a stale SHA: the caller must read again), 410 gone, 422 validation failed
 * (also a stale SHA or an existing ref), 451 unavailable for legal reasons,
 * and 429 (always a rate limit, handled by the throttling plugin).
 */
export const DO_NOT_RETRY: readonly number[] = [400, 401, 403, 404, 409, 410, 422, 429, 451];

/**
 * POST routes whose effect is a set union, so repeating them changes nothing:
 * adding labels that are already there, requesting reviewers already requested.
 */
const IDEMPOTENT_POSTS: ReadonlySet<string> = new Set([
  'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
  'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
]);

/**
 * PUT routes that are not idempotent: writing a file makes a commit, and the
 * same PUT again fails on the SHA it named (a false conflict) or commits twice.
 * `putContent` reads the file back instead.
 */
const CREATING_PUTS: ReadonlySet<string> = new Set(['PUT /repos/{owner}/{repo}/contents/{path}']);

/**
 * True when sending the request twice leaves the same state as sending it once.
 *
 * GET and HEAD read; PUT and DELETE name their target and replace or remove it;
 * PATCH in Bellwether always addresses one resource by id and sets fields to
 * values, except a check-run PATCH that carries annotations: GitHub appends
 * those, so sending it twice would show every annotation twice. A GraphQL
 * query reads (mutations are POSTs like any other). `route` is Octokit's
 * template, such as `POST /repos/{owner}/{repo}/issues`; `params` are the
 * request's parameters (the GraphQL `query`, the check run's `output`).
 */
export function isIdempotent(method: string, route: string, params: Readonly<Record<string, unknown>> = {}): boolean {
  const m = method.toUpperCase();
  if (CREATING_PUTS.has(`${m} ${route}`)) return false;
  if (m === 'PATCH' && route === '/repos/{owner}/{repo}/check-runs/{check_run_id}')
    return !carriesAnnotations(params['output']);
  if (m === 'GET' || m === 'HEAD' || m === 'PUT' || m === 'DELETE' || m === 'PATCH') return true;
  if (m !== 'POST') return false;
  if (IDEMPOTENT_POSTS.has(`${m} ${route}`)) return true;
  const query = params['query'];
  if (route === '/graphql' && typeof query === 'string') return !/^\s*mutation\b/.test(stripGraphqlComments(query));
  return false;
}

function carriesAnnotations(output: unknown): boolean {
  const annotations = (output as { annotations?: unknown } | null | undefined)?.annotations;
  return Array.isArray(annotations) && annotations.length > 0;
}

function stripGraphqlComments(query: string): string {
  return query.replace(/#[^\n]*/g, '');
}

/** What GitHub's answer tells Bellwether to do. */
export type FailureKind = 'rate-limit' | 'transient' | 'final';

/** The parts of a failed response that the classification reads. */
export interface FailureFacts {
  /** HTTP status; 500 when no answer arrived (timeout, connection dropped). */
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | number | undefined>>;
  readonly message?: string;
}

/**
 * Sorts a failure into a rate limit (GitHub did nothing; wait and retry any
 * method), a transient failure (retry only idempotent requests) or a final
 * answer (never retry).
 */
export function classifyFailure(facts: FailureFacts): FailureKind {
  const { status } = facts;
  if (status === 429) return 'rate-limit';
  if (status === 403 && isRateLimitAnswer(facts)) return 'rate-limit';
  if (status >= 500) return 'transient';
  return 'final';
}

function isRateLimitAnswer(facts: FailureFacts): boolean {
  const h = facts.headers ?? {};
  if (h['retry-after'] !== undefined) return true;
  if (String(h['x-ratelimit-remaining'] ?? '') === '0') return true;
  return /\b(secondary )?rate limit\b/i.test(facts.message ?? '');
}
