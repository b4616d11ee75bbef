import { describe, expect, it } from 'vitest';
import { useGitHubMock } from '../helpers/github-nock.js';
import { ConflictError } from '../../src/github/errors.js';
import { markerComment } from '../../src/github/markers.js';
import {
  commentReply,
  example,
  exampleAsIs,
  exampleItem,
  fileReply,
  putReply,
  pullReply,
  refReply,
  sha,
  testClient,
} from './fixtures.js';

const gh = useGitHubMock();

const CONTENTS = 'PUT /repos/{owner}/{repo}/contents/{path}';

describe('contents', () => {
  it('reads a file as text with its blob sha, and null when missing', async () => {
    gh.expect('GET /repos/{owner}/{repo}/contents/{path}', {
      params: { path: 'deploy/api/prod.yaml' },
      query: { ref: 'main' },
      reply: { status: 200, body: fileReply('deploy/api/prod.yaml', 'stable: v1\n', sha('b1')) },
    });
    gh.expect('GET /repos/{owner}/{repo}/contents/{path}', {
      params: { path: 'deploy/none.yaml' },
      reply: { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com' } },
    });
    const { port } = testClient();
    expect(await port.getContent('deploy/api/prod.yaml', 'main')).toEqual({
      path: 'deploy/api/prod.yaml',
      text: 'stable: v1\n',
      sha: sha('b1'),
    });
    expect(await port.getContent('deploy/none.yaml', 'main')).toBeNull();
  });

  it('writes compare-and-swap on the sha it read', async () => {
    gh.expect(CONTENTS, {
      body: { sha: sha('b1'), branch: 'main', content: Buffer.from('stable: v2\n').toString('base64') },
      reply: { status: 200, body: putReply(200, sha('b2'), sha('c2')) },
    });
    const { port } = testClient();
    expect(
      await port.putContent('deploy/api/prod.yaml', {
        text: 'stable: v2\n',
        message: 'promote',
        branch: 'main',
        expectedSha: sha('b1'),
      }),
    ).toEqual({ sha: sha('b2'), commitSha: sha('c2') });
  });

  it('creates a new file without a sha', async () => {
    gh.expect(CONTENTS, {
      body: (b: { sha?: string }) => b.sha === undefined,
      reply: { status: 201, body: putReply(201, sha('b9'), sha('c9')) },
    });
    const { port } = testClient();
    expect(
      (await port.putContent('deploy/new.yaml', { text: 'x', message: 'add', branch: 'main', expectedSha: null })).sha,
    ).toBe(sha('b9'));
  });

  it.each([
    [409, 'deploy/api/prod.yaml does not match ' + sha('b1')],
    [422, 'Invalid request.\n\n"sha" wasn\'t supplied.'],
  ])('turns a %s about the sha into a ConflictError, never an overwrite', async (status, message) => {
    gh.expect(CONTENTS, { reply: { status, body: { message, documentation_url: 'https://docs.github.com/rest' } } });
    const { port } = testClient();
    const err = await port
      .putContent('deploy/api/prod.yaml', {
        text: 'x',
        message: 'm',
        branch: 'main',
        expectedSha: status === 409 ? sha('b1') : null,
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).verb).toBe('putContent');
    expect(gh.applied(CONTENTS)).toHaveLength(1);
  });
});

describe('refs and branches', () => {
  it('reads, creates and fast-forwards refs', async () => {
    gh.expect('GET /repos/{owner}/{repo}/git/ref/{ref}', {
      params: { ref: 'heads/main' },
      reply: { status: 200, body: refReply('heads/main', sha(1)) },
    });
    gh.expect('POST /repos/{owner}/{repo}/git/refs', {
      body: { ref: 'refs/heads/bellwether/rollback', sha: sha(1) },
      reply: {
        status: 201,
        body: refReply('heads/bellwether/rollback', sha(1), 'POST /repos/{owner}/{repo}/git/refs', 201),
      },
    });
    gh.expect('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
      params: { ref: 'heads/bellwether/rollback' },
      body: { sha: sha(2), force: false },
      reply: {
        status: 200,
        body: refReply('heads/bellwether/rollback', sha(2), 'PATCH /repos/{owner}/{repo}/git/refs/{ref}'),
      },
    });
    const { port } = testClient();
    expect(await port.getRef('heads/main')).toEqual({ ref: 'heads/main', sha: sha(1) });
    expect(await port.createRef('refs/heads/bellwether/rollback', sha(1))).toEqual({
      ref: 'heads/bellwether/rollback',
      sha: sha(1),
    });
    expect(await port.updateRef('heads/bellwether/rollback', sha(2))).toEqual({
      ref: 'heads/bellwether/rollback',
      sha: sha(2),
    });
  });

  it('a non-fast-forward update is a ConflictError', async () => {
    gh.expect('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
      reply: {
        status: 422,
        body: { message: 'Update is not a fast forward', documentation_url: 'https://docs.github.com/rest' },
      },
    });
    const { port } = testClient();
    await expect(port.updateRef('heads/main', sha(3))).rejects.toBeInstanceOf(ConflictError);
  });

  it('creating a ref that exists at another commit is a ConflictError', async () => {
    gh.expect('POST /repos/{owner}/{repo}/git/refs', {
      reply: {
        status: 422,
        body: { message: 'Reference already exists', documentation_url: 'https://docs.github.com/rest' },
      },
    });
    gh.expect('GET /repos/{owner}/{repo}/git/ref/{ref}', { reply: { status: 200, body: refReply('heads/x', sha(9)) } });
    const { port } = testClient();
    await expect(port.createRef('heads/x', sha(1))).rejects.toBeInstanceOf(ConflictError);
  });

  it('reads a branch', async () => {
    gh.expect('GET /repos/{owner}/{repo}/branches/{branch}', {
      params: { branch: 'main' },
      reply: {
        status: 200,
        body: example('GET /repos/{owner}/{repo}/branches/{branch}', 200, { name: 'main', protected: true }),
      },
    });
    const { port } = testClient();
    const b = await port.getBranch('main');
    expect(b).toMatchObject({ name: 'main', protected: true });
    expect(b?.sha).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('deployments, checks and statuses', () => {
  it('creates a deployment with its key in the payload, then a status', async () => {
    gh.expect('POST /repos/{owner}/{repo}/deployments', {
      body: {
        ref: 'v2',
        environment: 'prod',
        task: 'deploy:canary',
        payload: { bellwetherKey: 'api/prod/v2' },
        required_contexts: [],
        auto_merge: false,
      },
      reply: {
        status: 201,
        body: example('POST /repos/{owner}/{repo}/deployments', 201, {
          id: 42,
          ref: 'v2',
          environment: 'prod',
          task: 'deploy:canary',
          payload: { bellwetherKey: 'api/prod/v2' },
        }),
      },
    });
    gh.expect('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', {
      params: { deployment_id: 42 },
      body: { state: 'in_progress', description: 'canary 5%' },
      reply: {
        status: 201,
        body: example('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', 201, {
          id: 7,
          state: 'in_progress',
          description: 'canary 5%',
        }),
      },
    });
    const { port } = testClient();
    const d = await port.createDeployment({
      ref: 'v2',
      environment: 'prod',
      task: 'deploy:canary',
      key: 'api/prod/v2',
    });
    expect(d).toMatchObject({ id: 42, environment: 'prod', payload: { bellwetherKey: 'api/prod/v2' } });
    expect(await port.createDeploymentStatus(42, { state: 'in_progress', description: 'canary 5%' })).toMatchObject({
      id: 7,
      state: 'in_progress',
    });
  });

  it('sends check-run annotations 50 per request', async () => {
    const annotations = Array.from({ length: 120 }, (_, i) => ({
      path: 'a.yml',
      startLine: i + 1,
      endLine: i + 1,
      level: 'warning' as const,
      message: `m${i}`,
    }));
    const run = example('POST /repos/{owner}/{repo}/check-runs', 201, {
      id: 5,
      external_id: 'k1',
      name: 'bellwether/gates',
    });
    gh.expect('POST /repos/{owner}/{repo}/check-runs', {
      body: (b: { output: { annotations: unknown[] } }) => b.output.annotations.length === 50,
      reply: { status: 201, body: run },
    });
    gh.expect('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      params: { check_run_id: 5 },
      body: (b: { output: { annotations: unknown[] } }) => b.output.annotations.length === 50,
      reply: { status: 200, body: example('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', 200) },
    });
    gh.expect('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', {
      body: (b: { output: { annotations: unknown[] } }) => b.output.annotations.length === 20,
      reply: { status: 200, body: example('PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}', 200) },
    });
    const { port } = testClient();
    const made = await port.createCheckRun({
      name: 'bellwether/gates',
      headSha: sha(1),
      externalId: 'k1',
      status: 'completed',
      conclusion: 'failure',
      output: { title: 't', summary: 's', annotations },
    });
    expect(made).toMatchObject({ id: 5, externalId: 'k1' });
  });

  it('sets a commit status', async () => {
    gh.expect('POST /repos/{owner}/{repo}/statuses/{sha}', {
      params: { sha: sha(1) },
      body: { state: 'failure', context: 'bellwether/freeze' },
      reply: { status: 201, body: example('POST /repos/{owner}/{repo}/statuses/{sha}', 201) },
    });
    const { port } = testClient();
    await port.createCommitStatus(sha(1), {
      state: 'failure',
      context: 'bellwether/freeze',
      description: 'error budget spent',
    });
  });
});

describe('pull requests, labels, issues and comments', () => {
  it('returns the open pull request when one from the same head exists', async () => {
    gh.expect('POST /repos/{owner}/{repo}/pulls', {
      reply: {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [
            { resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:rollback.' },
          ],
          documentation_url: 'https://docs.github.com/rest',
        },
      },
    });
    gh.expect('GET /repos/{owner}/{repo}/pulls', {
      query: { head: 'acme:rollback', base: 'main', state: 'open' },
      reply: {
        status: 200,
        body: [pullReply('GET /repos/{owner}/{repo}/pulls', 200, { number: 9, head: 'rollback', base: 'main' })],
      },
    });
    const { port } = testClient();
    expect(
      await port.createPullRequest({ head: 'rollback', base: 'main', title: 'Roll back', body: 'why' }),
    ).toMatchObject({ number: 9, head: 'rollback', base: 'main' });
  });

  it('requests reviewers, adds labels and makes a missing label', async () => {
    gh.expect('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', {
      body: { reviewers: ['octocat'], team_reviewers: ['sre'] },
      reply: {
        status: 201,
        body: pullReply('POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', 201, {}),
      },
    });
    gh.expect('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', {
      body: { labels: ['bellwether:rollback'] },
      reply: { status: 200, body: exampleAsIs('POST /repos/{owner}/{repo}/issues/{issue_number}/labels', 200) },
    });
    gh.expect('GET /repos/{owner}/{repo}/labels/{name}', {
      params: { name: 'bellwether:rollback' },
      reply: { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com' } },
    });
    gh.expect('POST /repos/{owner}/{repo}/labels', {
      body: { name: 'bellwether:rollback', color: 'd73a4a' },
      reply: { status: 201, body: example('POST /repos/{owner}/{repo}/labels', 201) },
    });
    const { port } = testClient();
    await port.requestReviewers(9, { users: ['octocat'], teams: ['sre'] });
    await port.addLabels(9, ['bellwether:rollback']);
    await port.ensureLabel({ name: 'bellwether:rollback', color: 'd73a4a' });
  });

  it('keeps one sticky comment per marker, updated in place', async () => {
    const marker = markerComment('canary/api');
    const list = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
    gh.expect(list, { reply: { status: 200, body: [] } });
    gh.expect('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      body: (b: { body: string }) => b.body.includes(marker),
      reply: {
        status: 201,
        body: commentReply('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', 201, 77, `v1\n${marker}\n`),
      },
    });
    gh.expect(list, { reply: { status: 200, body: [commentReply(list, 200, 77, `v1\n${marker}\n`)] } });
    gh.expect('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', {
      params: { comment_id: 77 },
      body: { body: `v2\n${marker}\n` },
      reply: {
        status: 200,
        body: commentReply('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', 200, 77, `v2\n${marker}\n`),
      },
    });
    gh.expect(list, { reply: { status: 200, body: [commentReply(list, 200, 77, `v2\n${marker}\n`)] } });
    const { port } = testClient();
    expect(await port.upsertComment(1, 'canary/api', 'v1')).toMatchObject({ id: 77, created: true });
    expect(await port.upsertComment(1, 'canary/api', 'v2')).toMatchObject({ id: 77, created: false });
    // Same text again: nothing to write.
    expect(await port.upsertComment(1, 'canary/api', 'v2')).toMatchObject({ id: 77, created: false });
    expect(gh.applied('POST /repos/{owner}/{repo}/issues/{issue_number}/comments')).toHaveLength(1);
  });

  it('finds an issue by its marker before opening one', async () => {
    const marker = markerComment('incident/42');
    gh.expect('GET /repos/{owner}/{repo}/issues', {
      query: { labels: 'postmortem', state: 'all' },
      reply: { status: 200, body: [issueRow(3, 'other'), issueRow(8, `timeline\n${marker}\n`)] },
    });
    const { port } = testClient();
    expect(
      await port.createIssue({ title: 'Postmortem', body: 'timeline', marker: 'incident/42', labels: ['postmortem'] }),
    ).toMatchObject({ number: 8 });
  });
});

describe('environments, dependencies and auto-merge', () => {
  it('reads environments and their protection rules', async () => {
    gh.expect('GET /repos/{owner}/{repo}/environments/{environment_name}', {
      params: { environment_name: 'production' },
      reply: {
        status: 200,
        body: example('GET /repos/{owner}/{repo}/environments/{environment_name}', 200, { name: 'production' }),
      },
    });
    gh.expect('GET /repos/{owner}/{repo}/environments', {
      reply: { status: 200, body: example('GET /repos/{owner}/{repo}/environments', 200) },
    });
    const { port } = testClient();
    const env = await port.getEnvironment('production');
    expect(env?.name).toBe('production');
    expect(env?.protectionRules.map((r) => r.type)).toContain('wait_timer');
    expect((await port.listEnvironments()).length).toBeGreaterThan(0);
  });

  it('compares dependencies between two commits', async () => {
    const change = {
      change_type: 'added',
      manifest: 'package.json',
      ecosystem: 'npm',
      name: 'left-pad',
      version: '1.3.0',
      package_url: 'pkg:npm/left-pad@1.3.0',
      license: 'MIT',
      source_repository_url: null,
      scope: 'runtime',
      vulnerabilities: [
        {
          severity: 'high',
          advisory_ghsa_id: 'GHSA-xxxx-yyyy-zzzz',
          advisory_summary: 'bad',
          advisory_url: 'https://github.com/advisories/GHSA-xxxx-yyyy-zzzz',
        },
      ],
    };
    gh.expect('GET /repos/{owner}/{repo}/dependency-graph/compare/{basehead}', {
      params: { basehead: `${sha(1)}...${sha(2)}` },
      reply: { status: 200, body: [change] },
    });
    const { port } = testClient();
    const [c] = await port.compareDependencies(sha(1), sha(2));
    expect(c).toMatchObject({
      changeType: 'added',
      name: 'left-pad',
      scope: 'runtime',
      vulnerabilities: [{ severity: 'high' }],
    });
  });

  it("a GraphQL error from auto-merge is a GitHubError with GitHub's words", async () => {
    gh.expect('POST /graphql', {
      reply: {
        status: 200,
        body: {
          data: { enablePullRequestAutoMerge: null },
          errors: [
            { type: 'UNPROCESSABLE', message: 'Pull request is in clean status', path: ['enablePullRequestAutoMerge'] },
          ],
        },
      },
    });
    const { port } = testClient();
    await expect(port.enableAutoMerge('PR_kw1', 'MERGE')).rejects.toThrow(
      /enableAutoMerge failed .*Pull request is in clean status/,
    );
  });

  it('a directory where a file was expected is a clear error', async () => {
    gh.expect('GET /repos/{owner}/{repo}/contents/{path}', { reply: { status: 200, body: [] } });
    const { port } = testClient();
    await expect(port.getContent('deploy', 'main')).rejects.toThrow(
      /getContent failed with 422: deploy at main is a directory/,
    );
  });

  it('enables auto-merge through GraphQL', async () => {
    gh.expect('POST /graphql', {
      body: (b: { query: string; variables: Record<string, string> }) =>
        /enablePullRequestAutoMerge/.test(b.query) &&
        b.variables['pullRequestId'] === 'PR_kw1' &&
        b.variables['mergeMethod'] === 'SQUASH',
      reply: {
        status: 200,
        body: {
          data: {
            enablePullRequestAutoMerge: { pullRequest: { autoMergeRequest: { enabledAt: '2026-11-22T10:00:00Z' } } },
          },
        },
      },
    });
    const { port } = testClient();
    expect(await port.enableAutoMerge('PR_kw1', 'SQUASH')).toEqual({ enabledAt: '2026-11-22T10:00:00Z' });
  });
});

function issueRow(n: number, body: string) {
  const { pull_request: _pr, ...row } = exampleItem('GET /repos/{owner}/{repo}/issues', { number: n, body });
  return row;
}
