/**
 * The waves path as the reusable workflow runs it, with the bundled action as
 * a process at each step: the advance job only names the regions due, each
 * region's job (in its protected GitHub environment) moves that region's
 * traffic, and a later advance judges the region's health on a real
 * Prometheus reached through the `metrics` input and its token.
 */
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/gitops/manifest.js';
import { parseRolloutState } from '../../src/waves/rollout-state.js';
import { simulatedRepository } from '../e2e/simulated-github.js';
import { runBundledAction } from '../helpers/action-runner.js';
import { startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';
import { prometheusAvailability, prometheusRequired, startPrometheus, toOpenMetrics } from '../helpers/prometheus.js';
import type { PrometheusServer } from '../helpers/prometheus.js';
import { manifestFile, manifestText, repository, ROLLOUT } from './waves-repository.js';

const POLICY = `kind: waves
timeZone: UTC
windows:
  - { days: [mon, tue, wed, thu, fri, sat, sun], hours: "00:00-24:00" }
waves:
  - { name: pilot, regions: [us-east-1], bakeTime: 30m }
  - { name: rest, regions: [eu-west-1, ap-southeast-1], maxParallel: 2, bakeTime: 1h }
`;

const HEALTH = `health:
  provider: prom
  watch: 10m
  checks:
    - { name: error ratio, query: 'app_error_ratio{service="{{service}}",region="{{region}}"}', max: 0.01 }
`;

let server: GitHubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function workspaceWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-waves-regions-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const manifestOf = (service: string, region: string, version: string) =>
  `service: ${service}\nenvironment: production\nregion: ${region}\nstable:\n  version: ${version}\ncanary:\n  version: null\n  weight: 0\nprevious:\n  - version: 1.41.0\n`;

const inputsFor = (command: string, extra: Record<string, string> = {}) => ({
  service: 'checkout',
  version: '1.42.0',
  policy: 'waves.yml',
  command,
  ...extra,
});
type Matrix = { include: Array<{ region: string; environment: string }> };

describe('region approvals come before traffic moves', () => {
  it('advance names the regions due without touching their manifests; the region job starts its region, once', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const workspace = workspaceWith({ 'waves.yml': POLICY });

    const advance = await runBundledAction('waves', { apiUrl: server.url, workspace, inputs: inputsFor('advance') });
    expect(advance.stderr).toBe('');
    expect(advance.exitCode).toBe(0);
    const matrix = JSON.parse(advance.outputs.matrix!) as Matrix;
    expect(matrix.include).toEqual([
      expect.objectContaining({ region: 'us-east-1', environment: 'production/us-east-1' }),
    ]);
    // No traffic moved before the region's environment approved it.
    for (const region of ['us-east-1', 'eu-west-1', 'ap-southeast-1'])
      expect(repo.files.get(manifestFile(region))).toBe(manifestText(region));
    const recorded = repo.files.get(ROLLOUT);
    expect(recorded === undefined || parseRolloutState(recorded, ROLLOUT).regions['us-east-1'] === undefined).toBe(
      true,
    );
    expect(advance.summary).toContain('us-east-1');

    // The region job, in production/us-east-1, once its reviewers approved.
    const start = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      inputs: inputsFor('start-region', { region: 'us-east-1' }),
    });
    expect(start.stderr).toBe('');
    expect(start.exitCode).toBe(0);
    expect(start.outputs['region-state']).toBe('deploying');
    const pilot = parseManifest(repo.files.get(manifestFile('us-east-1'))!, manifestFile('us-east-1'));
    expect(pilot.canary).toEqual({ version: '1.42.0', weight: 1 });
    expect(parseRolloutState(repo.files.get(ROLLOUT)!, ROLLOUT).regions['us-east-1']).toMatchObject({
      state: 'deploying',
    });

    // A second approval of the same region (a later scheduled run) changes nothing.
    const before = new Map(repo.files);
    const again = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      inputs: inputsFor('start-region', { region: 'us-east-1' }),
    });
    expect(again.exitCode).toBe(0);
    expect(again.outputs['region-state']).toBe('deploying');
    expect(repo.files).toEqual(before);
  });

  it('a region job for a region that is not due fails and moves nothing', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const workspace = workspaceWith({ 'waves.yml': POLICY });
    const run = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      inputs: inputsFor('start-region', { region: 'eu-west-1' }),
    });
    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toMatch(/eu-west-1 is not due/);
    expect(repo.files.get(manifestFile('eu-west-1'))).toBe(manifestText('eu-west-1'));
  });
});

const availability = prometheusAvailability();
if (!availability.ok && !prometheusRequired())
  console.warn(`${availability.reason}: skipping the waves health test on a real Prometheus`);

