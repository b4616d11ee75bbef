/**
 * Plumbing of the REST adapter: calling a route with the verb's name on any
 * failure, creating at most once after a lost answer, and checking that an
 * answer has the shape expected. Turning GitHub's objects into Bellwether's
 * values is `rest-mappers.ts`.
 */
import { ConflictError, GitHubError, httpFacts } from './errors.js';
import { classifyFailure } from './retry-policy.js';

/** Attempts of a creating request: the first, and one more after looking for what it made. */
export const CREATE_ATTEMPTS = 2;

/** True when GitHub may or may not have done the work (5xx, timeout, unparseable answer). */
export function isLostAnswer(err: unknown): boolean {
  return classifyFailure(httpFacts(err)) === 'transient';
}

/** Status of an Octokit failure, 0 when it is not an HTTP failure. */
export function statusOf(err: unknown): number {
  return httpFacts(err).status;
}

/** A port error naming the verb and route; conflicts become `ConflictError`. */
export function toPortError(
  verb: string,
  route: string,
  err: unknown,
  isConflict: (status: number, message: string) => boolean = () => false,
): GitHubError {
  if (err instanceof GitHubError) return err;
  const { status, message } = httpFacts(err);
  const cause = err as { cause?: { name?: string } };
  const detail =
    cause?.cause?.name === 'TimeoutError' || /aborted due to timeout/i.test(message)
      ? `no answer in time (${message})`
      : message;
  if (status === 409 || isConflict(status, message)) return new ConflictError(verb, status, detail, route);
  return new GitHubError(verb, status, detail, route);
}

/**
 * Creates something at most once. When the answer to the creating request is
 * lost, GitHub may have done it: look for it first, and create again only
 * when it is not there.
 */
export async function createOnce<T>(create: () => Promise<T>, find: () => Promise<T | null>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= CREATE_ATTEMPTS; attempt++) {
    try {
      return await create();
    } catch (err) {
      if (!isLostAnswer(err)) throw err;
      lastError = err;
      const found = await find();
      if (found) return found;
    }
  }
  throw lastError;
}

/** The object GitHub answered, or a clear error when the answer has another shape. */
export function objectOf(verb: string, data: unknown): Record<string, unknown> {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new GitHubError(verb, 502, `unexpected answer: ${JSON.stringify(data).slice(0, 200)}`);
  }
  return data as Record<string, unknown>;
}

/** The array GitHub answered, or a clear error. */
export function arrayOf(verb: string, data: unknown): Record<string, unknown>[] {
  if (!Array.isArray(data))
    throw new GitHubError(verb, 502, `expected a list, got: ${JSON.stringify(data).slice(0, 200)}`);
  return data as Record<string, unknown>[];
}
