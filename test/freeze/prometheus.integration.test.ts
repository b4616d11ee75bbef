/**
 * Error budgets against a real Prometheus: a week of request counters is
 * backfilled with promtool (a counter reset and a service gone quiet
 * included), the server is started on 127.0.0.1, and the SLOs are evaluated
 * over HTTP. Expected values come from the counts the history was built
 * from; Prometheus extrapolates rate() and increase() at window edges, so
 * they are compared within a small tolerance.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetCommand } from '../../src/cli/budget-command.js';
import { evaluateSlo, type SloEvaluation } from '../../src/freeze/evaluate.js';
import { defaultFreezeGatePolicy } from '../../src/policy/schemas/freeze-gate.js';
import { loadSlos } from '../../src/freeze/openslo.js';
import type { BudgetReport } from '../../src/freeze/report.js';
import { PrometheusProvider } from '../../src/metrics/prometheus.js';
import {
  prometheusAvailability,
  prometheusRequired,
  startPrometheus,
  toOpenMetrics,
  type HistorySeries,
  type PrometheusServer,
} from '../helpers/prometheus.js';
import { nodeFiles } from '../../src/runtime/files.js';

const availability = prometheusAvailability();
const required = prometheusRequired();
if (!availability.ok && !required) console.warn(`${availability.reason}: skipping the real-Prometheus freeze tests`);

const SLOS = path.join(import.meta.dirname, '../fixtures/freeze/integration');
/** The evaluation time; the history ends here. */
const AT = Date.UTC(2026, 5, 30, 12, 0, 0) / 1000;
const MIN = 60;
const HOUR = 3600;
const DAY = 86400;

/** Requests and errors per minute of each service at time `t` (the minute that ends at t). */
function perMinute(job: 'api' | 'quiet', t: number): { ok: number; err: number } {
  if (job === 'api') {
    // A 50-minute incident at 10% errors, still going at AT.
    return t > AT - 50 * MIN ? { ok: 900, err: 100 } : { ok: 1000, err: 0 };
  }
  if (t > AT - 3 * MIN && t <= AT - 2 * MIN) return { ok: 0, err: 1 };
  return t > AT - 6 * HOUR ? { ok: 0, err: 0 } : { ok: 100, err: 0 };
}

/**
 * Counters sampled every 5 minutes for the older history and every minute
 * for the last 4 days; the API restarts 3 hours before AT (its counters drop
 * to zero and climb again). promtool writes one block per 2 hours, and each
 * costs time, so the history is a week and an hour long.
 */
function history(): HistorySeries[] {
  const start = AT - 7 * DAY - HOUR;
  const times: number[] = [];
  for (let t = start; t < AT - 4 * DAY; t += 5 * MIN) times.push(t);
  for (let t = AT - 4 * DAY; t <= AT; t += MIN) times.push(t);
  const series: HistorySeries[] = [];
  for (const job of ['api', 'quiet'] as const) {
    const ok: [number, number][] = [];
    const err: [number, number][] = [];
    let okCount = 0;
    let errCount = 0;
    let prev = start;
    for (const t of times) {
      for (let m = prev + MIN; m <= t; m += MIN) {
        const r = perMinute(job, m);
        okCount += r.ok;
        errCount += r.err;
      }
      prev = t;
      if (job === 'api' && t === AT - 3 * HOUR) {
        // The process restarts: what it counted in the last minute is all it has.
        okCount = perMinute(job, t).ok;
        errCount = perMinute(job, t).err;
      }
      ok.push([t, okCount]);
      err.push([t, errCount]);
    }
    series.push({ name: 'http_requests', type: 'counter', labels: { job, code: '200' }, samples: ok });
    series.push({ name: 'http_requests', type: 'counter', labels: { job, code: '500' }, samples: err });
  }
  return series;
}

if (!availability.ok && required) {
  describe('error budgets against a real Prometheus', () => {
    it('has a real Prometheus to run against (CI=true)', () => {
      throw new Error(`${availability.reason}, and with CI=true the real-Prometheus tests must run`);
    });
  });
}

