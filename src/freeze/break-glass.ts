/**
 * A break-glass request as the freeze step and the canary build it: the
 * actor, the teams of the policy they belong to (looked up on GitHub only
 * when the policy does not name them), the justification and the expiry.
 * The gate judges it (src/freeze/gate.ts `judgeBreakGlass`).
 */
import type { GitHubPort } from '../github/port.js';
import { resolveTeams } from '../github/teams.js';
import { parseDuration } from '../policy/fields.js';
import { ConfigurationError } from '../runtime/errors.js';
import { parseAt } from './budget.js';
import type { FreezeGatePolicy } from '../policy/schemas/freeze-gate.js';
import type { BreakGlassRequest } from './gate.js';

/** The break-glass expiry: an RFC 3339 time, or a duration from `now` such as `4h`; none is an invalid date the gate refuses. */
export function parseExpiry(text: string | undefined, now: Date, field = 'inputs.break-glass-expiry'): Date {
  if (!text) return new Date(NaN);
  const ms = parseDuration(text);
  if (ms !== undefined) return new Date(now.getTime() + ms);
  try {
    return parseAt(text, now);
  } catch {
    throw new ConfigurationError(
      `expected an RFC 3339 time such as 2026-11-22T18:00:00Z or a duration such as 4h, got ${JSON.stringify(text)}`,
      { field },
    );
  }
}

/** What a person asked to break the glass with. */
export interface BreakGlassAsk {
  readonly actor: string;
  readonly justification: string;
  /** RFC 3339 time or a duration from `at`. */
  readonly expiry?: string;
}

/**
 * The request for the gate. Teams are looked up only when the user is not
 * listed by name; a team whose members cannot be read grants nothing, and
 * the refusal says why.
 */
export async function breakGlassRequest(
  policy: FreezeGatePolicy,
  ask: BreakGlassAsk,
  at: Date,
  github: GitHubPort,
  field?: string,
): Promise<BreakGlassRequest> {
  const listed = policy.breakGlass.users.some((u) => u.toLowerCase() === ask.actor.toLowerCase());
  const teams =
    listed || policy.breakGlass.teams.length === 0
      ? { member: [], unknown: [] }
      : await resolveTeams(github, ask.actor, policy.breakGlass.teams);
  return {
    user: ask.actor,
    teams: teams.member,
    ...(teams.unknown.length > 0 ? { teamsUnknown: teams.unknown.map((u) => `${u.team}: ${u.reason}`) } : {}),
    justification: ask.justification,
    expiresAt: parseExpiry(ask.expiry, at, field),
  };
}
