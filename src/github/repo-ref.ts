/**
 * The repository a run works on, read from `owner/repo` text. Kept apart from
 * the client so that an entrypoint can check it before loading Octokit.
 */
import { ConfigurationError } from '../runtime/errors.js';
import type { RepoRef } from './port.js';

/** `owner/repo` (as in `GITHUB_REPOSITORY`) as a `RepoRef`; a clear error otherwise. */
export function parseRepoRef(text: string | undefined, field = 'GITHUB_REPOSITORY'): RepoRef {
  const m = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec((text ?? '').trim());
  if (!m?.[1] || !m[2])
    throw new ConfigurationError(`expected owner/repo, got ${JSON.stringify(text ?? '')}`, { field });
  return { owner: m[1], repo: m[2] };
}
