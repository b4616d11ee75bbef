/**
 * GitHub answers for the port tests: GitHub's own examples from the OpenAPI
 * description with the fields a test cares about replaced. The harness
 * validates each against the schema when it is sent.
 */
import { exampleResponse } from '../helpers/openapi.js';
import { createGitHubClient } from '../../src/github/client.js';
import { RestGitHubPort } from '../../src/github/rest-port.js';
import { RecordingLogger } from '../../src/runtime/logger.js';

type Json = Record<string, unknown>;

export const REPO = { owner: 'acme', repo: 'shop' } as const;
export const TOKEN = 'ghs_bellwetherTestToken0123456789';

/** GitHub's example for `route` and `status`, with `overrides` on top. */
export function example(route: string, status: number, overrides: Json = {}): Json {
  return { ...(exampleResponse(route, status) as Json), ...overrides };
}

/** The first item of GitHub's example for a list `route`, with `overrides` on top. */
export function exampleItem(route: string, overrides: Json = {}): Json {
  const list = exampleResponse(route, 200) as Json[];
  return { ...(list[0] ?? {}), ...overrides };
}

/** GitHub's example for `route` as it is (lists stay lists). */
export function exampleAsIs(route: string, status: number): unknown {
  return exampleResponse(route, status);
}

export const sha = (n: number | string): string => String(n).padStart(40, 'a').slice(-40);

export const fileReply = (path: string, text: string, blobSha: string) =>
  example('GET /repos/{owner}/{repo}/contents/{path}', 200, {
    path,
    name: path.split('/').pop(),
    sha: blobSha,
    content: Buffer.from(text).toString('base64'),
    encoding: 'base64',
  });

export const putReply = (status: 200 | 201, blobSha: string, commitSha: string) => {
  const base = example('PUT /repos/{owner}/{repo}/contents/{path}', status);
  return {
    ...base,
    content: { ...(base['content'] as Json), sha: blobSha },
    commit: { ...(base['commit'] as Json), sha: commitSha },
  };
};

export const refReply = (ref: string, at: string, route = 'GET /repos/{owner}/{repo}/git/ref/{ref}', status = 200) => {
  const base = example(route, status);
  return { ...base, ref: `refs/${ref}`, object: { ...(base['object'] as Json), sha: at } };
};

export const issueReply = (route: string, status: number, fields: Json) => example(route, status, fields);

export const pullReply = (route: string, status: number, fields: Json & { head?: string; base?: string }) => {
  const base = route.startsWith('GET')
    ? exampleItem(route, { requested_teams: [] })
    : example(route, status, { requested_teams: [] });
  const { head, base: baseRef, ...rest } = fields;
  return {
    ...base,
    ...rest,
    head: { ...(base['head'] as Json), ...(head ? { ref: head } : {}) },
    base: { ...(base['base'] as Json), ...(baseRef ? { ref: baseRef } : {}) },
  };
};

export const commentReply = (route: string, status: number, id: number, body: string) => {
  const fields = { id, body, html_url: `https://github.com/acme/shop/issues/1#issuecomment-${id}` };
  return route.startsWith('GET') ? exampleItem(route, fields) : example(route, status, fields);
};

/** A client for tests: back-off units of 1 ms, a short timeout. */
export function testClient(options: { baseUrl?: string; retries?: number; requestTimeoutMs?: number } = {}) {
  const logger = new RecordingLogger();
  const client = createGitHubClient({
    token: TOKEN,
    logger,
    minRetryDelayMs: 1,
    requestTimeoutMs: options.requestTimeoutMs ?? 300,
    retries: options.retries ?? 2,
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  });
  return { logger, client, port: new RestGitHubPort(client, REPO) };
}
