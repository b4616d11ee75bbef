/**
 * The GitHub port over the REST API (and GraphQL for auto-merge).
 */
import type { GitHubClient } from './client.js';
import { ConflictError, GitHubError } from './errors.js';
import { hasMarker, withMarker } from './markers.js';
import type {
  BranchInfo, CheckAnnotation, CheckRun, CommitStatusInput, CreateCheckRunInput, CreateDeploymentInput, CreateDeploymentStatusInput,
  CreateIssueInput, CreatePullRequestInput, DependencyChange, Deployment, DeploymentFilter, DeploymentStatus, Environment, FileContent,
  FindIssueOptions, GitHubPort, Issue, LabelInput, MergeMethod, PullRequest, PutContentInput, PutContentResult, RefInfo, RepoRef,
  StickyComment, UpdateCheckRunInput, UpdateIssueInput, UpdatePullRequestInput, CheckRunOutput,
} from './port.js';
import type { CallCounts, RateLimitState } from './request-budget.js';
import {
  arrayOf, createOnce, isLostAnswer, objectOf, statusOf, toCheckRun, toDeployment, toDeploymentStatus, toIssue, toPortError, toPullRequest,
} from './rest-support.js';
import { toDependencyChange, toEnvironment } from './rest-mappers.js';

/** GitHub accepts at most 50 annotations per check-run request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** Pages read when scanning a list (100 items each). */
const MAX_PAGES = 10;

type Params = Record<string, unknown>;

/** The REST adapter of `GitHubPort`, bound to one repository. */
export class RestGitHubPort implements GitHubPort {
  constructor(
    private readonly client: GitHubClient,
    readonly repoRef: RepoRef,
  ) {}

  private async call(verb: string, route: string, params: Params = {}, isConflict?: (status: number, message: string) => boolean): Promise<unknown> {
    try {
      const res = await this.client.request(route, { owner: this.repoRef.owner, repo: this.repoRef.repo, ...params });
      return res.data;
    } catch (err) {
      throw toPortError(verb, route, err, isConflict);
    }
  }

  /** Null on 404 instead of an error. */
  private async callOrNull(verb: string, route: string, params: Params = {}): Promise<unknown> {
    try {
      return await this.call(verb, route, params);
    } catch (err) {
      if (err instanceof GitHubError && err.status === 404) return null;
      throw err;
    }
  }

  private async pages(verb: string, route: string, params: Params, pick: (data: unknown) => unknown[] = (d) => arrayOf(verb, d)): Promise<Record<string, unknown>[]> {
    const all: Record<string, unknown>[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const items = pick(await this.call(verb, route, { ...params, per_page: 100, page })) as Record<string, unknown>[];
      all.push(...items);
      if (items.length < 100) break;
    }
    return all;
  }

  async getContent(path: string, ref: string): Promise<FileContent | null> {
    const data = await this.callOrNull('getContent', 'GET /repos/{owner}/{repo}/contents/{path}', { path, ref });
    if (data === null) return null;
    if (Array.isArray(data)) throw new GitHubError('getContent', 422, `${path} at ${ref} is a directory, not a file`);
    const file = objectOf('getContent', data);
    if (file['type'] !== 'file') throw new GitHubError('getContent', 422, `${path} at ${ref} is a ${String(file['type'] ?? 'directory')}, not a file`);
    if (file['encoding'] !== 'base64') throw new GitHubError('getContent', 422, `${path} at ${ref} is too large to read through the contents API`);
    return { path, text: Buffer.from(String(file['content']), 'base64').toString('utf8'), sha: String(file['sha']) };
  }

