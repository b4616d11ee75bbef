/**
 * The GitHub client under the fault injector: retried where GitHub says to
 * retry, a clear error naming the verb and status where not, and nothing
 * written twice.
 */
import { describe, expect, it } from 'vitest';
import { fault } from '../helpers/faults.js';
import type { Fault } from '../helpers/faults.js';
import { useGitHubMock } from '../helpers/github-nock.js';
import { ConflictError, GitHubError } from '../../src/github/errors.js';
import { markerComment } from '../../src/github/markers.js';
import {
  commentReply,
  example,
  exampleItem,
  fileReply,
  pullReply,
  putReply,
  refReply,
  sha,
  testClient,
} from './fixtures.js';

const gh = useGitHubMock();

const BRANCH = 'GET /repos/{owner}/{repo}/branches/{branch}';
const branchReply = () => ({ status: 200, body: example(BRANCH, 200, { name: 'main' }) });

describe('reads are retried after transient faults', () => {
  it.each<[string, Fault]>([
    ['502', fault.serverError(502)],
    ['503', fault.serverError(503)],
    ['timeout', fault.timeout(2_000)],
    ['malformed body', fault.malformedBody()],
    ['secondary rate limit 403', fault.secondaryRateLimit({ status: 403, retryAfter: 2 })],
    ['secondary rate limit 429', fault.secondaryRateLimit({ status: 429, retryAfter: 1 })],
    ['primary rate limit', fault.primaryRateLimit({ resetInSeconds: 0 })],
    [
      'bare 429 with retry-after',
      {
        name: '429',
        status: 429,
        headers: { 'retry-after': '1' },
        body: { message: 'Too Many Requests', documentation_url: 'https://docs.github.com/rest' },
        afterWrite: false,
      },
    ],
  ])('%s, then success', async (_name, f) => {
    gh.fault(BRANCH, f);
    // A malformed body is an answer GitHub did send: its expectation is used up.
    gh.expect(BRANCH, { reply: branchReply(), times: f.malformed ? 2 : 1 });
    const { port } = testClient();
    expect(await port.getBranch('main')).toMatchObject({ name: 'main' });
    expect(gh.requests).toHaveLength(2);
    expect(gh.requests[0]?.fault).toBe(f.name);
  });

  it('gives up after the configured retries with an error naming the verb and status', async () => {
    gh.fault(BRANCH, fault.serverError(502), { times: 3 });
    const { port } = testClient({ retries: 2 });
    const err = await port.getBranch('main').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect((err as GitHubError).message).toMatch(/getBranch failed with 502/);
    expect(gh.requests).toHaveLength(3);
  });

  it('gives up on a rate limit that outlasts the retries, naming it', async () => {
    gh.fault(BRANCH, fault.secondaryRateLimit({ status: 429, retryAfter: 1 }), { times: 3 });
    const { port, logger } = testClient({ retries: 2 });
    const err = await port.getBranch('main').catch((e: unknown) => e);
    expect((err as GitHubError).status).toBe(429);
    expect((err as GitHubError).message).toMatch(/getBranch failed with 429.*secondary rate limit/);
    expect(logger.messages('warning').join('\n')).toMatch(/giving up after 2 retries/);
  });
});

