import { describe, expect, it } from 'vitest';
import { judgeConfigFromBlock } from '../../../src/canary/judge/config-schema.js';
import type { WindowDetail } from '../../../src/canary/promotion/metrics-judge.js';
import { metricsJudge } from '../../../src/canary/promotion/metrics-judge.js';
import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import type { MetricsProvider, QueryResult, RangeQuery } from '../../../src/metrics/provider.js';

/** A provider that answers from a function of the query, as the real server would. */
function provider(
  answer: (q: RangeQuery) => number[] | null,
  step = 10,
): MetricsProvider & { seen: string[]; asked: RangeQuery[] } {
  const seen: string[] = [];
  const asked: RangeQuery[] = [];
  return {
    type: 'test',
    seen,
    asked,
    async queryRange(q): Promise<QueryResult> {
      seen.push(q.query);
      asked.push(q);
      const values = answer(q);
      if (!values) return { ok: false, query: q.query, reason: 'connection refused' };
      const t0 = q.start.getTime() / 1000;
      return {
        ok: true,
        query: q.query,
        warnings: [],
        stepSeconds: step,
        series: [{ labels: {}, points: values.map((v, i) => ({ t: t0 + i * step, v })) }],
      };
    },
    async queryInstant(q) {
      return { ok: false, query: q.query, reason: 'not used' };
    },
  };
}

const config = judgeConfigFromBlock({
  profile: 'bellwether',
  passThreshold: 95,
  marginalThreshold: 75,
  groups: {},
  metrics: [
    {
      name: 'latency',
      query: 'latency{service="{{service}}",version="{{version}}",role="{{role}}"}[{{window}}]',
      direction: 'increase',
      critical: false,
      mustHaveData: false,
      nanStrategy: 'remove',
      outliers: 'keep',
      muted: false,
      effectSize: 'meanRatio',
    },
    {
      name: 'errors',
      query: 'errors{service="{{service}}",version="{{version}}"}',
      direction: 'increase',
      critical: false,
      mustHaveData: false,
      nanStrategy: 'remove',
      outliers: 'keep',
      muted: false,
      effectSize: 'meanRatio',
    },
  ],
});
const queries = config.metrics.map((m) => ({ name: m.name, query: m.query ?? '' }));

const manifest: ReleaseManifest = {
  service: 'checkout',
  environment: 'production',
  region: 'us-east-1',
  stable: { version: '1.41.0' },
  canary: { version: '1.42.0', weight: 5 },
  previous: [],
};
const request = {
  manifest,
  start: new Date('2026-11-22T10:00:00Z'),
  end: new Date('2026-11-22T10:15:00Z'),
  look: 1,
  looks: 3,
};

// Deterministic samples with spread: a lattice around a centre.
const around = (centre: number, n = 60) => Array.from({ length: n }, (_, i) => centre * (0.8 + ((i * 37) % 41) / 100));

describe('metricsJudge', () => {
  it('fills each query for the canary and the stable baseline over the window, and passes an unchanged canary', async () => {
    const p = provider(() => around(100));
    const j = await metricsJudge({ config, queries, metrics: p })(request);
    expect(j.verdict).toBe('Pass');
    expect(p.seen).toContain('latency{service="checkout",version="1.42.0",role="canary"}[15m]');
    expect(p.seen).toContain('latency{service="checkout",version="1.41.0",role="baseline"}[15m]');
  });

  it('fails a canary whose latency doubled', async () => {
    const p = provider((q) => around(q.query.includes('latency') && q.query.includes('1.42.0') ? 200 : 100));
    const j = await metricsJudge({ config, queries, metrics: p })(request);
    expect(j.verdict).toBe('Fail');
    const detail = j.detail as WindowDetail;
    expect(detail.result?.metrics.find((m) => m.name === 'latency')?.classification).toBe('High');
  });

  it('holds, with the reasons, when the metrics have no data', async () => {
    const p = provider((q) => (q.query.includes('latency') ? null : around(3)));
    const j = await metricsJudge({ config, queries, metrics: p })(request);
    expect(j.verdict).toBe('NoData');
    expect(j.score).toBeNull();
    expect(j.reason).toMatch(
      /^latency: no data: canary 0 of 10 points, baseline 0 of 10 points: canary: connection refused/,
    );
    expect(j.reason).toMatch(/1 of 2 metrics cannot be judged yet: holding/);
  });

  it('asks the provider for as many points as the judge needs', async () => {
    const p = provider(() => around(100));
    await metricsJudge({ config, queries, metrics: p })(request);
    expect(p.asked.every((q) => q.minPoints === 10 && q.stepSeconds === undefined)).toBe(true);
  });

  it('holds on too few points and says when the window will hold enough', async () => {
    // A 60 s step over 5 minutes: 6 points a side.
    const p = provider(() => around(100, 6), 60);
    const short = { ...request, end: new Date('2026-11-22T10:05:00Z') };
    const j = await metricsJudge({ config, queries, metrics: p })(short);
    expect(j.verdict).toBe('NoData');
    expect(j.reason).toMatch(/latency: too few points: canary 6 of 10 points, baseline 6 of 10 points/);
    expect(j.reason).toMatch(
      /at a 60 s step a window from 2026-11-22T10:00:00\.000Z holds 10 points by 2026-11-22T10:09:00\.000Z$/,
    );
  });

  for (const critical of [false, true]) {
    for (const bad of [Number.POSITIVE_INFINITY, Number.NaN]) {
      it(`never passes a canary whose latency reads ${bad} (critical: ${critical}), whatever the other metrics say`, async () => {
        const latencyCritical = {
          ...config,
          metrics: config.metrics.map((m) => (m.name === 'latency' ? { ...m, critical } : m)),
        };
        const p = provider((q) => {
          const values = around(100);
          if (!q.query.includes('latency') || !q.query.includes('1.42.0')) return values;
          // +Inf on a quarter of the points; NaN on all of them.
          return Number.isNaN(bad) ? values.map(() => bad) : values.map((v, i) => (i % 4 === 0 ? bad : v));
        });
        const j = await metricsJudge({ config: latencyCritical, queries, metrics: p })(request);
        expect(j.verdict).toBe('NoData');
        expect(j.score).toBeNull();
        expect(j.reason).toMatch(
          Number.isNaN(bad)
            ? /^latency: too few points: canary 0 of 10 points \(60 NaN left out\), baseline 60/
            : /^latency: infinite values cannot be compared: canary: 15 of 60 points are \+Inf/,
        );
        const detail = j.detail as WindowDetail;
        expect(detail.result?.metrics.find((m) => m.name === 'errors')?.classification).toBe('Pass');
      });
    }
  }

  it('holds when one metric of three has no data, instead of scoring the other two', async () => {
    const three = { ...config, metrics: [...config.metrics, { ...config.metrics[1]!, name: 'saturation' }] };
    const p = provider((q) => (q.query.includes('saturation') ? [] : around(100)));
    const j = await metricsJudge({
      config: three,
      queries: [...queries, { name: 'saturation', query: 'saturation{version="{{version}}"}' }],
      metrics: p,
    })(request);
    expect(j.verdict).toBe('NoData');
    expect(j.reason).toMatch(/^saturation: /);
  });
});
