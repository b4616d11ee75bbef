/**
 * One table of cases run against both implementations of `GitHubPort`: the
 * in-memory fake directly, and the REST adapter through nock (validated
 * against GitHub's OpenAPI description). The arrangement differs per backend;
 * what is asked and what must come back are shared.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mockGitHub } from '../helpers/github-nock.js';
import type { GitHubMock } from '../helpers/github-nock.js';
import { ConflictError } from '../../src/github/errors.js';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { blobSha } from '../../src/github/fake-repository.js';
import { markerComment } from '../../src/github/markers.js';
import type { GitHubPort } from '../../src/github/port.js';
import {
  commentReply,
  example,
  exampleItem,
  fileReply,
  pullReply,
  putReply,
  refReply,
  REPO,
  sha,
  testClient,
} from './fixtures.js';

type Ctx = Record<string, string>;

interface Case {
  readonly name: string;
  readonly fake: (f: InMemoryGitHub) => Promise<Ctx> | Ctx;
  readonly rest: (gh: GitHubMock) => Ctx;
  readonly act: (port: GitHubPort, ctx: Ctx) => Promise<unknown>;
  readonly check: (outcome: unknown, ctx: Ctx) => void;
  /** Requests spent by `act`, by route, which both must report alike (flows count their budget on the fake). */
  readonly calls?: Readonly<Record<string, number>>;
}

const FILE = 'deploy/api/prod.yaml';
const notFound = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
const GET_CONTENT = 'GET /repos/{owner}/{repo}/contents/{path}';
const PUT_CONTENT = 'PUT /repos/{owner}/{repo}/contents/{path}';
const ISSUES = 'GET /repos/{owner}/{repo}/issues';
const COMMENTS = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
const TEAM_MEMBERSHIP = 'GET /orgs/{org}/teams/{team_slug}/memberships/{username}';
const TEAM = 'GET /orgs/{org}/teams/{team_slug}';
const RUN_APPROVALS = 'GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals';
const REVIEWS = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews';
/** GitHub's example team, completed where the example lags its own schema. */
const teamReply = () => {
  const team = example(TEAM, 200, { slug: 'sre', type: 'organization' });
  return { ...team, organization: { ...(team['organization'] as Record<string, unknown>), archived_at: null } };
};

const issueRow = (n: number, body: string) => {
  const { pull_request: _pr, ...row } = exampleItem(ISSUES, { number: n, body });
  return row;
};

