/**
 * The base of the in-memory GitHub: the repository's git history, the
 * request count, scripted failures and the clock.
 */
import type { Clock } from '../runtime/clock.js';
import { FakeRepository } from './fake-repository.js';
import type { GitHubPort, RepoRef } from './port.js';
import { RequestBudget } from './request-budget.js';
import type { CallCounts, RateLimitState } from './request-budget.js';

/** Where a REST call of each verb would go, for `calls()`. */
export const ROUTES: Record<string, string> = {
  getContent: 'GET /repos/{owner}/{repo}/contents/{path}',
  putContent: 'PUT /repos/{owner}/{repo}/contents/{path}',
  getRef: 'GET /repos/{owner}/{repo}/git/ref/{ref}',
  createRef: 'POST /repos/{owner}/{repo}/git/refs',
  updateRef: 'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
  getBranch: 'GET /repos/{owner}/{repo}/branches/{branch}',
  createDeployment: 'POST /repos/{owner}/{repo}/deployments',
  listDeployments: 'GET /repos/{owner}/{repo}/deployments',
  createDeploymentStatus: 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
  listDeploymentStatuses: 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
  createCheckRun: 'POST /repos/{owner}/{repo}/check-runs',
  updateCheckRun: 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}',
  createCommitStatus: 'POST /repos/{owner}/{repo}/statuses/{sha}',
  findPullRequest: 'GET /repos/{owner}/{repo}/pulls',
  createPullRequest: 'POST /repos/{owner}/{repo}/pulls',
  updatePullRequest: 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}',
  requestReviewers: 'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers',
  pullRequestApprovals: 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
  addLabels: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
  ensureLabel: 'GET /repos/{owner}/{repo}/labels/{name}',
  findIssue: 'GET /repos/{owner}/{repo}/issues',
  listIssues: 'GET /repos/{owner}/{repo}/issues',
  createIssue: 'POST /repos/{owner}/{repo}/issues',
  updateIssue: 'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
  upsertComment: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
  getEnvironment: 'GET /repos/{owner}/{repo}/environments/{environment_name}',
  listEnvironments: 'GET /repos/{owner}/{repo}/environments',
  listRunApprovals: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals',
  compareDependencies: 'GET /repos/{owner}/{repo}/dependency-graph/compare/{basehead}',
  enableAutoMerge: 'POST /graphql',
  teamMembership: 'GET /orgs/{org}/teams/{team_slug}/memberships/{username}',
};

/** Verbs of the port, as `failNext` takes them. */
export type FakeVerb = Exclude<keyof GitHubPort, 'repoRef' | 'calls' | 'rateLimit'>;

const FIXED_CLOCK: Clock = { now: () => new Date('2026-01-01T00:00:00Z') };

/** State and plumbing shared by the fake's verbs. */
export class FakeGitHubBase {
  readonly git = new FakeRepository();
  private readonly budget = new RequestBudget();
  private readonly failures = new Map<string, Error[]>();
  protected readonly protectedBranches = new Set<string>();
  protected nextId = 1;

  constructor(
    readonly repoRef: RepoRef = { owner: 'acme', repo: 'shop' },
    protected readonly clock: Clock = FIXED_CLOCK,
    /** The hourly budget `rateLimit()` reports against (a `GITHUB_TOKEN` gets 1,000). */
    private readonly hourlyLimit = 1000,
  ) {}

  /** Creates (or moves) branch `name` to a new commit with `files`; returns the commit SHA. */
  seedBranch(
    name: string,
    files: Readonly<Record<string, string>> = {},
    options: { protected?: boolean; from?: string } = {},
  ): string {
    const parent = options.from
      ? (this.git.resolve(options.from)?.sha ?? null)
      : (this.git.refs.get(`heads/${name}`) ?? null);
    const c = this.git.commit(parent, files, `seed ${name}`);
    this.git.refs.set(`heads/${name}`, c.sha);
    if (options.protected) this.protectedBranches.add(name);
    return c.sha;
  }

  /** The next call of `verb` throws `error` instead of running (repeat to fail several). */
  failNext(verb: FakeVerb, error: Error): void {
    const list = this.failures.get(verb) ?? [];
    list.push(error);
    this.failures.set(verb, list);
  }

  fileAt(ref: string, path: string): string | undefined {
    return this.git.resolve(ref)?.files.get(path);
  }

  /** Counts the request the REST port would send first for `verb`, then fails if told to. */
  protected enter(verb: string): void {
    this.count(ROUTES[verb] ?? `POST /${verb}`);
    const queued = this.failures.get(verb);
    const err = queued?.shift();
    if (err) throw err;
  }

  /** Counts a further request (`METHOD /route`) that the REST port sends for the same verb. */
  protected count(route: string): void {
    const [method = 'GET', path = '/'] = route.split(' ');
    this.budget.count(method, path);
  }

  calls(): CallCounts {
    return this.budget.calls();
  }

  rateLimit(): RateLimitState | null {
    const used = this.budget.calls().total;
    return {
      limit: this.hourlyLimit,
      remaining: Math.max(0, this.hourlyLimit - used),
      used,
      resetAt: new Date(this.clock.now().getTime() + 3_600_000),
      resource: 'core',
    };
  }
}
