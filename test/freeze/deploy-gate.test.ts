import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDeployGate } from '../../src/freeze/deploy-gate.js';
import { evaluateSlo, measureWindow } from '../../src/freeze/evaluate.js';
import { defaultFreezeGatePolicy, freezeGatePolicySchema } from '../../src/policy/schemas/freeze-gate.js';
import { loadSlos } from '../../src/freeze/openslo.js';
import type { InstantQuery, MetricsProvider, QueryResult, RangeQuery } from '../../src/metrics/provider.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { checkoutRates, FakeMetrics } from './fake-metrics.js';
import { nodeFiles } from '../../src/runtime/files.js';

const CHECKOUT = path.join(import.meta.dirname, '../fixtures/freeze/checkout-availability.yaml');
const frozen = checkoutRates({ '30d': { bad: 0.02, total: 10 } });

describe('checkDeployGate', () => {
  it('evaluates when the step runs, not before', async () => {
    const slos = await loadSlos(CHECKOUT, nodeFiles);
    const clock = new ManualClock('2026-11-22T09:00:00Z');
    const metrics = new FakeMetrics(checkoutRates({}));
    clock.advance(90 * 60_000);
    const out = await checkDeployGate(
      { slos, policy: defaultFreezeGatePolicy(), changeType: 'feature' },
      { metrics, clock },
    );
    expect(out.at.toISOString()).toBe('2026-11-22T10:30:00.000Z');
    expect(new Set(metrics.instant.map((q) => q.time.toISOString()))).toEqual(new Set(['2026-11-22T10:30:00.000Z']));
    expect(out.verdict).toBe('allow');
  });

  it.each([
    ['feature', 'block'],
    ['security-fix', 'allow'],
    ['hotfix', 'allow'],
    ['rollback', 'allow'],
  ] as const)('past the budget, a %s is %s', async (changeType, verdict) => {
    const slos = await loadSlos(CHECKOUT, nodeFiles);
    const out = await checkDeployGate(
      { slos, policy: defaultFreezeGatePolicy(), changeType },
      { metrics: new FakeMetrics(frozen), clock: new ManualClock('2026-11-22T09:00:00Z') },
    );
    expect(out.verdict).toBe(verdict);
  });

  it('answers a rollback without asking the metrics provider', async () => {
    const slos = await loadSlos(CHECKOUT, nodeFiles);
    const metrics = new FakeMetrics(() => new Error('must not be asked'));
    const out = await checkDeployGate(
      { slos, policy: defaultFreezeGatePolicy(), changeType: 'rollback' },
      { metrics, clock: new ManualClock(0) },
    );
    expect(out).toMatchObject({ verdict: 'allow', reason: 'rollbacks are never blocked', evaluations: [] });
    expect(metrics.instant).toHaveLength(0);
  });

  it('blocks a feature when the provider throws, and lets break-glass through with a record', async () => {
    const slos = await loadSlos(CHECKOUT, nodeFiles);
    const throwing: MetricsProvider = {
      type: 'broken',
      queryInstant: (_q: InstantQuery): Promise<QueryResult> => Promise.reject(new Error('socket hang up')),
      queryRange: (_q: RangeQuery): Promise<QueryResult> => Promise.reject(new Error('socket hang up')),
    };
    const clock = new ManualClock('2026-11-22T09:00:00Z');
    const policy = freezeGatePolicySchema.parse({ kind: 'freeze', breakGlass: { users: ['alice'] } });
    const blocked = await checkDeployGate({ slos, policy, changeType: 'feature' }, { metrics: throwing, clock });
    expect(blocked.verdict).toBe('block');
    expect(blocked.reason).toMatch(
      /^the error budget of checkout-availability is unknown: the metrics provider failed: socket hang up; page alert page-1h-5m of checkout-availability cannot be judged: no data over 1h/,
    );
    const glass = await checkDeployGate(
      {
        slos,
        policy,
        changeType: 'feature',
        request: {
          breakGlass: {
            user: 'alice',
            justification: 'INC-7: revert config',
            expiresAt: new Date('2026-11-22T10:00:00Z'),
          },
        },
      },
      { metrics: throwing, clock },
    );
    expect(glass.verdict).toBe('allow');
    expect(glass.decision.breakGlass).toMatchObject({
      accepted: true,
      user: 'alice',
      audit: { label: 'bellwether:break-glass', openIssue: true },
    });
  });
});

describe('more bad events never lower the burn rate or the budget consumed (through the queries)', () => {
  it('holds for good and bad indicators and any traffic', async () => {
    const [checkout] = await loadSlos(CHECKOUT, nodeFiles);
    const latency = (await loadSlos(path.join(import.meta.dirname, '../fixtures/freeze'), nodeFiles)).find(
      (s) => s.name === 'search-latency',
    );
    if (!checkout?.indicator || !latency?.indicator) throw new Error('fixtures missing');
    const [c, l] = [{ indicator: checkout.indicator }, { indicator: latency.indicator }];
    const answer = (v: number): QueryResult => ({
      ok: true,
      query: 'q',
      warnings: [],
      series: [{ labels: {}, points: [{ t: 0, v }] }],
    });
    const ratio = fc.double({ min: 0, max: 1, noNaN: true });
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 0.001, max: 1e6, noNaN: true }), ratio, ratio, async (total, a, b) => {
        const [few, many] = [Math.min(a, b) * total, Math.max(a, b) * total];
        const consumed = (m: ReturnType<typeof measureWindow>) => (m.ok ? m.errors.div(m.events) : undefined);
        // Bad indicator: more bad events.
        const lowBad = consumed(measureWindow(c, answer(few), answer(total), 300));
        const highBad = consumed(measureWindow(c, answer(many), answer(total), 300));
        expect(highBad!.gte(lowBad!)).toBe(true);
        // Good indicator: fewer good events are more bad ones.
        const lowGood = consumed(measureWindow(l, answer(total - few), answer(total), 300));
        const highGood = consumed(measureWindow(l, answer(total - many), answer(total), 300));
        expect(highGood!.gte(lowGood!)).toBe(true);
      }),
    );
  });

  it('holds for a whole evaluation: budget consumed and every burn rate', async () => {
    const [checkout] = await loadSlos(CHECKOUT, nodeFiles);
    if (!checkout) throw new Error('fixture missing');
    const at = new Date('2026-11-22T09:00:00Z');
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        async (x, y) => {
          const [low, high] = [Math.min(x, y), Math.max(x, y)];
          const run = (bad: number) =>
            evaluateSlo(checkout, defaultFreezeGatePolicy(), at, {
              metrics: new FakeMetrics(checkoutRates({}, { bad, total: 10 })),
            });
          const [a, b] = await Promise.all([run(low), run(high)]);
          expect(b.budget!.consumed.gte(a.budget!.consumed)).toBe(true);
          for (const w of Object.keys(a.burnRates)) expect(b.burnRates[w]!.gte(a.burnRates[w]!)).toBe(true);
          expect(b.alerts.filter((al) => al.firing).length).toBeGreaterThanOrEqual(
            a.alerts.filter((al) => al.firing).length,
          );
        },
      ),
      { numRuns: 50 },
    );
  });
});
