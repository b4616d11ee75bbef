import { describe, expect, it } from 'vitest';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { GitHubContentStore } from '../../src/gitops/content-store.js';
import { rollbackPolicySchema } from '../../src/policy/schemas/rollback.js';
import {
  deploymentEnvironment,
  markRollbackDeployments,
  rolledBackDescription,
} from '../../src/rollback/deployments.js';
import { GitHubRollbackPublisher } from '../../src/rollback/publish.js';
import type { RollbackInputs } from '../../src/rollback/run.js';
import { runRollback } from '../../src/rollback/run.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { T0, VERDICT_ROLLBACK } from './fixtures.js';

const manifest = (region: string) => `service: checkout
environment: production
region: ${region}
stable:
  version: 1.41.0
canary:
  version: 1.42.0
  weight: 25
previous:
  - version: 1.40.2
`;

async function setup() {
  const clock = new ManualClock(T0);
  const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
  github.seedBranch('main', {
    'deploy/checkout/production/us-east-1.yaml': manifest('us-east-1'),
    'deploy/checkout/production/eu-west-1.yaml': manifest('eu-west-1'),
  });
  const deploy = async (environment: string, version: string, state: 'success' | 'in_progress') => {
    const d = await github.createDeployment({
      ref: 'main',
      environment,
      task: 'deploy:canary',
      key: `canary:${version}@${environment}`,
      payload: { service: 'checkout', version },
    });
    await github.createDeploymentStatus(d.id, { state, description: `canary ${version}` });
    clock.advance(60_000);
    return d.id;
  };
  const ids = {
    good: await deploy('production/us-east-1', '1.41.0', 'success'),
    bad: await deploy('production/us-east-1', '1.42.0', 'in_progress'),
    // The same version in another environment is not this rollback's business.
    staging: await deploy('staging/us-east-1', '1.42.0', 'in_progress'),
  };
  const store = new GitHubContentStore(github, 'main');
  const deps = { store, publisher: new GitHubRollbackPublisher(github), clock, logger: new RecordingLogger(), github };
  return { clock, github, ids, deps };
}

const inputs: RollbackInputs = VERDICT_ROLLBACK;

const emergency = rollbackPolicySchema.parse({ kind: 'rollback', emergencyDirectCommit: true });

describe('deployment statuses after a rollback', () => {
  it('marks the failed canary failure, saying it was rolled back, and the last good deployment success', async () => {
    const s = await setup();
    const out = await runRollback(inputs, emergency, s.deps);
    expect(out.deployments).toEqual([
      {
        environment: 'production/us-east-1',
        failedId: s.ids.bad,
        lastGoodId: s.ids.good,
        lastGoodEnvironment: 'production/us-east-1',
      },
      { environment: 'production/eu-west-1', failedId: null, lastGoodId: null, lastGoodEnvironment: null },
    ]);
    const [failed] = await s.github.listDeploymentStatuses(s.ids.bad);
    expect(failed).toMatchObject({
      state: 'failure',
      description: '1.42.0 rolled back to 1.41.0: canary verdict Fail: latency p99 High',
      logUrl: 'https://github.com/acme/shop/actions/runs/7',
    });
    const [good] = await s.github.listDeploymentStatuses(s.ids.good);
    expect(good).toMatchObject({ state: 'success', description: 'serves again after the rollback of 1.42.0' });
    expect((await s.github.listDeploymentStatuses(s.ids.staging)).map((x) => x.state)).toEqual(['in_progress']);
  });

  it('a re-run writes no second status', async () => {
    const s = await setup();
    await runRollback(inputs, emergency, s.deps);
    const before = await Promise.all([s.ids.bad, s.ids.good].map((id) => s.github.listDeploymentStatuses(id)));
    await runRollback({ ...inputs, version: '1.42.0' }, emergency, s.deps);
    const after = await Promise.all([s.ids.bad, s.ids.good].map((id) => s.github.listDeploymentStatuses(id)));
    expect(after.map((l) => l.length)).toEqual(before.map((l) => l.length));
  });

  it('writes no deployment status without a github dep (local runs)', async () => {
    const s = await setup();
    const { github: _github, ...local } = s.deps;
    const out = await runRollback(inputs, emergency, local);
    expect(out.deployments).toEqual([]);
    expect((await s.github.listDeploymentStatuses(s.ids.bad)).map((x) => x.state)).toEqual(['in_progress']);
  });

  it('a GitHub failure on the statuses is a warning: traffic and the pull request stand', async () => {
    const s = await setup();
    s.github.failNext('listDeployments', new Error('boom'));
    const logger = new RecordingLogger();
    const out = await runRollback(inputs, emergency, { ...s.deps, logger });
    expect(out.deployments).toEqual([]);
    expect(out.pullRequest.created).toBe(true);
    expect(logger.records.some((e) => e.level === 'warning' && e.message.includes('could not be written: boom'))).toBe(
      true,
    );
  });

  it.each([
    ['1.42.0', '1.41.0', 'p99 high', '1.42.0 rolled back to 1.41.0: p99 high'],
    ['1.42.0', null, 'migration', '1.42.0 paused to roll forward: migration'],
  ])('describes the rollback of %s to %s', (bad, good, reason, want) => {
    expect(rolledBackDescription(bad, good, reason)).toBe(want);
  });

  it("keeps the description within GitHub's 140 characters", () => {
    const d = rolledBackDescription('1.42.0', '1.41.0', 'x'.repeat(300));
    expect(d).toHaveLength(140);
    expect(d.endsWith('…')).toBe(true);
  });

  it('names environments as the promotion flow does', () => {
    expect(deploymentEnvironment('production', 'us-east-1')).toBe('production/us-east-1');
    expect(deploymentEnvironment('production', 'default')).toBe('production');
  });

  it('marks nothing when the environment has no canary deployment of the version', async () => {
    const s = await setup();
    const marks = await markRollbackDeployments(s.github, {
      environments: ['production/us-east-1'],
      bad: '9.9.9',
      good: null,
      reason: 'r',
    });
    expect(marks).toEqual([
      { environment: 'production/us-east-1', failedId: null, lastGoodId: null, lastGoodEnvironment: null },
    ]);
  });
});
