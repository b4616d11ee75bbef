/**
 * A real local HTTP server (127.0.0.1, a free port) that answers from the same
 * validated expectations as the nock harness, for code that runs in a child
 * process (bundled actions), which nock cannot reach.
 *
 *   const gh = new GitHubExpectations().expect('POST /repos/{owner}/{repo}/check-runs', { reply: ... });
 *   const server = await startGitHubServer(gh);
 *   // child process env: GITHUB_API_URL=server.url
 *   server.done();          // every request valid, every expectation used
 *   await server.close();
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { GitHubExpectations } from './github-expectations.js';
import type { RecordedRequest } from './github-expectations.js';

export { GitHubExpectations } from './github-expectations.js';
export type { Expectation, RecordedRequest, Reply } from './github-expectations.js';

export interface GitHubServer {
  /** Base URL for Octokit or `GITHUB_API_URL`, such as `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Every request received, validated, in order. */
  readonly requests: readonly RecordedRequest[];
  readonly expectations: GitHubExpectations;
  /** Throws unless every request and reply was valid and every expectation used. */
  done(): void;
  close(): Promise<void>;
}

/** Starts the server; nock (if loaded) is told to let connections to 127.0.0.1 through. */
export async function startGitHubServer(
  expectations: GitHubExpectations = new GitHubExpectations(),
): Promise<GitHubServer> {
  nock.enableNetConnect('127.0.0.1');
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
      const answer = expectations.handle(req.method ?? 'GET', url, Buffer.concat(chunks).toString('utf8'), headers);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers);
        res.end(answer.text);
      };
      if (answer.delayMs <= 0) return send();
      const t = setTimeout(() => {
        timers.delete(t);
        send();
      }, answer.delayMs);
      timers.add(t);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: expectations.requests,
    expectations,
    done: () => expectations.done(),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
