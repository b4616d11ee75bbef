import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { GitContentStore } from '../../src/gitops/content-store.js';
import type { ContentStore } from '../../src/gitops/content-store.js';
import { CommandGit } from '../../src/gitops/git.js';
import type { GitPort } from '../../src/gitops/git.js';
import { manifestPath, parseManifest, renderManifest } from '../../src/gitops/manifest.js';
import type { ReleaseManifest } from '../../src/gitops/manifest.js';
import type { MetricsProvider, MetricsProviders } from '../../src/metrics/provider.js';
import { FileRollbackPublisher } from '../../src/rollback/publish.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { parseRolloutState, rolloutPath } from '../../src/waves/rollout-state.js';
import { advanceWaves } from '../../src/waves/run.js';
import type { AdvanceInputs, WavesDeps } from '../../src/waves/run.js';
import { nodeFiles } from '../../src/runtime/files.js';

const T0 = '2026-03-02T10:00:00Z';
const REGIONS = ['eu-west-1', 'us-east-2', 'us-east-1', 'us-west-2'];

const POLICY = `kind: waves
timeZone: UTC
canary: first-wave-only
windows:
  - { days: [mon, tue, wed, thu, fri, sat, sun], hours: "00:00-24:00" }
waves:
  - { name: pilot, regions: [eu-west-1], bakeTime: 1h }
  - { name: one, regions: [us-east-2], bakeTime: 1h }
  - { name: rest, regions: [us-east-1, us-west-2], maxParallel: 2, bakeTime: 1h }
`;

function manifestText(region: string): string {
  return `service: checkout\nenvironment: production\nregion: ${region}\nstable:\n  version: 1.41.0\ncanary:\n  version: null\n  weight: 0\nprevious:\n  - version: 1.40.0\n`;
}

/** No metrics at all: a canary that asks holds, it never passes. */
const noMetrics: MetricsProviders = {
  get: (): MetricsProvider => ({
    type: 'test',
    queryRange: async (q) => ({ ok: false, query: q.query, reason: 'no data in this test' }),
    queryInstant: async (q) => ({ ok: false, query: q.query, reason: 'no data in this test' }),
  }),
  names: () => ['prometheus'],
};

