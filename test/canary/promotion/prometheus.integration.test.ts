/**
 * A staged promotion judged on a real Prometheus: canary and baseline series
 * are backfilled with promtool, the server runs on 127.0.0.1, and the
 * promotion runs on a simulated clock over that history. A good release
 * reaches 100% and stable; a release whose latency regresses once it takes
 * 25% is stopped at that stage with traffic back on stable.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCanary } from '../../../src/canary/promotion/run.js';
import { InMemoryGitHub } from '../../../src/github/fake.js';
import { GitHubContentStore } from '../../../src/gitops/content-store.js';
import { CommandGit } from '../../../src/gitops/git.js';
import { parseManifest } from '../../../src/gitops/manifest.js';
import { PrometheusProvider } from '../../../src/metrics/prometheus.js';
import { ManualClock } from '../../../src/runtime/clock.js';
import { RecordingLogger } from '../../../src/runtime/logger.js';
import type { HistorySeries, PrometheusServer } from '../../helpers/prometheus.js';
import {
  prometheusAvailability,
  prometheusRequired,
  startPrometheus,
  toOpenMetrics,
} from '../../helpers/prometheus.js';
import { MANIFEST_TEXT, checkoutHistory, fourStagePolicy } from './fixtures.js';
import { nodeFiles } from '../../../src/runtime/files.js';

const availability = prometheusAvailability();
const required = prometheusRequired();
if (!availability.ok && !required)
  console.warn(`${availability.reason}: skipping the promotion against a real Prometheus`);

const STEP = 15;
// Two hours of history ending an hour ago: inside the server's retention, and all in the past.
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
const START = END - 2 * 3600;
const PATH = 'deploy/checkout/production/us-east-1.yaml';
const POLICY = fourStagePolicy();

/** Latency and errors of one version; `regressFrom` (seconds since START) doubles the latency from then on. */
function history(version: string, seed: number, regressFrom = Infinity): HistorySeries[] {
  return checkoutHistory(version, seed, { start: START, end: END, step: STEP }, START + regressFrom);
}

let server: PrometheusServer | undefined;

describe.skipIf(!availability.ok && !required)('promotion judged on a real Prometheus', () => {
  beforeAll(async () => {
    if (!availability.ok)
      throw new Error(`${availability.reason}, and with CI=true the real-Prometheus tests must run`);
    // 1.43.0 regresses 20 minutes after the promotion starts: when it takes 25%.
    server = await startPrometheus(
      toOpenMetrics([...history('1.41.0', 1), ...history('1.42.0', 2), ...history('1.43.0', 3, 20 * 60 + 3600)]),
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function promote(version: string) {
    const clock = new ManualClock((START + 3600) * 1000);
    const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
    github.seedBranch('main', { [PATH]: MANIFEST_TEXT });
    const store = new GitHubContentStore(github, 'main');
    const dir = mkdtempSync(join(tmpdir(), 'bw-prom-promo-'));
    writeFileSync(join(dir, 'canary.yml'), POLICY);
    const prometheus = new PrometheusProvider(
      { url: server!.url, defaultStepSeconds: STEP, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
      { fetch: globalThis.fetch, sleep: async () => {} },
    );
    const outcome = await runCanary(
      {
        service: 'checkout',
        environment: 'production',
        region: 'us-east-1',
        command: 'start',
        version,
        actor: 'alice',
        manifests: 'deploy',
        policy: dir,
        waitWithinMs: 24 * 3_600_000,
      },
      {
        clock,
        sleep: clock.sleep,
        logger: new RecordingLogger(),
        github,
        metrics: { get: () => prometheus, names: () => ['prometheus'] },
        git: new CommandGit(dir),
        files: nodeFiles,
      },
      store,
    );
    return {
      outcome,
      manifest: parseManifest((await store.read(PATH))!.text, PATH),
      minutes: (clock.now().getTime() / 1000 - START - 3600) / 60,
    };
  }

  it('takes a good release through every stage to stable', async () => {
    const { outcome, manifest, minutes } = await promote('1.42.0');
    expect(outcome.failure).toBeUndefined();
    expect(manifest.stable.version).toBe('1.42.0');
    expect(manifest.promotion?.phase).toBe('promoted');
    expect(minutes).toBe(40);
    expect(manifest.promotion!.judgments.every((j) => j.verdict === 'Pass')).toBe(true);
  });

  it('stops a release at the first stage where its regression shows, traffic back on stable', async () => {
    const { outcome, manifest } = await promote('1.43.0');
    expect(manifest.canary).toEqual({ version: null, weight: 0 });
    expect(manifest.stable.version).toBe('1.41.0');
    expect(manifest.promotion).toMatchObject({ phase: 'failed', stage: 2 });
    expect(outcome.failure).toMatch(
      /^Failed at 25%: latency-p99 High — canary 0\.\d+ s against baseline 0\.\d+ s, \+\d+% \(the policy allows \+\d+%\)\. Traffic back to 1\.41\.0: /,
    );
    expect(outcome.evidence).toMatch(/\| latency-p99 \| High \|/);
  });
});