  async putContent(path: string, input: PutContentInput): Promise<PutContentResult> {
    const route = 'PUT /repos/{owner}/{repo}/contents/{path}';
    const body: Params = { path, message: input.message, content: Buffer.from(input.text, 'utf8').toString('base64'), branch: input.branch };
    if (input.expectedSha !== null) body['sha'] = input.expectedSha;
    // A 422 about the sha is GitHub's way to say the file exists but no sha (or another one) was given.
    const shaConflict = (status: number, message: string) => status === 422 && /\bsha\b/i.test(message);
    for (let attempt = 1; ; attempt++) {
      try {
        const data = objectOf('putContent', await this.call('putContent', route, body, shaConflict));
        const content = objectOf('putContent', data['content']);
        const commit = objectOf('putContent', data['commit']);
        return { sha: String(content['sha']), commitSha: String(commit['sha']) };
      } catch (err) {
        if (!isLostAnswer(err) || attempt >= 2) throw err;
        // The commit may have landed: read back before writing again.
        const now = await this.getContent(path, input.branch);
        const unchanged = input.expectedSha === null ? now === null : now?.sha === input.expectedSha;
        if (unchanged) continue;
        if (now && now.text === input.text) {
          const branch = await this.getBranch(input.branch);
          return { sha: now.sha, commitSha: branch?.sha ?? '' };
        }
        throw new ConflictError('putContent', 409, `${path} on ${input.branch} changed while the answer to the write was lost`, route);
      }
    }
  }

  async getRef(ref: string): Promise<RefInfo | null> {
    const data = await this.callOrNull('getRef', 'GET /repos/{owner}/{repo}/git/ref/{ref}', { ref: shortRef(ref) });
    return data === null ? null : toRef(objectOf('getRef', data));
  }

  async createRef(ref: string, sha: string): Promise<RefInfo> {
    const short = shortRef(ref);
    const exists = (status: number, message: string) => status === 422 && /already exists/i.test(message);
    const made = await createOnce(
      async () => toRef(objectOf('createRef', await this.call('createRef', 'POST /repos/{owner}/{repo}/git/refs', { ref: `refs/${short}`, sha }, exists))),
      () => this.getRef(short),
    ).catch(async (err: unknown) => {
      // Created by a run whose answer was lost, or by someone else at the same commit: the same end state.
      if (err instanceof ConflictError) {
        const now = await this.getRef(short);
        if (now?.sha === sha) return now;
      }
      throw err;
    });
    if (made.sha !== sha) throw new ConflictError('createRef', 422, `${short} already exists at ${made.sha}, not ${sha}`);
    return made;
  }

  async updateRef(ref: string, sha: string, options: { force?: boolean } = {}): Promise<RefInfo> {
    const notFastForward = (status: number, message: string) => status === 422 && /fast.forward/i.test(message);
    const data = await this.call('updateRef', 'PATCH /repos/{owner}/{repo}/git/refs/{ref}', { ref: shortRef(ref), sha, force: options.force ?? false }, notFastForward);
    return toRef(objectOf('updateRef', data));
  }

  async getBranch(name: string): Promise<BranchInfo | null> {
    const data = await this.callOrNull('getBranch', 'GET /repos/{owner}/{repo}/branches/{branch}', { branch: name });
    if (data === null) return null;
    const b = objectOf('getBranch', data);
    const commit = objectOf('getBranch', b['commit']);
    return { name: String(b['name']), sha: String(commit['sha']), protected: b['protected'] === true };
  }

  async createDeployment(input: CreateDeploymentInput): Promise<Deployment> {
    const task = input.task ?? 'deploy';
    const find = async () => (await this.listDeployments({ ref: input.ref, environment: input.environment, task })).find((d) => d.payload['bellwetherKey'] === input.key) ?? null;
    return createOnce(async () => {
      const data = objectOf('createDeployment', await this.call('createDeployment', 'POST /repos/{owner}/{repo}/deployments', {
        ref: input.ref,
        task,
        environment: input.environment,
        description: input.description ?? '',
        payload: { ...(input.payload ?? {}), bellwetherKey: input.key },
        auto_merge: false,
        required_contexts: [...(input.requiredContexts ?? [])],
        ...(input.productionEnvironment === undefined ? {} : { production_environment: input.productionEnvironment }),
        ...(input.transientEnvironment === undefined ? {} : { transient_environment: input.transientEnvironment }),
      }));
      // 202 means GitHub merged the default branch into ref instead of deploying.
      if (typeof data['id'] !== 'number') throw new GitHubError('createDeployment', 202, String(data['message'] ?? 'no deployment was created'));
      return toDeployment(data);
    }, find);
  }

  async listDeployments(filter: DeploymentFilter = {}): Promise<Deployment[]> {
    const params: Params = {};
    for (const k of ['sha', 'ref', 'environment', 'task'] as const) if (filter[k] !== undefined) params[k] = filter[k];
    return (await this.pages('listDeployments', 'GET /repos/{owner}/{repo}/deployments', params)).map(toDeployment);
  }

