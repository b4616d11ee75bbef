/**
 * The GitHub port: the domain verbs Bellwether's flows use, bound to one
 * repository. Orchestration depends on this interface only; `RestGitHubPort`
 * speaks to GitHub, `InMemoryGitHub` stands in for it in tests.
 *
 * Writes are safe to repeat after a crash: contents and refs are
 * compare-and-swap (`ConflictError`, never an overwrite), and verbs that
 * create things (issues, comments, pull requests, deployments, check runs)
 * find what they would have created before creating it again.
 */
import type { CallCounts, RateLimitState } from './request-budget.js';

export type { CallCounts, RateLimitState } from './request-budget.js';

/** The repository a port is bound to. */
export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

export interface FileContent {
  readonly path: string;
  readonly text: string;
  /** Blob SHA: pass it back as `expectedSha` to write compare-and-swap. */
  readonly sha: string;
}

export interface PutContentInput {
  readonly text: string;
  readonly message: string;
  readonly branch: string;
  /** Blob SHA read before; null to create a file that must not exist yet. */
  readonly expectedSha: string | null;
}

export interface PutContentResult {
  /** The new blob SHA. */
  readonly sha: string;
  readonly commitSha: string;
}

export interface RefInfo {
  /** Without the `refs/` prefix, such as `heads/main` or `tags/v1.2.0`. */
  readonly ref: string;
  readonly sha: string;
}

export interface BranchInfo {
  readonly name: string;
  readonly sha: string;
  readonly protected: boolean;
}

export type DeploymentState = 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';

