import { describe, expect, it } from 'vitest';
import { classifyFailure, DO_NOT_RETRY, isIdempotent } from '../../src/github/retry-policy.js';
import type { FailureFacts, FailureKind } from '../../src/github/retry-policy.js';

describe('classifyFailure', () => {
  it.each<[string, FailureFacts, FailureKind]>([
    ['500', { status: 500 }, 'transient'],
    ['502', { status: 502 }, 'transient'],
    ['timeout (no answer)', { status: 500, message: 'The operation was aborted due to timeout' }, 'transient'],
    ['429 without headers', { status: 429 }, 'rate-limit'],
    ['403 with retry-after', { status: 403, headers: { 'retry-after': '30' } }, 'rate-limit'],
    ['403 with no requests left', { status: 403, headers: { 'x-ratelimit-remaining': '0' } }, 'rate-limit'],
    [
      '403 secondary rate limit message',
      { status: 403, message: 'You have exceeded a secondary rate limit.' },
      'rate-limit',
    ],
    [
      '403 forbidden',
      { status: 403, message: 'Resource not accessible by integration', headers: { 'x-ratelimit-remaining': '4999' } },
      'final',
    ],
    ['400', { status: 400 }, 'final'],
    ['401', { status: 401 }, 'final'],
    ['404', { status: 404 }, 'final'],
    ['409', { status: 409 }, 'final'],
    ['410', { status: 410 }, 'final'],
    ['422', { status: 422 }, 'final'],
    ['451', { status: 451 }, 'final'],
  ])('%s is %s', (_name, facts, kind) => {
    expect(classifyFailure(facts)).toBe(kind);
  });

  it('lists the documented do-not-retry statuses', () => {
    expect([...DO_NOT_RETRY].sort((a, b) => a - b)).toEqual([400, 401, 403, 404, 409, 410, 422, 429, 451]);
  });
});

describe('isIdempotent', () => {
  it.each<[string, string, Record<string, unknown> | undefined, boolean]>([
    ['GET', '/repos/{owner}/{repo}/contents/{path}', undefined, true],
    ['HEAD', '/repos/{owner}/{repo}', undefined, true],
    ['PATCH', '/repos/{owner}/{repo}/git/refs/{ref}', undefined, true],
    ['DELETE', '/repos/{owner}/{repo}/git/refs/{ref}', undefined, true],
    ['PUT', '/repos/{owner}/{repo}/pulls/{pull_number}/merge', undefined, true],
    ['PUT', '/repos/{owner}/{repo}/contents/{path}', undefined, false],
    ['POST', '/repos/{owner}/{repo}/issues', undefined, false],
    ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', undefined, false],
    ['POST', '/repos/{owner}/{repo}/pulls', undefined, false],
    ['POST', '/repos/{owner}/{repo}/deployments', undefined, false],
    ['POST', '/repos/{owner}/{repo}/check-runs', undefined, false],
    ['POST', '/repos/{owner}/{repo}/git/refs', undefined, false],
    ['POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', undefined, true],
    ['POST', '/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers', undefined, true],
    ['POST', '/graphql', { query: 'query { viewer { login } }' }, true],
    ['POST', '/graphql', { query: '# enable\nmutation($id: ID!) { x }' }, false],
    ['post', '/graphql', undefined, false],
    [
      'PATCH',
      '/repos/{owner}/{repo}/check-runs/{check_run_id}',
      { status: 'completed', output: { title: 't', summary: 's' } },
      true,
    ],
    [
      'PATCH',
      '/repos/{owner}/{repo}/check-runs/{check_run_id}',
      { output: { title: 't', summary: 's', annotations: [{}] } },
      false,
    ],
  ])('%s %s (%j) → %s', (method, route, params, want) => {
    expect(isIdempotent(method, route, params)).toBe(want);
  });
});
