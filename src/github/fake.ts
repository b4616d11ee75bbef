/**
 * An in-memory GitHub with the semantics of `RestGitHubPort`, for
 * orchestration tests: compare-and-swap conflicts on contents and refs,
 * fast-forward checks, markers, one sticky comment per marker, the open pull
 * request per head and base, auto-merge state, and a request count per route.
 *
 *   const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' });
 *   const main = github.seedBranch('main', { 'deploy/api/prod.yaml': 'stable: v1\n' });
 *   github.failNext('putContent', new GitHubError('putContent', 502, 'Server Error'));
 */
import type { Clock } from '../runtime/clock.js';
import { ConflictError, GitHubError } from './errors.js';
import { FakeRepository, blobSha } from './fake-repository.js';
import { hasMarker, withMarker } from './markers.js';
import type {
  BranchInfo, CheckRun, CommitStatusInput, CreateCheckRunInput, CreateDeploymentInput, CreateDeploymentStatusInput, CreateIssueInput,
  CreatePullRequestInput, DependencyChange, Deployment, DeploymentFilter, DeploymentStatus, Environment, FileContent, FindIssueOptions,
  GitHubPort, Issue, LabelInput, MergeMethod, PullRequest, PutContentInput, PutContentResult, RefInfo, RepoRef, StickyComment,
  UpdateCheckRunInput, UpdateIssueInput, UpdatePullRequestInput,
} from './port.js';
import { RequestBudget } from './request-budget.js';
import type { CallCounts, RateLimitState } from './request-budget.js';

/** What the fake keeps of an issue or pull request (they share numbers, as on GitHub). */
interface FakeThread {
  number: number;
  kind: 'issue' | 'pull';
  title: string;
  body: string;
  state: 'open' | 'closed';
  labels: string[];
  head?: string;
  base?: string;
  merged?: boolean;
  draft?: boolean;
  reviewers?: { users: string[]; teams: string[] };
  autoMerge?: { method: MergeMethod; enabledAt: string };
  comments: { id: number; body: string }[];
}

/** A check run as the fake keeps it, with every annotation it was sent. */
export interface FakeCheckRun extends CheckRun {
  readonly title: string | null;
  readonly summary: string | null;
  readonly annotationCount: number;
}

/** Where a REST call of each verb would go, for `calls()`. */
const ROUTES: Record<string, string> = {
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
  addLabels: 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels',
  ensureLabel: 'GET /repos/{owner}/{repo}/labels/{name}',
  findIssue: 'GET /repos/{owner}/{repo}/issues',
  createIssue: 'POST /repos/{owner}/{repo}/issues',
  updateIssue: 'PATCH /repos/{owner}/{repo}/issues/{issue_number}',
  upsertComment: 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
  getEnvironment: 'GET /repos/{owner}/{repo}/environments/{environment_name}',
  listEnvironments: 'GET /repos/{owner}/{repo}/environments',
  compareDependencies: 'GET /repos/{owner}/{repo}/dependency-graph/compare/{basehead}',
  enableAutoMerge: 'POST /graphql',
};

const FIXED_CLOCK: Clock = { now: () => new Date('2026-01-01T00:00:00Z') };

/** In-memory `GitHubPort` for orchestration tests. */
export class InMemoryGitHub implements GitHubPort {
  readonly git = new FakeRepository();
  private readonly budget = new RequestBudget();
  private readonly threads = new Map<number, FakeThread>();
  private readonly labels = new Map<string, LabelInput>();
  private readonly deployments: (Deployment & { statuses: DeploymentStatus[] })[] = [];
  private readonly checkRuns: FakeCheckRun[] = [];
  private readonly statuses = new Map<string, (CommitStatusInput & { description: string })[]>();
  private readonly environments = new Map<string, Environment>();
  private readonly dependencyChanges = new Map<string, DependencyChange[]>();
  private readonly protectedBranches = new Set<string>();
  private readonly failures = new Map<string, Error[]>();
  private nextId = 1;
  private nextNumber = 1;

  constructor(
    readonly repoRef: RepoRef = { owner: 'acme', repo: 'shop' },
    private readonly clock: Clock = FIXED_CLOCK,
    /** The hourly budget `rateLimit()` reports against (a `GITHUB_TOKEN` gets 1,000). */
    private readonly hourlyLimit = 1000,
  ) {}

  // ---- arranging a test ----

