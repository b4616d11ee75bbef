/**
 * Who is asking, for the verbs that record it (manifest history, commits,
 * rollback records): `--by`, else the GitHub actor, else the login of the
 * process. A record never says "unknown started it": when nothing names a
 * user, the verb asks for `--by`.
 */
import { userInfo } from 'node:os';
import { ConfigurationError } from '../runtime/errors.js';

/** The user a verb acts for. */
export function actorOf(by: string | undefined, env: NodeJS.ProcessEnv, login: () => string = systemLogin): string {
  for (const name of [by, env.GITHUB_ACTOR, env.USER, env.LOGNAME]) if (name?.trim()) return name.trim();
  const system = login();
  if (system) return system;
  throw new ConfigurationError(
    'who is asking is not known: $GITHUB_ACTOR, $USER and $LOGNAME are unset and the system names no user; say who with --by <user>',
    { field: '--by' },
  );
}

function systemLogin(): string {
  try {
    return userInfo().username.trim();
  } catch {
    // a uid without a passwd entry (some containers) has no name
    return '';
  }
}
