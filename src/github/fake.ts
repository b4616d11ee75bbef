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
import { ConflictError, GitHubError } from './errors.js';
import { ROUTES } from './fake-base.js';
import { FakeConversations } from './fake-conversations.js';
import { blobSha } from './fake-repository.js';
import { ANNOTATIONS_PER_REQUEST } from './port.js';
import { unreadableTeam } from './teams.js';
import type {
  BranchInfo,
  CheckRun,
  CommitStatusInput,
  CreateCheckRunInput,
  CreateDeploymentInput,
  CreateDeploymentStatusInput,
  DependencyChange,
  Deployment,
  DeploymentFilter,
  DeploymentStatus,
  Environment,
  FileContent,
  GitHubPort,
  PutContentInput,
  PutContentResult,
  RefInfo,
  RunApproval,
  TeamMembership,
  UpdateCheckRunInput,
} from './port.js';

export type { FakeVerb } from './fake-base.js';

/** A check run as the fake keeps it, with every annotation it was sent. */
export interface FakeCheckRun extends CheckRun {
  readonly title: string | null;
  readonly summary: string | null;
  readonly annotationCount: number;
}

/** In-memory `GitHubPort` for orchestration tests. */
export class InMemoryGitHub extends FakeConversations implements GitHubPort {
  private readonly deployments: (Deployment & { statuses: DeploymentStatus[] })[] = [];
  private readonly checkRuns: FakeCheckRun[] = [];
  private readonly statuses = new Map<string, (CommitStatusInput & { description: string })[]>();
  private readonly environments = new Map<string, Environment>();
  private readonly runApprovals = new Map<number, RunApproval[]>();
  private readonly dependencyChanges = new Map<string, DependencyChange[]>();
  /** Teams (`org/slug`, lower case) the token can read, with their active members (lower case). */
  private readonly teams = new Map<string, Set<string>>();

  /** Makes `team` readable to the token, with these active members. Teams never added are unreadable, as to a GITHUB_TOKEN. */
  setTeamMembers(team: string, users: readonly string[]): void {
    this.teams.set(team.toLowerCase(), new Set(users.map((u) => u.toLowerCase())));
  }

  addEnvironment(env: Environment): void {
    this.environments.set(env.name, env);
  }

  /** Records an environment reviewer's decision on a run. */
  addRunApproval(runId: number, approval: RunApproval): void {
    this.runApprovals.set(runId, [...(this.runApprovals.get(runId) ?? []), approval]);
  }

  setDependencyChanges(base: string, head: string, changes: DependencyChange[]): void {
    this.dependencyChanges.set(`${base}...${head}`, changes);
  }

  allCheckRuns(): FakeCheckRun[] {
    return [...this.checkRuns];
  }

  commitStatuses(sha: string): CommitStatusInput[] {
    return [...(this.statuses.get(sha) ?? [])];
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
      const detail =
        currentSha === null
          ? `${path} does not exist`
          : input.expectedSha === null
            ? `"sha" wasn't supplied`
            : `${path} is at ${currentSha} but expected ${input.expectedSha}`;
      throw new ConflictError(
        'putContent',
        currentSha !== null && input.expectedSha === null ? 422 : 409,
        detail,
        ROUTES['putContent'],
      );
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
    if (existing && existing !== sha)
      throw new ConflictError(
        'createRef',
        422,
        `${short} already exists at ${existing}, not ${sha}`,
        ROUTES['createRef'],
      );
    this.git.refs.set(short, sha);
    return { ref: short, sha };
  }

  async updateRef(ref: string, sha: string, options: { force?: boolean } = {}): Promise<RefInfo> {
    this.enter('updateRef');
    const short = shortRef(ref);
    const current = this.git.refs.get(short);
    if (!current) throw new GitHubError('updateRef', 422, 'Reference does not exist', ROUTES['updateRef']);
    if (!this.git.getCommit(sha)) throw new GitHubError('updateRef', 422, 'Object does not exist', ROUTES['updateRef']);
    if (!options.force && !this.git.isAncestor(current, sha))
      throw new ConflictError('updateRef', 422, 'Update is not a fast forward', ROUTES['updateRef']);
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
    if (!commit)
      throw new GitHubError('createDeployment', 422, `No ref found for: ${input.ref}`, ROUTES['createDeployment']);
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
      .filter((d) =>
        (['sha', 'ref', 'environment', 'task'] as const).every((k) => filter[k] === undefined || d[k] === filter[k]),
      )
      .reverse()
      .slice(0, filter.limit ?? 1000)
      .map(stripStatuses);
  }

