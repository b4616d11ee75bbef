import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { GitHubContentStore } from '../../src/gitops/content-store.js';
import { parseManifest } from '../../src/gitops/manifest.js';
import { rollbackPolicySchema } from '../../src/policy/schemas/rollback.js';
import { FileRollbackPublisher, GitHubRollbackPublisher } from '../../src/rollback/publish.js';
import { quarantined, readQuarantine } from '../../src/rollback/quarantine.js';
import type { RollbackInputs } from '../../src/rollback/run.js';
import { runRollback } from '../../src/rollback/run.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { T0, VERDICT_EVIDENCE, VERDICT_ROLLBACK } from './fixtures.js';

const manifest = (region: string, canary: string) => `service: checkout
environment: production
region: ${region}
stable:
  version: 1.41.0
canary:
  version: ${canary === 'none' ? 'null' : canary}
  weight: ${canary === 'none' ? 0 : 25}
previous:
  - version: 1.40.2
`;

function setup(files: Record<string, string> = {}) {
  const clock = new ManualClock(T0);
  const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
  github.seedBranch('main', {
    'deploy/checkout/production/us-east-1.yaml': manifest('us-east-1', '1.42.0'),
    'deploy/checkout/production/eu-west-1.yaml': manifest('eu-west-1', '1.42.0'),
    ...files,
  });
  const store = new GitHubContentStore(github, 'main');
  return {
    clock,
    github,
    store,
    deps: { store, publisher: new GitHubRollbackPublisher(github), clock, logger: new RecordingLogger() },
  };
}

const inputs: RollbackInputs = {
  ...VERDICT_ROLLBACK,
  evidence: VERDICT_EVIDENCE,
  signalAt: new Date(T0.getTime() - 1000),
};

const emergency = rollbackPolicySchema.parse({
  kind: 'rollback',
  emergencyDirectCommit: true,
  autoMerge: true,
  reviewers: { users: ['alice'], teams: [] },
});
const reviewed = rollbackPolicySchema.parse({ kind: 'rollback' });

