/**
 * The in-memory GitHub's conversations: pull requests, reviewers, labels,
 * issues, sticky comments and auto-merge, with the numbering GitHub uses
 * (issues and pull requests share numbers).
 */
import { GitHubError } from './errors.js';
import { FakeGitHubBase, ROUTES } from './fake-base.js';
import { hasMarker, withMarker } from './markers.js';
import { approversOf } from './port.js';
import type { PullRequestReview } from './port.js';
import type {
  CreateIssueInput,
  CreatePullRequestInput,
  FindIssueOptions,
  Issue,
  LabelInput,
  ListIssuesFilter,
  MergeMethod,
  PullRequest,
  StickyComment,
  UpdateIssueInput,
  UpdatePullRequestInput,
} from './port.js';

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
  reviews?: PullRequestReview[];
  autoMerge?: { method: MergeMethod; enabledAt: string };
  createdAt?: string;
  comments: { id: number; body: string }[];
}

/** Pull requests, issues and comments of the in-memory GitHub. */
export class FakeConversations extends FakeGitHubBase {
  private readonly threads = new Map<number, FakeThread>();
  private readonly labels = new Map<string, LabelInput>();
  private nextNumber = 1;

  /** Marks a pull request merged (as GitHub would once its checks pass). */
  mergePullRequest(pullNumber: number): void {
    const pr = this.thread(pullNumber, 'pull', 'mergePullRequest');
    pr.state = 'closed';
    pr.merged = true;
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

  labelNames(): string[] {
    return [...this.labels.keys()];
  }

  async findPullRequest(head: string, base: string): Promise<PullRequest | null> {
    this.enter('findPullRequest');
    const t = [...this.threads.values()].find(
      (x) => x.kind === 'pull' && x.state === 'open' && x.head === head && x.base === base,
    );
    return t ? this.toPull(t) : null;
  }

  async createPullRequest(input: CreatePullRequestInput): Promise<PullRequest> {
    this.enter('createPullRequest');
    const open = [...this.threads.values()].find(
      (x) => x.kind === 'pull' && x.state === 'open' && x.head === input.head && x.base === input.base,
    );
    if (open) {
      // GitHub answers 422 "already exists"; the REST port then looks the pull request up.
      this.count(ROUTES['findPullRequest'] ?? '');
      return this.toPull(open);
    }
    for (const b of [input.head, input.base]) {
      if (!this.git.refs.has(`heads/${b}`))
        throw new GitHubError(
          'createPullRequest',
          422,
          `Validation Failed: branch ${b} does not exist`,
          ROUTES['createPullRequest'],
        );
    }
    const t: FakeThread = {
      number: this.nextNumber++,
      kind: 'pull',
      title: input.title,
      body: input.body,
      state: 'open',
      labels: [],
      head: input.head,
      base: input.base,
      draft: input.draft ?? false,
      merged: false,
      comments: [],
    };
    this.threads.set(t.number, t);
    return this.toPull(t);
  }

  async updatePullRequest(pullNumber: number, input: UpdatePullRequestInput): Promise<PullRequest> {
    this.enter('updatePullRequest');
    const t = this.thread(pullNumber, 'pull', 'updatePullRequest');
    Object.assign(t, definedOnly(input));
    return this.toPull(t);
  }

  async requestReviewers(
    pullNumber: number,
    reviewers: { users?: readonly string[]; teams?: readonly string[] },
  ): Promise<void> {
    this.enter('requestReviewers');
    const t = this.thread(pullNumber, 'pull', 'requestReviewers');
    const now = t.reviewers ?? { users: [], teams: [] };
    t.reviewers = { users: union(now.users, reviewers.users ?? []), teams: union(now.teams, reviewers.teams ?? []) };
  }

  async pullRequestApprovals(pullNumber: number): Promise<string[]> {
    this.enter('pullRequestApprovals');
    return approversOf(this.thread(pullNumber, 'pull', 'pullRequestApprovals').reviews ?? []);
  }

  /** Test setup: `user` reviews the pull request (`APPROVED`, `CHANGES_REQUESTED`, `COMMENTED` or `DISMISSED`). */
  addReview(pullNumber: number, user: string, state: string): void {
    const t = this.thread(pullNumber, 'pull', 'pullRequestApprovals');
    t.reviews = [...(t.reviews ?? []), { user, state }];
  }

  async addLabels(issueNumber: number, labels: readonly string[]): Promise<void> {
    this.enter('addLabels');
    const t = this.thread(issueNumber, undefined, 'addLabels');
    t.labels = union(t.labels, labels);
    for (const l of labels) if (!this.labels.has(l)) this.labels.set(l, { name: l, color: 'ededed' });
  }

  async ensureLabel(label: LabelInput): Promise<void> {
    this.enter('ensureLabel');
    if (this.labels.has(label.name)) return;
    this.count('POST /repos/{owner}/{repo}/labels');
    this.labels.set(label.name, label);
  }

  async findIssue(marker: string, options: FindIssueOptions = {}): Promise<Issue | null> {
    this.enter('findIssue');
    const state = options.state ?? 'all';
    const hit = [...this.threads.values()]
      .reverse()
      .find(
        (t) =>
          t.kind === 'issue' &&
          (state === 'all' || t.state === state) &&
          (options.labels ?? []).every((l) => t.labels.includes(l)) &&
          hasMarker(t.body, marker),
      );
    return hit ? this.toIssue(hit) : null;
  }

  async listIssues(filter: ListIssuesFilter = {}): Promise<Issue[]> {
    this.enter('listIssues');
    const state = filter.state ?? 'open';
    return [...this.threads.values()]
      .reverse()
      .filter(
        (t) =>
          t.kind === 'issue' &&
          (state === 'all' || t.state === state) &&
          (filter.labels ?? []).every((l) => t.labels.includes(l)),
      )
      .slice(0, filter.limit ?? Infinity)
      .map((t) => this.toIssue(t));
  }

  async createIssue(input: CreateIssueInput): Promise<Issue> {
    const existing = await this.findIssue(input.marker, { labels: input.labels });
    if (existing) return existing;
    this.enter('createIssue');
    const t: FakeThread = {
      number: this.nextNumber++,
      kind: 'issue',
      title: input.title,
      body: withMarker(input.body, input.marker),
      state: 'open',
      labels: [...(input.labels ?? [])],
      comments: [],
      createdAt: this.clock.now().toISOString(),
    };
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
    const url = (id: number) =>
      `https://github.com/${this.repoRef.owner}/${this.repoRef.repo}/issues/${issueNumber}#issuecomment-${id}`;
    const existing = t.comments.find((c) => hasMarker(c.body, marker));
    if (existing) {
      if (existing.body !== text) this.count('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}');
      existing.body = text;
      return { id: existing.id, url: url(existing.id), created: false };
    }
    this.count('POST /repos/{owner}/{repo}/issues/{issue_number}/comments');
    const c = { id: this.nextId++, body: text };
    t.comments.push(c);
    return { id: c.id, url: url(c.id), created: true };
  }

  async enableAutoMerge(pullRequestNodeId: string, method: MergeMethod): Promise<{ enabledAt: string | null }> {
    this.enter('enableAutoMerge');
    const t = [...this.threads.values()].find((x) => x.kind === 'pull' && nodeIdOf(x) === pullRequestNodeId);
    if (!t)
      throw new GitHubError(
        'enableAutoMerge',
        200,
        `Could not resolve to a node with the global id of '${pullRequestNodeId}'`,
        'POST /graphql',
      );
    if (t.state !== 'open') throw new GitHubError('enableAutoMerge', 200, 'Pull request is closed', 'POST /graphql');
    t.autoMerge = { method, enabledAt: this.clock.now().toISOString() };
    return { enabledAt: t.autoMerge.enabledAt };
  }

  protected thread(n: number, kind: 'issue' | 'pull' | undefined, verb: string): FakeThread {
    const t = this.threads.get(n);
    if (!t || (kind && t.kind !== kind))
      throw new GitHubError(verb, 404, `${kind ?? 'issue'} #${n} not found`, ROUTES[verb]);
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
    return {
      number: t.number,
      nodeId: nodeIdOf(t),
      url: `https://github.com/${this.repoRef.owner}/${this.repoRef.repo}/issues/${t.number}`,
      title: t.title,
      body: t.body,
      state: t.state,
      labels: [...t.labels],
      ...(t.createdAt ? { createdAt: t.createdAt } : {}),
    };
  }
}

function nodeIdOf(t: FakeThread): string {
  return `${t.kind === 'pull' ? 'PR' : 'I'}_fake${t.number}`;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

function definedOnly<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}
