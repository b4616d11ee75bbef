/**
 * The GitHub port over the REST API (and GraphQL for auto-merge).
 */
import { ConflictError, GitHubError } from './errors.js';
import { ANNOTATIONS_PER_REQUEST } from './port.js';
import type {
  ActionSources,
  BranchInfo,
  CheckAnnotation,
  CheckRun,
  CheckRunOutput,
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
import type { CallCounts, RateLimitState } from './request-budget.js';
import type { Params } from './rest-caller.js';
import { RestActionSources } from './rest-action-sources.js';
import { RestConversationVerbs } from './rest-conversations.js';
import { unreadableTeam } from './teams.js';
import { toCheckRun, toDependencyChange, toDeployment, toDeploymentStatus, toEnvironment } from './rest-mappers.js';
import { arrayOf, CREATE_ATTEMPTS, createOnce, isLostAnswer, objectOf } from './rest-support.js';

export { ANNOTATIONS_PER_REQUEST } from './port.js';

const CHECK_RUN_PATCH = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}';

/** `output.annotations_count` of a check run GitHub returned; 0 when absent. */
function annotationCount(run: Record<string, unknown>): number {
  const n = (run['output'] as Record<string, unknown> | undefined)?.['annotations_count'];
  return typeof n === 'number' ? n : 0;
}

/**
 * The REST adapter of `GitHubPort`, bound to one repository:
 * `new RestGitHubPort(createGitHubClient(...), { owner, repo })`.
 * Contents, refs, deployments, checks, environments and dependency review
 * here; conversations (pull requests, issues, comments) in its base class.
 */
export class RestGitHubPort extends RestConversationVerbs implements GitHubPort {
  async getContent(path: string, ref: string): Promise<FileContent | null> {
    const data = await this.callOrNull('getContent', 'GET /repos/{owner}/{repo}/contents/{path}', { path, ref });
    if (data === null) return null;
    if (Array.isArray(data)) throw new GitHubError('getContent', 422, `${path} at ${ref} is a directory, not a file`);
    const file = objectOf('getContent', data);
    if (file['type'] !== 'file')
      throw new GitHubError(
        'getContent',
        422,
        `${path} at ${ref} is a ${String(file['type'] ?? 'directory')}, not a file`,
      );
    if (file['encoding'] !== 'base64')
      throw new GitHubError('getContent', 422, `${path} at ${ref} is too large to read through the contents API`);
    return { path, text: Buffer.from(String(file['content']), 'base64').toString('utf8'), sha: String(file['sha']) };
  }

