/**
 * An error rate judged as a ratio (`kind: ratio`: errors over requests) in a
 * promotion on a real Prometheus. Each version's errors and requests per
 * scrape interval are backfilled with promtool (what a recording rule of
 * `increase(...)` per interval gives), the policy's `query` and
 * `denominator` read them, and the promotion runs on a simulated clock.
 * Errors rising from 0.2% to 0.3% of requests stop the canary; a canary
 * whose errors stay at 0.2% reaches stable; requests that are zero, NaN or
 * missing hold the judgment and say why.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeConfigFromBlock } from '../../../src/canary/judge/config-schema.js';
import { metricsJudge } from '../../../src/canary/promotion/metrics-judge.js';
import type { WindowDetail } from '../../../src/canary/promotion/metrics-judge.js';
import { runCanary } from '../../../src/canary/promotion/run.js';
import { InMemoryGitHub } from '../../../src/github/fake.js';
import { GitHubContentStore } from '../../../src/gitops/content-store.js';
import { CommandGit } from '../../../src/gitops/git.js';
import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import { parseManifest } from '../../../src/gitops/manifest.js';
import { PrometheusProvider } from '../../../src/metrics/prometheus.js';
import { loadPolicySet, policyFor } from '../../../src/policy/set.js';
import { ManualClock } from '../../../src/runtime/clock.js';
import { RecordingLogger } from '../../../src/runtime/logger.js';
import type { HistorySeries, PrometheusServer } from '../../helpers/prometheus.js';
import { nodeFiles } from '../../../src/runtime/files.js';
import {
  prometheusAvailability,
  prometheusRequired,
  seededRandom,
  startPrometheus,
  toOpenMetrics,
} from '../../helpers/prometheus.js';
import { MANIFEST_TEXT } from './fixtures.js';

const availability = prometheusAvailability();
const required = prometheusRequired();
if (!availability.ok && !required)
  console.warn(`${availability.reason}: skipping the ratio metric against a real Prometheus`);

const STEP = 15;
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
const START = END - 2 * 3600;
/** When the promotion starts: an hour into the history. */
const T0 = START + 3600;
const PATH = 'deploy/checkout/production/us-east-1.yaml';
const SELECT = 'service="{{service}}",region="{{region}}",version="{{version}}"';

/** Four ten-minute stages judged every five minutes on the error rate alone. */
const POLICY = `kind: canary
services: [checkout]
stages:
  - { weight: 1, soakTime: 10m }
  - { weight: 5, soakTime: 10m }
  - { weight: 25, soakTime: 10m }
  - { weight: 100, soakTime: 10m }
analysis:
  interval: 5m
  lookback: 10m
  judge:
    metrics:
      - name: error-rate
        kind: ratio
        query: 'sum(http_errors_per_interval{${SELECT}})'
        denominator: 'sum(http_requests_per_interval{${SELECT}})'
        direction: increase
`;

/** A Poisson draw (Knuth's method; the means here are small). */
function poisson(mean: number, rnd: () => number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rnd();
  while (p > limit) {
    k++;
    p *= rnd();
  }
  return k;
}

/**
 * Errors and requests of one version per 15-second interval: requests
 * around 3,000 and swinging by a third over an hour, each failing with
 * probability `errorRate`. `requests` overrides the request count of every
 * interval (0, NaN), and `withoutRequests` leaves the requests series out.
 */
function history(
  version: string,
  seed: number,
  errorRate: number,
  options: { requests?: number; withoutRequests?: boolean } = {},
): HistorySeries[] {
  const rnd = seededRandom(seed);
  const labels = { service: 'checkout', region: 'us-east-1', version };
  const errors: Array<[number, number]> = [];
  const requests: Array<[number, number]> = [];
  for (let t = START; t <= END; t += STEP) {
    const served = Math.round(3000 * (1 + Math.sin((2 * Math.PI * t) / 3600) / 3) * (0.9 + 0.2 * rnd()));
    errors.push([t, poisson(errorRate * served, rnd)]);
    requests.push([t, options.requests ?? served]);
  }
  return [
    { name: 'http_errors_per_interval', type: 'gauge', labels, samples: errors },
    ...(options.withoutRequests
      ? []
      : [{ name: 'http_requests_per_interval', type: 'gauge' as const, labels, samples: requests }]),
  ];
}

let server: PrometheusServer | undefined;

function provider(): PrometheusProvider {
  return new PrometheusProvider(
    { url: server!.url, defaultStepSeconds: STEP, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
    { fetch: globalThis.fetch, sleep: async () => {} },
  );
}

function policyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-ratio-'));
  writeFileSync(join(dir, 'canary.yml'), POLICY);
  return dir;
}