describe.skipIf(!availability.ok && !prometheusRequired())('waves health checks on a real Prometheus', () => {
  let prometheus: PrometheusServer;
  const now = Math.floor(Date.now() / 1000);
  beforeAll(async () => {
    if (!availability.ok) throw new Error(`${availability.reason}, and with CI=true the waves health checks must run`);
    const times = Array.from({ length: 180 }, (_, i) => now - 3 * 3600 + i * 60);
    prometheus = await startPrometheus(
      toOpenMetrics([
        {
          name: 'app_error_ratio',
          type: 'gauge',
          labels: { service: 'checkout', region: 'eu-west-1' },
          samples: times.map((t) => [t, 0.002] as const),
        },
        {
          name: 'app_error_ratio',
          type: 'gauge',
          labels: { service: 'checkout', region: 'ap-southeast-1' },
          samples: times.map((t) => [t, 0.003] as const),
        },
        {
          name: 'app_error_ratio',
          type: 'gauge',
          labels: { service: 'payments', region: 'eu-west-1' },
          samples: times.map((t) => [t, 0.002] as const),
        },
        // Latency of checkout in eu-west-1 only: ap-southeast-1 reports none.
        {
          name: 'app_p99_seconds',
          type: 'gauge',
          labels: { service: 'checkout', region: 'eu-west-1' },
          samples: times.map((t) => [t, 0.12] as const),
        },
        // The bad release: one region's errors climb past the bound an hour after it was deployed.
        {
          name: 'app_error_ratio',
          type: 'gauge',
          labels: { service: 'payments', region: 'ap-southeast-1' },
          samples: times.map((t, i) => [t, i > 120 ? 0.05 : 0.003] as const),
        },
      ]),
    );
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('reaches the metrics through the metrics input and the PROMETHEUS_TOKEN variable, and records the regions healthy', async () => {
    const repo = repository();
    const iso = (s: number) => new Date(s * 1000).toISOString();
    // Wave 1 long baked; wave 2 deployed directly two hours ago and carrying the release.
    repo.files.set(
      ROLLOUT,
      `version: 1.42.0\nstartedAt: "${iso(now - 6 * 3600)}"\nregions:\n  us-east-1: { state: healthy, startedAt: "${iso(now - 6 * 3600)}", healthyAt: "${iso(now - 5 * 3600)}", verdict: pass }\n` +
        ['eu-west-1', 'ap-southeast-1']
          .map((r) => `  ${r}: { state: deploying, startedAt: "${iso(now - 2 * 3600)}", verdict: unknown }\n`)
          .join(''),
    );
    for (const region of ['eu-west-1', 'ap-southeast-1'])
      repo.files.set(manifestFile(region), manifestText(region).replace('1.41.0', '1.42.0'));
    server = await startGitHubServer(repo.gh);
    const token = 'prom-token-' + 'x7Qm2Lk9Vb4Np6';
    const workspace = workspaceWith({
      'waves.yml': POLICY + HEALTH,
      'metrics.yml': `providers:\n  prom:\n    type: prometheus\n    url: ${prometheus.url}\n    auth: { type: bearer, tokenEnv: PROMETHEUS_TOKEN }\n`,
    });
    const run = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      env: { PROMETHEUS_TOKEN: token },
      inputs: inputsFor('advance', { metrics: 'metrics.yml' }),
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode, run.stdout).toBe(0);
    const state = parseRolloutState(repo.files.get(ROLLOUT)!, ROLLOUT);
    for (const region of ['eu-west-1', 'ap-southeast-1'])
      expect(state.regions[region]).toMatchObject({ state: 'healthy', verdict: 'pass' });
    expect(state.regions['eu-west-1']!.reason).toContain('error ratio stayed within ≤ 0.01');
    expect(run.masked).toContain(token);
    // The runner is told to mask it; nothing else prints it.
    const printed = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect([...printed, run.summary].join('\n')).not.toContain(token);
  });

  it('holds a region whose health check has no data: neither healthy nor failed, and says which check and why', async () => {
    const repo = repository();
    const iso = (s: number) => new Date(s * 1000).toISOString();
    repo.files.set(
      ROLLOUT,
      `version: 1.42.0\nstartedAt: "${iso(now - 6 * 3600)}"\nregions:\n  us-east-1: { state: healthy, startedAt: "${iso(now - 6 * 3600)}", healthyAt: "${iso(now - 5 * 3600)}", verdict: pass }\n` +
        ['eu-west-1', 'ap-southeast-1']
          .map((r) => `  ${r}: { state: deploying, startedAt: "${iso(now - 2 * 3600)}", verdict: unknown }\n`)
          .join(''),
    );
    for (const region of ['eu-west-1', 'ap-southeast-1'])
      repo.files.set(manifestFile(region), manifestText(region).replace('1.41.0', '1.42.0'));
    const manifestsBefore = ['eu-west-1', 'ap-southeast-1'].map((r) => repo.files.get(manifestFile(r)));
    server = await startGitHubServer(repo.gh);
    const workspace = workspaceWith({
      'waves.yml':
        POLICY +
        HEALTH +
        `    - { name: latency p99, query: 'app_p99_seconds{service="{{service}}",region="{{region}}"}', max: 0.2 }\n`,
      'metrics.yml': `providers:\n  prom:\n    type: prometheus\n    url: ${prometheus.url}\n`,
    });
    const run = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      inputs: inputsFor('advance', { metrics: 'metrics.yml' }),
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode, run.stdout).toBe(0);
    const state = parseRolloutState(repo.files.get(ROLLOUT)!, ROLLOUT);
    expect(state.regions['eu-west-1']).toMatchObject({ state: 'healthy', verdict: 'pass' });
    expect(state.regions['ap-southeast-1']).toMatchObject({ state: 'deploying', verdict: 'unknown' });
    expect(state.regions['ap-southeast-1']!.reason).toMatch(/^latency p99: no data \(.*\): holding$/);
    // Nothing was rolled back.
    expect(['eu-west-1', 'ap-southeast-1'].map((r) => repo.files.get(manifestFile(r)))).toEqual(manifestsBefore);
  });

  it('halts on a region whose own metrics cross their bound and rolls that region back, with a pull request', async () => {
    const iso = (t: number) => new Date(t * 1000).toISOString();
    const dir = 'deploy/payments/production';
    const repo = simulatedRepository(
      {
        [`${dir}/rollout.yaml`]:
          `version: 1.42.0\nstartedAt: "${iso(now - 6 * 3600)}"\nregions:\n  us-east-1: { state: healthy, startedAt: "${iso(now - 6 * 3600)}", healthyAt: "${iso(now - 5 * 3600)}", verdict: pass }\n` +
          ['eu-west-1', 'ap-southeast-1']
            .map((r) => `  ${r}: { state: deploying, startedAt: "${iso(now - 3 * 3600)}", verdict: unknown }\n`)
            .join(''),
        ...Object.fromEntries(
          ['us-east-1', 'eu-west-1', 'ap-southeast-1'].map((r) => [
            `${dir}/${r}.yaml`,
            manifestOf('payments', r, '1.42.0'),
          ]),
        ),
      },
      'ffac537e6cbbf934b08745a378932722df287a53',
    );
    server = await startGitHubServer(repo.gh);
    const workspace = workspaceWith({
      'waves.yml': POLICY + HEALTH,
      'rollback.yml': 'kind: rollback\nemergencyDirectCommit: true\n',
      'metrics.yml': `providers:\n  prom:\n    type: prometheus\n    url: ${prometheus.url}\n    auth: { type: bearer, tokenEnv: PROMETHEUS_TOKEN }\n`,
    });
    mkdirSync(join(workspace, 'policies'));
    for (const f of ['waves.yml', 'rollback.yml']) renameSync(join(workspace, f), join(workspace, 'policies', f));
    const run = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      env: { PROMETHEUS_TOKEN: 'prom-token' },
      inputs: {
        service: 'payments',
        version: '1.42.0',
        policy: 'policies',
        command: 'advance',
        metrics: 'metrics.yml',
      },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode, run.stdout).toBe(0);
    const files = repo.branches.get('main')!;
    const state = parseRolloutState(files.get(`${dir}/rollout.yaml`)!, 'rollout.yaml');
    expect(state.regions['ap-southeast-1']).toMatchObject({ state: 'rolled-back', verdict: 'fail' });
    expect(state.regions['ap-southeast-1']!.reason).toContain('error ratio reached 0.05, above its max of 0.01');
    // Only the failing region returns to the last good version; the healthy one holds.
    expect(parseManifest(files.get(`${dir}/ap-southeast-1.yaml`)!, 'ap').stable.version).toBe('1.41.0');
    expect(parseManifest(files.get(`${dir}/eu-west-1.yaml`)!, 'eu').stable.version).toBe('1.42.0');
    expect(repo.pulls).toHaveLength(1);
    expect(repo.pulls[0]!.body).toContain('ap-southeast-1');
    expect(JSON.parse(run.outputs.matrix!)).toEqual({ include: [] });
    // The halt is an incident: its postmortem is open, with the rollout's timeline and the rollback pull request.
    expect(repo.issues).toHaveLength(1);
    expect(repo.issues[0]).toMatchObject({ title: '[Postmortem] payments 1.42.0 rolled back', labels: ['postmortem'] });
    expect(repo.issues[0]!.body).toContain('halted in wave 2: ap-southeast-1 (');
    expect(repo.issues[0]!.body).toMatch(/\| traffic \| ap-southeast-1 started \|/);
    expect(repo.issues[0]!.body).toMatch(/\| rollback-pr \| \[rollback pull request\]/);
    expect(run.outputs['postmortem-issue']).toBe(String(repo.issues[0]!.number));
    expect(run.summary).toContain(`postmortem issue #${repo.issues[0]!.number} opened`);

    // The next advance finds the region already rolled back: no second incident.
    const again = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      env: { PROMETHEUS_TOKEN: 'prom-token' },
      inputs: {
        service: 'payments',
        version: '1.42.0',
        policy: 'policies',
        command: 'advance',
        metrics: 'metrics.yml',
      },
    });
    expect(again.exitCode, again.stdout).toBe(0);
    expect(again.outputs['postmortem-issue']).toBe('');
    expect(repo.issues).toHaveLength(1);
  });
});