  /** Creates (or moves) branch `name` to a new commit with `files`; returns the commit SHA. */
  seedBranch(name: string, files: Readonly<Record<string, string>> = {}, options: { protected?: boolean; from?: string } = {}): string {
    const parent = options.from ? (this.git.resolve(options.from)?.sha ?? null) : (this.git.refs.get(`heads/${name}`) ?? null);
    const c = this.git.commit(parent, files, `seed ${name}`);
    this.git.refs.set(`heads/${name}`, c.sha);
    if (options.protected) this.protectedBranches.add(name);
    return c.sha;
  }

  addEnvironment(env: Environment): void {
    this.environments.set(env.name, env);
  }

  setDependencyChanges(base: string, head: string, changes: DependencyChange[]): void {
    this.dependencyChanges.set(`${base}...${head}`, changes);
  }

  /** The next call of `verb` throws `error` instead of running (repeat to fail several). */
  failNext(verb: keyof typeof ROUTES & string, error: Error): void {
    const list = this.failures.get(verb) ?? [];
    list.push(error);
    this.failures.set(verb, list);
  }

  /** Marks a pull request merged (as GitHub would once its checks pass). */
  mergePullRequest(pullNumber: number): void {
    const pr = this.thread(pullNumber, 'pull', 'mergePullRequest');
    pr.state = 'closed';
    pr.merged = true;
  }

  // ---- inspecting a test ----

  fileAt(ref: string, path: string): string | undefined {
    return this.git.resolve(ref)?.files.get(path);
  }

  pullRequests(): PullRequest[] {
    return [...this.threads.values()].filter((t) => t.kind === 'pull').map((t) => this.toPull(t));
  }

  issues(): Issue[] {
    return [...this.threads.values()].filter((t) => t.kind === 'issue').map((t) => this.toIssue(t));
  }

  comments(issueNumber: number): { id: number; body: string }[] {
    return [...(this.threads.get(issueNumber)?.comments ?? [])];
  }

  reviewersOf(pullNumber: number): { users: string[]; teams: string[] } {
    return this.threads.get(pullNumber)?.reviewers ?? { users: [], teams: [] };
  }

  autoMergeOf(pullNumber: number): { method: MergeMethod; enabledAt: string } | null {
    return this.threads.get(pullNumber)?.autoMerge ?? null;
  }

  allCheckRuns(): FakeCheckRun[] {
    return [...this.checkRuns];
  }

  commitStatuses(sha: string): CommitStatusInput[] {
    return [...(this.statuses.get(sha) ?? [])];
  }

  labelNames(): string[] {
    return [...this.labels.keys()];
  }

  // ---- the port ----

  private enter(verb: string): void {
    this.budget.count(...(ROUTES[verb] ?? `POST /${verb}`).split(' ') as [string, string]);
    const queued = this.failures.get(verb);
    const err = queued?.shift();
    if (err) throw err;
  }

  async getContent(path: string, ref: string): Promise<FileContent | null> {
    this.enter('getContent');
    const text = this.git.resolve(ref)?.files.get(path);
    return text === undefined ? null : { path, text, sha: blobSha(text) };
  }

  async putContent(path: string, input: PutContentInput): Promise<PutContentResult> {
    this.enter('putContent');
    const head = this.git.refs.get(`heads/${input.branch}`);
    if (!head) throw new GitHubError('putContent', 404, `branch ${input.branch} not found`, ROUTES['putContent']);
    const current = this.git.getCommit(head)?.files.get(path);
    const currentSha = current === undefined ? null : blobSha(current);
    if (currentSha !== input.expectedSha) {
      const detail = currentSha === null ? `${path} does not exist` : input.expectedSha === null ? `"sha" wasn't supplied` : `${path} is at ${currentSha} but expected ${input.expectedSha}`;
      throw new ConflictError('putContent', currentSha !== null && input.expectedSha === null ? 422 : 409, detail, ROUTES['putContent']);
    }
    const c = this.git.commit(head, { [path]: input.text }, input.message);
    this.git.refs.set(`heads/${input.branch}`, c.sha);
    return { sha: blobSha(input.text), commitSha: c.sha };
  }

  async getRef(ref: string): Promise<RefInfo | null> {
    this.enter('getRef');
    const short = shortRef(ref);
    const sha = this.git.refs.get(short);
    return sha ? { ref: short, sha } : null;
  }

