/**
 * Connecting the GitHub port in an entrypoint: the repository from
 * `GITHUB_REPOSITORY`, the client from `createGitHubClient`, the REST adapter
 * over it. Nothing connects at import time.
 */
import type { Logger } from '../runtime/logger.js';
import { createGitHubClient } from './client.js';
import type { GitHubClientOptions } from './client.js';
import type { GitHubPort, RepoRef } from './port.js';
import { RestGitHubPort } from './rest-port.js';

export { parseRepoRef } from './repo-ref.js';

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
