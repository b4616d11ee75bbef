import { afterEach, describe, expect, it } from 'vitest';
import { commentReply, example, exampleItem } from '../github/fixtures.js';
import { runBundledAction } from '../helpers/action-runner.js';
import { GitHubExpectations, startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';
import { webhookPayload } from '../helpers/payloads.js';

let server: GitHubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const NOT_FOUND = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
const plainIssue = (fields: Record<string, unknown>) => {
  const { pull_request: _pr, ...issue } = exampleItem('GET /repos/{owner}/{repo}/issues', fields);
  return issue;
};

describe('the bundled postmortem action', () => {
  it('opens a postmortem when a severity label is put on an incident issue, and links it there', async () => {
    const gh = new GitHubExpectations();
    const created: Array<{ title: string; body: string; labels: string[] }> = [];
    const comments: string[] = [];
    gh.expect('GET /repos/{owner}/{repo}/issues', { times: Infinity, reply: { status: 200, body: [] } });
    gh.expect('GET /repos/{owner}/{repo}/labels/{name}', { times: Infinity, reply: NOT_FOUND });
    gh.expect('POST /repos/{owner}/{repo}/labels', {
      times: Infinity,
      reply: (r) => ({
        status: 201,
        body: example('POST /repos/{owner}/{repo}/labels', 201, { name: (r.body as { name: string }).name }),
      }),
    });
    gh.expect('POST /repos/{owner}/{repo}/issues', {
      reply: (r) => {
        const body = r.body as { title: string; body: string; labels: string[] };
        created.push(body);
        return {
          status: 201,
          body: example('POST /repos/{owner}/{repo}/issues', 201, {
            number: 500,
            title: body.title,
            body: body.body,
            html_url: 'https://github.com/acme/shop/issues/500',
          }),
        };
      },
    });
    gh.expect('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      times: Infinity,
      reply: { status: 200, body: [] },
    });
    gh.expect('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      reply: (r) => {
        comments.push((r.body as { body: string }).body);
        return {
          status: 201,
          body: commentReply(
            'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
            201,
            9,
            (r.body as { body: string }).body,
          ),
        };
      },
    });
    server = await startGitHubServer(gh);
    const payload = webhookPayload('issues', 'labeled');
    (payload['label'] as { name: string }).name = 'sev1';
    const run = await runBundledAction('postmortem', { eventName: 'issues', payload, apiUrl: server.url });
    server.done();
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ issue: '500', status: 'created' });
    expect(created[0]!.title).toMatch(/^\[Postmortem\] /);
    expect(created[0]!.body).toContain('### Timeline');
    expect(created[0]!.labels).toEqual(['postmortem']);
    expect(comments[0]).toContain('Postmortem: https://github.com/acme/shop/issues/500');
  });

  it('reminds, on a schedule, an open postmortem whose draft is late, once', async () => {
    const gh = new GitHubExpectations();
    const comments: string[] = [];
    const body = ['### Summary', '', 'Checkout failed.', '', '### Root cause', '', '_No response_', ''].join('\n');
    gh.expect('GET /repos/{owner}/{repo}/issues', {
      query: { labels: 'postmortem', state: 'open' },
      reply: {
        status: 200,
        body: [
          plainIssue({
            number: 41,
            title: '[Postmortem] checkout',
            body,
            state: 'open',
            created_at: '2026-01-05T10:00:00Z',
          }),
        ],
      },
    });
    gh.expect('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      params: { issue_number: 41 },
      reply: { status: 200, body: [] },
    });
    gh.expect('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      params: { issue_number: 41 },
      reply: (r) => {
        comments.push((r.body as { body: string }).body);
        return {
          status: 201,
          body: commentReply(
            'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
            201,
            11,
            (r.body as { body: string }).body,
          ),
        };
      },
    });
    server = await startGitHubServer(gh);
    const run = await runBundledAction('postmortem', {
      eventName: 'schedule',
      payload: webhookPayload('schedule'),
      apiUrl: server.url,
    });
    server.done();
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ status: 'reminded' });
    expect(comments).toHaveLength(1);
  });
});
