import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateSlo, isPerSecond, measureWindow } from '../../src/freeze/evaluate.js';
import { defaultFreezeGatePolicy } from '../../src/policy/schemas/freeze-gate.js';
import { isEvaluable, loadSlos, type EvaluableSlo } from '../../src/freeze/openslo.js';
import { checkoutRates, FakeMetrics, windowOf } from './fake-metrics.js';
import { nodeFiles } from '../../src/runtime/files.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/freeze');
const AT = new Date('2026-11-22T09:30:00Z');

async function slo(name: string): Promise<EvaluableSlo> {
  const found = (await loadSlos(FIXTURES, nodeFiles)).find((s) => s.name === name);
  if (!found || !isEvaluable(found)) throw new Error(`no evaluable fixture SLO ${name}`);
  return found;
}

describe('evaluateSlo', () => {
  it('asks every window at the instant and computes budget, burn rates and alerts', async () => {
    const metrics = new FakeMetrics(
      checkoutRates({
        '30d': { bad: 0.005, total: 10 }, // half the budget of 99.9%
        '1h': { bad: 0.2, total: 10 },
        '5m': { bad: 0.3, total: 10 },
      }),
    );
    const e = await evaluateSlo(await slo('checkout-availability'), defaultFreezeGatePolicy(), AT, { metrics });
    expect(new Set(metrics.instant.map((q) => q.time.toISOString()))).toEqual(new Set([AT.toISOString()]));
    expect(new Set(metrics.instant.map((q) => windowOf(q.query)))).toEqual(
      new Set(['30d', '5m', '30m', '1h', '2h', '6h', '1d', '3d']),
    );
    expect(e.budget?.consumed.toNumber()).toBeCloseTo(0.5, 12);
    expect(e.burnRates['1h']?.toNumber()).toBeCloseTo(20, 10);
    expect(e.burnRates['5m']?.toNumber()).toBeCloseTo(30, 10);
    expect(e.burnRates['6h']?.toNumber()).toBe(0);
    expect(e.alerts.map((a) => [a.name, a.state])).toEqual([
      ['page-1h-5m', 'firing'],
      ['page-6h-30m', 'ok'],
      ['ticket-1d-2h', 'ok'],
      ['ticket-3d-6h', 'ok'],
    ]);
    // Rates are per second: 10 requests a second over 5 minutes are 3000 events.
    const w5 = e.windows['5m'];
    expect(w5?.ok && w5.events.toNumber()).toBe(3000);
    expect(e.queries).toHaveLength(16);
  });

  it('records a failed query as missing data, never as zero errors', async () => {
    const metrics = new FakeMetrics((q) =>
      windowOf(q) === '30d' ? new Error('Prometheus answered 503') : checkoutRates({})(q, AT),
    );
    const e = await evaluateSlo(await slo('checkout-availability'), defaultFreezeGatePolicy(), AT, { metrics });
    expect(e.budget).toBeUndefined();
    expect(e.period).toEqual({ ok: false, reason: 'Prometheus answered 503' });
    expect(e.queries.filter((q) => !q.ok).map((q) => q.window)).toEqual(['30d', '30d']);
  });

  it('measures a calendar SLO from the start of its period in its time zone', async () => {
    const metrics = new FakeMetrics((q) => (q.includes('code!~') ? 9.99 : 10));
    const e = await evaluateSlo(await slo('search-availability-monthly'), defaultFreezeGatePolicy(), AT, { metrics });
    // November in Paris starts at 2026-10-31T23:00Z; 21 days 10.5 hours have passed.
    expect(e.measured.start.toISOString()).toBe('2026-10-31T23:00:00.000Z');
    const seconds = (AT.getTime() - e.measured.start.getTime()) / 1000;
    expect(metrics.instant.some((q) => windowOf(q.query) === `${seconds}s`)).toBe(true);
    expect(e.periodMs).toBe(30 * 86_400_000);
    // good 9.99 of 10: 0.1% errors against a 0.5% budget.
    expect(e.budget?.consumed.toNumber()).toBeCloseTo(0.2, 10);
  });

  it('scales the thresholds to a 28-day period and says the 90% SLO cannot page at 14.4', async () => {
    const metrics = new FakeMetrics((q) => (q.includes('le="0.3"') ? 0 : 10));
    const e = await evaluateSlo(await slo('search-latency'), defaultFreezeGatePolicy(), AT, { metrics });
    expect(e.alerts.map((a) => [a.name, a.threshold.toString(), a.state])).toEqual([
      ['page-1h-5m', '336/25', 'never-fires'],
      ['page-6h-30m', '28/5', 'firing'],
      ['ticket-1d-2h', '14/5', 'firing'],
      ['ticket-3d-6h', '14/15', 'firing'],
    ]);
    expect(e.budget?.consumed.toNumber()).toBe(10);
    expect(e.budget?.remaining.toNumber()).toBe(-9);
  });

  it('draws the burn-down of a rolling SLO from one range query per series', async () => {
    const start = AT.getTime() - 30 * 86_400_000;
    // Errors grow through the period: the later the point, the more budget spent.
    const metrics = new FakeMetrics((q, t) =>
      q.includes('5..') ? (0.01 * (t.getTime() - start)) / (30 * 86_400_000) : 10,
    );
    const e = await evaluateSlo(
      await slo('checkout-availability'),
      defaultFreezeGatePolicy(),
      AT,
      { metrics },
      { burnDown: true },
    );
    expect(metrics.ranges).toHaveLength(2);
    expect(e.burnDown).toHaveLength(30);
    const remaining = (e.burnDown ?? []).map((p) => p.remaining ?? NaN);
    expect(remaining.every((r, i) => i === 0 || r <= (remaining[i - 1] ?? Infinity))).toBe(true);
    expect(remaining.at(-1)).toBeCloseTo(0, 10);
    expect(e.burnDown?.at(-1)?.t.toISOString()).toBe(AT.toISOString());
  });
});

describe('measureWindow', () => {
  const ok = (v: number[]) => ({
    ok: true as const,
    query: 'q',
    warnings: [],
    series: v.map((x) => ({ labels: {}, points: [{ t: 1, v: x }] })),
  });
  it('sums several series, and reads no bad series as no errors', async () => {
    const s = await slo('checkout-availability');
    const m = measureWindow(s, ok([0.5, 0.5]), ok([5, 5]), 60);
    expect(m.ok && [m.errors.toNumber(), m.events.toNumber()]).toEqual([60, 600]);
    const none = measureWindow(s, ok([]), ok([10]), 60);
    expect(none.ok && none.errors.toNumber()).toBe(0);
  });

  it('refuses to read no good series as every event failing', async () => {
    const s = await slo('search-latency');
    expect(measureWindow(s, ok([]), ok([10]), 60)).toMatchObject({ ok: false });
    expect(measureWindow(s, ok([]), ok([]), 60)).toMatchObject({ ok: true });
    expect(measureWindow(s, ok([NaN]), ok([10]), 60)).toMatchObject({
      ok: false,
      reason: 'the query returned NaN (query: q)',
    });
    // An infinite count or ratio is no budget either: the gate's metrics-unavailable rule decides.
    expect(measureWindow(s, ok([10]), ok([Infinity]), 60)).toMatchObject({
      ok: false,
      reason: 'the query returned Infinity (query: q)',
    });
  });

  it('tells rates from counts', () => {
    expect(isPerSecond('sum(rate(x[{{.window}}]))')).toBe(true);
    expect(isPerSecond('sum(increase(x[{{.window}}]))')).toBe(false);
  });
});
