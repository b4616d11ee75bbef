/**
 * REST verbs of conversations: pull requests, reviewers, labels, issues,
 * sticky comments and auto-merge (GraphQL).
 */
import { ConflictError, GitHubError } from './errors.js';
import { hasMarker, withMarker } from './markers.js';
import { approversOf } from './port.js';
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
import { RestCaller } from './rest-caller.js';
import type { Params } from './rest-caller.js';
import { toIssue, toPullRequest } from './rest-mappers.js';
import { arrayOf, createOnce, isLostAnswer, objectOf, statusOf, toPortError } from './rest-support.js';

/** Pull requests, labels, issues and comments over REST. */
export class RestConversationVerbs extends RestCaller {
  async findPullRequest(head: string, base: string): Promise<PullRequest | null> {
    const list = arrayOf(
      'findPullRequest',
      await this.call('findPullRequest', 'GET /repos/{owner}/{repo}/pulls', {
        head: `${this.repoRef.owner}:${head}`,
        base,
        state: 'open',
      }),
    );
    return list[0] ? toPullRequest(list[0]) : null;
  }

  async createPullRequest(input: CreatePullRequestInput): Promise<PullRequest> {
    const exists = (status: number, message: string) => status === 422 && /already exists/i.test(message);
    try {
      return await createOnce(
        async () => {
          const body: Params = { head: input.head, base: input.base, title: input.title, body: input.body };
          if (input.draft !== undefined) body['draft'] = input.draft;
          return toPullRequest(
            objectOf(
              'createPullRequest',
              await this.call('createPullRequest', 'POST /repos/{owner}/{repo}/pulls', body, exists),
            ),
          );
        },
        () => this.findPullRequest(input.head, input.base),
      );
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      const open = await this.findPullRequest(input.head, input.base);
      if (open) return open;
      throw err;
    }
  }

  async updatePullRequest(pullNumber: number, input: UpdatePullRequestInput): Promise<PullRequest> {
    const data = await this.call('updatePullRequest', 'PATCH /repos/{owner}/{repo}/pulls/{pull_number}', {
      pull_number: pullNumber,
      ...definedOnly(input),
    });
    return toPullRequest(objectOf('updatePullRequest', data));
  }

  async requestReviewers(
    pullNumber: number,
    reviewers: { users?: readonly string[]; teams?: readonly string[] },
  ): Promise<void> {
    await this.call('requestReviewers', 'POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', {
      pull_number: pullNumber,
      reviewers: [...(reviewers.users ?? [])],
      team_reviewers: [...(reviewers.teams ?? [])],
    });
  }