  async putContent(path: string, input: PutContentInput): Promise<PutContentResult> {
    const route = 'PUT /repos/{owner}/{repo}/contents/{path}';
    const body: Params = {
      path,
      message: input.message,
      content: Buffer.from(input.text, 'utf8').toString('base64'),
      branch: input.branch,
    };
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
        if (!isLostAnswer(err)) throw err;
        // The commit may have landed: read back before writing again.
        const now = await this.getContent(path, input.branch);
        if (now && now.text === input.text && now.sha !== input.expectedSha) {
          const branch = await this.getBranch(input.branch);
          return { sha: now.sha, commitSha: branch?.sha ?? '' };
        }
        const unchanged = input.expectedSha === null ? now === null : now?.sha === input.expectedSha;
        if (!unchanged)
          throw new ConflictError(
            'putContent',
            409,
            `${path} on ${input.branch} changed while the answer to the write was lost`,
            route,
          );
        if (attempt >= CREATE_ATTEMPTS) throw err;
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
      async () =>
        toRef(
          objectOf(
            'createRef',
            await this.call('createRef', 'POST /repos/{owner}/{repo}/git/refs', { ref: `refs/${short}`, sha }, exists),
          ),
        ),
      () => this.getRef(short),
    ).catch(async (err: unknown) => {
      // Created by a run whose answer was lost, or by someone else at the same commit: the same end state.
      if (err instanceof ConflictError) {
        const now = await this.getRef(short);
        if (now?.sha === sha) return now;
      }
      throw err;
    });
    if (made.sha !== sha)
      throw new ConflictError('createRef', 422, `${short} already exists at ${made.sha}, not ${sha}`);
    return made;
  }

  async updateRef(ref: string, sha: string, options: { force?: boolean } = {}): Promise<RefInfo> {
    const notFastForward = (status: number, message: string) => status === 422 && /fast.forward/i.test(message);
    const data = await this.call(
      'updateRef',
      'PATCH /repos/{owner}/{repo}/git/refs/{ref}',
      { ref: shortRef(ref), sha, force: options.force ?? false },
      notFastForward,
    );
    return toRef(objectOf('updateRef', data));
  }

  async teamMembership(team: string, user: string): Promise<TeamMembership> {
    const [org = '', slug = ''] = team.split('/');
    try {
      const data = await this.callOutsideOrNull(
        'teamMembership',
        'GET /orgs/{org}/teams/{team_slug}/memberships/{username}',
        { org, team_slug: slug, username: user },
      );
      if (data !== null)
        return objectOf('teamMembership', data)['state'] === 'active' ? { kind: 'member' } : { kind: 'not-member' };
      // 404 is both "not a member" and "may not look": a team the token can read tells them apart.
      const visible = await this.callOutsideOrNull('teamMembership', 'GET /orgs/{org}/teams/{team_slug}', {
        org,
        team_slug: slug,
      });
      return visible === null ? unreadableTeam(team, 'GitHub answers 404 for it') : { kind: 'not-member' };
    } catch (err) {
      if (err instanceof GitHubError && (err.status === 403 || err.status === 401))
        return unreadableTeam(team, `GitHub answered ${err.status}`);
      throw err;
    }
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
    const find = async () =>
      (await this.listDeployments({ ref: input.ref, environment: input.environment, task })).find(
        (d) => d.payload['bellwetherKey'] === input.key,
      ) ?? null;
    return createOnce(async () => {
      const data = objectOf(
        'createDeployment',
        await this.call('createDeployment', 'POST /repos/{owner}/{repo}/deployments', {
          ref: input.ref,
          task,
          environment: input.environment,
          description: input.description ?? '',
          payload: { ...(input.payload ?? {}), bellwetherKey: input.key },
          auto_merge: false,
          required_contexts: [...(input.requiredContexts ?? [])],
          ...(input.productionEnvironment === undefined ? {} : { production_environment: input.productionEnvironment }),
          ...(input.transientEnvironment === undefined ? {} : { transient_environment: input.transientEnvironment }),
        }),
      );
      // 202 means GitHub merged the default branch into ref instead of deploying.
      if (typeof data['id'] !== 'number')
        throw new GitHubError('createDeployment', 202, String(data['message'] ?? 'no deployment was created'));
      return toDeployment(data);
    }, find);
  }

  async listDeployments(filter: DeploymentFilter = {}): Promise<Deployment[]> {
    const params: Params = {};
    for (const k of ['sha', 'ref', 'environment', 'task'] as const) if (filter[k] !== undefined) params[k] = filter[k];
    return (
      await this.pages('listDeployments', 'GET /repos/{owner}/{repo}/deployments', params, undefined, filter.limit)
    ).map(toDeployment);
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
      return toDeploymentStatus(
        objectOf(
          'createDeploymentStatus',
          await this.call(
            'createDeploymentStatus',
            'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
            body,
          ),
        ),
      );
    }, find);
  }

  async listDeploymentStatuses(deploymentId: number): Promise<DeploymentStatus[]> {
    const rows = await this.pages(
      'listDeploymentStatuses',
      'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
      { deployment_id: deploymentId },
    );
    return rows.map(toDeploymentStatus);
  }

  async createCheckRun(input: CreateCheckRunInput): Promise<CheckRun> {
    const [first, rest] = splitAnnotations(input.output);
    const find = async () => {
      const data = objectOf(
        'createCheckRun',
        await this.call('createCheckRun', 'GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
          ref: input.headSha,
          check_name: input.name,
          filter: 'all',
        }),
      );
      return arrayOf('createCheckRun', data['check_runs']).find((r) => r['external_id'] === input.externalId) ?? null;
    };
    const made = await createOnce(async () => {
      const body: Params = {
        name: input.name,
        head_sha: input.headSha,
        external_id: input.externalId,
        status: input.status,
      };
      if (input.conclusion) body['conclusion'] = input.conclusion;
      if (input.detailsUrl) body['details_url'] = input.detailsUrl;
      if (first) body['output'] = first;
      return objectOf(
        'createCheckRun',
        await this.call('createCheckRun', 'POST /repos/{owner}/{repo}/check-runs', body),
      );
    }, find);
    const run = toCheckRun(made);
    await this.appendAnnotations(
      'createCheckRun',
      rest.map((output) => ({ check_run_id: run.id, output })),
      run.id,
      annotationCount(made),
    );
    return run;
  }

  async updateCheckRun(checkRunId: number, input: UpdateCheckRunInput): Promise<CheckRun> {
    const [first, rest] = splitAnnotations(input.output);
    const body: Params = { check_run_id: checkRunId };
    if (input.status) body['status'] = input.status;
    if (input.conclusion) body['conclusion'] = input.conclusion;
    if (first) body['output'] = first;
    const batches = [body, ...rest.map((output) => ({ check_run_id: checkRunId, output }))];
    if (!batches.some((b) => Array.isArray((b['output'] as Params | undefined)?.['annotations']))) {
      return toCheckRun(objectOf('updateCheckRun', await this.call('updateCheckRun', CHECK_RUN_PATCH, body)));
    }
    const before = annotationCount(await this.readCheckRun('updateCheckRun', checkRunId));
    return toCheckRun(await this.appendAnnotations('updateCheckRun', batches, checkRunId, before));
  }

  private async readCheckRun(verb: string, checkRunId: number): Promise<Record<string, unknown>> {
    return objectOf(
      verb,
      await this.call(verb, 'GET /repos/{owner}/{repo}/check-runs/{check_run_id}', { check_run_id: checkRunId }),
    );
  }

  /**
   * Sends PATCHes that carry annotations. GitHub appends annotations, so a
   * PATCH whose answer was lost is not sent again blindly: the run's
   * annotation count says whether it landed.
   */
  private async appendAnnotations(
    verb: string,
    bodies: Params[],
    checkRunId: number,
    countBefore: number,
  ): Promise<Record<string, unknown>> {
    let count = countBefore;
    let last: Record<string, unknown> = {};
    for (const body of bodies) {
      const size = ((body['output'] as Params | undefined)?.['annotations'] as unknown[] | undefined)?.length ?? 0;
      const expected = count + size;
      last = await createOnce(
        async () => objectOf(verb, await this.call(verb, CHECK_RUN_PATCH, body)),
        async () => {
          const now = await this.readCheckRun(verb, checkRunId);
          return annotationCount(now) >= expected ? now : null;
        },
      );
      count = expected;
    }
    return last;
  }

  async createCommitStatus(sha: string, input: CommitStatusInput): Promise<void> {
    const description = input.description ?? '';
    const find = async () => {
      const list = arrayOf(
        'createCommitStatus',
        await this.call('createCommitStatus', 'GET /repos/{owner}/{repo}/commits/{ref}/statuses', {
          ref: sha,
          per_page: 100,
        }),
      );
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

  async getEnvironment(name: string): Promise<Environment | null> {
    const data = await this.callOrNull('getEnvironment', 'GET /repos/{owner}/{repo}/environments/{environment_name}', {
      environment_name: name,
    });
    return data === null ? null : toEnvironment(objectOf('getEnvironment', data));
  }

  async listEnvironments(): Promise<Environment[]> {
    const rows = await this.pages('listEnvironments', 'GET /repos/{owner}/{repo}/environments', {}, (d) =>
      arrayOf('listEnvironments', objectOf('listEnvironments', d)['environments'] ?? []),
    );
    return rows.map(toEnvironment);
  }

  async listRunApprovals(runId: number): Promise<RunApproval[]> {
    const data = await this.call('listRunApprovals', 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals', {
      run_id: runId,
    });
    return arrayOf('listRunApprovals', data).map((row) => {
      const state = row['state'];
      const user = row['user'] as Params | null | undefined;
      const environments = Array.isArray(row['environments']) ? (row['environments'] as Params[]) : [];
      return {
        state: state === 'approved' || state === 'rejected' ? state : 'pending',
        user: typeof user?.['login'] === 'string' ? user['login'] : '',
        environments: environments.map((e) => (typeof e['name'] === 'string' ? e['name'] : '')).filter(Boolean),
        comment: typeof row['comment'] === 'string' ? row['comment'] : '',
      };
    });
  }

  async compareDependencies(base: string, head: string): Promise<DependencyChange[]> {
    const data = await this.call(
      'compareDependencies',
      'GET /repos/{owner}/{repo}/dependency-graph/compare/{basehead}',
      { basehead: `${base}...${head}` },
    );
    return arrayOf('compareDependencies', data).map(toDependencyChange);
  }

  calls(): CallCounts {
    return this.client.calls();
  }

  actionSources(): ActionSources {
    return new RestActionSources(this.client);
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
  const o: Params = {
    path: a.path,
    start_line: a.startLine,
    end_line: a.endLine,
    annotation_level: a.level,
    message: a.message,
  };
  if (a.title !== undefined) o['title'] = a.title;
  return o;
}
