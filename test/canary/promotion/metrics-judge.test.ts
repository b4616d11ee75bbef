import { describe, expect, it } from 'vitest';
import { judgeConfigFromBlock } from '../../../src/canary/judge/config-schema.js';
import type { WindowDetail } from '../../../src/canary/promotion/metrics-judge.js';
import { metricsJudge } from '../../../src/canary/promotion/metrics-judge.js';
import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import type { MetricsProvider, QueryResult, RangeQuery } from '../../../src/metrics/provider.js';

/** A provider that answers from a function of the query, as the real server would. */
function provider(answer: (q: RangeQuery) => number[] | null): MetricsProvider & { seen: string[] } {
  const seen: string[] = [];
  return {
    type: 'test',
    seen,
    async queryRange(q): Promise<QueryResult> {
      seen.push(q.query);
      const values = answer(q);
      if (!values) return { ok: false, query: q.query, reason: 'connection refused' };
      const t0 = q.start.getTime() / 1000;
      return { ok: true, query: q.query, warnings: [], series: [{ labels: {}, points: values.map((v, i) => ({ t: t0 + i * 10, v })) }] };
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
    { name: 'latency', query: 'latency{service="{{service}}",version="{{version}}",role="{{role}}"}[{{window}}]', direction: 'increase', critical: false, mustHaveData: false, nanStrategy: 'remove', outliers: 'keep', muted: false, effectSize: 'meanRatio' },
    { name: 'errors', query: 'errors{service="{{service}}",version="{{version}}"}', direction: 'increase', critical: false, mustHaveData: false, nanStrategy: 'remove', outliers: 'keep', muted: false, effectSize: 'meanRatio' },
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
const request = { manifest, start: new Date('2026-11-22T10:00:00Z'), end: new Date('2026-11-22T10:15:00Z'), look: 1, looks: 3 };

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
    expect(j.reason).toMatch(/^1 of 2 metrics have no data \(latency: /);
  });
});