  async createRef(ref: string, sha: string): Promise<RefInfo> {
    this.enter('createRef');
    const short = shortRef(ref);
    if (!this.git.getCommit(sha)) throw new GitHubError('createRef', 422, 'Object does not exist', ROUTES['createRef']);
    const existing = this.git.refs.get(short);
    if (existing && existing !== sha) throw new ConflictError('createRef', 422, `${short} already exists at ${existing}, not ${sha}`, ROUTES['createRef']);
    this.git.refs.set(short, sha);
    return { ref: short, sha };
  }

  async updateRef(ref: string, sha: string, options: { force?: boolean } = {}): Promise<RefInfo> {
    this.enter('updateRef');
    const short = shortRef(ref);
    const current = this.git.refs.get(short);
    if (!current) throw new GitHubError('updateRef', 422, 'Reference does not exist', ROUTES['updateRef']);
    if (!this.git.getCommit(sha)) throw new GitHubError('updateRef', 422, 'Object does not exist', ROUTES['updateRef']);
    if (!options.force && !this.git.isAncestor(current, sha)) throw new ConflictError('updateRef', 422, 'Update is not a fast forward', ROUTES['updateRef']);
    this.git.refs.set(short, sha);
    return { ref: short, sha };
  }

  async getBranch(name: string): Promise<BranchInfo | null> {
    this.enter('getBranch');
    const sha = this.git.refs.get(`heads/${name}`);
    return sha ? { name, sha, protected: this.protectedBranches.has(name) } : null;
  }

  async createDeployment(input: CreateDeploymentInput): Promise<Deployment> {
    this.enter('createDeployment');
    const commit = this.git.resolve(input.ref);
    if (!commit) throw new GitHubError('createDeployment', 422, `No ref found for: ${input.ref}`, ROUTES['createDeployment']);
    const d = {
      id: this.nextId++,
      sha: commit.sha,
      ref: input.ref,
      environment: input.environment,
      task: input.task ?? 'deploy',
      description: input.description ?? '',
      payload: { ...(input.payload ?? {}), bellwetherKey: input.key },
      createdAt: this.clock.now().toISOString(),
      statuses: [] as DeploymentStatus[],
    };
    this.deployments.push(d);
    return stripStatuses(d);
  }

  async listDeployments(filter: DeploymentFilter = {}): Promise<Deployment[]> {
    this.enter('listDeployments');
    return this.deployments
      .filter((d) => (['sha', 'ref', 'environment', 'task'] as const).every((k) => filter[k] === undefined || d[k] === filter[k]))
      .reverse()
      .map(stripStatuses);
  }

  async createDeploymentStatus(deploymentId: number, input: CreateDeploymentStatusInput): Promise<DeploymentStatus> {
    this.enter('createDeploymentStatus');
    const d = this.deployments.find((x) => x.id === deploymentId);
    if (!d) throw new GitHubError('createDeploymentStatus', 404, `deployment ${deploymentId} not found`, ROUTES['createDeploymentStatus']);
    const s: DeploymentStatus = {
      id: this.nextId++,
      state: input.state,
      description: input.description ?? '',
      environmentUrl: input.environmentUrl ?? null,
      logUrl: input.logUrl ?? null,
      createdAt: this.clock.now().toISOString(),
    };
    d.statuses.unshift(s);
    return s;
  }

  async listDeploymentStatuses(deploymentId: number): Promise<DeploymentStatus[]> {
    this.enter('listDeploymentStatuses');
    return [...(this.deployments.find((x) => x.id === deploymentId)?.statuses ?? [])];
  }

  async createCheckRun(input: CreateCheckRunInput): Promise<CheckRun> {
    this.enter('createCheckRun');
    const run: FakeCheckRun = {
      id: this.nextId++,
      name: input.name,
      headSha: input.headSha,
      externalId: input.externalId,
      status: input.status,
      conclusion: input.conclusion ?? null,
      title: input.output?.title ?? null,
      summary: input.output?.summary ?? null,
      annotationCount: input.output?.annotations?.length ?? 0,
    };
    this.checkRuns.push(run);
    return checkRunOf(run);
  }