describe.skipIf(!availability.ok && !required)('an error rate judged as a ratio on a real Prometheus', () => {
  beforeAll(async () => {
    if (!availability.ok)
      throw new Error(`${availability.reason}, and with CI=true the real-Prometheus tests must run`);
    server = await startPrometheus(
      toOpenMetrics([
        ...history('1.41.0', 1, 0.002),
        ...history('1.42.0', 2, 0.002),
        ...history('1.43.0', 3, 0.003),
        ...history('1.44.0', 4, 0.002, { requests: 0 }),
        ...history('1.45.0', 5, 0.002, { requests: Number.NaN }),
        ...history('1.46.0', 6, 0.002, { withoutRequests: true }),
      ]),
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function promote(version: string) {
    const clock = new ManualClock(T0 * 1000);
    const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
    github.seedBranch('main', { [PATH]: MANIFEST_TEXT });
    const store = new GitHubContentStore(github, 'main');
    const dir = policyDir();
    const prometheus = provider();
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
        files: nodeFiles,
        github,
        metrics: { get: () => prometheus, names: () => ['prometheus'] },
        git: new CommandGit(dir),
      },
      store,
    );
    const judgments = outcome.results.flatMap((r) => (r.judgment ? [r.judgment] : []));
    return { outcome, judgments, manifest: parseManifest((await store.read(PATH))!.text, PATH) };
  }

  it('stops a canary whose errors rise from 0.2% to 0.3% of requests, showing both rates', async () => {
    const { outcome, judgments, manifest } = await promote('1.43.0');
    expect(manifest.promotion?.phase).toBe('failed');
    expect(manifest.stable.version).toBe('1.41.0');
    expect(manifest.canary).toEqual({ version: null, weight: 0 });
    expect(outcome.failure).toMatch(
      /^Failed at 1%: error-rate High — canary 0\.\d+% \(\d+ of [\d,]+\) against baseline 0\.\d+% \(\d+ of [\d,]+\), \+\d+% \(the policy allows \+5%\)\. Traffic back to 1\.41\.0: /,
    );
    // The judge added up errors and requests, read point for point from both queries.
    const failed = (judgments.at(-1)!.detail as WindowDetail).result!.metrics[0]!;
    expect(failed.classification).toBe('High');
    expect(failed.reason).toMatch(/^higher: count test p = .+, canary \d+ of \d+ \(0\.\d+%\) against baseline/);
    expect(failed.totals!.canary.requests).toBeGreaterThan(20 * 2000);
    expect(failed.canary.n).toBe(failed.baseline.n);
    expect(outcome.evidence).toMatch(
      /\| error-rate \| High \| 0\.\d+% \(\d+ of [\d,]+\) \| 0\.\d+% \(\d+ of [\d,]+\) \|/,
    );
  });

  it('takes a canary whose errors stay at 0.2% of requests through every stage to stable', async () => {
    const { outcome, judgments, manifest } = await promote('1.42.0');
    expect(outcome.failure).toBeUndefined();
    expect(judgments.map((j) => j.verdict)).toEqual(Array(8).fill('Pass'));
    expect(manifest.stable.version).toBe('1.42.0');
    expect(manifest.promotion?.phase).toBe('promoted');
  });

  it.each([
    [
      '1.44.0',
      'no requests in any interval',
      /^error-rate: too few points with requests: canary 0 of 10 points \(41 with 0 requests\) \(/,
    ],
    [
      '1.45.0',
      'NaN requests',
      /^error-rate: too few points with requests: canary 0 of 10 points \(41 with no request count \(NaN or missing\)\) \(/,
    ],
    [
      '1.46.0',
      'no requests series',
      /^error-rate: no data: .*: denominator: canary: the query returned no series \(query: sum\(http_requests_per_interval\{service="checkout",region="us-east-1",version="1\.46\.0"\}\)\)/,
    ],
  ])('holds a canary with %s (%s), never passes it', async (version, _what, reason) => {
    const { policy } = policyFor(await loadPolicySet(policyDir(), nodeFiles), 'canary', 'checkout');
    const block = policy.analysis.judge;
    const manifest: ReleaseManifest = {
      service: 'checkout',
      environment: 'production',
      region: 'us-east-1',
      stable: { version: '1.41.0' },
      canary: { version, weight: 5 },
      previous: [],
    };
    const j = await metricsJudge({
      config: judgeConfigFromBlock(block),
      queries: block.metrics.map((m) => ({ name: m.name, query: m.query, denominator: m.denominator! })),
      metrics: provider(),
    })({ manifest, start: new Date(T0 * 1000), end: new Date((T0 + 600) * 1000), look: 2, looks: 2 });
    expect(j.verdict).toBe('NoData');
    expect(j.score).toBeNull();
    expect(j.reason).toMatch(reason);
  });
});