describe('runRollback with the in-memory GitHub', () => {
  it('restores traffic on the deploy branch at once, quarantines the version and opens one PR with the evidence', async () => {
    const s = setup();
    const out = await runRollback(inputs, emergency, s.deps);
    expect(out).toMatchObject({ bad: '1.42.0', good: '1.41.0', quarantined: true, pullRequest: { created: true } });
    for (const region of ['us-east-1', 'eu-west-1']) {
      const m = parseManifest((await s.store.read(`deploy/checkout/production/${region}.yaml`))!.text, region);
      expect(m.canary).toEqual({ version: null, weight: 0 });
    }
    expect(quarantined((await readQuarantine(s.store, 'deploy', 'checkout')).quarantine, '1.42.0')).toMatchObject({
      reason: inputs.reason,
      by: 'bellwether',
    });
    const [pr] = s.github.pullRequests();
    expect(pr).toMatchObject({
      head: 'bellwether/rollback/checkout/production/1.42.0',
      base: 'main',
      title: 'Roll back checkout 1.42.0 in production to 1.41.0',
      labels: ['bellwether:rollback', 'bellwether:quarantined'],
    });
    expect(pr!.body).toContain('| latency p99 | High |');
    expect(pr!.body).toContain('Bellwether already restored traffic on `main` to 1.41.0');
    expect(s.github.reviewersOf(pr!.number)).toEqual({ users: ['alice'], teams: [] });
    expect(s.github.autoMergeOf(pr!.number)).toMatchObject({ method: 'SQUASH' });
    expect(out.timeToRestoreMs).toBe(1000);
  });

  it('re-running opens no second PR and commits nothing twice', async () => {
    const s = setup();
    // A re-run names the version the first run resolved, as the action records it.
    const first = await runRollback(inputs, emergency, s.deps);
    const head = (await s.github.getRef('heads/main'))!.sha;
    const again = await runRollback({ ...inputs, version: first.bad }, emergency, s.deps);
    expect(again.pullRequest.created).toBe(false);
    expect(s.github.pullRequests()).toHaveLength(1);
    expect((await s.github.getRef('heads/main'))!.sha).toBe(head);
    expect(again.regions.every((r) => !r.committed)).toBe(true);
  });

  it('after the rollback PR merged, a re-run with nothing left to restore opens no new PR and names the record', async () => {
    const s = setup();
    const first = await runRollback(inputs, reviewed, s.deps);
    s.github.mergePullRequest(first.pullRequest.number!);
    // What a merge does to the deploy branch: the pull request's files land on it.
    const branch = new GitHubContentStore(s.github, 'bellwether/rollback/checkout/production/1.42.0');
    for (const path of [
      'deploy/checkout/production/us-east-1.yaml',
      'deploy/checkout/production/eu-west-1.yaml',
      'deploy/checkout/quarantine.yaml',
      'deploy/checkout/rollbacks/1.42.0.md',
    ]) {
      const now = await s.store.read(path);
      await s.store.write(path, (await branch.read(path))!.text, now?.sha ?? null, 'merge');
    }
    const again = await runRollback({ ...inputs, version: '1.42.0' }, reviewed, s.deps);
    expect(again.regions.map((r) => r.plan.kind)).toEqual(['already-safe', 'already-safe']);
    expect(again.pullRequest).toMatchObject({
      number: null,
      created: false,
      url: 'main:deploy/checkout/rollbacks/1.42.0.md',
    });
    expect(again.pullRequest.notes[0]).toContain('already recorded on main');
    expect(s.github.pullRequests()).toHaveLength(1);
  });

  it('after the rollback PR was closed unmerged, a re-run opens a new PR from the same branch; the closed one stays closed', async () => {
    const s = setup();
    const first = await runRollback(inputs, emergency, s.deps);
    await s.github.updatePullRequest(first.pullRequest.number!, { state: 'closed' });
    const again = await runRollback(
      { ...inputs, version: '1.42.0', reason: 'the alert fired again' },
      emergency,
      s.deps,
    );
    expect(again.pullRequest.created).toBe(true);
    expect(again.pullRequest.number).not.toBe(first.pullRequest.number);
    const prs = s.github.pullRequests();
    expect(prs.map((p) => [p.state, p.head])).toEqual([
      ['closed', 'bellwether/rollback/checkout/production/1.42.0'],
      ['open', 'bellwether/rollback/checkout/production/1.42.0'],
    ]);
    expect(prs[1]!.body).toContain('**Why:** the alert fired again');
    expect(prs[1]!.labels).toEqual(['bellwether:rollback', 'bellwether:quarantined']);
  });

  it('two rollbacks at once yield one PR and one restore per manifest', async () => {
    const s = setup();
    const alert = { ...inputs, version: '1.42.0' };
    const both = await Promise.allSettled([
      runRollback(alert, emergency, s.deps),
      runRollback(alert, emergency, s.deps),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    expect(s.github.pullRequests()).toHaveLength(1);
    const m = parseManifest((await s.store.read('deploy/checkout/production/us-east-1.yaml'))!.text, 'm');
    expect(m.canary.weight).toBe(0);
  });

  it('without an emergency commit, the PR carries the manifests and the quarantine; the deploy branch is untouched until it merges', async () => {
    const s = setup();
    const before = (await s.github.getRef('heads/main'))!.sha;
    const out = await runRollback(inputs, reviewed, s.deps);
    expect((await s.github.getRef('heads/main'))!.sha).toBe(before);
    const branch = new GitHubContentStore(s.github, 'bellwether/rollback/checkout/production/1.42.0');
    expect(
      parseManifest((await branch.read('deploy/checkout/production/eu-west-1.yaml'))!.text, 'm').canary.weight,
    ).toBe(0);
    expect((await branch.read('deploy/checkout/quarantine.yaml'))!.text).toContain('1.42.0');
    expect(out.pullRequest.created).toBe(true);
    expect(out.markdown).toContain('Merging this pull request restores traffic to 1.41.0.');
    expect(out.timeToRestoreMs).toBeNull();
  });

  it('refuses, writing nothing, when there is no good version to go back to', async () => {
    const s = setup({
      'deploy/checkout/production/us-east-1.yaml': manifest('us-east-1', 'none').replace(
        /previous:\n {2}- version: 1.40.2\n/,
        '',
      ),
    });
    const before = (await s.github.getRef('heads/main'))!.sha;
    await expect(runRollback({ ...inputs, regions: ['us-east-1'] }, emergency, s.deps)).rejects.toThrow(
      /cannot roll back: no version to go back to in checkout\/production\/us-east-1.*Nothing was written\./,
    );
    expect((await s.github.getRef('heads/main'))!.sha).toBe(before);
    expect(s.github.pullRequests()).toHaveLength(0);
  });

  it('names a service that does not exist', async () => {
    const s = setup();
    await expect(runRollback({ ...inputs, service: 'chekout' }, emergency, s.deps)).rejects.toThrow(
      'deploy/chekout/production/us-east-1.yaml: no release manifest for chekout in production/us-east-1',
    );
  });

  it('without a pull request to merge, commits traffic and the quarantine itself and writes the draft', async () => {
    const s = setup();
    const dir = mkdtempSync(join(tmpdir(), 'bw-rb-'));
    // The policy leaves traffic to the pull request, but a draft is never merged: the rollback is committed.
    const out = await runRollback(inputs, reviewed, { ...s.deps, publisher: new FileRollbackPublisher(dir) });
    expect(out.direct).toBe(true);
    expect(out.quarantine).toBe('committed');
    expect(out.regions.every((r) => r.committed)).toBe(true);
    const m = parseManifest((await s.store.read('deploy/checkout/production/us-east-1.yaml'))!.text, 'us-east-1');
    expect(m.canary).toMatchObject({ version: null, weight: 0 });
    expect(quarantined((await readQuarantine(s.store, 'deploy', 'checkout')).quarantine, '1.42.0')).toBeDefined();
    const text = readFileSync(out.pullRequest.url, 'utf8');
    expect(text).toContain('# Roll back checkout 1.42.0 in production to 1.41.0');
    expect(text).toContain('Bellwether already restored traffic on `main` to 1.41.0');
    expect(text).not.toContain('#### `deploy/checkout/production/us-east-1.yaml`');
    expect(out.pullRequest.notes).toEqual([
      `no pull request was opened: no GitHub token; the draft is at ${out.pullRequest.url}`,
    ]);
  });
});