const cases: Case[] = [
  {
    name: 'getContent reads the text and its blob sha',
    fake: (f) => (f.seedBranch('main', { [FILE]: 'stable: v1\n' }), {}),
    rest: (gh) => (
      gh.expect(GET_CONTENT, {
        params: { path: FILE },
        query: { ref: 'main' },
        reply: { status: 200, body: fileReply(FILE, 'stable: v1\n', blobSha('stable: v1\n')) },
      }),
      {}
    ),
    act: (p) => p.getContent(FILE, 'main'),
    check: (out) => expect(out).toEqual({ path: FILE, text: 'stable: v1\n', sha: blobSha('stable: v1\n') }),
    calls: { [GET_CONTENT]: 1 },
  },
  {
    name: 'getContent of a missing file is null',
    fake: (f) => (f.seedBranch('main', {}), {}),
    rest: (gh) => (gh.expect(GET_CONTENT, { reply: notFound }), {}),
    act: (p) => p.getContent('nope.yaml', 'main'),
    check: (out) => expect(out).toBeNull(),
  },
  {
    name: 'putContent on the sha read writes and returns the new blob sha',
    fake: (f) => (f.seedBranch('main', { [FILE]: 'stable: v1\n' }), {}),
    rest: (gh) => (
      gh.expect(PUT_CONTENT, {
        body: { sha: blobSha('stable: v1\n') },
        reply: { status: 200, body: putReply(200, blobSha('stable: v2\n'), sha('c2')) },
      }),
      {}
    ),
    act: (p) =>
      p.putContent(FILE, {
        text: 'stable: v2\n',
        message: 'promote',
        branch: 'main',
        expectedSha: blobSha('stable: v1\n'),
      }),
    check: (out) =>
      expect(out).toMatchObject({ sha: blobSha('stable: v2\n'), commitSha: expect.stringMatching(/^[0-9a-f]{40}$/) }),
    calls: { [PUT_CONTENT]: 1 },
  },
  {
    name: 'putContent on a stale sha is a ConflictError',
    fake: (f) => (f.seedBranch('main', { [FILE]: 'stable: v9\n' }), {}),
    rest: (gh) => (
      gh.expect(PUT_CONTENT, {
        reply: {
          status: 409,
          body: {
            message: `${FILE} does not match ${blobSha('stable: v1\n')}`,
            documentation_url: 'https://docs.github.com/rest',
          },
        },
      }),
      {}
    ),
    act: (p) =>
      p.putContent(FILE, {
        text: 'stable: v2\n',
        message: 'promote',
        branch: 'main',
        expectedSha: blobSha('stable: v1\n'),
      }),
    check: (out) => expect(out).toBeInstanceOf(ConflictError),
  },
  {
    name: 'putContent creating a file that exists is a ConflictError',
    fake: (f) => (f.seedBranch('main', { [FILE]: 'stable: v1\n' }), {}),
    rest: (gh) => (
      gh.expect(PUT_CONTENT, {
        reply: {
          status: 422,
          body: {
            message: 'Invalid request.\n\n"sha" wasn\'t supplied.',
            documentation_url: 'https://docs.github.com/rest',
          },
        },
      }),
      {}
    ),
    act: (p) => p.putContent(FILE, { text: 'x', message: 'add', branch: 'main', expectedSha: null }),
    check: (out) => expect(out).toBeInstanceOf(ConflictError),
  },
  {
    name: 'getRef and getBranch of missing names are null',
    fake: () => ({}),
    rest: (gh) => (
      gh
        .expect('GET /repos/{owner}/{repo}/git/ref/{ref}', { reply: notFound })
        .expect('GET /repos/{owner}/{repo}/branches/{branch}', { reply: notFound }),
      {}
    ),
    act: async (p) => [await p.getRef('heads/nope'), await p.getBranch('nope')],
    check: (out) => expect(out).toEqual([null, null]),
  },
  {
    name: 'updateRef to a commit that is not a descendant is a ConflictError',
    fake: (f) => {
      f.seedBranch('main', { a: '1' });
      return { target: f.seedBranch('other', { b: '2' }) };
    },
    rest: (gh) => (
      gh.expect('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
        body: { force: false },
        reply: {
          status: 422,
          body: { message: 'Update is not a fast forward', documentation_url: 'https://docs.github.com/rest' },
        },
      }),
      { target: sha(5) }
    ),
    act: (p, ctx) => p.updateRef('heads/main', ctx['target'] ?? ''),
    check: (out) => expect(out).toBeInstanceOf(ConflictError),
  },
  {
    name: 'createRef where the ref points elsewhere is a ConflictError',
    fake: (f) => {
      const main = f.seedBranch('main', { a: '1' });
      f.seedBranch('x', { b: '2' });
      return { target: main };
    },
    rest: (gh) => {
      gh.expect('POST /repos/{owner}/{repo}/git/refs', {
        reply: {
          status: 422,
          body: { message: 'Reference already exists', documentation_url: 'https://docs.github.com/rest' },
        },
      });
      gh.expect('GET /repos/{owner}/{repo}/git/ref/{ref}', {
        reply: { status: 200, body: refReply('heads/x', sha(9)) },
      });
      return { target: sha(1) };
    },
    act: (p, ctx) => p.createRef('heads/x', ctx['target'] ?? ''),
    check: (out) => expect(out).toBeInstanceOf(ConflictError),
  },
  {
    name: 'createPullRequest returns the open pull request from the same head into the same base',
    fake: async (f) => {
      f.seedBranch('main', { a: '1' });
      f.seedBranch('bellwether/rollback', { a: '0' });
      const pr = await f.createPullRequest({ head: 'bellwether/rollback', base: 'main', title: 'Roll back', body: '' });
      return { number: String(pr.number) };
    },
    rest: (gh) => {
      gh.expect('POST /repos/{owner}/{repo}/pulls', {
        reply: {
          status: 422,
          body: {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'PullRequest',
                code: 'custom',
                message: 'A pull request already exists for acme:bellwether/rollback.',
              },
            ],
            documentation_url: 'https://docs.github.com/rest',
          },
        },
      });
      gh.expect('GET /repos/{owner}/{repo}/pulls', {
        reply: {
          status: 200,
          body: [
            pullReply('GET /repos/{owner}/{repo}/pulls', 200, {
              number: 14,
              head: 'bellwether/rollback',
              base: 'main',
            }),
          ],
        },
      });
      return { number: '14' };
    },
    act: (p) => p.createPullRequest({ head: 'bellwether/rollback', base: 'main', title: 'Roll back', body: 'again' }),
    check: (out, ctx) =>
      expect(out).toMatchObject({
        number: Number(ctx['number']),
        head: 'bellwether/rollback',
        base: 'main',
        state: 'open',
      }),
    calls: { 'POST /repos/{owner}/{repo}/pulls': 1, 'GET /repos/{owner}/{repo}/pulls': 1 },
  },
  {
    name: "pullRequestApprovals: each reviewer's latest review counts, so a later change request takes an approval back",
    fake: async (f) => {
      f.seedBranch('main', { a: '1' });
      f.seedBranch('feature', { a: '2' });
      const pr = await f.createPullRequest({ head: 'feature', base: 'main', title: 'f', body: '' });
      f.addReview(pr.number, 'hubot', 'APPROVED');
      f.addReview(pr.number, 'monalisa', 'APPROVED');
      f.addReview(pr.number, 'monalisa', 'CHANGES_REQUESTED');
      f.addReview(pr.number, 'hubot', 'COMMENTED');
      return { number: String(pr.number) };
    },
    rest: (gh) => {
      const review = (login: string, state: string, id: number) => {
        const row = exampleItem(REVIEWS, { id, state });
        return { ...row, user: { ...(row['user'] as Record<string, unknown>), login } };
      };
      gh.expect(REVIEWS, {
        params: { pull_number: 14 },
        reply: {
          status: 200,
          body: [
            review('hubot', 'APPROVED', 1),
            review('monalisa', 'APPROVED', 2),
            review('monalisa', 'CHANGES_REQUESTED', 3),
            review('hubot', 'COMMENTED', 4),
          ],
        },
      });
      return { number: '14' };
    },
    act: (p, ctx) => p.pullRequestApprovals(Number(ctx['number'])),
    check: (out) => expect(out).toEqual(['hubot']),
    calls: { [REVIEWS]: 1 },
  },
  {
    name: 'upsertComment keeps one comment per marker and updates it in place',
    fake: async (f) => ({
      issue: String((await f.createIssue({ title: 't', body: 'b', marker: 'incident/1' })).number),
    }),
    rest: (gh) => {
      const m = markerComment('canary/api');
      gh.expect(COMMENTS, { reply: { status: 200, body: [] } });
      gh.expect('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        reply: {
          status: 201,
          body: commentReply('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', 201, 70, `first\n${m}\n`),
        },
      });
      gh.expect(COMMENTS, { reply: { status: 200, body: [commentReply(COMMENTS, 200, 70, `first\n${m}\n`)] } });
      gh.expect('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
        params: { comment_id: 70 },
        reply: {
          status: 200,
          body: commentReply('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', 200, 70, `second\n${m}\n`),
        },
      });
      return { issue: '1' };
    },
    act: async (p, ctx) => {
      const a = await p.upsertComment(Number(ctx['issue']), 'canary/api', 'first');
      const b = await p.upsertComment(Number(ctx['issue']), 'canary/api', 'second');
      return [a.created, b.created, a.id === b.id];
    },
    check: (out) => expect(out).toEqual([true, false, true]),
    calls: {
      [COMMENTS]: 2,
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments': 1,
      'PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}': 1,
    },
  },
  {
    name: 'createIssue returns the issue that already carries the marker',
    fake: async (f) => ({
      number: String(
        (await f.createIssue({ title: 'Freeze', body: 'budget spent', marker: 'freeze/api', labels: ['bellwether'] }))
          .number,
      ),
    }),
    rest: (gh) => (
      gh.expect(ISSUES, {
        query: { labels: 'bellwether' },
        reply: { status: 200, body: [issueRow(5, `budget spent\n${markerComment('freeze/api')}\n`)] },
      }),
      { number: '5' }
    ),
    act: (p) => p.createIssue({ title: 'Freeze', body: 'budget spent', marker: 'freeze/api', labels: ['bellwether'] }),
    check: (out, ctx) => expect(out).toMatchObject({ number: Number(ctx['number']), state: 'open' }),
    calls: { [ISSUES]: 1 },
  },
  {
    name: 'findIssue with no issue carrying the marker is null (a longer marker is not a match)',
    fake: async (f) => (await f.createIssue({ title: 't', body: 'b', marker: 'freeze/api-v2' }), {}),
    rest: (gh) => (
      gh.expect(ISSUES, { reply: { status: 200, body: [issueRow(3, `b\n${markerComment('freeze/api-v2')}\n`)] } }),
      {}
    ),
    act: (p) => p.findIssue('freeze/api'),
    check: (out) => expect(out).toBeNull(),
  },
  {
    name: 'teamMembership: an active member of a readable team',
    fake: (f) => (f.setTeamMembers('acme/sre', ['octocat']), {}),
    rest: (gh) => (
      gh.expect(TEAM_MEMBERSHIP, {
        params: { org: 'acme', team_slug: 'sre', username: 'octocat' },
        reply: { status: 200, body: example(TEAM_MEMBERSHIP, 200, { state: 'active' }) },
      }),
      {}
    ),
    act: (p) => p.teamMembership('acme/sre', 'octocat'),
    check: (out) => expect(out).toEqual({ kind: 'member' }),
    calls: { [TEAM_MEMBERSHIP]: 1 },
  },
  {
    name: 'teamMembership: 404 on a team the token can read is no membership',
    fake: (f) => (f.setTeamMembers('acme/sre', ['someone']), {}),
    rest: (gh) => {
      gh.expect(TEAM_MEMBERSHIP, { reply: { status: 404 } });
      gh.expect(TEAM, { params: { org: 'acme', team_slug: 'sre' }, reply: { status: 200, body: teamReply() } });
      return {};
    },
    act: (p) => p.teamMembership('acme/sre', 'octocat'),
    check: (out) => expect(out).toEqual({ kind: 'not-member' }),
    calls: { [TEAM_MEMBERSHIP]: 1, [TEAM]: 1 },
  },
  {
    name: 'teamMembership: a team the token cannot read is unknown, and says why',
    fake: () => ({}),
    rest: (gh) => {
      gh.expect(TEAM_MEMBERSHIP, { reply: { status: 404 } });
      gh.expect(TEAM, { reply: notFound });
      return {};
    },
    act: (p) => p.teamMembership('acme/sre', 'octocat'),
    check: (out) =>
      expect(out).toMatchObject({
        kind: 'unknown',
        reason: expect.stringContaining(
          "the token cannot read the team acme/sre (GitHub answers 404 for it); a workflow's GITHUB_TOKEN never can",
        ),
      }),
    calls: { [TEAM_MEMBERSHIP]: 1, [TEAM]: 1 },
  },
  {
    name: "listRunApprovals: an environment reviewer's approval of a run, with the reviewer and the environments",
    fake: (f) => (
      f.addRunApproval(42, { state: 'approved', user: 'monalisa', environments: ['production'], comment: 'ship it' }),
      {}
    ),
    rest: (gh) => {
      const row = exampleItem(RUN_APPROVALS, { state: 'approved', comment: 'ship it' });
      const environments = (row['environments'] as Array<Record<string, unknown>>).map((e) => ({
        ...e,
        name: 'production',
      }));
      gh.expect(RUN_APPROVALS, {
        reply: {
          status: 200,
          body: [{ ...row, environments, user: { ...(row['user'] as Record<string, unknown>), login: 'monalisa' } }],
        },
      });
      return {};
    },
    act: (p) => p.listRunApprovals(42),
    check: (out) =>
      expect(out).toEqual([{ state: 'approved', user: 'monalisa', environments: ['production'], comment: 'ship it' }]),
    calls: { [RUN_APPROVALS]: 1 },
  },
  {
    name: 'getEnvironment of a missing environment is null',
    fake: () => ({}),
    rest: (gh) => (gh.expect('GET /repos/{owner}/{repo}/environments/{environment_name}', { reply: notFound }), {}),
    act: (p) => p.getEnvironment('staging'),
    check: (out) => expect(out).toBeNull(),
  },
  {
    name: 'createDeployment keeps the key in the payload, and listDeployments finds it',
    fake: (f) => (f.seedBranch('main', { a: '1' }), {}),
    rest: (gh) => {
      const made = example('POST /repos/{owner}/{repo}/deployments', 201, {
        id: 3,
        ref: 'main',
        environment: 'prod',
        task: 'deploy',
        payload: { bellwetherKey: 'api/prod/1' },
      });
      gh.expect('POST /repos/{owner}/{repo}/deployments', { reply: { status: 201, body: made } });
      gh.expect('GET /repos/{owner}/{repo}/deployments', {
        query: { environment: 'prod' },
        reply: {
          status: 200,
          body: [
            exampleItem('GET /repos/{owner}/{repo}/deployments', {
              id: 3,
              ref: 'main',
              environment: 'prod',
              task: 'deploy',
              payload: { bellwetherKey: 'api/prod/1' },
            }),
          ],
        },
      });
      return {};
    },
    act: async (p) => {
      const d = await p.createDeployment({ ref: 'main', environment: 'prod', key: 'api/prod/1' });
      const [listed] = await p.listDeployments({ environment: 'prod' });
      return [d.id === listed?.id, listed?.payload['bellwetherKey'], listed?.task];
    },
    check: (out) => expect(out).toEqual([true, 'api/prod/1', 'deploy']),
    calls: { 'POST /repos/{owner}/{repo}/deployments': 1, 'GET /repos/{owner}/{repo}/deployments': 1 },
  },
  {
    name: 'listDeployments with a limit returns the newest that many',
    fake: async (f) => {
      f.seedBranch('main', { a: '1' });
      for (const key of ['k1', 'k2', 'k3']) await f.createDeployment({ ref: 'main', environment: 'prod', key });
      return {};
    },
    rest: (gh) => {
      const row = (id: number, key: string) =>
        exampleItem('GET /repos/{owner}/{repo}/deployments', { id, payload: { bellwetherKey: key } });
      gh.expect('GET /repos/{owner}/{repo}/deployments', {
        query: { per_page: 2, page: 1 },
        reply: { status: 200, body: [row(3, 'k3'), row(2, 'k2')] },
      });
      return {};
    },
    act: async (p) =>
      (await p.listDeployments({ environment: 'prod', limit: 2 })).map((d) => d.payload['bellwetherKey']),
    check: (out) => expect(out).toEqual(['k3', 'k2']),
    calls: { 'GET /repos/{owner}/{repo}/deployments': 1 },
  },
  {
    name: 'enableAutoMerge on an open pull request reports when it was enabled',
    fake: async (f) => {
      f.seedBranch('main', { a: '1' });
      f.seedBranch('promote', { a: '2' });
      return { node: (await f.createPullRequest({ head: 'promote', base: 'main', title: 'p', body: '' })).nodeId };
    },
    rest: (gh) => (
      gh.expect('POST /graphql', {
        reply: {
          status: 200,
          body: {
            data: {
              enablePullRequestAutoMerge: { pullRequest: { autoMergeRequest: { enabledAt: '2026-01-01T00:00:00Z' } } },
            },
          },
        },
      }),
      { node: 'PR_kwDOA' }
    ),
    act: (p, ctx) => p.enableAutoMerge(ctx['node'] ?? '', 'SQUASH'),
    check: (out) => expect(out).toEqual({ enabledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }),
  },
];

/** Requests by route made between two readings of `calls().byRoute`. */
function spent(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [route, n] of Object.entries(after))
    if (n - (before[route] ?? 0) > 0) out[route] = n - (before[route] ?? 0);
  return out;
}

const outcome = async (run: () => Promise<unknown>) => {
  try {
    return await run();
  } catch (err) {
    return err;
  }
};

describe('InMemoryGitHub', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const fake = new InMemoryGitHub(REPO);
    const ctx = await c.fake(fake);
    const before = fake.calls().byRoute;
    c.check(await outcome(() => c.act(fake, ctx)), ctx);
    if (c.calls) expect(spent(before, fake.calls().byRoute)).toEqual(c.calls);
  });
});

describe('RestGitHubPort', () => {
  let gh: GitHubMock | undefined;
  afterEach(() => {
    try {
      gh?.done();
    } finally {
      gh?.close();
    }
  });
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    gh = mockGitHub();
    const ctx = c.rest(gh);
    const { port } = testClient();
    c.check(await outcome(() => c.act(port, ctx)), ctx);
    if (c.calls) expect(port.calls().byRoute).toEqual(c.calls);
  });
});
