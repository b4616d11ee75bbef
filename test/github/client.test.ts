import { describe, expect, it } from 'vitest';
import { fault } from '../helpers/faults.js';
import { useGitHubMock } from '../helpers/github-nock.js';
import { createGitHubClient } from '../../src/github/client.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { example, fileReply, REPO, sha, testClient, TOKEN } from './fixtures.js';

const gh = useGitHubMock();

const BRANCH = 'GET /repos/{owner}/{repo}/branches/{branch}';
const ISSUES = 'POST /repos/{owner}/{repo}/issues';

describe('createGitHubClient', () => {
  it('masks the token in every log line and sends it to GitHub', async () => {
    gh.expect(BRANCH, {
      reply: (req) => ({
        status: req.headers['authorization'] === `token ${TOKEN}` ? 200 : 401,
        body:
          req.headers['authorization'] === `token ${TOKEN}`
            ? example(BRANCH, 200)
            : { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
      }),
    });
    const { client, logger } = testClient();
    await client.request(BRANCH, { ...REPO, branch: 'main' });
    logger.info(`using ${TOKEN}`);
    expect(logger.messages().join('\n')).not.toContain(TOKEN);
    expect(logger.messages('info')).toContain('using ***');
  });

  it('refuses to build without a token', () => {
    expect(() => createGitHubClient({ token: '', logger: new RecordingLogger() })).toThrow(/token is required/);
  });

  it('does not repeat a creating POST after a 502 (the port looks first)', async () => {
    gh.fault(ISSUES, fault.serverError(502));
    const { client } = testClient();
    await expect(client.request(ISSUES, { ...REPO, title: 't' })).rejects.toMatchObject({ status: 502 });
    expect(gh.requests).toHaveLength(1);
  });

  it('repeats a GraphQL query after a 502 but not a mutation', async () => {
    gh.fault('POST /graphql', fault.serverError(502));
    gh.expect('POST /graphql', { reply: { status: 200, body: { data: { viewer: { login: 'bellwether' } } } } });
    const { client } = testClient();
    expect(await client.graphql('query { viewer { login } }')).toEqual({ viewer: { login: 'bellwether' } });
    gh.fault('POST /graphql', fault.serverError(502));
    await expect(client.graphql('mutation { x }')).rejects.toMatchObject({ status: 502 });
    expect(gh.requests.map((r) => r.status)).toEqual([502, 200, 502]);
  });

  it('abandons an attempt that takes longer than the timeout', async () => {
    gh.fault(BRANCH, fault.timeout(1_000));
    const { client } = testClient({ retries: 0, requestTimeoutMs: 50 });
    await expect(client.request(BRANCH, { ...REPO, branch: 'main' })).rejects.toThrow(/timeout/i);
  });

  it('counts every request by route, retries included, and keeps the rate limit GitHub reports', async () => {
    gh.fault(BRANCH, fault.serverError(502));
    gh.expect(BRANCH, {
      reply: {
        status: 200,
        body: example(BRANCH, 200),
        headers: {
          'x-ratelimit-limit': '1000',
          'x-ratelimit-remaining': '990',
          'x-ratelimit-used': '10',
          'x-ratelimit-reset': '1800000000',
        },
      },
    });
    const { client } = testClient();
    await client.request(BRANCH, { ...REPO, branch: 'main' });
    expect(client.calls()).toEqual({ total: 2, byRoute: { [BRANCH]: 2 }, notModified: 0 });
    expect(client.rateLimit()).toEqual({
      limit: 1000,
      remaining: 990,
      used: 10,
      resetAt: new Date(1_800_000_000_000),
      resource: 'core',
    });
  });

  it('reads again with If-None-Match and serves a 304 from its cache', async () => {
    const GET = 'GET /repos/{owner}/{repo}/contents/{path}';
    const body = fileReply('deploy/a.yaml', 'v: 1\n', sha('b1'));
    gh.expect(GET, { reply: { status: 200, body, headers: { etag: '"abc"' } } });
    gh.expect(GET, {
      reply: (req) => (req.headers['if-none-match'] === '"abc"' ? { status: 304 } : { status: 200, body }),
    });
    const { client } = testClient();
    const first = await client.request(GET, { ...REPO, path: 'deploy/a.yaml', ref: 'main' });
    const second = await client.request(GET, { ...REPO, path: 'deploy/a.yaml', ref: 'main' });
    expect(second.data).toEqual(first.data);
    expect(gh.requests.map((r) => r.status)).toEqual([200, 304]);
    expect(client.calls().notModified).toBe(1);
  });
});