  async updateCheckRun(checkRunId: number, input: UpdateCheckRunInput): Promise<CheckRun> {
    this.enter('updateCheckRun');
    const i = this.checkRuns.findIndex((r) => r.id === checkRunId);
    const run = this.checkRuns[i];
    if (!run) throw new GitHubError('updateCheckRun', 404, `check run ${checkRunId} not found`, ROUTES['updateCheckRun']);
    const next: FakeCheckRun = {
      ...run,
      status: input.status ?? run.status,
      conclusion: input.conclusion ?? run.conclusion,
      title: input.output?.title ?? run.title,
      summary: input.output?.summary ?? run.summary,
      annotationCount: run.annotationCount + (input.output?.annotations?.length ?? 0),
    };
    this.checkRuns[i] = next;
    return checkRunOf(next);
  }

  async createCommitStatus(sha: string, input: CommitStatusInput): Promise<void> {
    this.enter('createCommitStatus');
    const list = this.statuses.get(sha) ?? [];
    list.unshift({ ...input, description: input.description ?? '' });
    this.statuses.set(sha, list);
  }

  async findPullRequest(head: string, base: string): Promise<PullRequest | null> {
    this.enter('findPullRequest');
    const t = [...this.threads.values()].find((x) => x.kind === 'pull' && x.state === 'open' && x.head === head && x.base === base);
    return t ? this.toPull(t) : null;
  }

  async createPullRequest(input: CreatePullRequestInput): Promise<PullRequest> {
    this.enter('createPullRequest');
    const open = [...this.threads.values()].find((x) => x.kind === 'pull' && x.state === 'open' && x.head === input.head && x.base === input.base);
    if (open) return this.toPull(open);
    for (const b of [input.head, input.base]) {
      if (!this.git.refs.has(`heads/${b}`)) throw new GitHubError('createPullRequest', 422, `Validation Failed: branch ${b} does not exist`, ROUTES['createPullRequest']);
    }
    const t: FakeThread = { number: this.nextNumber++, kind: 'pull', title: input.title, body: input.body, state: 'open', labels: [], head: input.head, base: input.base, draft: input.draft ?? false, merged: false, comments: [] };
    this.threads.set(t.number, t);
    return this.toPull(t);
  }

  async updatePullRequest(pullNumber: number, input: UpdatePullRequestInput): Promise<PullRequest> {
    this.enter('updatePullRequest');
    const t = this.thread(pullNumber, 'pull', 'updatePullRequest');
    Object.assign(t, definedOnly(input));
    return this.toPull(t);
  }

  async requestReviewers(pullNumber: number, reviewers: { users?: readonly string[]; teams?: readonly string[] }): Promise<void> {
    this.enter('requestReviewers');
    const t = this.thread(pullNumber, 'pull', 'requestReviewers');
    const now = t.reviewers ?? { users: [], teams: [] };
    t.reviewers = { users: union(now.users, reviewers.users ?? []), teams: union(now.teams, reviewers.teams ?? []) };
  }

  async addLabels(issueNumber: number, labels: readonly string[]): Promise<void> {
    this.enter('addLabels');
    const t = this.thread(issueNumber, undefined, 'addLabels');
    t.labels = union(t.labels, labels);
    for (const l of labels) if (!this.labels.has(l)) this.labels.set(l, { name: l, color: 'ededed' });
  }

  async ensureLabel(label: LabelInput): Promise<void> {
    this.enter('ensureLabel');
    if (!this.labels.has(label.name)) this.labels.set(label.name, label);
  }

  async findIssue(marker: string, options: FindIssueOptions = {}): Promise<Issue | null> {
    this.enter('findIssue');
    const state = options.state ?? 'all';
    const hit = [...this.threads.values()]
      .reverse()
      .find((t) => t.kind === 'issue' && (state === 'all' || t.state === state) && (options.labels ?? []).every((l) => t.labels.includes(l)) && hasMarker(t.body, marker));
    return hit ? this.toIssue(hit) : null;
  }

  async createIssue(input: CreateIssueInput): Promise<Issue> {
    const existing = await this.findIssue(input.marker, { labels: input.labels });
    if (existing) return existing;
    this.enter('createIssue');
    const t: FakeThread = { number: this.nextNumber++, kind: 'issue', title: input.title, body: withMarker(input.body, input.marker), state: 'open', labels: [...(input.labels ?? [])], comments: [] };
    this.threads.set(t.number, t);
    return this.toIssue(t);
  }

  async updateIssue(issueNumber: number, input: UpdateIssueInput): Promise<Issue> {
    this.enter('updateIssue');
    const t = this.thread(issueNumber, undefined, 'updateIssue');
    Object.assign(t, definedOnly({ title: input.title, body: input.body, state: input.state }));
    if (input.labels) t.labels = [...input.labels];
    return this.toIssue(t);
  }

