/**
 * Connecting the workflow audits that ask GitHub, in the CLI: a token from
 * `BELLWETHER_TOKEN` or `GITHUB_TOKEN`, the API at `GITHUB_API_URL` (GitHub
 * Enterprise Server, or a test server), one client for the run. Without a
 * token, the reason they are skipped.
 */
import { createGitHubClient } from '../../github/client.js';
import { RestActionSources } from '../../github/rest-action-sources.js';
import type { GitHubPort } from '../../github/port.js';
import type { Logger } from '../../runtime/logger.js';
import { StreamLogger } from '../../runtime/logger.js';
import { processSecrets } from '../../runtime/secrets.js';
import { GitHubLookups } from './github-audits.js';
import { NO_TOKEN, type WorkflowGateDeps } from './run.js';

/** The GitHub audits' connection for the CLI, from the environment. */
export function githubAuditsFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  logger: Logger = new StreamLogger(),
): NonNullable<WorkflowGateDeps['github']> {
  const token = (env['BELLWETHER_TOKEN'] || env['GITHUB_TOKEN'] || '').trim();
  if (!token) return { skipped: NO_TOKEN };
  processSecrets.add(token);
  const apiUrl = env['GITHUB_API_URL'];
  const client = createGitHubClient({ token, logger, ...(apiUrl ? { baseUrl: apiUrl } : {}) });
  return { lookups: new GitHubLookups(new RestActionSources(client)) };
}

/** The GitHub audits' connection for the action: the run's port when it has a token and can look up other repositories. */
export function githubAuditsFromPort(token: string, port: GitHubPort): NonNullable<WorkflowGateDeps['github']> {
  if (!token) return { skipped: 'the `token` input is empty' };
  const sources = port.actionSources?.();
  return sources
    ? { lookups: new GitHubLookups(sources) }
    : { skipped: 'the GitHub connection cannot look up other repositories' };
}
