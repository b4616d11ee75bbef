/**
 * Team membership for approvers and break-glass lists that name teams
 * (`org/slug`). GitHub answers 404 alike for "not a member" and "you may not
 * look", and a workflow's GITHUB_TOKEN cannot read organization teams, so
 * every answer says whether it is known; an unknown team never grants
 * anything, and the refusal says why.
 */
import type { GitHubPort, TeamMembership } from './port.js';

/** The answer for a team the token cannot read. */
export function unreadableTeam(team: string, why: string): TeamMembership {
  return {
    kind: 'unknown',
    reason: `the token cannot read the team ${team} (${why}); a workflow's GITHUB_TOKEN never can: give Bellwether a GitHub App token with the organization's members: read permission`,
  };
}

/** What was learned of one user's teams among those a policy names. */
export interface ResolvedTeams {
  /** Teams the user is an active member of, as the policy names them. */
  readonly member: readonly string[];
  /** Teams whose membership could not be learned, and why. */
  readonly unknown: ReadonlyArray<{ readonly team: string; readonly reason: string }>;
}

/**
 * Looks up `user` in each of `teams` (one or two requests a team), in order,
 * stopping at the first membership. A lookup that fails (no token, GitHub
 * down) makes that team unknown with the reason, never a member.
 */
export async function resolveTeams(github: GitHubPort, user: string, teams: readonly string[]): Promise<ResolvedTeams> {
  const unknown: Array<{ team: string; reason: string }> = [];
  for (const team of teams) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(team)) {
      unknown.push({ team, reason: `"${team}" is not a team name of the form org/slug` });
      continue;
    }
    let answer: TeamMembership;
    try {
      answer = await github.teamMembership(team, user);
    } catch (err) {
      unknown.push({
        team,
        reason: `its members could not be looked up: ${err instanceof Error ? err.message : String(err)}`,
      });
      continue;
    }
    if (answer.kind === 'member') return { member: [team], unknown };
    if (answer.kind === 'unknown') unknown.push({ team, reason: answer.reason });
  }
  return { member: [], unknown };
}
