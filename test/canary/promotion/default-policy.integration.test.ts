/**
 * The default canary policy (four 15-minute stages judged every 5 minutes
 * over at most 15 minutes, at least 10 points a side) and a Prometheus
 * provider configured with nothing but its URL, against a real Prometheus
 * scraped every 15 s: a healthy canary is never failed, not even on the first
 * judgment of a stage, whose window is only 5 minutes long; and a canary
 * whose latency reads +Inf is never passed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeConfigFromBlock } from '../../../src/canary/judge/config-schema.js';
import type { WindowDetail } from '../../../src/canary/promotion/metrics-judge.js';
import { metricsJudge } from '../../../src/canary/promotion/metrics-judge.js';
import { runCanary } from '../../../src/canary/promotion/run.js';
import { InMemoryGitHub } from '../../../src/github/fake.js';
import { GitHubContentStore } from '../../../src/gitops/content-store.js';
import { CommandGit } from '../../../src/gitops/git.js';
import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import { parseManifest } from '../../../src/gitops/manifest.js';
import { createProvider } from '../../../src/metrics/registry.js';
import { loadPolicySet, policyFor } from '../../../src/policy/set.js';
import { ManualClock } from '../../../src/runtime/clock.js';
import { RecordingLogger } from '../../../src/runtime/logger.js';
import type { HistorySeries, PrometheusServer } from '../../helpers/prometheus.js';
import {
  prometheusAvailability,
  prometheusRequired,
  startPrometheus,
  toOpenMetrics,
} from '../../helpers/prometheus.js';
import { MANIFEST_TEXT, checkoutHistory } from './fixtures.js';
import { nodeFiles } from '../../../src/runtime/files.js';

const availability = prometheusAvailability();
const required = prometheusRequired();
if (!availability.ok && !required)
  console.warn(`${availability.reason}: skipping the default policy against a real Prometheus`);

/** The scrape interval of the history. */
const SCRAPE = 15;
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
const START = END - 3 * 3600;
const PATH = 'deploy/checkout/production/us-east-1.yaml';
/** When the promotion starts: an hour into the history. */
const T0 = START + 3600;

/** The default policy with the metrics a user adds; everything else left to its default. */
const POLICY = `kind: canary
services: [checkout]
analysis:
  judge:
    metrics:
      - name: latency-p99
        query: 'latency_p99_seconds{service="{{service}}",region="{{region}}",version="{{version}}"}'
        direction: increase
      - name: server-errors
        query: 'server_errors_per_second{service="{{service}}",region="{{region}}",version="{{version}}"}'
        direction: increase
`;

/** 1.44.0's latency passes the top bucket from 20 minutes into the promotion: histogram_quantile reads +Inf. */
function infiniteFrom(series: HistorySeries[], from: number): HistorySeries[] {
  return series.map((s) =>
    s.name === 'latency_p99_seconds'
      ? {
          ...s,
          samples: s.samples.map(
            ([t, v]) => [t, t >= from && (t / SCRAPE) % 4 === 0 ? Number.POSITIVE_INFINITY : v] as const,
          ),
        }
      : s,
  );
}

let server: PrometheusServer | undefined;

function provider() {
  const deps = {
    fetch: globalThis.fetch,
    sleep: async () => {},
    logger: new RecordingLogger(),
    env: {},
    readFile: () => '',
  };
  // Only the URL: the step, its floor and everything else are the defaults a user gets.
  return createProvider('prometheus', { type: 'prometheus', url: server!.url }, deps);
}

describe.skipIf(!availability.ok && !required)('the default canary policy on a real Prometheus', () => {
  beforeAll(async () => {
    if (!availability.ok)
      throw new Error(`${availability.reason}, and with CI=true the real-Prometheus tests must run`);
    const window = { start: START, end: END, step: SCRAPE };
    server = await startPrometheus(
      toOpenMetrics([
        ...checkoutHistory('1.41.0', 11, window),
        ...checkoutHistory('1.42.0', 12, window),
        ...infiniteFrom(checkoutHistory('1.44.0', 14, window), T0 + 20 * 60),
      ]),
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('takes a healthy canary through every stage: no judgment fails, the first of each stage already passes', async () => {
    const clock = new ManualClock(T0 * 1000);
    const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
    github.seedBranch('main', { [PATH]: MANIFEST_TEXT });
    const store = new GitHubContentStore(github, 'main');
    const dir = mkdtempSync(join(tmpdir(), 'bw-default-policy-'));
    writeFileSync(join(dir, 'canary.yml'), POLICY);
    const prometheus = provider();
    const outcome = await runCanary(
      {
        service: 'checkout',
        environment: 'production',
        region: 'us-east-1',
        command: 'start',
        version: '1.42.0',
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
    const manifest = parseManifest((await store.read(PATH))!.text, PATH);
    const judgments = outcome.results.flatMap((r) => (r.judgment ? [r.judgment] : []));
    expect(outcome.failure).toBeUndefined();
    expect(judgments.map((j) => j.verdict).filter((v) => v !== 'Pass')).toEqual([]);
    // Four stages of three judgments each (at 5, 10 and 15 minutes).
    expect(judgments).toHaveLength(12);
    const first = judgments[0]!.detail as WindowDetail;
    expect(first.window).toEqual({
      start: new Date(T0 * 1000).toISOString(),
      end: new Date((T0 + 300) * 1000).toISOString(),
    });
    for (const m of first.result!.metrics) expect(m.canary.n).toBeGreaterThanOrEqual(10);
    expect(manifest.stable.version).toBe('1.42.0');
    expect(manifest.promotion?.phase).toBe('promoted');
    expect((clock.now().getTime() / 1000 - T0) / 60).toBe(60);
  });

  it('holds a canary whose latency reads +Inf, naming the metric and the infinite points', async () => {
    const { policy } = policyFor(await loadPolicySet(await writePolicy(), nodeFiles), 'canary', 'checkout');
    const config = judgeConfigFromBlock(policy.analysis.judge);
    const judgeWindow = metricsJudge({
      config,
      queries: policy.analysis.judge.metrics.map((m) => ({ name: m.name, query: m.query })),
      metrics: provider(),
    });
    const manifest: ReleaseManifest = {
      service: 'checkout',
      environment: 'production',
      region: 'us-east-1',
      stable: { version: '1.41.0' },
      canary: { version: '1.44.0', weight: 25 },
      previous: [],
    };
    for (const critical of [false, true]) {
      const j = await metricsJudge({
        config: { ...config, metrics: config.metrics.map((m) => ({ ...m, critical })) },
        queries: policy.analysis.judge.metrics.map((m) => ({ name: m.name, query: m.query })),
        metrics: provider(),
      })({
        manifest,
        start: new Date((T0 + 20 * 60) * 1000),
        end: new Date((T0 + 35 * 60) * 1000),
        look: 1,
        looks: 3,
      });
      expect(j.verdict).toBe('NoData');
      expect(j.score).toBeNull();
      expect(j.reason).toMatch(/latency-p99: infinite values cannot be compared: canary: \d+ of \d+ points are \+Inf/);
    }
    // Before the latency broke, the same canary passes: the hold is the infinite points' doing.
    const before = await judgeWindow({
      manifest,
      start: new Date((T0 + 5 * 60) * 1000),
      end: new Date((T0 + 20 * 60 - 1) * 1000),
      look: 1,
      looks: 3,
    });
    expect(before.verdict).toBe('Pass');
  });
});

async function writePolicy(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-default-policy-'));
  writeFileSync(join(dir, 'canary.yml'), POLICY);
  return dir;
}