export interface Deployment {
  readonly id: number;
  readonly sha: string;
  readonly ref: string;
  readonly environment: string;
  readonly task: string;
  readonly description: string | null;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

export interface CreateDeploymentInput {
  /** Branch, tag or SHA to deploy. */
  readonly ref: string;
  readonly environment: string;
  /** `deploy` unless told; Bellwether uses `deploy:canary` and the like. */
  readonly task?: string;
  readonly description?: string;
  /**
   * Names this deployment among others; stored in the payload as `bellwetherKey`
   * and used to find it again after an answer was lost.
   */
  readonly key: string;
  readonly payload?: Readonly<Record<string, unknown>>;
  /** Required status contexts; empty (no check) unless told. */
  readonly requiredContexts?: readonly string[];
  readonly productionEnvironment?: boolean;
  readonly transientEnvironment?: boolean;
}

export interface DeploymentFilter {
  readonly sha?: string;
  readonly ref?: string;
  readonly environment?: string;
  readonly task?: string;
  /** At most this many, newest first (fewer pages, fewer requests); up to 1,000 unless told. */
  readonly limit?: number;
}

export interface DeploymentStatus {
  readonly id: number;
  readonly state: DeploymentState;
  readonly description: string;
  readonly environmentUrl: string | null;
  readonly logUrl: string | null;
  readonly createdAt: string;
}

export interface CreateDeploymentStatusInput {
  readonly state: DeploymentState;
  readonly description?: string;
  readonly environmentUrl?: string;
  readonly logUrl?: string;
  /** Marks earlier successful deployments of the environment inactive (GitHub's default is true). */
  readonly autoInactive?: boolean;
}

/** GitHub accepts at most 50 annotations per check-run request. */
export const ANNOTATIONS_PER_REQUEST = 50;

export type AnnotationLevel = 'notice' | 'warning' | 'failure';

export interface CheckAnnotation {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly level: AnnotationLevel;
  readonly message: string;
  readonly title?: string;
}

export type CheckConclusion =
  'action_required' | 'cancelled' | 'failure' | 'neutral' | 'success' | 'skipped' | 'timed_out';

export interface CheckRunOutput {
  readonly title: string;
  readonly summary: string;
  readonly text?: string;
  /** Any number: sent 50 per request, as GitHub requires. */
  readonly annotations?: readonly CheckAnnotation[];
}

export interface CreateCheckRunInput {
  readonly name: string;
  readonly headSha: string;
  /** Identifies the run to find it again; Bellwether's own key. */
  readonly externalId: string;
  readonly status: 'queued' | 'in_progress' | 'completed';
  readonly conclusion?: CheckConclusion;
  readonly detailsUrl?: string;
  readonly output?: CheckRunOutput;
}

export interface UpdateCheckRunInput {
  readonly status?: 'queued' | 'in_progress' | 'completed';
  readonly conclusion?: CheckConclusion;
  readonly output?: CheckRunOutput;
}

export interface CheckRun {
  readonly id: number;
  readonly name: string;
  readonly headSha: string;
  readonly externalId: string | null;
  readonly status: string;
  readonly conclusion: string | null;
}

export type CommitState = 'error' | 'failure' | 'pending' | 'success';

export interface CommitStatusInput {
  readonly state: CommitState;
  readonly context: string;
  readonly description?: string;
  readonly targetUrl?: string;
}

export interface PullRequest {
  readonly number: number;
  /** GraphQL node id, for auto-merge. */
  readonly nodeId: string;
  readonly url: string;
  readonly state: 'open' | 'closed';
  readonly merged: boolean;
  readonly draft: boolean;
  readonly title: string;
  readonly body: string;
  readonly head: string;
  readonly base: string;
  readonly headSha: string;
  readonly labels: readonly string[];
}

export interface CreatePullRequestInput {
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  readonly draft?: boolean;
}

export interface UpdatePullRequestInput {
  readonly title?: string;
  readonly body?: string;
  readonly state?: 'open' | 'closed';
  readonly base?: string;
}

export interface LabelInput {
  readonly name: string;
  /** Six hex digits without `#`. */
  readonly color: string;
  readonly description?: string;
}

export interface Issue {
  readonly number: number;
  readonly nodeId: string;
  readonly url: string;
  readonly title: string;
  readonly body: string;
  readonly state: 'open' | 'closed';
  readonly labels: readonly string[];
  /** RFC 3339; absent where GitHub did not say. */
  readonly createdAt?: string;
}

export interface ListIssuesFilter {
  /** Issues with all these labels. */
  readonly labels?: readonly string[];
  readonly state?: 'open' | 'closed' | 'all';
  /** At most this many, newest first. */
  readonly limit?: number;
}

export interface CreateIssueInput {
  readonly title: string;
  readonly body: string;
  /** Hidden in the body; `findIssue(marker)` finds the issue again. */
  readonly marker: string;
  readonly labels?: readonly string[];
}

export interface UpdateIssueInput {
  readonly title?: string;
  readonly body?: string;
  readonly state?: 'open' | 'closed';
  readonly labels?: readonly string[];
}

export interface FindIssueOptions {
  /** Narrows the search to issues with all these labels (cheaper). */
  readonly labels?: readonly string[];
  readonly state?: 'open' | 'closed' | 'all';
}

export interface StickyComment {
  readonly id: number;
  readonly url: string;
  /** False when an existing comment was updated in place. */
  readonly created: boolean;
}

export interface ProtectionRule {
  readonly type: string;
  readonly waitTimerMinutes?: number;
  readonly reviewers?: readonly string[];
}

export interface Environment {
  readonly name: string;
  readonly protectionRules: readonly ProtectionRule[];
}

export interface DependencyVulnerability {
  readonly severity: string;
  readonly advisoryGhsaId: string;
  readonly advisorySummary: string;
  readonly advisoryUrl: string;
}

export interface DependencyChange {
  readonly changeType: 'added' | 'removed';
  readonly manifest: string;
  readonly ecosystem: string;
  readonly name: string;
  readonly version: string;
  readonly packageUrl: string | null;
  readonly license: string | null;
  readonly sourceRepositoryUrl: string | null;
  readonly scope: 'unknown' | 'runtime' | 'development';
  readonly vulnerabilities: readonly DependencyVulnerability[];
}

export type MergeMethod = 'MERGE' | 'SQUASH' | 'REBASE';

/**
 * Whether a user is an active member of a team. `unknown` says why it could
 * not be learned: a workflow's GITHUB_TOKEN cannot read organization teams,
 * and GitHub answers 404 alike for "no such member" and "you may not look".
 */
export type TeamMembership =
  { readonly kind: 'member' } | { readonly kind: 'not-member' } | { readonly kind: 'unknown'; readonly reason: string };

/** An environment reviewer's decision on a workflow run's job (GitHub's environment approvals of a run). */
export interface RunApproval {
  readonly state: 'approved' | 'rejected' | 'pending';
  /** The reviewer's login. */
  readonly user: string;
  /** Names of the environments the decision was about. */
  readonly environments: readonly string[];
  readonly comment: string;
}

/** The domain verbs of GitHub that Bellwether uses, on one repository. */
export interface GitHubPort {
  readonly repoRef: RepoRef;