  async upsertComment(issueNumber: number, marker: string, body: string): Promise<StickyComment> {
    this.enter('upsertComment');
    const t = this.thread(issueNumber, undefined, 'upsertComment');
    const text = withMarker(body, marker);
    const url = (id: number) => `https://github.com/${this.repoRef.owner}/${this.repoRef.repo}/issues/${issueNumber}#issuecomment-${id}`;
    const existing = t.comments.find((c) => hasMarker(c.body, marker));
    if (existing) {
      existing.body = text;
      return { id: existing.id, url: url(existing.id), created: false };
    }
    const c = { id: this.nextId++, body: text };
    t.comments.push(c);
    return { id: c.id, url: url(c.id), created: true };
  }

  async getEnvironment(name: string): Promise<Environment | null> {
    this.enter('getEnvironment');
    return this.environments.get(name) ?? null;
  }

  async listEnvironments(): Promise<Environment[]> {
    this.enter('listEnvironments');
    return [...this.environments.values()];
  }

  async compareDependencies(base: string, head: string): Promise<DependencyChange[]> {
    this.enter('compareDependencies');
    const changes = this.dependencyChanges.get(`${base}...${head}`);
    if (!changes) throw new GitHubError('compareDependencies', 404, `no dependency comparison for ${base}...${head}`, ROUTES['compareDependencies']);
    return [...changes];
  }

  async enableAutoMerge(pullRequestNodeId: string, method: MergeMethod): Promise<{ enabledAt: string | null }> {
    this.enter('enableAutoMerge');
    const t = [...this.threads.values()].find((x) => x.kind === 'pull' && nodeIdOf(x) === pullRequestNodeId);
    if (!t) throw new GitHubError('enableAutoMerge', 200, `Could not resolve to a node with the global id of '${pullRequestNodeId}'`, 'POST /graphql');
    if (t.state !== 'open') throw new GitHubError('enableAutoMerge', 200, 'Pull request is closed', 'POST /graphql');
    t.autoMerge = { method, enabledAt: this.clock.now().toISOString() };
    return { enabledAt: t.autoMerge.enabledAt };
  }

  calls(): CallCounts {
    return this.budget.calls();
  }

  rateLimit(): RateLimitState | null {
    const used = this.budget.calls().total;
    return { limit: this.hourlyLimit, remaining: Math.max(0, this.hourlyLimit - used), used, resetAt: new Date(this.clock.now().getTime() + 3_600_000), resource: 'core' };
  }

  private thread(n: number, kind: 'issue' | 'pull' | undefined, verb: string): FakeThread {
    const t = this.threads.get(n);
    if (!t || (kind && t.kind !== kind)) throw new GitHubError(verb, 404, `${kind ?? 'issue'} #${n} not found`, ROUTES[verb]);
    return t;
  }

  private toPull(t: FakeThread): PullRequest {
    const head = t.head ?? '';
    return {
      number: t.number,
      nodeId: nodeIdOf(t),
      url: `https://github.com/${this.repoRef.owner}/${this.repoRef.repo}/pull/${t.number}`,
      state: t.state,
      merged: t.merged ?? false,
      draft: t.draft ?? false,
      title: t.title,
      body: t.body,
      head,
      base: t.base ?? '',
      headSha: this.git.refs.get(`heads/${head}`) ?? '',
      labels: [...t.labels],
    };
  }

  private toIssue(t: FakeThread): Issue {
    return { number: t.number, nodeId: nodeIdOf(t), url: `https://github.com/${this.repoRef.owner}/${this.repoRef.repo}/issues/${t.number}`, title: t.title, body: t.body, state: t.state, labels: [...t.labels] };
  }
}

function nodeIdOf(t: FakeThread): string {
  return `${t.kind === 'pull' ? 'PR' : 'I'}_fake${t.number}`;
}

function shortRef(ref: string): string {
  return ref.replace(/^refs\//, '');
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function stripStatuses(d: Deployment & { statuses: DeploymentStatus[] }): Deployment {
  const { statuses: _statuses, ...rest } = d;
  return { ...rest, payload: { ...rest.payload } };
}

function checkRunOf(r: FakeCheckRun): CheckRun {
  return { id: r.id, name: r.name, headSha: r.headSha, externalId: r.externalId, status: r.status, conclusion: r.conclusion };
}
