/**
 * The GitHub API mocked with nock, for code that runs in the test process.
 * Real connections are refused (`disableNetConnect`); every intercepted request
 * and every mocked reply is validated against GitHub's OpenAPI description.
 *
 *   const gh = mockGitHub();
 *   gh.expect('GET /repos/{owner}/{repo}/git/ref/{ref}', { params: { ref: 'heads/main' }, reply: { status: 200, body } });
 *   ... exercise the code ...
 *   gh.done();   // in afterEach: every request valid, every expectation used
 *   gh.close();
 *
 * Child processes cannot see nock: use `github-server.ts` for them.
 */
import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';
import { GitHubExpectations } from './github-expectations.js';

export { GitHubExpectations } from './github-expectations.js';
export type { Expectation, RecordedRequest, Reply } from './github-expectations.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;

/** Expectations answered through nock. */
export class GitHubMock extends GitHubExpectations {
  /** The interceptors of this mock, removed by `close()`. */
  readonly interceptors: nock.Interceptor[] = [];

  constructor(readonly baseUrl: string) {
    super();
  }

  /**
   * Removes this mock's interceptors (call in afterEach, after `done()`);
   * other nock interceptors (another host's) stay.
   */
  close(): void {
    for (const i of this.interceptors.splice(0)) nock.removeInterceptor(i);
    if (open.get(this.baseUrl) === this) open.delete(this.baseUrl);
  }
}

/** The mock answering each base URL; a new one replaces one left open. */
const open = new Map<string, GitHubMock>();

/** Starts intercepting `baseUrl` (GitHub's API unless told). */
export function mockGitHub(baseUrl = 'https://api.github.com'): GitHubMock {
  nock.disableNetConnect();
  open.get(baseUrl)?.close();
  const gh = new GitHubMock(baseUrl);
  open.set(baseUrl, gh);
  const scope = nock(baseUrl).persist();
  for (const method of METHODS) {
    const interceptor = scope.intercept(() => true, method);
    gh.interceptors.push(interceptor);
    interceptor.reply(async (req: Request) => {
      const text = method === 'GET' || method === 'HEAD' ? '' : await req.text();
      const headers = Object.fromEntries(req.headers);
      const answer = gh.handle(method, new URL(req.url), text, headers);
      if (answer.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      return [answer.status, answer.text, answer.headers];
    });
  }
  return gh;
}

/**
 * A fresh mock for every test of the calling file: started before each test,
 * and checked (every request valid, every expectation used) and closed after
 * it. The returned value always speaks for the current test's mock.
 */
export function useGitHubMock(baseUrl?: string): GitHubMock {
  let current: GitHubMock | undefined;
  beforeEach(() => {
    current = mockGitHub(baseUrl);
  });
  afterEach(() => {
    try {
      current?.done();
    } finally {
      current?.close();
    }
  });
  return new Proxy({} as GitHubMock, {
    get(_target, key) {
      if (!current) throw new Error('the GitHub mock is only there inside a test');
      const value = Reflect.get(current, key, current) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
}