  /** A file's text and blob SHA at `ref`, or null when there is none. */
  getContent(path: string, ref: string): Promise<FileContent | null>;
  /** Writes a file compare-and-swap on `expectedSha`; a stale SHA is a `ConflictError`. */
  putContent(path: string, input: PutContentInput): Promise<PutContentResult>;

  /** `ref` as `heads/main`; null when it does not exist. */
  getRef(ref: string): Promise<RefInfo | null>;
  /** Creates `ref` at `sha`; an existing ref at another SHA is a `ConflictError`. */
  createRef(ref: string, sha: string): Promise<RefInfo>;
  /** Moves `ref` to `sha`; anything but a fast-forward is a `ConflictError` unless `force`. */
  updateRef(ref: string, sha: string, options?: { force?: boolean }): Promise<RefInfo>;
  getBranch(name: string): Promise<BranchInfo | null>;

  createDeployment(input: CreateDeploymentInput): Promise<Deployment>;
  /** Newest first. */
  listDeployments(filter?: DeploymentFilter): Promise<Deployment[]>;
  createDeploymentStatus(deploymentId: number, input: CreateDeploymentStatusInput): Promise<DeploymentStatus>;
  /** Newest first. */
  listDeploymentStatuses(deploymentId: number): Promise<DeploymentStatus[]>;

  createCheckRun(input: CreateCheckRunInput): Promise<CheckRun>;
  updateCheckRun(checkRunId: number, input: UpdateCheckRunInput): Promise<CheckRun>;
  createCommitStatus(sha: string, input: CommitStatusInput): Promise<void>;

  /** The open pull request from `head` into `base`, or null. */
  findPullRequest(head: string, base: string): Promise<PullRequest | null>;
  /** Opens a pull request, or returns the open one from the same head into the same base. */
  createPullRequest(input: CreatePullRequestInput): Promise<PullRequest>;
  updatePullRequest(pullNumber: number, input: UpdatePullRequestInput): Promise<PullRequest>;
  requestReviewers(
    pullNumber: number,
    reviewers: { users?: readonly string[]; teams?: readonly string[] },
  ): Promise<void>;
  /** Logins whose latest review of the pull request approves it: a later change request or a dismissal takes an approval back. */
  pullRequestApprovals(pullNumber: number): Promise<string[]>;
  addLabels(issueNumber: number, labels: readonly string[]): Promise<void>;
  /** Creates the label unless it exists (an existing label is left as it is). */
  ensureLabel(label: LabelInput): Promise<void>;

  findIssue(marker: string, options?: FindIssueOptions): Promise<Issue | null>;
  /** Issues (never pull requests), newest first. */
  listIssues(filter?: ListIssuesFilter): Promise<Issue[]>;
  /** Opens an issue, or returns the one that already carries `marker`. */
  createIssue(input: CreateIssueInput): Promise<Issue>;
  updateIssue(issueNumber: number, input: UpdateIssueInput): Promise<Issue>;
  /** One comment per marker on an issue or pull request, updated in place. */
  upsertComment(issueNumber: number, marker: string, body: string): Promise<StickyComment>;

  getEnvironment(name: string): Promise<Environment | null>;
  listEnvironments(): Promise<Environment[]>;
  /** Environment reviewers' approvals and rejections of a workflow run's jobs. */
  listRunApprovals(runId: number): Promise<RunApproval[]>;

