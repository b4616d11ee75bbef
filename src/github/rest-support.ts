/**
 * Plumbing of the REST adapter: calling a route with the verb's name on any
 * failure, creating at most once after a lost answer, and turning GitHub's
 * objects into Bellwether's domain values.
 */
import { ConflictError, GitHubError, httpFacts } from './errors.js';
import { classifyFailure } from './retry-policy.js';
import type { CheckRun, Deployment, DeploymentState, DeploymentStatus, Issue, PullRequest } from './port.js';

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
export function toPortError(verb: string, route: string, err: unknown, isConflict: (status: number, message: string) => boolean = () => false): GitHubError {
  if (err instanceof GitHubError) return err;
  const { status, message } = httpFacts(err);
  const cause = err as { cause?: { name?: string } };
  const detail = cause?.cause?.name === 'TimeoutError' || /aborted due to timeout/i.test(message) ? `no answer in time (${message})` : message;
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
  if (!Array.isArray(data)) throw new GitHubError(verb, 502, `expected a list, got: ${JSON.stringify(data).slice(0, 200)}`);
  return data as Record<string, unknown>[];
}

type Raw = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const labelsOf = (v: unknown): string[] =>
  Array.isArray(v) ? v.map((l) => (typeof l === 'string' ? l : str((l as Raw | null)?.['name']))).filter(Boolean) : [];

export function toDeployment(d: Raw): Deployment {
  const payload = d['payload'];
  return {
    id: num(d['id']),
    sha: str(d['sha']),
    ref: str(d['ref']),
    environment: str(d['environment']),
    task: str(d['task']),
    description: strOrNull(d['description']),
    payload: payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Raw) : {},
    createdAt: str(d['created_at']),
  };
}

export function toDeploymentStatus(s: Raw): DeploymentStatus {
  return {
    id: num(s['id']),
    state: str(s['state']) as DeploymentState,
    description: str(s['description']),
    environmentUrl: strOrNull(s['environment_url']) || null,
    logUrl: strOrNull(s['log_url']) || null,
    createdAt: str(s['created_at']),
  };
}

export function toCheckRun(c: Raw): CheckRun {
  return {
    id: num(c['id']),
    name: str(c['name']),
    headSha: str(c['head_sha']),
    externalId: strOrNull(c['external_id']),
    status: str(c['status']),
    conclusion: strOrNull(c['conclusion']),
  };
}

export function toPullRequest(p: Raw): PullRequest {
  const head = (p['head'] ?? {}) as Raw;
  const base = (p['base'] ?? {}) as Raw;
  return {
    number: num(p['number']),
    nodeId: str(p['node_id']),
    url: str(p['html_url']),
    state: p['state'] === 'closed' ? 'closed' : 'open',
    merged: p['merged'] === true || typeof p['merged_at'] === 'string',
    draft: p['draft'] === true,
    title: str(p['title']),
    body: str(p['body']),
    head: str(head['ref']),
    base: str(base['ref']),
    headSha: str(head['sha']),
    labels: labelsOf(p['labels']),
  };
}

export function toIssue(i: Raw): Issue {
  return {
    number: num(i['number']),
    nodeId: str(i['node_id']),
    url: str(i['html_url']),
    title: str(i['title']),
    body: str(i['body']),
    state: i['state'] === 'closed' ? 'closed' : 'open',
    labels: labelsOf(i['labels']),
    ...(typeof i['created_at'] === 'string' ? { createdAt: i['created_at'] } : {}),
  };
}