  async pullRequestApprovals(pullNumber: number): Promise<string[]> {
    const rows = await this.pages('pullRequestApprovals', 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews', {
      pull_number: pullNumber,
    });
    return approversOf(
      rows.map((r) => ({
        user: String((r['user'] as { login?: unknown } | null)?.login ?? ''),
        state: String(r['state'] ?? ''),
      })),
    );
  }

  async addLabels(issueNumber: number, labels: readonly string[]): Promise<void> {
    if (labels.length === 0) return;
    await this.call('addLabels', 'POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      issue_number: issueNumber,
      labels: [...labels],
    });
  }

  async ensureLabel(label: LabelInput): Promise<void> {
    if (
      (await this.callOrNull('ensureLabel', 'GET /repos/{owner}/{repo}/labels/{name}', { name: label.name })) !== null
    )
      return;
    const exists = (status: number, message: string) =>
      status === 422 && /already_exists|already exists/i.test(message);
    try {
      await this.call(
        'ensureLabel',
        'POST /repos/{owner}/{repo}/labels',
        definedOnly({ name: label.name, color: label.color, description: label.description }),
        exists,
      );
    } catch (err) {
      // Made meanwhile, or by the attempt whose answer was lost: either way it exists.
      if (err instanceof ConflictError) return;
      if (
        isLostAnswer(err) &&
        (await this.callOrNull('ensureLabel', 'GET /repos/{owner}/{repo}/labels/{name}', { name: label.name })) !== null
      )
        return;
      throw err;
    }
  }

  async findIssue(marker: string, options: FindIssueOptions = {}): Promise<Issue | null> {
    const params: Params = { state: options.state ?? 'all', sort: 'created', direction: 'desc' };
    if (options.labels?.length) params['labels'] = options.labels.join(',');
    const rows = await this.pages('findIssue', 'GET /repos/{owner}/{repo}/issues', params);
    const hit = rows.find(
      (i) => !i['pull_request'] && hasMarker(typeof i['body'] === 'string' ? i['body'] : '', marker),
    );
    return hit ? toIssue(hit) : null;
  }

  async listIssues(filter: ListIssuesFilter = {}): Promise<Issue[]> {
    const params: Params = { state: filter.state ?? 'open', sort: 'created', direction: 'desc' };
    if (filter.labels?.length) params['labels'] = filter.labels.join(',');
    const rows = await this.pages('listIssues', 'GET /repos/{owner}/{repo}/issues', params);
    return rows
      .filter((i) => !i['pull_request'])
      .map(toIssue)
      .slice(0, filter.limit ?? Infinity);
  }

  async createIssue(input: CreateIssueInput): Promise<Issue> {
    const find = () => this.findIssue(input.marker, { labels: input.labels });
    const existing = await find();
    if (existing) return existing;
    return createOnce(async () => {
      const body: Params = { title: input.title, body: withMarker(input.body, input.marker) };
      if (input.labels?.length) body['labels'] = [...input.labels];
      return toIssue(
        objectOf('createIssue', await this.call('createIssue', 'POST /repos/{owner}/{repo}/issues', body)),
      );
    }, find);
  }

  async updateIssue(issueNumber: number, input: UpdateIssueInput): Promise<Issue> {
    const body: Params = {
      issue_number: issueNumber,
      ...definedOnly({ title: input.title, body: input.body, state: input.state }),
    };
    if (input.labels) body['labels'] = [...input.labels];
    return toIssue(
      objectOf(
        'updateIssue',
        await this.call('updateIssue', 'PATCH /repos/{owner}/{repo}/issues/{issue_number}', body),
      ),
    );
  }

  async upsertComment(issueNumber: number, marker: string, body: string): Promise<StickyComment> {
    const text = withMarker(body, marker);
    const find = async (): Promise<{ id: number; url: string; body: string } | null> => {
      const rows = await this.pages('upsertComment', 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        issue_number: issueNumber,
      });
      const hit = rows.find((c) => hasMarker(typeof c['body'] === 'string' ? c['body'] : '', marker));
      return hit ? { id: Number(hit['id']), url: String(hit['html_url']), body: String(hit['body']) } : null;
    };
    const existing = await find();
    if (existing) {
      if (existing.body !== text) {
        await this.call('upsertComment', 'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
          comment_id: existing.id,
          body: text,
        });
      }
      return { id: existing.id, url: existing.url, created: false };
    }
    return createOnce(
      async () => {
        const c = objectOf(
          'upsertComment',
          await this.call('upsertComment', 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
            issue_number: issueNumber,
            body: text,
          }),
        );
        return { id: Number(c['id']), url: String(c['html_url']), created: true };
      },
      async () => {
        const found = await find();
        return found ? { id: found.id, url: found.url, created: true } : null;
      },
    );
  }

  async enableAutoMerge(pullRequestNodeId: string, method: MergeMethod): Promise<{ enabledAt: string | null }> {
    // A mutation is not repeated blindly: after a lost answer, ask whether auto-merge is on.
    return createOnce(
      async () => {
        const data = await this.graphql<{ enablePullRequestAutoMerge?: { pullRequest?: AutoMergeOf } }>(
          ENABLE_AUTO_MERGE,
          { pullRequestId: pullRequestNodeId, mergeMethod: method },
        );
        return { enabledAt: data.enablePullRequestAutoMerge?.pullRequest?.autoMergeRequest?.enabledAt ?? null };
      },
      async () => {
        const data = await this.graphql<{ node?: AutoMergeOf | null }>(AUTO_MERGE_STATE, { id: pullRequestNodeId });
        const enabledAt = data.node?.autoMergeRequest?.enabledAt;
        return enabledAt ? { enabledAt } : null;
      },
    );
  }

  /** A GraphQL call whose errors name the verb; GraphQL errors keep GitHub's words. */
  private async graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    try {
      return (await this.client.graphql(query, variables)) as T;
    } catch (err) {
      const errors = (err as { errors?: { message?: string }[] }).errors;
      if (Array.isArray(errors) && errors.length) {
        throw new GitHubError(
          'enableAutoMerge',
          statusOf(err) || 200,
          errors.map((e) => e.message).join('; '),
          'POST /graphql',
        );
      }
      throw toPortError('enableAutoMerge', 'POST /graphql', err);
    }
  }
}

type AutoMergeOf = { autoMergeRequest?: { enabledAt?: string | null } | null };

const ENABLE_AUTO_MERGE = `mutation($pullRequestId: ID!, $mergeMethod: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: { pullRequestId: $pullRequestId, mergeMethod: $mergeMethod }) {
    pullRequest { autoMergeRequest { enabledAt } }
  }
}`;

const AUTO_MERGE_STATE = `query($id: ID!) {
  node(id: $id) { ... on PullRequest { autoMergeRequest { enabledAt } } }
}`;

export function definedOnly(input: object): Params {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}