  /** Dependency changes between two commits (GitHub's dependency review). */
  compareDependencies(base: string, head: string): Promise<DependencyChange[]>;

  /** Whether `user` is an active member of `team` (`org/slug`); a pending invitation is not membership. */
  teamMembership(team: string, user: string): Promise<TeamMembership>;

  /** Turns on auto-merge (GraphQL `enablePullRequestAutoMerge`). */
  enableAutoMerge(pullRequestNodeId: string, method: MergeMethod): Promise<{ enabledAt: string | null }>;

  /** Requests sent so far, by route (the fake counts what the REST port would send). */
  calls(): CallCounts;
  /** GitHub's last reported rate limit, or null when none was seen. */
  rateLimit(): RateLimitState | null;

  /** Look-ups about other repositories over the same client (the workflow audit's actions); absent where the port cannot reach GitHub. */
  actionSources?(): ActionSources;
}

/** A review of a pull request, as GitHub lists them (oldest first). */
export interface PullRequestReview {
  readonly user: string;
  readonly state: string;
}

/**
 * Who approves a pull request now: each reviewer's latest approving, change
 * requesting or dismissed review counts; comments and pending reviews leave
 * what came before.
 */
export function approversOf(reviews: readonly PullRequestReview[]): string[] {
  const latest = new Map<string, string>();
  for (const r of reviews) {
    if (r.user && ['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED'].includes(r.state)) latest.set(r.user, r.state);
  }
  return [...latest].filter(([, state]) => state === 'APPROVED').map(([user]) => user);
}

/** A public repository an action comes from, as the workflow audit needs it. */
export interface ActionRepository {
  readonly archived: boolean;
  readonly defaultBranch: string;
}

/** A branch or tag head: its name and the commit it points at (annotated tags peeled). */
export interface NamedCommit {
  readonly name: string;
  readonly sha: string;
}

/** The first page of a list, and whether GitHub holds more than it. */
export interface FirstPage<T> {
  readonly items: readonly T[];
  readonly truncated: boolean;
}

/** How `head` relates to `base` (GitHub's compare); `unknown-commit` when GitHub knows no such commit there. */
export type CommitRelation = 'identical' | 'ahead' | 'behind' | 'diverged' | 'unknown-commit';

/** One affected package of a GitHub security advisory. */
export interface AdvisoryVulnerability {
  /** `owner/repo` or `owner/repo/path` for GitHub Actions. */
  readonly package: string;
  /** Such as `>= 1.0.0, < 1.2.4`; empty when GitHub gives none. */
  readonly vulnerableRange: string;
  readonly firstPatched: string | null;
}

/** A reviewed GitHub security advisory of the `actions` ecosystem. */
export interface ActionAdvisory {
  readonly ghsaId: string;
  readonly summary: string;
  readonly severity: string;
  readonly url: string;
  readonly vulnerabilities: readonly AdvisoryVulnerability[];
}

/**
 * Read-only look-ups about other repositories (the actions a workflow uses),
 * over the same client as `GitHubPort` so that their requests are counted
 * in the same budget. Every verb makes one request.
 */
export interface ActionSources {
  /** Null when the repository does not exist or the token cannot see it. */
  repository(owner: string, repo: string): Promise<ActionRepository | null>;
  /** The first 100 branches. */
  branches(owner: string, repo: string): Promise<FirstPage<NamedCommit>>;
  /** The first 100 tags, each with the commit it points at. */
  tags(owner: string, repo: string): Promise<FirstPage<NamedCommit>>;
  /** The commit a tag points at (annotated tags peeled, at most one more request); null when there is no such tag. */
  tagCommit(owner: string, repo: string, tag: string): Promise<string | null>;
  /** How `head` relates to `base` in owner/repo. */
  compare(owner: string, repo: string, base: string, head: string): Promise<CommitRelation>;
  /** Reviewed advisories of the `actions` ecosystem that affect `owner/repo` (first 100). */
  advisories(owner: string, repo: string): Promise<FirstPage<ActionAdvisory>>;
  /** Requests sent so far, by route. */
  calls(): CallCounts;
}
