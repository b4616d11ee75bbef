/**
 * Approvers named as teams are looked up on GitHub. A member may act; a
 * user who is not may not; and a team whose members cannot be read (a
 * workflow's GITHUB_TOKEN, or no token at all) grants nothing, and the
 * refusal says why instead of a bare "may not".
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCanary } from '../../../src/canary/promotion/run.js';
import { InMemoryGitHub } from '../../../src/github/fake.js';
import { GitHubContentStore } from '../../../src/gitops/content-store.js';
import { CommandGit } from '../../../src/gitops/git.js';
import { ManualClock } from '../../../src/runtime/clock.js';
import { noMetrics } from '../../../src/deps/build-deps.js';
import { RecordingLogger } from '../../../src/runtime/logger.js';
import { runCliProcess } from '../../helpers/cli-process.js';
import { MANIFEST, manifestCheckout, verbArgs } from '../../helpers/manifest-repo.js';
import { MANIFEST_TEXT, T0 } from './fixtures.js';
import { nodeFiles } from '../../../src/runtime/files.js';

const POLICY = `kind: canary
approvers:
  teams: [acme/release]
`;

function policyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-team-approvers-'));
  writeFileSync(join(dir, 'canary.yml'), POLICY);
  return dir;
}

async function start(github: InMemoryGitHub, actor: string) {
  const clock = new ManualClock(T0);
  const deps = {
    clock,
    sleep: clock.sleep,
    logger: new RecordingLogger(),
    github,
    metrics: noMetrics,
    git: new CommandGit(tmpdir()),
    files: nodeFiles,
  };
  const inputs = {
    service: 'checkout',
    environment: 'production',
    region: 'us-east-1',
    command: 'start' as const,
    version: '1.42.0',
    actor,
    manifests: 'deploy',
    policy: policyDir(),
  };
  return runCanary(inputs, deps, new GitHubContentStore(github, 'main'));
}

function github(): InMemoryGitHub {
  const gh = new InMemoryGitHub();
  gh.seedBranch('main', { [MANIFEST]: MANIFEST_TEXT });
  return gh;
}

describe('team approvers', () => {
  it('lets a member of the team start, and refuses someone who is not', async () => {
    const gh = github();
    gh.setTeamMembers('acme/release', ['bob']);
    expect((await start(gh, 'carol')).failure).toBe(
      "carol may not start a promotion: the policy's approvers are @acme/release",
    );
    const bob = await start(gh, 'Bob');
    expect(bob.failure).toBeUndefined();
    expect(bob.outputs).toMatchObject({ state: 'soaking', weight: '1' });
  });

  it('refuses when the token cannot read the team, and says what would let it', async () => {
    const outcome = await start(github(), 'bob');
    expect(outcome.failure).toContain(
      'team membership could not be checked (acme/release: the token cannot read the team acme/release',
    );
    expect(outcome.failure).toContain("a workflow's GITHUB_TOKEN never can");
  });

  it('from the CLI without a token, refuses and says the members could not be looked up', async () => {
    const { dir } = await manifestCheckout('bw-team-cli-');
    const run = await runCliProcess([
      'canary',
      'start',
      '--version',
      '1.42.0',
      ...verbArgs(dir, 'bob'),
      '--policy',
      policyDir(),
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('bob may not start a promotion');
    expect(run.stdout).toContain(
      'team membership could not be checked (acme/release: its members could not be looked up: GitHub is not connected',
    );
  });
});

describe('team approvers of a tier', () => {
  const TIER_POLICY = `kind: canary
tier: critical
approvers:
  teams: [acme/release]
tiers:
  critical:
    stages:
      - { weight: 50 }
      - { weight: 100, approval: required }
    approvers:
      teams: [acme/sre]
`;

  async function run(gh: InMemoryGitHub, command: 'start' | 'promote', actor: string) {
    const clock = new ManualClock(T0);
    const dir = mkdtempSync(join(tmpdir(), 'bw-tier-teams-'));
    writeFileSync(join(dir, 'canary.yml'), TIER_POLICY);
    const deps = {
      clock,
      sleep: clock.sleep,
      logger: new RecordingLogger(),
      files: nodeFiles,
      github: gh,
      metrics: noMetrics,
      git: new CommandGit(tmpdir()),
    };
    return runCanary(
      {
        service: 'checkout',
        environment: 'production',
        region: 'us-east-1',
        command,
        ...(command === 'start' ? { version: '1.42.0' } : {}),
        actor,
        manifests: 'deploy',
        policy: dir,
      },
      deps,
      new GitHubContentStore(gh, 'main'),
    );
  }

  it("looks each list up on its own: a member of the policy's team and the tier's approves, a member of the policy's alone may not", async () => {
    const gh = github();
    gh.setTeamMembers('acme/release', ['bob', 'carol']);
    gh.setTeamMembers('acme/sre', ['bob']);
    expect((await run(gh, 'start', 'carol')).outputs).toMatchObject({ state: 'soaking', weight: '50' });
    expect((await run(gh, 'promote', 'carol')).failure).toBe(
      'carol may not give the approval of stage 2 (100%): stage 2 (100%) waits for the approval from @acme/sre',
    );
    const bob = await run(gh, 'promote', 'bob');
    expect(bob.failure).toBeUndefined();
    expect(bob.outputs).toMatchObject({ weight: '100', 'keep-ready': '1.41.0' });
  });
});