describe('final answers are not retried', () => {
  it('a rate limit that resets later than is worth waiting for fails at once, saying so', async () => {
    gh.fault(BRANCH, fault.primaryRateLimit({ resetInSeconds: 3_600 }));
    const { port, logger } = testClient();
    await expect(port.getBranch('main')).rejects.toMatchObject({ verb: 'getBranch', status: 403 });
    expect(logger.messages('warning').join('\n')).toMatch(/primary rate limit .* longer than 900s; giving up/);
    expect(gh.requests).toHaveLength(1);
  });

  it.each<[string, Fault, number]>([
    [
      '403 forbidden',
      {
        name: '403',
        status: 403,
        body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
        afterWrite: false,
      },
      403,
    ],
    [
      '404',
      {
        name: '404',
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
        afterWrite: false,
      },
      404,
    ],
    ['422', fault.unprocessable(422, 'Validation Failed'), 422],
  ])('%s fails at once with a clear error', async (_name, f, status) => {
    gh.fault('PATCH /repos/{owner}/{repo}/pulls/{pull_number}', f);
    const { port } = testClient();
    const err = await port.updatePullRequest(3, { title: 't' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitHubError);
    expect(err).toMatchObject({ verb: 'updatePullRequest', status });
    expect(gh.requests).toHaveLength(1);
  });

  it('409 on a contents write is a ConflictError after one request', async () => {
    gh.fault(
      'PUT /repos/{owner}/{repo}/contents/{path}',
      fault.conflict(409, `is at ${sha('b3')} but expected ${sha('b1')}`),
    );
    const { port } = testClient();
    await expect(
      port.putContent('deploy/a.yaml', { text: 'x', message: 'm', branch: 'main', expectedSha: sha('b1') }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(gh.requests).toHaveLength(1);
  });
});

describe('writes are retried when GitHub refused them', () => {
  it.each<[string, Fault]>([
    ['secondary rate limit 403', fault.secondaryRateLimit({ status: 403, retryAfter: 1 })],
    ['429 with retry-after', fault.secondaryRateLimit({ status: 429, retryAfter: 1 })],
    ['primary rate limit', fault.primaryRateLimit()],
  ])('a POST under %s is sent again and written once', async (_name, f) => {
    gh.fault('POST /repos/{owner}/{repo}/statuses/{sha}', f);
    gh.expect('POST /repos/{owner}/{repo}/statuses/{sha}', {
      reply: { status: 201, body: example('POST /repos/{owner}/{repo}/statuses/{sha}', 201) },
    });
    const { port } = testClient();
    await port.createCommitStatus(sha(1), { state: 'success', context: 'bellwether/canary' });
    expect(gh.requests.map((r) => r.status)).toEqual([f.status, 201]);
    expect(gh.applied()).toHaveLength(1);
  });
});

describe('nothing is written twice when the answer to a write is lost', () => {
  const ISSUES = 'GET /repos/{owner}/{repo}/issues';
  const CREATE_ISSUE = 'POST /repos/{owner}/{repo}/issues';
  const marker = markerComment('incident/7');
  const issue = (n: number) => {
    const { pull_request: _pr, ...row } = exampleItem(ISSUES, { number: n, body: `timeline\n${marker}\n` });
    return row;
  };

  it.each<[string, Fault]>([
    ['502 after the write', fault.serverError(502, { afterWrite: true })],
    ['timeout after the write', fault.timeout(2_000, { afterWrite: true })],
    ['malformed body', fault.malformedBody()],
  ])('createIssue, %s: finds the issue by its marker instead of opening another', async (_name, f) => {
    gh.expect(ISSUES, { reply: { status: 200, body: [] } });
    gh.fault(CREATE_ISSUE, f);
    gh.expect(CREATE_ISSUE, {
      reply: { status: 201, body: example(CREATE_ISSUE, 201, { number: 11, body: `timeline\n${marker}\n` }) },
    });
    gh.expect(ISSUES, { reply: { status: 200, body: [issue(11)] } });
    const { port } = testClient();
    expect(await port.createIssue({ title: 'Incident', body: 'timeline', marker: 'incident/7' })).toMatchObject({
      number: 11,
    });
    expect(gh.applied(CREATE_ISSUE)).toHaveLength(1);
    expect(gh.requests.filter((r) => r.route === CREATE_ISSUE)).toHaveLength(1);
  });

  it('createIssue, 502 before the write: looks, finds nothing, opens it once', async () => {
    gh.expect(ISSUES, { reply: { status: 200, body: [] }, times: 2 });
    gh.fault(CREATE_ISSUE, fault.serverError(502));
    gh.expect(CREATE_ISSUE, { reply: { status: 201, body: example(CREATE_ISSUE, 201, { number: 12 }) } });
    const { port } = testClient();
    expect(await port.createIssue({ title: 'Incident', body: 'timeline', marker: 'incident/7' })).toMatchObject({
      number: 12,
    });
    expect(gh.applied(CREATE_ISSUE)).toHaveLength(1);
  });

  it('createIssue, 502 every time: a clear error and no issue', async () => {
    gh.expect(ISSUES, { reply: { status: 200, body: [] }, times: 3 });
    gh.fault(CREATE_ISSUE, fault.serverError(502), { times: 2 });
    const { port } = testClient();
    await expect(port.createIssue({ title: 'Incident', body: 'timeline', marker: 'incident/7' })).rejects.toThrow(
      /createIssue failed with 502/,
    );
    expect(gh.applied(CREATE_ISSUE)).toHaveLength(0);
  });

  it('upsertComment: one sticky comment after a lost answer', async () => {
    const list = 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments';
    const post = 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments';
    const m = markerComment('canary/api');
    gh.expect(list, { reply: { status: 200, body: [] } });
    gh.fault(post, fault.serverError(502, { afterWrite: true }));
    gh.expect(post, { reply: { status: 201, body: commentReply(post, 201, 5, `hi\n${m}\n`) } });
    gh.expect(list, { reply: { status: 200, body: [commentReply(list, 200, 5, `hi\n${m}\n`)] } });
    const { port } = testClient();
    expect(await port.upsertComment(4, 'canary/api', 'hi')).toMatchObject({ id: 5, created: true });
    expect(gh.applied(post)).toHaveLength(1);
  });

  it('createPullRequest: finds the pull request by head and base', async () => {
    const post = 'POST /repos/{owner}/{repo}/pulls';
    gh.fault(post, fault.serverError(502, { afterWrite: true }));
    gh.expect(post, {
      reply: { status: 201, body: pullReply(post, 201, { number: 21, head: 'bellwether/rollback-api', base: 'main' }) },
    });
    gh.expect('GET /repos/{owner}/{repo}/pulls', {
      query: { head: 'acme:bellwether/rollback-api' },
      reply: {
        status: 200,
        body: [
          pullReply('GET /repos/{owner}/{repo}/pulls', 200, {
            number: 21,
            head: 'bellwether/rollback-api',
            base: 'main',
          }),
        ],
      },
    });
    const { port } = testClient();
    expect(
      await port.createPullRequest({
        head: 'bellwether/rollback-api',
        base: 'main',
        title: 'Roll back api',
        body: 'evidence',
      }),
    ).toMatchObject({ number: 21 });
    expect(gh.applied(post)).toHaveLength(1);
  });

  it('createDeployment: finds the deployment by its key', async () => {
    const post = 'POST /repos/{owner}/{repo}/deployments';
    const made = example(post, 201, {
      id: 31,
      ref: 'v3',
      environment: 'prod',
      task: 'deploy',
      payload: { bellwetherKey: 'api/prod/v3' },
    });
    gh.fault(post, fault.malformedBody());
    gh.expect(post, { reply: { status: 201, body: made } });
    gh.expect('GET /repos/{owner}/{repo}/deployments', {
      query: { environment: 'prod', ref: 'v3', task: 'deploy' },
      reply: {
        status: 200,
        body: [
          {
            ...exampleItem('GET /repos/{owner}/{repo}/deployments'),
            id: 30,
            payload: { bellwetherKey: 'api/prod/v2' },
          },
          {
            ...exampleItem('GET /repos/{owner}/{repo}/deployments'),
            id: 31,
            payload: { bellwetherKey: 'api/prod/v3' },
          },
        ],
      },
    });
    const { port } = testClient();
    expect(await port.createDeployment({ ref: 'v3', environment: 'prod', key: 'api/prod/v3' })).toMatchObject({
      id: 31,
    });
    expect(gh.applied(post)).toHaveLength(1);
  });

  it('createDeploymentStatus: finds the status it set', async () => {
    const post = 'POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
    const list = 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses';
    gh.fault(post, fault.timeout(2_000, { afterWrite: true }));
    gh.expect(post, {
      reply: { status: 201, body: example(post, 201, { id: 8, state: 'success', description: 'promoted' }) },
    });
    gh.expect(list, {
      reply: { status: 200, body: [exampleItem(list, { id: 8, state: 'success', description: 'promoted' })] },
    });
    const { port } = testClient();
    expect(await port.createDeploymentStatus(31, { state: 'success', description: 'promoted' })).toMatchObject({
      id: 8,
    });
    expect(gh.applied(post)).toHaveLength(1);
  });

  it('createCheckRun: finds the run by its external id', async () => {
    const post = 'POST /repos/{owner}/{repo}/check-runs';
    gh.fault(post, fault.serverError(502, { afterWrite: true }));
    gh.expect(post, { reply: { status: 201, body: example(post, 201, { id: 6, external_id: 'gates:1' }) } });
    const listed = example('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', 200);
    const [run] = listed['check_runs'] as Record<string, unknown>[];
    gh.expect('GET /repos/{owner}/{repo}/commits/{ref}/check-runs', {
      query: { check_name: 'bellwether/gates' },
      reply: { status: 200, body: { total_count: 1, check_runs: [{ ...run, id: 6, external_id: 'gates:1' }] } },
    });
    const { port } = testClient();
    expect(
      await port.createCheckRun({
        name: 'bellwether/gates',
        headSha: sha(1),
        externalId: 'gates:1',
        status: 'in_progress',
      }),
    ).toMatchObject({ id: 6 });
    expect(gh.applied(post)).toHaveLength(1);
  });

  it('createRef: the ref at the same commit is taken as made', async () => {
    const post = 'POST /repos/{owner}/{repo}/git/refs';
    gh.fault(post, fault.serverError(502, { afterWrite: true }));
    gh.expect(post, { reply: { status: 201, body: refReply('heads/rb', sha(4), post, 201) } });
    gh.expect('GET /repos/{owner}/{repo}/git/ref/{ref}', {
      params: { ref: 'heads/rb' },
      reply: { status: 200, body: refReply('heads/rb', sha(4)) },
    });
    const { port } = testClient();
    expect(await port.createRef('heads/rb', sha(4))).toEqual({ ref: 'heads/rb', sha: sha(4) });
    expect(gh.applied(post)).toHaveLength(1);
  });

  it('enableAutoMerge: asks whether auto-merge is on before sending the mutation again', async () => {
    gh.fault('POST /graphql', fault.serverError(502, { afterWrite: true }));
    gh.expect('POST /graphql', {
      body: (b: { query: string }) => /^mutation/.test(b.query),
      reply: {
        status: 200,
        body: {
          data: {
            enablePullRequestAutoMerge: { pullRequest: { autoMergeRequest: { enabledAt: '2026-11-22T10:00:00Z' } } },
          },
        },
      },
    });
    gh.expect('POST /graphql', {
      body: (b: { query: string }) => /^query/.test(b.query),
      reply: { status: 200, body: { data: { node: { autoMergeRequest: { enabledAt: '2026-11-22T10:00:00Z' } } } } },
    });
    const { port } = testClient();
    expect(await port.enableAutoMerge('PR_kw1', 'SQUASH')).toEqual({ enabledAt: '2026-11-22T10:00:00Z' });
    expect(
      gh.applied('POST /graphql').filter((r) => /^mutation/.test((r.body as { query: string }).query)),
    ).toHaveLength(1);
  });

  it('createCommitStatus: the status already set is not set again', async () => {
    const post = 'POST /repos/{owner}/{repo}/statuses/{sha}';
    const list = 'GET /repos/{owner}/{repo}/commits/{ref}/statuses';
    gh.fault(post, fault.serverError(502, { afterWrite: true }));
    gh.expect(post, { reply: { status: 201, body: example(post, 201) } });
    gh.expect(list, {
      reply: {
        status: 200,
        body: [exampleItem(list, { context: 'bellwether/freeze', state: 'failure', description: 'frozen' })],
      },
    });
    const { port } = testClient();
    await port.createCommitStatus(sha(1), { state: 'failure', context: 'bellwether/freeze', description: 'frozen' });
    expect(gh.applied(post)).toHaveLength(1);
  });

  describe('check-run annotations are appended by GitHub, so a lost PATCH is checked, not repeated', () => {
    const GET_RUN = 'GET /repos/{owner}/{repo}/check-runs/{check_run_id}';
    const PATCH = 'PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}';
    const runWith = (route: string, count: number) => {
      const base = example(route, 200, { id: 6 });
      return { ...base, output: { ...(base['output'] as object), annotations_count: count } };
    };
    const annotations = Array.from({ length: 60 }, (_, i) => ({
      path: 'policy.yml',
      startLine: i + 1,
      endLine: i + 1,
      level: 'failure' as const,
      message: `finding ${i}`,
    }));
    const size = (n: number) => (b: { output?: { annotations?: unknown[] } }) =>
      (b.output?.annotations?.length ?? 0) === n;

    it('the first batch landed: it is not sent again', async () => {
      gh.expect(GET_RUN, { reply: { status: 200, body: runWith(GET_RUN, 0) } });
      gh.fault(PATCH, fault.serverError(502, { afterWrite: true }));
      gh.expect(PATCH, { body: size(50), reply: { status: 200, body: runWith(PATCH, 50) } });
      gh.expect(GET_RUN, { reply: { status: 200, body: runWith(GET_RUN, 50) } });
      gh.expect(PATCH, { body: size(10), reply: { status: 200, body: runWith(PATCH, 60) } });
      const { port } = testClient();
      await port.updateCheckRun(6, {
        status: 'completed',
        conclusion: 'failure',
        output: { title: 'Blocked', summary: '60 findings', annotations },
      });
      expect(gh.applied(PATCH)).toHaveLength(2);
      expect(gh.requests.filter((r) => r.route === PATCH)).toHaveLength(2);
    });

    it('the first batch did not land: it is sent once more', async () => {
      gh.expect(GET_RUN, { reply: { status: 200, body: runWith(GET_RUN, 0) } });
      gh.fault(PATCH, fault.serverError(502));
      gh.expect(GET_RUN, { reply: { status: 200, body: runWith(GET_RUN, 0) } });
      gh.expect(PATCH, { body: size(50), reply: { status: 200, body: runWith(PATCH, 50) } });
      gh.expect(PATCH, { body: size(10), reply: { status: 200, body: runWith(PATCH, 60) } });
      const { port } = testClient();
      await port.updateCheckRun(6, {
        status: 'completed',
        conclusion: 'failure',
        output: { title: 'Blocked', summary: '60 findings', annotations },
      });
      expect(gh.applied(PATCH)).toHaveLength(2);
    });

    it('a PATCH without annotations sets fields, so it is simply retried', async () => {
      gh.fault(PATCH, fault.serverError(503));
      gh.expect(PATCH, {
        body: { status: 'completed', conclusion: 'success' },
        reply: { status: 200, body: runWith(PATCH, 0) },
      });
      const { port } = testClient();
      expect(await port.updateCheckRun(6, { status: 'completed', conclusion: 'success' })).toMatchObject({ id: 6 });
      expect(gh.requests.map((r) => r.status)).toEqual([503, 200]);
    });
  });

  describe('putContent reads the file back instead of committing twice', () => {
    const PUT = 'PUT /repos/{owner}/{repo}/contents/{path}';
    const GET = 'GET /repos/{owner}/{repo}/contents/{path}';
    const input = { text: 'canary: v2\n', message: 'canary 5%', branch: 'main', expectedSha: sha('b1') };

    it('the write landed: success, one commit', async () => {
      gh.fault(PUT, fault.serverError(502, { afterWrite: true }));
      gh.expect(PUT, { reply: { status: 200, body: putReply(200, sha('b2'), sha('c2')) } });
      gh.expect(GET, { reply: { status: 200, body: fileReply('deploy/api.yaml', input.text, sha('b2')) } });
      gh.expect(BRANCH, {
        reply: {
          status: 200,
          body: example(BRANCH, 200, {
            name: 'main',
            commit: { ...(example(BRANCH, 200)['commit'] as object), sha: sha('c2') },
          }),
        },
      });
      const { port } = testClient();
      expect(await port.putContent('deploy/api.yaml', input)).toEqual({ sha: sha('b2'), commitSha: sha('c2') });
      expect(gh.applied(PUT)).toHaveLength(1);
    });

    it('the write did not land: written again, once', async () => {
      gh.fault(PUT, fault.serverError(502));
      gh.expect(GET, { reply: { status: 200, body: fileReply('deploy/api.yaml', 'canary: v1\n', sha('b1')) } });
      gh.expect(PUT, { body: { sha: sha('b1') }, reply: { status: 200, body: putReply(200, sha('b2'), sha('c2')) } });
      const { port } = testClient();
      expect(await port.putContent('deploy/api.yaml', input)).toEqual({ sha: sha('b2'), commitSha: sha('c2') });
      expect(gh.applied(PUT)).toHaveLength(1);
    });

    it('someone else wrote meanwhile: ConflictError, not an overwrite', async () => {
      gh.fault(PUT, fault.timeout(2_000));
      gh.expect(GET, { reply: { status: 200, body: fileReply('deploy/api.yaml', 'canary: v9\n', sha('b9')) } });
      const { port } = testClient();
      await expect(port.putContent('deploy/api.yaml', input)).rejects.toBeInstanceOf(ConflictError);
      expect(gh.applied(PUT)).toHaveLength(0);
    });
  });
});
