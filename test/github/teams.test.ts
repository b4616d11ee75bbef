import { describe, expect, it } from 'vitest';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { resolveTeams } from '../../src/github/teams.js';

describe('resolveTeams', () => {
  it('finds the first team the user is an active member of', async () => {
    const gh = new InMemoryGitHub();
    gh.setTeamMembers('acme/sre', ['alice']);
    gh.setTeamMembers('acme/release', ['Octocat']);
    expect(await resolveTeams(gh, 'octocat', ['acme/sre', 'acme/release'])).toEqual({
      member: ['acme/release'],
      unknown: [],
    });
  });

  it('says which teams could not be read and why, and grants nothing for them', async () => {
    const gh = new InMemoryGitHub();
    const out = await resolveTeams(gh, 'octocat', ['acme/sre', 'not-a-team']);
    expect(out.member).toEqual([]);
    expect(out.unknown).toEqual([
      { team: 'acme/sre', reason: expect.stringContaining("a workflow's GITHUB_TOKEN never can") },
      { team: 'not-a-team', reason: '"not-a-team" is not a team name of the form org/slug' },
    ]);
  });
});
