/**
 * Absolute health gates on canaries, through the bundled canary action
 * against a real Prometheus: a stage passes only when the comparison with
 * the baseline AND every gate pass. A canary exactly as slow as its
 * baseline, both above p99 < 200 ms, fails on the gate it breached and
 * rolls back; one within every gate is promoted; one whose gate has no data
 * holds, saying why.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/gitops/manifest.js';
import { seededRandom } from '../../src/runtime/random.js';
import { runBundledAction } from '../helpers/action-runner.js';
import { startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';
import type { HistorySeries, PrometheusServer } from '../helpers/prometheus.js';
import { prometheusAvailability, prometheusRequired, startPrometheus, toOpenMetrics } from '../helpers/prometheus.js';
import { simulatedRepository } from './simulated-github.js';

const availability = prometheusAvailability();
const required = prometheusRequired();
if (!availability.ok && !required) console.warn(`${availability.reason}: skipping the canary health gates`);

const STEP = 15;
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
const START = END - 3 * 3600;
const AT = START + 3600;
const PATH = 'deploy/checkout/production/us-east-1.yaml';
const RELEASE_SHA = 'ffac537e6cbbf934b08745a378932722df287a53';

const manifest = (stable: string) => `service: checkout
environment: production
region: us-east-1
stable:
  version: ${stable}
canary:
  version: null
  weight: 0
`;

/** Two stages judged every five minutes on the comparison, and two absolute gates (Amazon's and GitHub's). */
const POLICY = `kind: canary
services: [checkout]
stages:
  - { weight: 5, soakTime: 10m }
  - { weight: 100, soakTime: 10m }
analysis:
  interval: 5m
  lookback: 10m
  judge:
    metrics:
      - name: latency-p99
        query: 'latency_p99_seconds{service="{{service}}",region="{{region}}",version="{{version}}"}'
        direction: increase
health:
  checks:
    - name: p99-under-200ms
      query: 'latency_p99_seconds{service="{{service}}",region="{{region}}",version="{{version}}"}'
      max: 0.2
      unit: s
    - name: error-rate
      query: 'error_ratio{service="{{service}}",region="{{region}}",version="{{version}}"}'
      max: 0.001
provider: prom
`;

/** One version's p99 latency around `latency` seconds (±15 %), and its error ratio unless `errors` is false. */
function history(version: string, seed: number, latency: number, errors = true): HistorySeries[] {
  const rnd = seededRandom(seed);
  const labels = { service: 'checkout', region: 'us-east-1', version };
  const p99: Array<[number, number]> = [];
  const ratio: Array<[number, number]> = [];
  for (let t = START; t <= END; t += STEP) {
    p99.push([t, Number((latency * (0.85 + 0.3 * rnd())).toFixed(4))]);
    ratio.push([t, Number((0.0002 + 0.0004 * rnd()).toFixed(6))]);
  }
  return [
    { name: 'latency_p99_seconds', type: 'gauge', labels, samples: p99 },
    ...(errors ? [{ name: 'error_ratio', type: 'gauge' as const, labels, samples: ratio }] : []),
  ];
}

let prometheus: PrometheusServer | undefined;
const servers: GitHubServer[] = [];

