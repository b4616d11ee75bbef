/**
 * The watch after promotion, through the bundled canary action against a
 * real Prometheus: while the previous version is kept ready, each scheduled
 * tick judges the new stable version on the last stage's health gates. A
 * release whose p99 breaches after its promotion is rolled back to the
 * kept-ready version with a pull request; a healthy one is said to be so,
 * with the values, and the kept-ready version is released at `until`; one
 * whose gate has no data keeps being watched, saying why.
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
if (!availability.ok && !required) console.warn(`${availability.reason}: skipping the watch after promotion`);

const STEP = 15;
const END = Math.floor(Date.now() / 1000 / 3600) * 3600 - 3600;
const START = END - 3 * 3600;
const AT = START + 3600;
const MIN = 60;
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

/** Two stages of ten minutes, promoted twenty minutes after the start and kept ready for thirty more. */
const POLICY = `kind: canary
services: [checkout]
stages:
  - { weight: 5, soakTime: 10m }
  - { weight: 100, soakTime: 10m }
tiers:
  standard:
    bakeTime: 30m
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

/** A version's p99 around 120 ms (±15 %), 300 ms from `slowFrom` on; its error ratio until `errorsUntil`. */
function history(version: string, seed: number, slowFrom = Infinity, errorsUntil = Infinity): HistorySeries[] {
  const rnd = seededRandom(seed);
  const labels = { service: 'checkout', region: 'us-east-1', version };
  const p99: Array<[number, number]> = [];
  const ratio: Array<[number, number]> = [];
  for (let t = START; t <= END; t += STEP) {
    p99.push([t, Number(((t >= slowFrom ? 0.3 : 0.12) * (0.85 + 0.3 * rnd())).toFixed(4))]);
    const r = Number((0.0002 + 0.0004 * rnd()).toFixed(6));
    if (t < errorsUntil) ratio.push([t, r]);
  }
  return [
    { name: 'latency_p99_seconds', type: 'gauge', labels, samples: p99 },
    { name: 'error_ratio', type: 'gauge', labels, samples: ratio },
  ];
}

let prometheus: PrometheusServer | undefined;
const servers: GitHubServer[] = [];

describe.skipIf(!availability.ok && !required)('the watch after promotion through the bundled action', () => {
  beforeAll(async () => {
    if (!availability.ok) throw new Error(`${availability.reason}, and with CI=true the watch must run`);
    prometheus = await startPrometheus(
      toOpenMetrics([
        // Healthy through its canary, slow from 30 minutes after the start (after its promotion).
        ...history('5.0.0', 1),
        ...history('5.1.0', 2, AT + 30 * MIN),
        // Healthy throughout.
        ...history('6.0.0', 3),
        ...history('6.1.0', 4),
        // Stops reporting its error ratio after its promotion.
        ...history('7.0.0', 3),
        ...history('7.1.0', 4, Infinity, AT + 25 * MIN),
      ]),
    );
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await prometheus?.stop();
  });

  async function promoted(stable: string, version: string) {
    const repo = simulatedRepository({ [PATH]: manifest(stable) }, RELEASE_SHA);
    const github = await startGitHubServer(repo.gh);
    servers.push(github);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-watch-'));
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
    const started = await run('start', AT, { version, 'max-wait-minutes': '60' });
    expect(started.stderr).toBe('');
    expect(started.exitCode).toBe(0);
    expect(started.outputs).toMatchObject({ state: 'promoted', 'keep-ready': stable });
    expect(stored().stable.version).toBe(version);
    return {
      repo,
      stored,
      until: Date.parse(stored().keepReady!.until!) / 1000,
      tick: (at: number) => run('tick', at, { 'max-wait-minutes': '0' }),
    };
  }

  it('rolls a release whose p99 breaches after its promotion back to the kept-ready version, with a pull request', async () => {
    const { repo, stored, until, tick } = await promoted('5.0.0', '5.1.0');
    const result = await tick(AT + 45 * MIN);
    expect(AT + 45 * MIN).toBeLessThan(until);
    expect(result.exitCode).toBe(1);
    const error = result.commands.find((c) => c.command === 'error')?.message ?? '';
    expect(error).toMatch(/health gate p99-under-200ms reached 0\.\d+ s, above its max of 0\.2 s/);
    expect(result.summary).toMatch(
      /Watch failed: .*5\.1\.0 breached its health gates after promotion; rolling back to 5\.0\.0/,
    );
    expect(result.summary).toMatch(/\| p99-under-200ms \| ❌ fail \|/);
    // The step's outputs say what this run judged, never the last stage's pass.
    expect(result.outputs).toMatchObject({ state: 'failed', verdict: 'fail' });
    // Through the rollback flow: stable back to the kept-ready version, the release quarantined, a pull request.
    expect(stored().stable.version).toBe('5.0.0');
    expect(stored().keepReady).toBeUndefined();
    expect(stored().promotion).toMatchObject({ version: '5.1.0', phase: 'failed' });
    expect(repo.branches.get('main')!.get('deploy/checkout/quarantine.yaml')).toContain('5.1.0');
    expect(repo.pulls).toHaveLength(1);
    expect(repo.pulls[0]!.body).toContain('p99-under-200ms');
    // Once rolled back there is nothing left to watch.
    const after = await tick(AT + 47 * MIN);
    expect(after.exitCode).toBe(0);
    expect(repo.pulls).toHaveLength(1);
  });

  it('says a healthy release is watched and healthy, with the values, and releases the kept-ready version at until', async () => {
    const { repo, stored, until, tick } = await promoted('6.0.0', '6.1.0');
    const watched = await tick(AT + 35 * MIN);
    expect(watched.exitCode).toBe(0);
    expect(watched.summary).toMatch(/watched: healthy \(6\.1\.0, until /);
    expect(watched.summary).toMatch(/p99-under-200ms stayed within ≤ 0\.2 s/);
    expect(watched.outputs).toMatchObject({ state: 'promoted', 'keep-ready': '6.0.0' });
    expect(stored().keepReady?.version).toBe('6.0.0');
    const released = await tick(until + MIN);
    expect(released.exitCode).toBe(0);
    expect(released.outputs).toMatchObject({ 'keep-ready': '' });
    expect(stored().keepReady).toBeUndefined();
    expect(stored().stable.version).toBe('6.1.0');
    expect(repo.pulls).toHaveLength(0);
  });

  it('keeps watching a release whose gate has no data, saying why, and never calls it healthy', async () => {
    const { repo, stored, tick } = await promoted('7.0.0', '7.1.0');
    for (const minutes of [40, 45]) {
      const result = await tick(AT + minutes * MIN);
      expect(result.exitCode).toBe(0);
      expect(result.summary).toMatch(/Watching 7\.1\.0: .*[Nn]o verdict, still watching until /);
      expect(result.summary).toMatch(/health gate error-rate cannot be checked: error-rate: no data/);
      expect(result.summary).not.toMatch(/watched: healthy/);
      expect(result.outputs).toMatchObject({ state: 'promoted', 'keep-ready': '7.0.0', verdict: 'nodata' });
    }
    expect(stored().stable.version).toBe('7.1.0');
    expect(stored().keepReady?.version).toBe('7.0.0');
    expect(repo.pulls).toHaveLength(0);
  });
});
