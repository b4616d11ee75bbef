/**
 * The harness itself: a wrong path, a wrong field and a wrong response shape
 * each fail the test, naming the operationId and the JSON pointer.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { fault } from '../helpers/faults.js';
import { GitHubExpectations } from '../helpers/github-expectations.js';
import { mockGitHub } from '../helpers/github-nock.js';
import type { GitHubMock } from '../helpers/github-nock.js';
import { startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';
import { exampleResponse, specVersion } from '../helpers/openapi.js';
import { createGitHubClient } from '../../src/github/client.js';
import { markerComment } from '../../src/github/markers.js';
import { RestGitHubPort } from '../../src/github/rest-port.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { webhookPayload } from '../helpers/payloads.js';
import type { PayloadEvent } from '../helpers/payloads.js';
import { example, REPO, testClient } from './fixtures.js';

const BRANCH = 'GET /repos/{owner}/{repo}/branches/{branch}';

describe('validation against the OpenAPI description', () => {
  let current: GitHubMock | undefined;
  const mockGitHubHere = () => (current = mockGitHub());
  afterEach(() => current?.close());

  it('uses the description of the installed @octokit/openapi', async () => {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve('@octokit/openapi/package.json'), 'utf8')) as {
      version: string;
    };
    expect(specVersion()).toBe(pkg.version);
  });

  it('a wrong path fails', async () => {
    const gh = mockGitHubHere();
    const { client } = testClient();
    await expect(
      client.request('GET /repos/{owner}/{repo}/branch/{branch}', { ...REPO, branch: 'main' }),
    ).rejects.toMatchObject({ status: 400 });
    expect(gh.problems().join('\n')).toMatch(/GET \/repos\/acme\/shop\/branch\/main: no such operation/);
    expect(() => gh.done()).toThrow(/no such operation/);
  });

  it('a wrong body field fails, naming the operation and the field', async () => {
    const gh = mockGitHubHere();
    const { client } = testClient();
    await expect(
      client.request('PUT /repos/{owner}/{repo}/contents/{path}', {
        ...REPO,
        path: 'a.yaml',
        message: 'm',
        content: 'eA==',
        expected_sha: 'abc',
      }),
    ).rejects.toMatchObject({ status: 400 });
    expect(() => gh.done()).toThrow(
      /repos\/create-or-update-file-contents: request body \/ must NOT have additional properties \(expected_sha\)/,
    );
  });

  it('a wrong enum value in a body fails with its JSON pointer', async () => {
    const gh = mockGitHubHere();
    const { client } = testClient();
    await client
      .request('POST /repos/{owner}/{repo}/statuses/{sha}', { ...REPO, sha: 'a'.repeat(40), state: 'passed' as never })
      .catch(() => undefined);
    expect(gh.problems().join('\n')).toMatch(
      /repos\/create-commit-status: request body \/state must be equal to one of the allowed values/,
    );
  });

  it('a wrong query parameter fails', async () => {
    const gh = mockGitHubHere();
    const { client } = testClient();
    await client
      .request('GET /repos/{owner}/{repo}/pulls', { ...REPO, state: 'opened' as never, per_page: 100 })
      .catch(() => undefined);
    expect(gh.problems().join('\n')).toMatch(
      /pulls\/list: query parameter \/state must be equal to one of the allowed values/,
    );
  });

  it('a mocked reply of the wrong shape fails', async () => {
    const gh = mockGitHubHere();
    const { commit: _commit, ...broken } = example(BRANCH, 200);
    gh.expect(BRANCH, { reply: { status: 200, body: broken } });
    const { port } = testClient();
    await expect(port.getBranch('main')).rejects.toThrow(/invalid mocked reply/);
    expect(() => gh.done()).toThrow(
      /mocked reply: repos\/get-branch: response 200 body \/ must have required property 'commit'/,
    );
  });

  it('a status the operation does not declare fails', async () => {
    const gh = mockGitHubHere();
    gh.expect(BRANCH, { reply: { status: 418, body: {} } });
    const { client } = testClient();
    await client.request(BRANCH, { ...REPO, branch: 'main' }).catch(() => undefined);
    expect(() => gh.done()).toThrow(/repos\/get-branch: status 418 is not a declared response/);
  });

  it('an expectation of an unknown route fails when declared; an unused one fails done()', () => {
    const gh = mockGitHubHere();
    expect(() => gh.expect('GET /repos/{owner}/{repo}/branchez', { reply: { status: 200 } })).toThrow(
      /not an operation/,
    );
    gh.expect(BRANCH, { reply: { status: 200, body: example(BRANCH, 200) } });
    expect(() => gh.done()).toThrow(
      /expected but not called: GET \/repos\/\{owner\}\/\{repo\}\/branches\/\{branch\} \(1 left\)/,
    );
  });

  it('a reply function that throws fails the test instead of looking like a network error', async () => {
    const gh = mockGitHubHere();
    gh.expect(BRANCH, {
      reply: () => {
        throw new Error('fixture bug');
      },
    });
    const { client } = testClient();
    await expect(client.request(BRANCH, { ...REPO, branch: 'main' })).rejects.toMatchObject({ status: 400 });
    expect(() => gh.done()).toThrow(
      /reply function for GET \/repos\/\{owner\}\/\{repo\}\/branches\/\{branch\} threw: Error: fixture bug/,
    );
  });

  it('a request nobody expected fails', async () => {
    const gh = mockGitHubHere();
    const { client } = testClient();
    await client.request(BRANCH, { ...REPO, branch: 'main' }).catch(() => undefined);
    expect(() => gh.done()).toThrow(/unexpected call GET \/repos\/acme\/shop\/branches\/main/);
  });
});

describe('the nock harness', () => {
  it("close() leaves other hosts' interceptors, and a new mock replaces one left open", async () => {
    const other = nock('https://prometheus.example').get('/api/v1/query').reply(200, { status: 'success' });
    const left = mockGitHub();
    const next = mockGitHub();
    next.expect(BRANCH, { reply: { status: 200, body: example(BRANCH, 200) } });
    const { client } = testClient();
    await client.request(BRANCH, { ...REPO, branch: 'main' });
    expect(left.requests).toHaveLength(0);
    next.done();
    next.close();
    left.close();
    expect(await (await fetch('https://prometheus.example/api/v1/query')).json()).toEqual({ status: 'success' });
    expect(other.isDone()).toBe(true);
  });
});

describe('fault rules', () => {
  it('apply to the next N calls with the given path parameters only', async () => {
    const gh = new GitHubExpectations()
      .fault(BRANCH, fault.serverError(503), { times: 2, params: { branch: 'release' } })
      .expect(BRANCH, {
        params: { branch: 'main' },
        reply: { status: 200, body: example(BRANCH, 200, { name: 'main' }) },
      })
      .expect(BRANCH, {
        params: { branch: 'release' },
        reply: { status: 200, body: example(BRANCH, 200, { name: 'release' }) },
      });
    const server = await startGitHubServer(gh);
    try {
      const { port } = testClient({ baseUrl: server.url });
      expect(await port.getBranch('main')).toMatchObject({ name: 'main' });
      expect(await port.getBranch('release')).toMatchObject({ name: 'release' });
      expect(server.requests.map((r) => [r.params['branch'], r.status])).toEqual([
        ['main', 200],
        ['release', 503],
        ['release', 503],
        ['release', 200],
      ]);
      server.done();
    } finally {
      await server.close();
    }
  });
});

describe('the local GitHub server', () => {
  let server: GitHubServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves validated expectations and faults to an in-process client', async () => {
    const gh = new GitHubExpectations().fault(BRANCH, fault.serverError(503)).expect(BRANCH, {
      params: { branch: 'main' },
      reply: { status: 200, body: example(BRANCH, 200, { name: 'main' }) },
    });
    server = await startGitHubServer(gh);
    const { port } = testClient({ baseUrl: server.url });
    expect(await port.getBranch('main')).toMatchObject({ name: 'main' });
    expect(server.requests.map((r) => [r.operationId, r.status])).toEqual([
      ['repos/get-branch', 503],
      ['repos/get-branch', 200],
    ]);
    server.done();
  });

  it('answers a child process, which nock cannot reach', async () => {
    const gh = new GitHubExpectations().expect(BRANCH, {
      reply: { status: 200, body: example(BRANCH, 200, { name: 'main' }) },
    });
    server = await startGitHubServer(gh);
    const script =
      "fetch(process.env.GITHUB_API_URL + '/repos/acme/shop/branches/main').then((r) => r.json()).then((b) => console.log(b.name))";
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      env: { ...process.env, GITHUB_API_URL: server.url },
    });
    expect(stdout.trim()).toBe('main');
    server.done();
  });

  it('records invalid requests from a child process as problems', async () => {
    server = await startGitHubServer();
    const script =
      "fetch(process.env.GITHUB_API_URL + '/repos/acme/shop/issues', { method: 'POST', body: JSON.stringify({ titel: 'x' }) }).then((r) => console.log(r.status))";
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
      env: { ...process.env, GITHUB_API_URL: server.url },
    });
    expect(stdout.trim()).toBe('400');
    expect(() => server?.done()).toThrow(/issues\/create: request body \/ must have required property 'title'/);
  });

  it('closes promptly while a timeout fault is still pending', async () => {
    const gh = new GitHubExpectations().fault(BRANCH, fault.timeout(60_000));
    server = await startGitHubServer(gh);
    const { client } = testClient({ baseUrl: server.url, retries: 0, requestTimeoutMs: 50 });
    await expect(client.request(BRANCH, { ...REPO, branch: 'main' })).rejects.toThrow(/timeout/i);
  });
});

describe('webhook payloads', () => {
  it.each<[PayloadEvent, string | undefined, string]>([
    ['pull_request', 'opened', 'pull_request'],
    ['pull_request', 'synchronize', 'pull_request'],
    ['workflow_dispatch', undefined, 'workflow'],
    ['deployment', 'created', 'deployment'],
    ['deployment_status', 'created', 'deployment_status'],
    ['issues', 'opened', 'issue'],
    ['schedule', undefined, 'schedule'],
  ])('%s %s is a real payload with %s', (event, action, key) => {
    const payload = webhookPayload(event, action);
    expect(payload).toHaveProperty(key);
    expect(payload).toHaveProperty('repository.full_name');
    if (action) expect(payload['action']).toBe(action);
  });

  it('hands out copies, so a test cannot spoil the next one', () => {
    const a = webhookPayload('issues', 'opened');
    (a['issue'] as Record<string, unknown>)['title'] = 'changed';
    expect((webhookPayload('issues', 'opened')['issue'] as Record<string, unknown>)['title']).not.toBe('changed');
  });

  it('says when an action has no example', () => {
    expect(() => webhookPayload('deployment', 'deleted')).toThrow(/no deployment example with action deleted/);
  });
});

describe('faults through the local server', () => {
  it('a lost answer to a POST: the port finds the issue and writes nothing twice', async () => {
    const marker = markerComment('incident/9');
    const LIST = 'GET /repos/{owner}/{repo}/issues';
    const CREATE = 'POST /repos/{owner}/{repo}/issues';
    const [first] = exampleResponse(LIST, 200) as Record<string, unknown>[];
    const { pull_request: _pr, ...row }: Record<string, unknown> = { ...first, number: 4, body: `t\n${marker}\n` };
    const gh = new GitHubExpectations()
      .expect(LIST, { reply: { status: 200, body: [] } })
      .fault(CREATE, fault.serverError(502, { afterWrite: true }))
      .expect(CREATE, { reply: { status: 201, body: example(CREATE, 201, { number: 4 }) } })
      .expect(LIST, { reply: { status: 200, body: [row] } });
    const server = await startGitHubServer(gh);
    try {
      const port = new RestGitHubPort(
        createGitHubClient({ token: 't0ken', logger: new RecordingLogger(), baseUrl: server.url, minRetryDelayMs: 1 }),
        REPO,
      );
      expect(await port.createIssue({ title: 'Incident', body: 't', marker: 'incident/9' })).toMatchObject({
        number: 4,
      });
      expect(gh.applied(CREATE)).toHaveLength(1);
      server.done();
    } finally {
      await server.close();
    }
  });
});
