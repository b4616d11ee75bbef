import { describe, expect, it } from 'vitest';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { useGitHubMock } from '../helpers/github-nock.js';
import { exampleItem, testClient } from './fixtures.js';

const gh = useGitHubMock();

const ROUTE = 'GET /repos/{owner}/{repo}/issues';

describe('listIssues', () => {
  it('asks for open issues with all the labels, newest first, and leaves pull requests out', async () => {
    const issue = (n: number, extra: Record<string, unknown> = {}) => {
      // GitHub's example issue carries `pull_request`; a plain issue has none.
      const { pull_request: _pr, ...plain } = exampleItem(ROUTE, {
        number: n,
        title: `#${n}`,
        body: 'b',
        state: 'open',
        created_at: `2026-11-0${n}T10:00:00Z`,
        labels: [
          {
            id: 1,
            node_id: 'L',
            url: 'https://api.github.com/l',
            name: 'postmortem',
            description: null,
            color: 'b60205',
            default: false,
          },
        ],
      });
      return { ...plain, ...extra };
    };
    const pr = issue(3, {
      pull_request: {
        url: 'https://api.github.com/repos/acme/shop/pulls/3',
        html_url: 'https://github.com/acme/shop/pull/3',
        diff_url: null,
        patch_url: null,
      },
    });
    gh.expect(ROUTE, {
      query: { state: 'open', labels: 'postmortem', sort: 'created', direction: 'desc' },
      reply: { status: 200, body: [issue(2), pr, issue(1)] },
    });
    const { port } = testClient();
    const got = await port.listIssues({ labels: ['postmortem'], state: 'open' });
    expect(got.map((i) => [i.number, i.createdAt, i.labels])).toEqual([
      [2, '2026-11-02T10:00:00Z', ['postmortem']],
      [1, '2026-11-01T10:00:00Z', ['postmortem']],
    ]);
  });

  it('behaves alike in the in-memory GitHub', async () => {
    const fake = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, new ManualClock('2026-11-22T10:00:00Z'));
    const a = await fake.createIssue({ title: 'a', body: 'x', marker: 'a', labels: ['postmortem'] });
    await fake.createIssue({ title: 'b', body: 'y', marker: 'b', labels: ['bug'] });
    const c = await fake.createIssue({ title: 'c', body: 'z', marker: 'c', labels: ['postmortem'] });
    await fake.updateIssue(c.number, { state: 'closed' });
    expect((await fake.listIssues({ labels: ['postmortem'] })).map((i) => i.title)).toEqual(['a']);
    expect((await fake.listIssues({ labels: ['postmortem'], state: 'all' })).map((i) => i.title)).toEqual(['c', 'a']);
    expect(a.createdAt).toBe('2026-11-22T10:00:00.000Z');
  });
});
