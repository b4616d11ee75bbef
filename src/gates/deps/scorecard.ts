/**
 * OpenSSF Scorecard scores of source repositories, from the public Scorecard
 * API (`GET https://api.securityscorecards.dev/projects/{host}/{owner}/{repo}`,
 * which answers `{ "score": 7.4, "date": ..., "checks": [...] }`, or 404 for a
 * project it has not scored). The review is pure and takes the scores as a
 * map; this module fetches them, a few at a time, and never guesses: a
 * project that cannot be read has no score, which the policy's `missing`
 * setting judges.
 */

/** Hosts the Scorecard API scores. */
const HOSTS = new Set(['github.com', 'gitlab.com']);

/**
 * The Scorecard project of a source repository URL (`github.com/owner/repo`),
 * or undefined when the URL names no repository on a host the API covers.
 */
export function scorecardProject(url: string | null): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/^git\+/, ''));
  } catch {
    return undefined;
  }
  const host = parsed.hostname.toLowerCase().replace(/^www\./, '');
  const parts = parsed.pathname
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (!HOSTS.has(host) || parts.length < 2) return undefined;
  return `${host}/${parts[0]}/${parts[1]}`.toLowerCase();
}

/** What the fetch reports beside the scores: projects that could not be read, with why. */
export interface ScorecardResult {
  readonly scores: ReadonlyMap<string, number>;
  readonly unreadable: ReadonlyArray<{ readonly project: string; readonly message: string }>;
}

export interface ScorecardOptions {
  /** `fetch`, so that tests and proxies can stand in; the global one by default. */
  readonly fetch?: typeof fetch;
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  readonly concurrency?: number;
}

/** Fetches the scores of `projects` (as `scorecardProject` names them). Never throws for one project's failure. */
export async function fetchScorecards(
  projects: Iterable<string>,
  options: ScorecardOptions = {},
): Promise<ScorecardResult> {
  const doFetch = options.fetch ?? fetch;
  const base = (options.baseUrl ?? 'https://api.securityscorecards.dev').replace(/\/$/, '');
  const queue = [...new Set(projects)];
  const scores = new Map<string, number>();
  const unreadable: Array<{ project: string; message: string }> = [];
  const one = async (project: string): Promise<void> => {
    try {
      const res = await doFetch(`${base}/projects/${project}`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (res.status === 404) return;
      if (!res.ok) {
        unreadable.push({ project, message: `the Scorecard API answered ${res.status}` });
        return;
      }
      const body = (await res.json()) as { score?: unknown };
      if (typeof body.score === 'number' && Number.isFinite(body.score) && body.score >= 0 && body.score <= 10)
        scores.set(project, body.score);
      else unreadable.push({ project, message: 'the Scorecard API answered without a score from 0 to 10' });
    } catch (err) {
      unreadable.push({ project, message: `the Scorecard API could not be read: ${(err as Error).message}` });
    }
  };
  const workers = Array.from({ length: Math.min(options.concurrency ?? 4, queue.length) }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) await one(next);
  });
  await Promise.all(workers);
  return { scores, unreadable };
}