  async createDeploymentStatus(deploymentId: number, input: CreateDeploymentStatusInput): Promise<DeploymentStatus> {
    this.enter('createDeploymentStatus');
    const d = this.deployments.find((x) => x.id === deploymentId);
    if (!d)
      throw new GitHubError(
        'createDeploymentStatus',
        404,
        `deployment ${deploymentId} not found`,
        ROUTES['createDeploymentStatus'],
      );
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
    // Annotations past the first 50 go in further PATCHes, 50 each.
    for (let i = 1; i < batches(input.output?.annotations?.length ?? 0); i++) this.count(CHECK_RUN_PATCH);
    this.checkRuns.push(run);
    return checkRunOf(run);
  }

  async updateCheckRun(checkRunId: number, input: UpdateCheckRunInput): Promise<CheckRun> {
    const annotations = input.output?.annotations?.length ?? 0;
    // With annotations the REST port reads the run's count first, then sends one PATCH per 50.
    if (annotations > 0) this.count('GET /repos/{owner}/{repo}/check-runs/{check_run_id}');
    this.enter('updateCheckRun');
    for (let i = 1; i < batches(annotations); i++) this.count(CHECK_RUN_PATCH);
    const i = this.checkRuns.findIndex((r) => r.id === checkRunId);
    const run = this.checkRuns[i];
    if (!run)
      throw new GitHubError('updateCheckRun', 404, `check run ${checkRunId} not found`, ROUTES['updateCheckRun']);
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

  async getEnvironment(name: string): Promise<Environment | null> {
    this.enter('getEnvironment');
    return this.environments.get(name) ?? null;
  }

  async listEnvironments(): Promise<Environment[]> {
    this.enter('listEnvironments');
    return [...this.environments.values()];
  }

  async listRunApprovals(runId: number): Promise<RunApproval[]> {
    this.enter('listRunApprovals');
    return [...(this.runApprovals.get(runId) ?? [])];
  }

  async teamMembership(team: string, user: string): Promise<TeamMembership> {
    this.enter('teamMembership');
    const members = this.teams.get(team.toLowerCase());
    if (!members) {
      this.count('GET /orgs/{org}/teams/{team_slug}');
      return unreadableTeam(team, 'GitHub answers 404 for it');
    }
    if (members.has(user.toLowerCase())) return { kind: 'member' };
    this.count('GET /orgs/{org}/teams/{team_slug}');
    return { kind: 'not-member' };
  }

  async compareDependencies(base: string, head: string): Promise<DependencyChange[]> {
    this.enter('compareDependencies');
    const changes = this.dependencyChanges.get(`${base}...${head}`);
    if (!changes)
      throw new GitHubError(
        'compareDependencies',
        404,
        `no dependency comparison for ${base}...${head}`,
        ROUTES['compareDependencies'],
      );
    return [...changes];
  }
}

const CHECK_RUN_PATCH = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}';

/** Requests needed for `n` annotations at 50 each (at least one). */
function batches(n: number): number {
  return Math.max(1, Math.ceil(n / ANNOTATIONS_PER_REQUEST));
}

function shortRef(ref: string): string {
  return ref.replace(/^refs\//, '');
}

function stripStatuses(d: Deployment & { statuses: DeploymentStatus[] }): Deployment {
  const { statuses: _statuses, ...rest } = d;
  return { ...rest, payload: { ...rest.payload } };
}

function checkRunOf(r: FakeCheckRun): CheckRun {
  return {
    id: r.id,
    name: r.name,
    headSha: r.headSha,
    externalId: r.externalId,
    status: r.status,
    conclusion: r.conclusion,
  };
}