describe.skipIf(!availability.ok)('error budgets against a real Prometheus', () => {
  let server: PrometheusServer;
  let prom: PrometheusProvider;
  let api: SloEvaluation;
  let quiet: SloEvaluation;

  beforeAll(async () => {
    server = await startPrometheus(toOpenMetrics(history()));
    prom = new PrometheusProvider(
      { url: server.url, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
      { fetch: globalThis.fetch, sleep: async () => {} },
    );
    const slos = await loadSlos(SLOS, nodeFiles);
    const policy = defaultFreezeGatePolicy();
    const find = (name: string) => {
      const s = slos.find((x) => x.name === name);
      if (!s) throw new Error(`no SLO ${name}`);
      return s;
    };
    [api, quiet] = await Promise.all([
      evaluateSlo(find('api-availability'), policy, new Date(AT * 1000), { metrics: prom }),
      evaluateSlo(find('quiet-availability'), policy, new Date(AT * 1000), { metrics: prom }),
    ]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reads every query without error', () => {
    expect([...api.queries, ...quiet.queries].filter((q) => !q.ok)).toEqual([]);
  });

  it('computes the budget over 7 days across a counter reset', () => {
    // 5,000 errors in 10.08 million requests against a budget of 0.1%.
    const expected = 5_000 / 10_080_000 / 0.001;
    expect(api.budget?.consumed.toNumber()).toBeCloseTo(expected, 2);
    expect(api.budget?.remaining.toNumber()).toBeCloseTo(1 - expected, 2);
  });

  it('computes burn rates per window from the incident, the reset not mistaken for a drop', () => {
    // Error ratio per window: 10% while the incident covers it, diluted beyond.
    const burn = (incidentMinutes: number, windowMinutes: number) =>
      (incidentMinutes * 100) / (windowMinutes * 1000) / 0.001;
    const rates = Object.fromEntries(Object.entries(api.burnRates).map(([w, r]) => [w, r?.toNumber()]));
    expect(rates['5m']).toBeCloseTo(burn(5, 5), 0);
    expect(rates['30m']).toBeCloseTo(burn(30, 30), 0);
    expect(rates['1h']).toBeCloseTo(burn(50, 60), 0);
    expect(rates['6h']! / burn(50, 360)).toBeCloseTo(1, 2);
    expect(rates['1d']! / burn(50, 1440)).toBeCloseTo(1, 2);
    expect(rates['3d']! / burn(50, 4320)).toBeCloseTo(1, 2);
  });

  it('fires every alert of the incident at thresholds scaled to 7 days', () => {
    expect(api.alerts.map((a) => [a.name, a.threshold.toString(), a.state])).toEqual([
      ['page-1h-5m', '84/25', 'firing'], // 14.4 × 7 / 30 = 3.36
      ['page-6h-30m', '7/5', 'firing'],
      ['ticket-1d-2h', '7/10', 'firing'],
      ['ticket-3d-6h', '7/30', 'firing'],
    ]);
    expect(api.alerts[0]?.reason).toMatch(
      /^burn rate [\d.]+ over 1h and [\d.]+ over 5m, threshold 3\.36: both strictly above$/,
    );
  });

  it('reads a service without traffic as low traffic, not as healthy or broken', () => {
    // Six hours without requests but the one that failed: too few events to judge.
    expect(quiet.burnRates['6h']?.toNumber()).toBeGreaterThan(0);
    expect(quiet.windows['2h']).toMatchObject({ ok: true });
    const w2h = quiet.windows['2h'];
    expect(w2h?.ok && w2h.events.toNumber()).toBeLessThan(10);
    expect(quiet.alerts.map((a) => a.state)).toEqual(['low-traffic', 'low-traffic', 'low-traffic', 'low-traffic']);
    // A day ago it was busy: the long window alone has traffic.
    const w1d = quiet.windows['1d'];
    expect(w1d?.ok && w1d.events.toNumber()).toBeGreaterThan(10_000);
    expect(quiet.alerts[0]?.reason).toMatch(/events over 1h, fewer than the minimum of 10; not judged$/);
  });

  it('counts a calendar week from its Monday with increase()', () => {
    expect(quiet.measured.start.toISOString()).toBe('2026-06-29T00:00:00.000Z');
    // 100 requests a minute from Monday until 6 hours before AT, and the one that failed.
    const events = 100 * ((36 * HOUR - 6 * HOUR) / MIN) + 1;
    expect(quiet.period.ok && quiet.period.events.toNumber() / events).toBeCloseTo(1, 3);
    expect(quiet.budget?.consumed.toNumber()).toBeCloseTo(1 / events / 0.01, 6);
  });

  it('gates through budgetCommand: the paging incident blocks features, never rollbacks', async () => {
    const out = await budgetCommand({
      slo: SLOS,
      prometheus: server.url,
      at: new Date(AT * 1000).toISOString(),
      format: 'json',
    });
    const report = JSON.parse(out.stdout) as BudgetReport;
    expect(out.exitCode).toBe(1);
    expect(Object.fromEntries(Object.entries(report.gate).map(([k, v]) => [k, v.verdict]))).toEqual({
      feature: 'block',
      'security-fix': 'allow',
      hotfix: 'allow',
      rollback: 'allow',
    });
    expect(report.gate.feature.reason).toContain('page alert page-1h-5m of api-availability is firing');
    const quietReport = report.slos.find((s) => s.name === 'quiet-availability');
    expect(quietReport?.gate.feature.verdict).toBe('allow');
  });

  it('draws the burn-down from range queries', async () => {
    const out = await budgetCommand({
      slo: path.join(SLOS, 'api.yaml'),
      prometheus: server.url,
      at: new Date(AT * 1000).toISOString(),
      format: 'markdown',
    });
    const line = /line \[([^\]]*)\]/.exec(out.stdout)?.[1]?.split(', ').map(Number) ?? [];
    expect(line).toHaveLength(30);
    // Untouched until the incident, then the last point shows it.
    expect(line.slice(0, 29).every((v) => v === 100)).toBe(true);
    expect(line.at(-1)).toBeCloseTo(100 * (1 - 5_000 / 10_080_000 / 0.001), 0);
  });
});
