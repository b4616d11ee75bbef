import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { budgetCommand, parseAt } from '../../src/cli/budget-command.js';
import type { BudgetReport } from '../../src/freeze/report.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { checkoutRates, FakeMetrics, windowOf, type Answer } from './fake-metrics.js';
import { nodeFiles } from '../../src/runtime/files.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/freeze');
const CHECKOUT = path.join(FIXTURES, 'checkout-availability.yaml');
const NOW = new Date('2026-11-22T09:30:00Z');

async function run(
  answer: Answer,
  extra: { policy?: string; format?: 'text' | 'json' | 'markdown'; at?: string; slo?: string } = {},
) {
  const metrics = new FakeMetrics(answer);
  const urls: string[] = [];
  const out = await budgetCommand(
    {
      slo: extra.slo ?? CHECKOUT,
      prometheus: 'http://prom.test:9090',
      format: extra.format ?? 'json',
      ...(extra.at ? { at: extra.at } : {}),
      ...(extra.policy ? { policy: extra.policy } : {}),
    },
    { prometheus: (url) => (urls.push(url), metrics), clock: { now: () => NOW }, files: nodeFiles },
  );
  return {
    out,
    metrics,
    urls,
    report: (extra.format ?? 'json') === 'json' ? (JSON.parse(out.stdout) as BudgetReport) : undefined,
  };
}