describe('advanceWaves over real git', () => {
  let git: GitPort;
  let store: ContentStore;
  let clock: ManualClock;
  let deps: WavesDeps;
  let inputs: AdvanceInputs;
  const path = (region: string) => manifestPath('deploy', 'checkout', 'production', region);
  const manifest = async (region: string) => parseManifest((await store.read(path(region)))!.text, path(region));
  const head = async () => (await git.run(['rev-parse', 'main'])).stdout.trim();
  const state = async () =>
    parseRolloutState((await store.read(rolloutPath('deploy', 'checkout', 'production')))!.text, 'rollout.yaml');
  /** What a finished canary promotion leaves in the manifest, written as the canary action would. */
  const finishCanary = async (region: string, phase: 'promoted' | 'failed') => {
    const stored = (await store.read(path(region)))!;
    const m = parseManifest(stored.text, path(region));
    const next: ReleaseManifest = {
      ...m,
      ...(phase === 'promoted'
        ? { stable: { version: '1.42.0' }, previous: [{ version: '1.41.0' }, ...m.previous] }
        : {}),
      canary: { version: null, weight: 0 },
      promotion: { ...m.promotion!, phase },
    };
    await store.write(path(region), renderManifest(stored.text, next), stored.sha, `canary ${phase}`);
  };

  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-waves-run-'));
    git = new CommandGit(dir);
    await git.run(['init', '-q', '-b', 'main']);
    store = new GitContentStore(git, 'main');
    for (const region of REGIONS) await store.write(path(region), manifestText(region), null, `seed ${region}`);
    const policyDir = mkdtempSync(join(tmpdir(), 'bw-waves-policy-'));
    writeFileSync(join(policyDir, 'waves.yml'), POLICY);
    // Traffic is restored by a commit at once; the pull request records it.
    writeFileSync(join(policyDir, 'rollback.yml'), 'kind: rollback\nemergencyDirectCommit: true\n');
    clock = new ManualClock(T0);
    deps = {
      clock,
      sleep: clock.sleep,
      logger: new RecordingLogger(),
      github: new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock),
      metrics: noMetrics,
      git,
      files: nodeFiles,
    };
    inputs = {
      service: 'checkout',
      environment: 'production',
      version: '1.42.0',
      manifests: 'deploy',
      policy: policyDir,
      actor: 'alice',
    };
  });

  it('starts the pilot canary, waits for its promotion and the bake, then deploys wave 2 directly', async () => {
    const first = await advanceWaves(inputs, deps, store);
    expect(first.step).toMatchObject({ kind: 'start', wave: 1 });
    expect(first.matrix.include).toEqual([
      expect.objectContaining({ region: 'eu-west-1', environment: 'production/eu-west-1', wave: 1 }),
    ]);
    expect((await manifest('eu-west-1')).canary).toEqual({ version: '1.42.0', weight: 1 });
    expect((await state()).regions['eu-west-1']).toMatchObject({
      state: 'deploying',
      startedAt: '2026-03-02T10:00:00.000Z',
    });
    expect((await manifest('us-east-2')).stable.version).toBe('1.41.0');

    // The canary is still soaking: a re-run at the same time decides the same and commits nothing.
    const before = await head();
    const again = await advanceWaves(inputs, deps, store);
    expect(again).toMatchObject({ committed: false, step: { kind: 'wait', wave: 1 } });
    expect(again.matrix.include).toEqual([]);
    expect(await head()).toBe(before);

    clock.advance(90 * 60_000);
    await finishCanary('eu-west-1', 'promoted');
    const baking = await advanceWaves(inputs, deps, store);
    expect(baking.step).toMatchObject({ kind: 'wait', wave: 1, until: '2026-03-02T12:30:00Z' });
    expect((await state()).regions['eu-west-1']).toMatchObject({
      state: 'healthy',
      verdict: 'pass',
      healthyAt: '2026-03-02T11:30:00.000Z',
    });
    const baked = await head();
    expect((await advanceWaves(inputs, deps, store)).committed).toBe(false);
    expect(await head()).toBe(baked);

    clock.advance(60 * 60_000);
    const second = await advanceWaves(inputs, deps, store);
    expect(second.step).toMatchObject({ kind: 'start', wave: 2 });
    expect(second.matrix.include).toEqual([expect.objectContaining({ region: 'us-east-2', wave: 2 })]);
    const deployed = await manifest('us-east-2');
    expect(deployed.stable.version).toBe('1.42.0');
    expect(deployed.canary.weight).toBe(0);
    expect(deployed.previous[0]).toEqual({ version: '1.41.0', until: '2026-03-02T12:30:00.000Z' });
    expect((await state()).regions['us-east-2']).toMatchObject({ state: 'deploying' });
    expect((await manifest('us-east-1')).stable.version).toBe('1.41.0');

    // The next run finds wave 2 deployed and healthy, and waits for its bake before wave 3.
    const third = await advanceWaves(inputs, deps, store);
    expect(third.step).toMatchObject({ kind: 'wait', wave: 2, until: '2026-03-02T13:30:00Z' });
    expect((await state()).regions['us-east-2']).toMatchObject({ state: 'healthy', verdict: 'pass' });
  });

  it('does not start a canary twice when the state write of the run that started it was lost', async () => {
    await advanceWaves(inputs, deps, store);
    const statePath = rolloutPath('deploy', 'checkout', 'production');
    const stored = (await store.read(statePath))!;
    await store.write(
      statePath,
      `version: 1.42.0\nstartedAt: "2026-03-02T10:00:00.000Z"\nregions: {}\n`,
      stored.sha,
      'the state as if the write was lost',
    );
    const pilot = (await store.read(path('eu-west-1')))!.sha;
    clock.advance(5 * 60_000);
    const resumed = await advanceWaves(inputs, deps, store);
    expect(resumed.step).toMatchObject({ kind: 'start', wave: 1 });
    expect(resumed.notes.join('\n')).toContain('had already started');
    expect((await store.read(path('eu-west-1')))!.sha).toBe(pilot);
    expect((await state()).regions['eu-west-1']).toMatchObject({
      state: 'deploying',
      startedAt: '2026-03-02T10:00:00.000Z',
    });
  });

  it('halts on a failed pilot and never starts the next wave', async () => {
    await advanceWaves(inputs, deps, store);
    clock.advance(30 * 60_000);
    await finishCanary('eu-west-1', 'failed');
    const halted = await advanceWaves(inputs, deps, store);
    expect(halted.step).toMatchObject({
      kind: 'halt',
      wave: 1,
      failed: [expect.objectContaining({ region: 'eu-west-1' })],
    });
    expect(halted.matrix.include).toEqual([]);
    expect(halted.notes.join('\n')).toContain('no rollback publisher');
    expect((await state()).regions['eu-west-1']).toMatchObject({ state: 'failed', verdict: 'fail' });
    for (let i = 0; i < 3; i++) {
      clock.advance(3 * 60 * 60_000);
      const later = await advanceWaves(inputs, deps, store);
      expect(later.step.kind).toBe('halt');
      expect(later.matrix.include).toEqual([]);
    }
    for (const region of REGIONS.slice(1)) expect((await manifest(region)).stable.version).toBe('1.41.0');
    expect((await state()).regions['us-east-2']).toBeUndefined();
  });

  it('records a failed pilot canary as rolled back once the rollback has quarantined its version', async () => {
    const publisher = new FileRollbackPublisher(mkdtempSync(join(tmpdir(), 'bw-waves-prs-')));
    await advanceWaves(inputs, { ...deps, publisher }, store);
    await finishCanary('eu-west-1', 'failed');
    const halted = await advanceWaves(inputs, { ...deps, publisher }, store);
    expect(halted.step).toMatchObject({
      kind: 'halt',
      rollback: [expect.objectContaining({ region: 'eu-west-1' })],
      notStarted: expect.arrayContaining([expect.objectContaining({ region: 'us-east-2' })]),
    });
    expect((await state()).regions['eu-west-1']).toMatchObject({ state: 'rolled-back', verdict: 'fail' });
    expect((await store.read('deploy/checkout/quarantine.yaml'))?.text).toContain('1.42.0');
    expect((await manifest('eu-west-1')).stable.version).toBe('1.41.0');
  });

  it('rolls back a region that fails after a direct deploy, holds the pilot and records it', async () => {
    const publisher = new FileRollbackPublisher(mkdtempSync(join(tmpdir(), 'bw-waves-prs-')));
    const withPublisher: WavesDeps = { ...deps, publisher };
    await advanceWaves(inputs, withPublisher, store);
    await finishCanary('eu-west-1', 'promoted');
    await advanceWaves(inputs, withPublisher, store);
    clock.advance(60 * 60_000);
    await advanceWaves(inputs, withPublisher, store);
    expect((await manifest('us-east-2')).stable.version).toBe('1.42.0');
    // A failed health verdict recorded for wave 2, as a per-region check would.
    const statePath = rolloutPath('deploy', 'checkout', 'production');
    const stored = (await store.read(statePath))!;
    await store.write(
      statePath,
      stored.text.replace(/(us-east-2:\n\s+state: )deploying/, '$1failed'),
      stored.sha,
      'us-east-2 failed its check',
    );
    const halted = await advanceWaves(inputs, withPublisher, store);
    expect(halted.step).toMatchObject({
      kind: 'halt',
      wave: 2,
      rollback: [expect.objectContaining({ region: 'us-east-2' })],
      hold: [expect.objectContaining({ region: 'eu-west-1' })],
    });
    expect((await manifest('us-east-2')).stable.version).toBe('1.41.0');
    expect((await manifest('eu-west-1')).stable.version).toBe('1.42.0');
    expect((await state()).regions['us-east-2']).toMatchObject({ state: 'rolled-back' });
    const after = await head();
    const again = await advanceWaves(inputs, withPublisher, store);
    expect(again).toMatchObject({
      committed: false,
      step: { kind: 'halt', rollback: [], rolledBack: [expect.objectContaining({ region: 'us-east-2' })] },
    });
    expect(await head()).toBe(after);
  });

  describe('health of regions deployed without canary stages, from their own metrics', () => {
    /** A provider whose error rate for us-east-2 is `value`, or no data. */
    const errors = (value: number | null): MetricsProviders => ({
      get: (): MetricsProvider => ({
        type: 'test',
        queryRange: async (q) =>
          value === null || !q.query.includes('us-east-2')
            ? { ok: false, query: q.query, reason: 'no data in this test' }
            : {
                ok: true,
                query: q.query,
                warnings: [],
                series: [
                  {
                    labels: {},
                    points: [
                      { t: q.start.getTime() / 1000, v: 0.1 },
                      { t: q.end.getTime() / 1000, v: value },
                    ],
                  },
                ],
              },
        queryInstant: async (q) => ({ ok: false, query: q.query, reason: 'unused' }),
      }),
      names: () => ['prometheus'],
    });

    async function toWaveTwo(metrics: MetricsProviders) {
      writeFileSync(
        join(inputs.policy!, 'waves.yml'),
        `${POLICY}health:\n  watch: 15m\n  checks:\n    - { name: error-rate, query: 'errors{region="{{region}}",version="{{version}}"}', max: 0.5 }\n`,
      );
      const d = { ...deps, metrics };
      await advanceWaves(inputs, d, store);
      clock.advance(90 * 60_000);
      await finishCanary('eu-west-1', 'promoted');
      await advanceWaves(inputs, d, store);
      clock.advance(60 * 60_000);
      expect((await advanceWaves(inputs, d, store)).step).toMatchObject({ kind: 'start', wave: 2 });
      return d;
    }

    it('counts a region healthy only after the watch time with every check within bounds', async () => {
      const d = await toWaveTwo(errors(0.2));
      expect((await advanceWaves(inputs, d, store)).step).toMatchObject({ kind: 'wait', wave: 2 });
      expect((await state()).regions['us-east-2']).toMatchObject({ state: 'deploying' });
      clock.advance(15 * 60_000);
      await advanceWaves(inputs, d, store);
      expect((await state()).regions['us-east-2']).toMatchObject({
        state: 'healthy',
        verdict: 'pass',
        reason: 'error-rate stayed within ≤ 0.5 (0.1…0.2)',
      });
    });

    it('fails a region whose error rate crossed its bound, and halts', async () => {
      const d = await toWaveTwo(errors(0.9));
      clock.advance(15 * 60_000);
      const halted = await advanceWaves(inputs, d, store);
      expect(halted.step.kind).toBe('halt');
      expect((await state()).regions['us-east-2']).toMatchObject({
        state: 'failed',
        verdict: 'fail',
        reason: 'error-rate reached 0.9, above its max of 0.5',
      });
      expect((await manifest('us-east-1')).stable.version).toBe('1.41.0');
    });

    it('holds a region whose metrics are missing: no data is never healthy', async () => {
      const d = await toWaveTwo(errors(null));
      clock.advance(15 * 60_000);
      const held = await advanceWaves(inputs, d, store);
      expect(held.step).toMatchObject({ kind: 'wait', wave: 2 });
      expect((await state()).regions['us-east-2']).toMatchObject({ state: 'deploying', verdict: 'unknown' });
      expect((await state()).regions['us-east-2']?.reason).toMatch(/^error-rate: no data/);
    });
  });
});
