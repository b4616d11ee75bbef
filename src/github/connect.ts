/**
 * Connecting the GitHub port in an entrypoint: the repository from
 * `GITHUB_REPOSITORY`, the client from `createGitHubClient`, the REST adapter
 * over it. Nothing connects at import time.
 */
import { ConfigurationError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import { createGitHubClient } from './client.js';
import type { GitHubClientOptions } from './client.js';
import type { GitHubPort, RepoRef } from './port.js';
import { RestGitHubPort } from './rest-port.js';

/** `owner/repo` (as in `GITHUB_REPOSITORY`) as a `RepoRef`; a clear error otherwise. */
export function parseRepoRef(text: string | undefined, field = 'GITHUB_REPOSITORY'): RepoRef {
  const m = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec((text ?? '').trim());
  if (!m?.[1] || !m[2])
    throw new ConfigurationError(`expected owner/repo, got ${JSON.stringify(text ?? '')}`, { field });
  return { owner: m[1], repo: m[2] };
}

/**
 * A `connectGitHub` for `buildDeps`: given the token, API URL and logger, the
 * REST port bound to `repo`.
 */
export function gitHubConnector(
  repo: RepoRef,
  options: Partial<Omit<GitHubClientOptions, 'token' | 'logger' | 'baseUrl'>> = {},
) {
  return (token: string, apiUrl: string | undefined, logger: Logger): GitHubPort =>
    new RestGitHubPort(createGitHubClient({ ...options, token, logger, ...(apiUrl ? { baseUrl: apiUrl } : {}) }), repo);
}