describe('budgetCommand', () => {
  it('prints budget, burn rates by window, alerts, tier and gate as JSON, exit 0 when features may ship', async () => {
    const { out, report, urls } = await run(
      checkoutRates({ '30d': { bad: 0.003, total: 10 } }, { bad: 0.001, total: 10 }),
    );
    expect(out.exitCode).toBe(0);
    expect(urls).toEqual(['http://prom.test:9090']);
    const [s] = report?.slos ?? [];
    expect(s?.name).toBe('checkout-availability');
    expect(s?.objective).toEqual({ target: '999/1000', percent: 99.9 });
    expect(s?.budget?.consumed).toBeCloseTo(0.3, 12);
    expect(s?.budget?.remaining).toBeCloseTo(0.7, 12);
    expect(Object.keys(s?.burnRates ?? {})).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
    expect(s?.burnRates['5m']).toBeCloseTo(0.1, 12);
    expect(
      s?.alerts.map((a) => ({
        name: a.name,
        severity: a.severity,
        long: a.longWindow,
        short: a.shortWindow,
        factor: a.factor,
        firing: a.firing,
      })),
    ).toEqual([
      { name: 'page-1h-5m', severity: 'page', long: '1h', short: '5m', factor: 14.4, firing: false },
      { name: 'page-6h-30m', severity: 'page', long: '6h', short: '30m', factor: 6, firing: false },
      { name: 'ticket-1d-2h', severity: 'ticket', long: '1d', short: '2h', factor: 3, firing: false },
      { name: 'ticket-3d-6h', severity: 'ticket', long: '3d', short: '6h', factor: 1, firing: false },
    ]);
    expect(s?.tier).toMatchObject({ action: 'notify', threshold: 25 });
    expect(s?.gate.feature.verdict).toBe('allow');
    expect(report?.gate.rollback).toEqual({ verdict: 'allow', reason: 'rollbacks are never blocked' });
  });

  it('blocks features but not fixes or rollbacks past the budget, exit 1', async () => {
    const { out, report } = await run(checkoutRates({ '30d': { bad: 0.02, total: 10 } }));
    expect(out.exitCode).toBe(1);
    expect(report?.slos[0]?.tier?.action).toBe('freeze');
    expect(report?.slos[0]?.budget?.remaining).toBeCloseTo(-1, 12);
    expect(Object.fromEntries(Object.entries(report?.gate ?? {}).map(([k, v]) => [k, v.verdict]))).toEqual({
      feature: 'block',
      'security-fix': 'allow',
      hotfix: 'allow',
      rollback: 'allow',
    });
    expect(report?.gate.feature.reason).toMatch(
      /^checkout-availability has spent 200% of its error budget, at or past the 100% tier \(freeze\)$/,
    );
  });

  it('blocks features when Prometheus cannot be read, and says so', async () => {
    const { out, report } = await run(() => new Error('connection refused from http://prom.test:9090'));
    expect(out.exitCode).toBe(1);
    expect(report?.slos[0]?.budget).toBeNull();
    expect(report?.slos[0]?.unavailable).toBe('connection refused from http://prom.test:9090');
    expect(report?.gate.feature.reason).toContain('the error budget of checkout-availability is unknown');
    expect(report?.gate.rollback.verdict).toBe('allow');
  });

  it('evaluates at --at and follows a policy file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bw-freeze-'));
    const policy = path.join(dir, 'freeze.yml');
    await writeFile(policy, 'kind: freeze\nonMetricsUnavailable:\n  block: []\n');
    const { out, metrics } = await run(() => new Error('down'), { policy, at: '2026-11-01T00:00:00+01:00' });
    expect(out.exitCode).toBe(0);
    expect(new Set(metrics.instant.map((q) => q.time.toISOString()))).toEqual(new Set(['2026-10-31T23:00:00.000Z']));
  });

  it('names file, line and field of a policy mistake', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bw-freeze-'));
    const policy = path.join(dir, 'freeze.yml');
    await writeFile(policy, 'kind: freeze\nonPageAlert:\n  block: [feature, rollback]\n');
    await expect(run(() => 0, { policy })).rejects.toThrow(
      `${policy}:3: onPageAlert.block[1]: rollbacks are never blocked`,
    );
  });

  it.each([
    [{ at: 'yesterday' }, '--at: expected an RFC 3339 time such as 2026-11-22T09:30:00Z, got "yesterday"'],
    [{ at: '2026-11-22T09:30:00' }, '--at: expected an RFC 3339 time'],
  ])('refuses %j', async (extra, message) => {
    await expect(run(() => 0, extra)).rejects.toThrow(message);
  });

  it('refuses to run without a Prometheus URL', async () => {
    await expect(budgetCommand({ slo: CHECKOUT, format: 'json' })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(budgetCommand({ slo: CHECKOUT, prometheus: 'prom:9090', format: 'json' })).rejects.toThrow(
      '--prometheus: expected an http:// or https:// URL',
    );
  });

  it('prints text for people', async () => {
    const { out } = await run(
      checkoutRates({ '30d': { bad: 0.02, total: 10 }, '1h': { bad: 0.2, total: 10 }, '5m': { bad: 0.2, total: 10 } }),
      { format: 'text' },
    );
    expect(out.stdout).toContain('SLO checkout-availability (service checkout): objective 99.9% over 30d rolling');
    expect(out.stdout).toContain('  budget: consumed 200%, remaining -100% (51840 errors in 25920000 events)');
    expect(out.stdout).toContain('  tier: freeze (at 100%)');
    expect(out.stdout).toMatch(
      /FIRING page-1h-5m \(page, 1h and 5m above 14\.4\): burn rate 20 over 1h and 20 over 5m/,
    );
    expect(out.stdout).toMatch(/ {2}rollback {5}allow rollbacks are never blocked/);
  });

  it('renders the job summary with the burn-down chart and the alert table', async () => {
    const { out, metrics } = await run(checkoutRates({ '30d': { bad: 0.002, total: 10 } }), { format: 'markdown' });
    expect(metrics.ranges.map((r) => windowOf(r.query))).toEqual(['30d', '30d']);
    expect(out.stdout).toContain('## Error budgets');
    expect(out.stdout).toContain('```mermaid\nxychart-beta\n  title "Error budget remaining: checkout-availability"');
    expect(out.stdout).toContain('y-axis "budget remaining (%)" 0 --> 100');
    expect(out.stdout).toContain('| page-1h-5m | page | 1h | 5m | 14.4 | 14.4 | 0 | 0 | no |');
    expect(out.stdout).toContain('| feature | ✅ allow |');
  });

  it('reads every SLO of a directory, with a gate per SLO and one over all', async () => {
    const answer: Answer = (q) => {
      if (q.includes('search_request_duration_seconds_bucket')) return 9.95; // 0.5% slow against a 10% budget
      if (q.includes('code!~')) return 9; // 10% errors against a 0.5% budget: frozen
      return q.includes('code=~"5.."') ? 0 : 10;
    };
    const { report } = await run(answer, { slo: FIXTURES });
    const verdicts = Object.fromEntries((report?.slos ?? []).map((s) => [s.name, s.gate.feature.verdict]));
    expect(verdicts).toEqual({
      'checkout-availability': 'allow',
      'search-availability-monthly': 'block',
      'search-latency': 'allow',
    });
    expect(report?.gate.feature.verdict).toBe('block');
  });
});

describe('parseAt', () => {
  it('is now without --at', () => {
    expect(parseAt(undefined, NOW)).toBe(NOW);
    expect(parseAt('2026-11-22T10:00:00.5Z', NOW).toISOString()).toBe('2026-11-22T10:00:00.500Z');
  });
});
