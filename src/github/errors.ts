/**
 * Errors of the GitHub port. Each names the verb that failed and GitHub's
 * status, so a stopped deployment says which call stopped it and why.
 */

/** A GitHub call that failed for good (after any retries that were allowed). */
export class GitHubError extends Error {
  override readonly name: string = 'GitHubError';
  constructor(
    /** The port verb, such as `putContent`. */
    readonly verb: string,
    /** GitHub's HTTP status; 500 when no answer arrived in time. */
    readonly status: number,
    detail: string,
    /** `METHOD /route/{template}` of the request that failed, when known. */
    readonly route?: string,
  ) {
    super(`GitHub ${verb} failed with ${status}${route ? ` (${route})` : ''}: ${detail}`);
  }
}

/**
 * A compare-and-swap lost: the blob or ref changed since it was read, a ref
 * update was not a fast-forward, or the thing to create exists already.
 * The caller reads again and decides; Bellwether never overwrites.
 */
export class ConflictError extends GitHubError {
  override readonly name = 'ConflictError';
  constructor(verb: string, status: number, detail: string, route?: string) {
    super(verb, status, detail, route);
  }
}

/** True when `err` is a lost compare-and-swap. */
export function isConflict(err: unknown): err is ConflictError {
  return err instanceof ConflictError;
}

/** The status and message of anything Octokit threw, without trusting its shape. */
export function httpFacts(err: unknown): { status: number; message: string; headers: Record<string, string> } {
  const e = err as { status?: unknown; message?: unknown; response?: { headers?: Record<string, string> } } | null;
  const status = typeof e?.status === 'number' ? e.status : 0;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return { status, message, headers: e?.response?.headers ?? {} };
}