  async createDeploymentStatus(deploymentId: number, input: CreateDeploymentStatusInput): Promise<DeploymentStatus> {
    const description = input.description ?? '';
    const find = async () => {
      const [latest] = await this.listDeploymentStatuses(deploymentId);
      return latest && latest.state === input.state && latest.description === description ? latest : null;
    };
    return createOnce(async () => {
      const body: Params = { deployment_id: deploymentId, state: input.state, description };
      if (input.environmentUrl !== undefined) body['environment_url'] = input.environmentUrl;
      if (input.logUrl !== undefined) body['log_url'] = input.logUrl;
      if (input.autoInactive !== undefined) body['auto_inactive'] = input.autoInactive;
      return toDeploymentStatus(objectOf('createDeploymentStatus', await this.call('createDeploymentStatus', 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', body)));
    }, find);
  }

  async listDeploymentStatuses(deploymentId: number): Promise<DeploymentStatus[]> {
    const rows = await this.pages('listDeploymentStatuses', 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', { deployment_id: deploymentId });
    return rows.map(toDeploymentStatus);
  }

  async createCheckRun(input: CreateCheckRunInput): Promise<CheckRun> {
    const [first, rest] = splitAnnotations(input.output);
    const find = async () => {
      const data = objectOf('createCheckRun', await this.call('createCheckRun', 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs', { ref: input.headSha, check_name: input.name, filter: 'all' }));
      const runs = arrayOf('createCheckRun', data['check_runs']).map(toCheckRun);
      return runs.find((r) => r.externalId === input.externalId) ?? null;
    };
    const run = await createOnce(async () => {
      const body: Params = { name: input.name, head_sha: input.headSha, external_id: input.externalId, status: input.status };
      if (input.conclusion) body['conclusion'] = input.conclusion;
      if (input.detailsUrl) body['details_url'] = input.detailsUrl;
      if (first) body['output'] = first;
      return toCheckRun(objectOf('createCheckRun', await this.call('createCheckRun', 'POST /repos/{owner}/{repo}/check-runs', body)));
    }, find);
    for (const output of rest) await this.call('createCheckRun', 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { check_run_id: run.id, output });
    return run;
  }

  async updateCheckRun(checkRunId: number, input: UpdateCheckRunInput): Promise<CheckRun> {
    const [first, rest] = splitAnnotations(input.output);
    const body: Params = { check_run_id: checkRunId };
    if (input.status) body['status'] = input.status;
    if (input.conclusion) body['conclusion'] = input.conclusion;
    if (first) body['output'] = first;
    let run = toCheckRun(objectOf('updateCheckRun', await this.call('updateCheckRun', 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', body)));
    for (const output of rest) {
      run = toCheckRun(objectOf('updateCheckRun', await this.call('updateCheckRun', 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', { check_run_id: checkRunId, output })));
    }
    return run;
  }

  async createCommitStatus(sha: string, input: CommitStatusInput): Promise<void> {
    const description = input.description ?? '';
    const find = async () => {
      const list = arrayOf('createCommitStatus', await this.call('createCommitStatus', 'GET /repos/{owner}/{repo}/commits/{ref}/statuses', { ref: sha, per_page: 100 }));
      const latest = list.find((s) => s['context'] === input.context);
      return latest && latest['state'] === input.state && (latest['description'] ?? '') === description ? true : null;
    };
    await createOnce(async () => {
      const body: Params = { sha, state: input.state, context: input.context, description };
      if (input.targetUrl) body['target_url'] = input.targetUrl;
      await this.call('createCommitStatus', 'POST /repos/{owner}/{repo}/statuses/{sha}', body);
      return true;
    }, find);
  }

  async findPullRequest(head: string, base: string): Promise<PullRequest | null> {
    const list = arrayOf('findPullRequest', await this.call('findPullRequest', 'GET /repos/{owner}/{repo}/pulls', { head: `${this.repoRef.owner}:${head}`, base, state: 'open' }));
    return list[0] ? toPullRequest(list[0]) : null;
  }

  async createPullRequest(input: CreatePullRequestInput): Promise<PullRequest> {
    const exists = (status: number, message: string) => status === 422 && /already exists/i.test(message);
    try {
      return await createOnce(async () => {
        const body: Params = { head: input.head, base: input.base, title: input.title, body: input.body };
        if (input.draft !== undefined) body['draft'] = input.draft;
        return toPullRequest(objectOf('createPullRequest', await this.call('createPullRequest', 'POST /repos/{owner}/{repo}/pulls', body, exists)));
      }, () => this.findPullRequest(input.head, input.base));
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const open = await this.findPullRequest(input.head, input.base);
      if (open) return open;
      throw err;
    }
  }

  async updatePullRequest(pullNumber: number, input: UpdatePullRequestInput): Promise<PullRequest> {
    const data = await this.call('updatePullRequest', 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}', { pull_number: pullNumber, ...definedOnly(input) });
    return toPullRequest(objectOf('updatePullRequest', data));
  }

  async requestReviewers(pullNumber: number, reviewers: { users?: readonly string[]; teams?: readonly string[] }): Promise<void> {
    await this.call('requestReviewers', 'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', {
      pull_number: pullNumber,
      reviewers: [...(reviewers.users ?? [])],
      team_reviewers: [...(reviewers.teams ?? [])],
    });
  }

  async addLabels(issueNumber: number, labels: readonly string[]): Promise<void> {
    if (labels.length === 0) return;
    await this.call('addLabels', 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels', { issue_number: issueNumber, labels: [...labels] });
  }

  async ensureLabel(label: LabelInput): Promise<void> {
    if ((await this.callOrNull('ensureLabel', 'GET /repos/{owner}/{repo}/labels/{name}', { name: label.name })) !== null) return;
    const exists = (status: number, message: string) => status === 422 && /already_exists|already exists/i.test(message);
    try {
      await this.call('ensureLabel', 'POST /repos/{owner}/{repo}/labels', definedOnly({ name: label.name, color: label.color, description: label.description }), exists);
    } catch (err) {
      // Made meanwhile, or by the attempt whose answer was lost: either way it exists.
      if (err instanceof ConflictError) return;
      if (isLostAnswer(err) && (await this.callOrNull('ensureLabel', 'GET /repos/{owner}/{repo}/labels/{name}', { name: label.name })) !== null) return;
      throw err;
    }
  }

  async findIssue(marker: string, options: FindIssueOptions = {}): Promise<Issue | null> {
    const params: Params = { state: options.state ?? 'all', sort: 'created', direction: 'desc' };
    if (options.labels?.length) params['labels'] = options.labels.join(',');
    const rows = await this.pages('findIssue', 'GET /repos/{owner}/{repo}/issues', params);
    const hit = rows.find((i) => !i['pull_request'] && hasMarker(typeof i['body'] === 'string' ? i['body'] : '', marker));
    return hit ? toIssue(hit) : null;
  }

  async createIssue(input: CreateIssueInput): Promise<Issue> {
    const find = () => this.findIssue(input.marker, { labels: input.labels });
    const existing = await find();
    if (existing) return existing;
    return createOnce(async () => {
      const body: Params = { title: input.title, body: withMarker(input.body, input.marker) };
      if (input.labels?.length) body['labels'] = [...input.labels];
      return toIssue(objectOf('createIssue', await this.call('createIssue', 'POST /repos/{owner}/{repo}/issues', body)));
    }, find);
  }

  async updateIssue(issueNumber: number, input: UpdateIssueInput): Promise<Issue> {
    const body: Params = { issue_number: issueNumber, ...definedOnly({ title: input.title, body: input.body, state: input.state }) };
    if (input.labels) body['labels'] = [...input.labels];
    return toIssue(objectOf('updateIssue', await this.call('updateIssue', 'PATCH /repos/{owner}/{repo}/issues/{issue_number}', body)));
  }

  async upsertComment(issueNumber: number, marker: string, body: string): Promise<StickyComment> {
    const text = withMarker(body, marker);
    const find = async (): Promise<{ id: number; url: string; body: string } | null> => {
      const rows = await this.pages('upsertComment', 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: issueNumber });
      const hit = rows.find((c) => hasMarker(typeof c['body'] === 'string' ? c['body'] : '', marker));
      return hit ? { id: Number(hit['id']), url: String(hit['html_url']), body: String(hit['body']) } : null;
    };
    const existing = await find();
    if (existing) {
      if (existing.body !== text) {
        await this.call('upsertComment', 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', { comment_id: existing.id, body: text });
      }
      return { id: existing.id, url: existing.url, created: false };
    }
    return createOnce(async () => {
      const c = objectOf('upsertComment', await this.call('upsertComment', 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { issue_number: issueNumber, body: text }));
      return { id: Number(c['id']), url: String(c['html_url']), created: true };
    }, async () => {
      const found = await find();
      return found ? { id: found.id, url: found.url, created: true } : null;
    });
  }

  async getEnvironment(name: string): Promise<Environment | null> {
    const data = await this.callOrNull('getEnvironment', 'GET /repos/{owner}/{repo}/environments/{environment_name}', { environment_name: name });
    return data === null ? null : toEnvironment(objectOf('getEnvironment', data));
  }

  async listEnvironments(): Promise<Environment[]> {
    const rows = await this.pages('listEnvironments', 'GET /repos/{owner}/{repo}/environments', {}, (d) => arrayOf('listEnvironments', objectOf('listEnvironments', d)['environments'] ?? []));
    return rows.map(toEnvironment);
  }

  async compareDependencies(base: string, head: string): Promise<DependencyChange[]> {
    const data = await this.call('compareDependencies', 'GET /repos/{owner}/{repo}/dependency-graph/compare/{basehead}', { basehead: `${base}...${head}` });
    return arrayOf('compareDependencies', data).map(toDependencyChange);
  }

  async enableAutoMerge(pullRequestNodeId: string, method: MergeMethod): Promise<{ enabledAt: string | null }> {
    const query = `mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: { pullRequestId: $pullRequestId, mergeMethod: $mergeMethod }) {
    pullRequest { autoMergeRequest { enabledAt } }
  }
}`;
    try {
      const data = (await this.client.graphql(query, { pullRequestId: pullRequestNodeId, mergeMethod: method })) as {
        enablePullRequestAutoMerge?: { pullRequest?: { autoMergeRequest?: { enabledAt?: string | null } | null } };
      };
      return { enabledAt: data.enablePullRequestAutoMerge?.pullRequest?.autoMergeRequest?.enabledAt ?? null };
    } catch (err) {
      const status = statusOf(err);
      const messages = (err as { errors?: { message?: string }[] }).errors?.map((e) => e.message).join('; ');
      throw new GitHubError('enableAutoMerge', status || 200, messages || toPortError('enableAutoMerge', 'POST /graphql', err).message, 'POST /graphql');
    }
  }

  calls(): CallCounts {
    return this.client.calls();
  }

  rateLimit(): RateLimitState | null {
    return this.client.rateLimit();
  }
}

/** `refs/heads/x`, `heads/x` → `heads/x`. */
function shortRef(ref: string): string {
  return ref.replace(/^refs\//, '');
}

function toRef(data: Record<string, unknown>): RefInfo {
  const object = objectOf('ref', data['object']);
  return { ref: shortRef(String(data['ref'])), sha: String(object['sha']) };
}

function definedOnly(input: object): Params {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

type WireOutput = Params;

/** The first request's output and the PATCHes that carry the remaining annotations, 50 each. */
export function splitAnnotations(output: CheckRunOutput | undefined): [WireOutput | undefined, WireOutput[]] {
  if (!output) return [undefined, []];
  const wire = (annotations: readonly CheckAnnotation[]): WireOutput => {
    const o: WireOutput = { title: output.title, summary: output.summary };
    if (output.text !== undefined) o['text'] = output.text;
    if (annotations.length) o['annotations'] = annotations.map(toWireAnnotation);
    return o;
  };
  const all = output.annotations ?? [];
  const chunks: CheckAnnotation[][] = [];
  for (let i = 0; i < all.length; i += ANNOTATIONS_PER_REQUEST) chunks.push(all.slice(i, i + ANNOTATIONS_PER_REQUEST));
  const [head, ...tail] = chunks;
  return [wire(head ?? []), tail.map(wire)];
}

function toWireAnnotation(a: CheckAnnotation): Params {
  const o: Params = { path: a.path, start_line: a.startLine, end_line: a.endLine, annotation_level: a.level, message: a.message };
  if (a.title !== undefined) o['title'] = a.title;
  return o;
}
