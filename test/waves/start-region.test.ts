import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryGitHub } from '../../src/github/fake.js';
import { GitContentStore } from '../../src/gitops/content-store.js';
import type { ContentStore } from '../../src/gitops/content-store.js';
import { CommandGit } from '../../src/gitops/git.js';
import type { GitPort } from '../../src/gitops/git.js';
import { manifestPath, parseManifest } from '../../src/gitops/manifest.js';
import type { MetricsProviders } from '../../src/metrics/provider.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { parseRolloutState, rolloutPath } from '../../src/waves/rollout-state.js';
import { advanceWaves } from '../../src/waves/run.js';
import type { WavesDeps } from '../../src/waves/run.js';
import { startWaveRegion } from '../../src/waves/start-region.js';
import { nodeFiles } from '../../src/runtime/files.js';

// Monday 2 March 2026, 16:30 UTC: half an hour before the window closes.
const T0 = '2026-03-02T16:30:00Z';
const REGIONS = ['eu-west-1', 'us-east-2'];
const POLICY = `kind: waves
timeZone: UTC
windows:
  - { days: [mon, tue, wed, thu, fri], hours: "09:00-17:00" }
waves:
  - { name: pilot, regions: [eu-west-1], bakeTime: 1h }
  - { name: rest, regions: [us-east-2], bakeTime: 1h }
`;

const noMetrics: MetricsProviders = {
  get: () => {
    throw new Error('no metrics in this test');
  },
  names: () => [],
};

describe('a region started by its own job', () => {
  let git: GitPort;
  let store: ContentStore;
  let clock: ManualClock;
  let deps: WavesDeps;
  let rollout: {
    service: string;
    environment: string;
    version: string;
    manifests: string;
    policy: string;
    actor: string;
  };
  const path = (region: string) => manifestPath('deploy', 'checkout', 'production', region);
  const manifest = async (region: string) => parseManifest((await store.read(path(region)))!.text, path(region));
  const head = async () => (await git.run(['rev-parse', 'main'])).stdout.trim();
  const state = async () =>
    parseRolloutState((await store.read(rolloutPath('deploy', 'checkout', 'production')))!.text, 'rollout.yaml');

  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-waves-start-'));
    git = new CommandGit(dir);
    await git.run(['init', '-q', '-b', 'main']);
    store = new GitContentStore(git, 'main');
    for (const region of REGIONS) {
      await store.write(
        path(region),
        `service: checkout\nenvironment: production\nregion: ${region}\nstable:\n  version: 1.41.0\ncanary:\n  version: null\n  weight: 0\n`,
        null,
        `seed ${region}`,
      );
    }
    const policyDir = mkdtempSync(join(tmpdir(), 'bw-waves-start-policy-'));
    writeFileSync(join(policyDir, 'waves.yml'), POLICY);
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
    rollout = {
      service: 'checkout',
      environment: 'production',
      version: '1.42.0',
      manifests: 'deploy',
      policy: policyDir,
      actor: 'alice',
    };
  });

  it('is only named by an advance that defers starts; its job starts it once', async () => {
    const advance = await advanceWaves({ ...rollout, deferStarts: true }, deps, store);
    expect(advance.step).toMatchObject({ kind: 'start', wave: 1 });
    expect(advance.matrix.include.map((e) => e.region)).toEqual(['eu-west-1']);
    expect((await manifest('eu-west-1')).canary.version).toBeNull();
    expect((await state()).regions['eu-west-1']).toBeUndefined();

    const started = await startWaveRegion({ ...rollout, region: 'eu-west-1' }, deps, store);
    expect(started).toMatchObject({ status: 'started', regionState: 'deploying', committed: true });
    expect((await manifest('eu-west-1')).canary).toEqual({ version: '1.42.0', weight: 1 });
    expect((await state()).regions['eu-west-1']).toMatchObject({
      state: 'deploying',
      startedAt: '2026-03-02T16:30:00.000Z',
    });

    const before = await head();
    expect(await startWaveRegion({ ...rollout, region: 'eu-west-1' }, deps, store)).toMatchObject({
      status: 'already-started',
      regionState: 'deploying',
      committed: false,
    });
    expect(await head()).toBe(before);
  });

  it('moves nothing for a region of a wave whose turn has not come', async () => {
    const before = await head();
    const outcome = await startWaveRegion({ ...rollout, region: 'us-east-2' }, deps, store);
    expect(outcome).toMatchObject({ status: 'not-due', regionState: 'pending', committed: false });
    expect(outcome.note).toContain('wave 1');
    expect(await head()).toBe(before);
  });

  it('moves nothing when the approval comes after the window closed', async () => {
    await advanceWaves({ ...rollout, deferStarts: true }, deps, store);
    const before = await head();
    // The reviewers approve at 17:10, ten minutes after the window closed.
    clock.advance(40 * 60_000);
    const outcome = await startWaveRegion({ ...rollout, region: 'eu-west-1' }, deps, store);
    expect(outcome).toMatchObject({ status: 'not-due', regionState: 'pending' });
    expect(outcome.note).toMatch(/waits until 2026-03-03T09:00:00Z/);
    expect((await manifest('eu-west-1')).canary.version).toBeNull();
    expect(await head()).toBe(before);
  });

  it('refuses a region that is in no wave, naming the input', async () => {
    await expect(startWaveRegion({ ...rollout, region: 'mars-1' }, deps, store)).rejects.toThrow(ConfigurationError);
  });
});
