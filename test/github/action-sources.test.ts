/**
 * `RestActionSources` at the HTTP level: each verb's route, parameters and
 * reading of GitHub's answer, validated against GitHub's OpenAPI description.
 */
import { describe, expect, it } from 'vitest';
import { RestActionSources } from '../../src/github/rest-action-sources.js';
import { useGitHubMock } from '../helpers/github-nock.js';
import { example, refReply, testClient } from './fixtures.js';
import { repo } from '../gates/github-audits-fixtures.js';

const notFound = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
const C = '5555555555555555555555555555555555555555';
const T = '6666666666666666666666666666666666666666';
const sources = () => new RestActionSources(testClient({ retries: 0 }).client);

describe('RestActionSources', () => {
  const gh = useGitHubMock();

  it('repository: archived and default branch; null when GitHub does not know it', async () => {
    gh.expect('GET /repos/{owner}/{repo}', {
      params: { owner: 'a', repo: 'b' },
      reply: { status: 200, body: repo('a', 'b', true) },
    });
    gh.expect('GET /repos/{owner}/{repo}', { params: { owner: 'a', repo: 'gone' }, reply: notFound });
    const s = sources();
    expect(await s.repository('a', 'b')).toEqual({ archived: true, defaultBranch: 'main' });
    expect(await s.repository('a', 'gone')).toBeNull();
    expect(s.calls().byRoute['GET /repos/{owner}/{repo}']).toBe(2);
  });

  it('tagCommit: a lightweight tag in one request, an annotated one peeled in two, null when absent', async () => {
    gh.expect('GET /repos/{owner}/{repo}/git/ref/{ref}', {
      params: { ref: 'tags/v1.0.0' },
      reply: {
        status: 200,
        body: { ...refReply('tags/v1.0.0', C), object: { type: 'commit', sha: C, url: 'https://api.github.com/x' } },
      },
    });
    gh.expect('GET /repos/{owner}/{repo}/git/ref/{ref}', {
      params: { ref: 'tags/v2.0.0' },
      reply: {
        status: 200,
        body: { ...refReply('tags/v2.0.0', T), object: { type: 'tag', sha: T, url: 'https://api.github.com/x' } },
      },
    });
    const annotated = example('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', 200);
    gh.expect('GET /repos/{owner}/{repo}/git/tags/{tag_sha}', {
      params: { tag_sha: T },
      reply: {
        status: 200,
        body: {
          ...annotated,
          sha: T,
          object: { ...(annotated['object'] as Record<string, unknown>), type: 'commit', sha: C },
        },
      },
    });
    gh.expect('GET /repos/{owner}/{repo}/git/ref/{ref}', { params: { ref: 'tags/v9' }, reply: notFound });
    const s = sources();
    expect(await s.tagCommit('a', 'b', 'v1.0.0')).toBe(C);
    expect(await s.tagCommit('a', 'b', 'v2.0.0')).toBe(C);
    expect(await s.tagCommit('a', 'b', 'v9')).toBeNull();
  });

  it("compare: GitHub's status, and unknown-commit when it knows no such commit", async () => {
    gh.expect('GET /repos/{owner}/{repo}/compare/{basehead}', {
      params: { basehead: `main...${C}` },
      query: { per_page: 1 },
      reply: { status: 200, body: example('GET /repos/{owner}/{repo}/compare/{basehead}', 200, { status: 'behind' }) },
    });
    gh.expect('GET /repos/{owner}/{repo}/compare/{basehead}', { params: { basehead: `main...${T}` }, reply: notFound });
    const s = sources();
    expect(await s.compare('a', 'b', 'main', C)).toBe('behind');
    expect(await s.compare('a', 'b', 'main', T)).toBe('unknown-commit');
  });

  it('a server error is an error naming the verb, never an answer', async () => {
    gh.expect('GET /repos/{owner}/{repo}/branches', { reply: { status: 503, body: { message: 'unavailable' } } });
    await expect(sources().branches('a', 'b')).rejects.toThrow(/branches/);
  });
});
