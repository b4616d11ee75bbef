/**
 * The promise "every wait has a deadline; a rollback never waits on
 * metrics", held through the shipped CLI and the bundled freeze action
 * against a metrics server that accepts connections and never answers.
 * The tests configure a small deadline and assert on what is said, never on
 * elapsed time: without the deadline these runs would wait minutes (four
 * attempts of 30 s for each of dozens of queries).
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runBundledAction } from '../helpers/action-runner.js';
import { runCliProcess } from '../helpers/cli-process.js';
import { startFaultServer, type FaultServer } from '../helpers/metrics-fault-server.js';
import { canaryPolicy, git, soakingManifest, stableManifest } from './canary-repo.js';

const SLO = join(import.meta.dirname, '../fixtures/freeze/checkout-availability.yaml');

let hang: FaultServer;
beforeEach(async () => {
  hang = await startFaultServer('hang');
});
afterEach(async () => {
  await hang.close();
});

describe('a metrics server that never answers, through the CLI', () => {
  it('budget finishes at its deadline, says so and what was not measured, and blocks features as missing data', async () => {
    const run = await runCliProcess(['budget', '--slo', SLO, '--prometheus', hang.url, '--deadline', '2s']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(hang.requests.length).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/The metrics deadline of 2 s passed: (\d+) of \1 queries were not measured/);
    expect(run.stdout).toContain(
      'budget: unknown (not measured: the metrics deadline of 2 s passed before an answer (query: ',
    );
    expect(run.stdout).toMatch(
      /feature +block +the error budget of checkout-availability is unknown: not measured: the metrics deadline of 2 s passed/,
    );
  });

  it('budget --format json carries the deadline and the queries it left unmeasured', async () => {
    const run = await runCliProcess([
      'budget',
      '--slo',
      SLO,
      '--prometheus',
      hang.url,
      '--deadline',
      '2s',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      metricsDeadline: { deadlineMs: number; note: string; notMeasured: string[] };
      gate: { feature: { verdict: string } };
    };
    expect(report.metricsDeadline.deadlineMs).toBe(2000);
    expect(report.metricsDeadline.notMeasured).toContain('sum(rate(http_requests_total{job="checkout"}[5m]))');
    expect(report.gate.feature.verdict).toBe('block');
  });

  it('freeze finishes at its deadline and blocks the feature, saying the deadline passed', async () => {
    const run = await runCliProcess(['freeze', '--slo', SLO, '--prometheus', hang.url, '--deadline', '2s']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toMatch(
      /^feature: block \(the error budget of checkout-availability is unknown: not measured: the metrics deadline of 2 s passed/,
    );
    expect(run.stdout).toContain('The metrics deadline of 2 s passed');
  });

  it('freeze takes its deadline from the policy when no flag is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-hang-policy-'));
    writeFileSync(
      join(dir, 'freeze.yml'),
      'kind: freeze\nmetricsDeadline: 1s\nonMetricsUnavailable:\n  block: [feature, hotfix]\n',
    );
    const run = await runCliProcess([
      'freeze',
      '--slo',
      SLO,
      '--prometheus',
      hang.url,
      '--policy',
      join(dir, 'freeze.yml'),
      '--change-type',
      'hotfix',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toContain('hotfix: block (');
    expect(run.stdout).toContain('The metrics deadline of 1 s passed');
  });

  it('freeze --change-type rollback answers at once and sends no request at all', async () => {
    const run = await runCliProcess(['freeze', '--slo', SLO, '--prometheus', hang.url, '--change-type', 'rollback']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('rollback: allow (rollbacks are never blocked, so nothing was measured)\n');
    expect(hang.requests).toEqual([]);
  });

  it('a --deadline that is not a duration is a usage error', async () => {
    const run = await runCliProcess(['budget', '--slo', SLO, '--prometheus', hang.url, '--deadline', 'soon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--deadline: expected a duration of at least 1s');
    expect(hang.requests).toEqual([]);
  });
});

describe('a metrics server that never answers, through the bundled freeze action', () => {
  function workspace(): string {
    const dir = mkdtempSync(join(tmpdir(), 'bw-hang-ws-'));
    copyFileSync(SLO, join(dir, 'checkout.yaml'));
    writeFileSync(join(dir, 'freeze.yml'), 'kind: freeze\nmetricsDeadline: 2s\n');
    writeFileSync(join(dir, 'metrics.yml'), `providers:\n  prometheus:\n    type: prometheus\n    url: ${hang.url}\n`);
    return dir;
  }

  it("blocks a feature at the policy's deadline and says so in the summary and the failure", async () => {
    const run = await runBundledAction('freeze', {
      workspace: workspace(),
      inputs: { policy: 'freeze.yml', slo: 'checkout.yaml', metrics: 'metrics.yml', 'change-type': 'feature' },
      timeoutMs: 10 * 60_000,
    });
    expect(run.exitCode).toBe(1);
    expect(hang.requests.length).toBeGreaterThan(0);
    expect(run.summary).toContain('The metrics deadline of 2 s passed');
    expect(run.outputs.gate).toBe('block');
    expect(run.commands.find((c) => c.command === 'error')?.message).toContain(
      'not measured: the metrics deadline of 2 s passed',
    );
  });

  it('allows a rollback without sending a request', async () => {
    const run = await runBundledAction('freeze', {
      workspace: workspace(),
      inputs: { policy: 'freeze.yml', slo: 'checkout.yaml', metrics: 'metrics.yml', 'change-type': 'rollback' },
      timeoutMs: 10 * 60_000,
    });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.gate).toBe('allow');
    expect(hang.requests).toEqual([]);
  });
});

describe('a metrics server that never answers, through the canary CLI', () => {
  function repo(): string {
    const dir = mkdtempSync(join(tmpdir(), 'bw-hang-canary-'));
    git(dir, 'init', '-q', '-b', 'main');
    mkdirSync(join(dir, 'deploy', 'checkout', 'production'), { recursive: true });
    writeFileSync(
      join(dir, 'deploy', 'checkout', 'production', 'us-east-1.yaml'),
      soakingManifest('checkout', new Date(Date.now() - 20 * 60_000)),
    );
    writeFileSync(
      join(dir, 'deploy', 'checkout', 'production', 'eu-west-1.yaml'),
      stableManifest('checkout', 'eu-west-1'),
    );
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies', 'canary.yml'), canaryPolicy('checkout', 'prom', '  metricsDeadline: 1s\n'));
    copyFileSync(SLO, join(dir, 'checkout-slo.yaml'));
    writeFileSync(
      join(dir, 'policies', 'freeze.yml'),
      'kind: freeze\nslos: [checkout-slo.yaml]\nmetricsDeadline: 1s\n',
    );
    writeFileSync(join(dir, 'metrics.yml'), `providers:\n  prom:\n    type: prometheus\n    url: ${hang.url}\n`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'initial state');
    return dir;
  }
  const common = (dir: string, region: string) => [
    '--service',
    'checkout',
    '--region',
    region,
    '--repo',
    dir,
    '--policy',
    'policies',
    '--metrics',
    'metrics.yml',
    '--by',
    'alice',
  ];

  it("a judgment holds at the canary policy's deadline and records that the deadline passed", async () => {
    const dir = repo();
    const run = await runCliProcess(['canary', 'tick', ...common(dir, 'us-east-1')], { cwd: dir });
    expect(run.stderr).toContain('Judgment NoData at 1%');
    expect(run.code).toBe(0);
    expect(hang.requests.length).toBeGreaterThan(0);
    const manifest = git(dir, 'show', 'main:deploy/checkout/production/us-east-1.yaml');
    const state = parse(manifest) as {
      canary: { weight: number };
      promotion: { judgments: Array<{ verdict: string; reason: string }> };
    };
    expect(state.canary.weight).toBe(1);
    expect(state.promotion.judgments).toEqual([
      expect.objectContaining({
        verdict: 'NoData',
        reason: expect.stringContaining('canary: not measured: the metrics deadline of 1 s passed before an answer'),
      }),
    ]);
  });

  it("starting a canary is refused at the freeze policy's deadline, saying so", async () => {
    const dir = repo();
    const run = await runCliProcess(['canary', 'start', '--version', '1.42.0', ...common(dir, 'eu-west-1')], {
      cwd: dir,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('The metrics deadline of 1 s passed');
    expect(git(dir, 'show', 'main:deploy/checkout/production/eu-west-1.yaml')).toContain('weight: 0');
  });
});