describe.skipIf(!availability.ok && !required)('canary health gates through the bundled action', () => {
  beforeAll(async () => {
    if (!availability.ok) throw new Error(`${availability.reason}, and with CI=true the health gates must run`);
    prometheus = await startPrometheus(
      toOpenMetrics([
        // Slow, and the canary no slower: the comparison passes, p99 < 200 ms does not.
        ...history('2.0.0', 1, 0.25),
        ...history('2.1.0', 2, 0.25),
        // Fast and clean: both pass.
        ...history('3.0.0', 3, 0.12),
        ...history('3.1.0', 4, 0.12),
        // The canary reports no error ratio at all.
        ...history('4.0.0', 5, 0.12),
        ...history('4.1.0', 6, 0.12, false),
      ]),
    );
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await prometheus?.stop();
  });

  async function scenario(stable: string) {
    const repo = simulatedRepository({ [PATH]: manifest(stable) }, RELEASE_SHA);
    const github = await startGitHubServer(repo.gh);
    servers.push(github);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-gates-'));
    mkdirSync(join(workspace, '.github/bellwether'), { recursive: true });
    writeFileSync(join(workspace, '.github/bellwether/canary.yml'), POLICY);
    writeFileSync(join(workspace, '.github/bellwether/rollback.yml'), 'kind: rollback\nemergencyDirectCommit: true\n');
    writeFileSync(
      join(workspace, '.github/bellwether/metrics.yml'),
      `providers:\n  prom:\n    type: prometheus\n    url: ${prometheus!.url}\n    step: ${STEP}s\n`,
    );
    const run = (command: string, at: number, extra: Record<string, string> = {}) =>
      runBundledAction('canary', {
        eventName: 'workflow_dispatch',
        apiUrl: github.url,
        workspace,
        sha: RELEASE_SHA,
        inputs: {
          service: 'checkout',
          region: 'us-east-1',
          command,
          policy: '.github/bellwether',
          metrics: '.github/bellwether/metrics.yml',
          at: new Date(at * 1000).toISOString(),
          ...extra,
        },
      });
    const stored = () => parseManifest(repo.branches.get('main')!.get(PATH)!, PATH);
    return { repo, run, stored };
  }

  it('fails a canary that matches its baseline but breaches p99 < 200 ms, naming the gate, and rolls it back', async () => {
    const { repo, run, stored } = await scenario('2.0.0');
    const result = await run('start', AT, { version: '2.1.0', 'max-wait-minutes': '60' });
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toMatchObject({ state: 'failed', weight: '0', verdict: 'fail' });
    const error = result.commands.find((c) => c.command === 'error')?.message ?? '';
    expect(error).toMatch(
      /^Failed at 5%: health gate p99-under-200ms reached 0\.\d+ s, above its max of 0\.2 s\. Traffic back to 2\.0\.0: /,
    );
    // The comparison with the baseline passed: the gate alone failed it.
    const judgment = stored().promotion!.judgments.at(-1)!;
    expect(judgment.verdict).toBe('Fail');
    expect(judgment.reason).toMatch(/the comparison with the baseline: Pass/);
    // The gate is explained like any other decision: value, bound, query and window.
    expect(result.summary).toContain('### Health gates');
    expect(result.summary).toMatch(
      /\| p99-under-200ms \| ❌ fail \| 0\.\d+ … 0\.\d+ s \| ≤ 0\.2 s \| `latency_p99_seconds\{service="checkout",region="us-east-1",version="2\.1\.0"\}` \|/,
    );
    expect(result.summary).toMatch(/\| error-rate \| ✅ pass \|/);
    expect(result.summary).toMatch(/over every point from \d{4}-\d\d-\d\dT[\d:.]+Z to \d{4}-\d\d-\d\dT[\d:.]+Z/);
    // Rolled back like a failed judgment: traffic on stable, the version quarantined, a rollback pull request.
    expect(stored().stable.version).toBe('2.0.0');
    expect(stored().canary).toEqual({ version: null, weight: 0 });
    expect(repo.branches.get('main')!.get('deploy/checkout/quarantine.yaml')).toContain('2.1.0');
    expect(repo.pulls).toHaveLength(1);
    expect(repo.pulls[0]!.body).toContain('p99-under-200ms');
  });

  it('promotes a canary within every gate, and says each gate held', async () => {
    const { repo, run, stored } = await scenario('3.0.0');
    const result = await run('start', AT, { version: '3.1.0', 'max-wait-minutes': '60' });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ state: 'promoted', verdict: 'pass' });
    expect(stored().stable.version).toBe('3.1.0');
    const judgments = stored().promotion!.judgments;
    expect(judgments.length).toBeGreaterThan(0);
    for (const j of judgments) {
      expect(j.verdict).toBe('Pass');
      expect(j.reason).toMatch(
        /health gates within bounds: p99-under-200ms stayed within ≤ 0\.2 s .*; error-rate stayed within ≤ 0\.001/,
      );
    }
    expect(repo.pulls).toHaveLength(0);
  });

  it('holds a canary whose gate has no data, saying which and why, and never promotes it', async () => {
    const { repo, run, stored } = await scenario('4.0.0');
    const started = await run('start', AT, { version: '4.1.0', 'max-wait-minutes': '0' });
    expect(started.exitCode).toBe(0);
    for (const minutes of [5, 10, 15]) {
      const tick = await run('tick', AT + minutes * 60, { 'max-wait-minutes': '0' });
      expect(tick.exitCode).toBe(0);
      expect(tick.outputs).toMatchObject({ state: 'soaking', weight: '5', verdict: 'nodata' });
      expect(tick.summary).toMatch(/health gate error-rate: no data \(the query returned no series/);
      expect(tick.summary).toMatch(/\| error-rate \| ⏸️ unknown \|/);
    }
    const judgment = stored().promotion!.judgments.at(-1)!;
    expect(judgment.verdict).toBe('NoData');
    expect(judgment.reason).toMatch(
      /^health gate error-rate cannot be checked: error-rate: no data \(the query returned no series .*\); holding; the comparison with the baseline: Pass/,
    );
    expect(stored().stable.version).toBe('4.0.0');
    // A person cannot push it past missing data either.
    const promote = await run('promote', AT + 16 * 60, { reason: 'looks fine to me', 'max-wait-minutes': '0' });
    expect(promote.exitCode).toBe(1);
    expect(promote.commands.find((c) => c.command === 'error')?.message).toMatch(
      /Cannot promote past a NoData judgment/,
    );
    expect(stored().canary).toMatchObject({ version: '4.1.0', weight: 5 });
    expect(repo.pulls).toHaveLength(0);
  });
});
