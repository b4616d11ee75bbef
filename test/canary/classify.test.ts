import { describe, expect, it } from 'vitest';
import { defineMetric } from '../../src/canary/judge/defaults.js';
import type { MetricConfigInput } from '../../src/canary/judge/defaults.js';
import { judge } from '../../src/canary/judge/judge.js';
import type { Classification, JudgeProfile, MetricSamples } from '../../src/canary/judge/types.js';

/** Judges one metric alone and returns its result. */
function one(
  profile: JudgeProfile,
  metric: Partial<MetricConfigInput>,
  samples: MetricSamples | undefined,
  minSamples?: number,
) {
  const config = {
    metrics: [defineMetric({ name: 'm', groups: ['g'], ...metric })],
    groupWeights: {},
    ...(minSamples !== undefined ? { minSamples } : {}),
  };
  const result = judge(config, samples ? { m: samples } : {}, { profile });
  const m = result.metrics[0];
  if (!m) throw new Error('no metric result');
  return { result, metric: m };
}

const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
/** Evenly spread quantiles of Poisson(λ): deterministic count samples with the right distribution. */
function poissonQuantiles(n: number, lambda: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = (i + 0.5) / n;
    let k = 0;
    let term = Math.exp(-lambda);
    let cdf = term;
    while (cdf < p) {
      k++;
      term *= lambda / k;
      cdf += term;
    }
    out.push(k);
  }
  return out;
}

interface Case {
  what: string;
  metric?: Partial<MetricConfigInput>;
  samples?: MetricSamples;
  kayenta: Classification;
  bellwether: Classification;
  kayentaCritical?: boolean;
}

const ramp = seq(30, (i) => 100 + i);
const smallValued = seq(50, (i) => 1e-5 * (1 + ((i * 37) % 50) / 100));
const cases: Case[] = [
  {
    what: 'no data on the canary (remove)',
    samples: { baseline: ramp, canary: [] },
    kayenta: 'NoData',
    bellwether: 'NoData',
  },
  {
    what: 'all NaN on both sides',
    samples: { baseline: [null, null], canary: [null] },
    kayenta: 'NoData',
    bellwether: 'NoData',
  },
  { what: 'metric missing from the input', samples: undefined, kayenta: 'NoData', bellwether: 'NoData' },
  {
    what: 'no data, must have data',
    metric: { mustHaveData: true },
    samples: { baseline: [], canary: ramp },
    kayenta: 'NoDataFail',
    bellwether: 'NoDataFail',
  },
  // Kayenta fails the canary on a critical metric's Nodata; no data is no evidence of a regression.
  {
    what: 'no data on a critical metric',
    metric: { critical: true, mustHaveData: true },
    samples: { baseline: [], canary: ramp },
    kayenta: 'NoData',
    bellwether: 'NoData',
    kayentaCritical: false,
  },
  // Kayenta passes it; no data is no evidence of health either.
  {
    what: 'empty with nanStrategy replace',
    metric: { nanStrategy: 'replace' },
    samples: { baseline: [], canary: [] },
    kayenta: 'NoData',
    bellwether: 'NoData',
  },
  {
    what: 'all NaN on the canary with nanStrategy replace',
    metric: { nanStrategy: 'replace' },
    samples: { baseline: ramp, canary: seq(30, () => Number.NaN) },
    kayenta: 'NoData',
    bellwether: 'NoData',
  },
  {
    what: 'identical samples',
    samples: { baseline: ramp, canary: [...ramp].reverse() },
    kayenta: 'Pass',
    bellwether: 'Pass',
  },
  {
    what: 'a single distinct value',
    samples: { baseline: seq(20, () => 3), canary: seq(25, () => 3) },
    kayenta: 'Pass',
    bellwether: 'Pass',
  },
  {
    what: 'constant but different samples',
    samples: { baseline: seq(20, () => 5), canary: seq(20, () => 6) },
    kayenta: 'High',
    bellwether: 'High',
  },
  // Kayenta judges it (High); minSamples applies to both profiles.
  {
    what: 'two points against two points',
    samples: { baseline: [1, 2], canary: [10, 12] },
    kayenta: 'NoData',
    bellwether: 'NoData',
  },
  {
    what: 'clear increase',
    samples: { baseline: ramp, canary: ramp.map((v) => v * 1.5) },
    kayenta: 'High',
    bellwether: 'High',
  },
  {
    what: 'clear increase, direction decrease',
    metric: { direction: 'decrease' },
    samples: { baseline: ramp, canary: ramp.map((v) => v * 1.5) },
    kayenta: 'Pass',
    bellwether: 'Pass',
  },
  {
    what: 'clear decrease',
    samples: { baseline: ramp, canary: ramp.map((v) => v * 0.5) },
    kayenta: 'Low',
    bellwether: 'Low',
  },
  {
    what: 'clear decrease, direction increase',
    metric: { direction: 'increase' },
    samples: { baseline: ramp, canary: ramp.map((v) => v * 0.5) },
    kayenta: 'Pass',
    bellwether: 'Pass',
  },
  {
    what: 'increase below allowedIncrease',
    metric: { effectSize: { allowedIncrease: 2 } },
    samples: { baseline: ramp, canary: ramp.map((v) => v * 1.5) },
    kayenta: 'Pass',
    bellwether: 'Pass',
  },
  {
    what: 'decrease above allowedDecrease',
    metric: { effectSize: { allowedDecrease: 0.4 } },
    samples: { baseline: ramp, canary: ramp.map((v) => v * 0.5) },
    kayenta: 'Pass',
    bellwether: 'Pass',
  },
  {
    what: 'CLES reaching allowedIncrease',
    metric: { effectSize: { measure: 'cles', allowedIncrease: 0.9 } },
    samples: { baseline: ramp, canary: ramp.map((v) => v + 100) },
    kayenta: 'High',
    bellwether: 'High',
  },
  {
    what: 'CLES below allowedIncrease',
    metric: { effectSize: { measure: 'cles', allowedIncrease: 0.9 } },
    samples: { baseline: ramp, canary: ramp.map((v) => v + 10) },
    kayenta: 'Pass',
    bellwether: 'Pass',
  },
  {
    what: 'critical High',
    metric: { critical: true },
    samples: { baseline: ramp, canary: ramp.map((v) => v * 1.5) },
    kayenta: 'High',
    bellwether: 'High',
    kayentaCritical: true,
  },
  {
    what: 'critical High below criticalIncrease',
    metric: { critical: true, effectSize: { criticalIncrease: 3 } },
    samples: { baseline: ramp, canary: ramp.map((v) => v * 1.5) },
    kayenta: 'High',
    bellwether: 'High',
    kayentaCritical: false,
  },
  // Kayenta: the canary's mean of 0 makes the mean ratio NaN, which skips the effect-size check
  // (MannWhitneyClassifier.compare); the interval lies below the bound: Low.
  {
    what: 'canary drops to zero (Kayenta: mean ratio NaN, the check skipped, Low)',
    samples: { baseline: ramp, canary: seq(30, () => 0) },
    kayenta: 'Low',
    bellwether: 'Low',
  },
  // Kayenta calls it Error and scores the other metrics as if it did not exist.
  {
    what: 'infinite values',
    samples: { baseline: ramp, canary: [...ramp, Number.POSITIVE_INFINITY] },
    kayenta: 'NoData',
    bellwether: 'NoData',
  },
  {
    what: 'infinite values on a critical metric',
    metric: { critical: true },
    samples: { baseline: ramp, canary: [...ramp, Number.POSITIVE_INFINITY] },
    kayenta: 'NoData',
    bellwether: 'NoData',
    kayentaCritical: false,
  },
  {
    what: 'count around 3 rising 20%',
    metric: { direction: 'increase' },
    samples: { baseline: poissonQuantiles(300, 3), canary: poissonQuantiles(300, 3.6) },
    kayenta: 'Pass',
    bellwether: 'High',
  },
  {
    what: "a 50% rise in a metric valued around 1e-5 (Kayenta's 1e-4 search stops at once)",
    metric: { direction: 'increase' },
    samples: { baseline: smallValued, canary: smallValued.map((v) => v * 1.5) },
    kayenta: 'Pass',
    bellwether: 'High',
  },
  {
    what: 'the same rise, 1,000 times larger',
    metric: { direction: 'increase' },
    samples: { baseline: smallValued.map((v) => v * 1000), canary: smallValued.map((v) => v * 1500) },
    kayenta: 'High',
    bellwether: 'High',
  },
  {
    what: 'noise only',
    samples: {
      baseline: seq(200, (i) => Math.sin(i * 1.7) * 10 + 100),
      canary: seq(200, (i) => Math.sin(i * 2.3 + 1) * 10 + 100),
    },
    kayenta: 'Pass',
    bellwether: 'Pass',
  },
];

describe('classification of one metric', () => {
  for (const c of cases) {
    it(`${c.what}: kayenta ${c.kayenta}, bellwether ${c.bellwether}`, () => {
      const k = one('kayenta', c.metric ?? {}, c.samples);
      const b = one('bellwether', c.metric ?? {}, c.samples);
      expect(k.metric.classification).toBe(c.kayenta);
      expect(b.metric.classification).toBe(c.bellwether);
      if (c.kayentaCritical !== undefined) expect(k.metric.criticalFailure).toBe(c.kayentaCritical);
      expect(k.metric.reason.length).toBeGreaterThan(5);
      expect(b.metric.reason).not.toContain('\n');
    });
  }

  it("Kayenta bounds are ±0.25 × |estimate| and the interval is R's (Kayenta's own test data)", () => {
    const { metric } = one('kayenta', {}, { baseline: [1, 2, 3, 4], canary: [10, 20, 30, 40] }, 4);
    expect(metric.interval).toEqual({ low: 6, high: 39 });
    expect(metric.estimate).toBeCloseTo(22.5, 3);
    expect(metric.bounds?.high).toBeCloseTo(0.25 * (metric.estimate ?? 0), 12);
    expect(metric.meanRatio).toBe(10);
    expect(metric.classification).toBe('High');
  });

  it('says "too few points", with how many it had and needed, in both profiles', () => {
    for (const profile of ['bellwether', 'kayenta'] as const) {
      const { metric } = one(profile, {}, { baseline: [1, 2, 3], canary: [4, 5, 6] });
      expect(metric.reason).toBe('too few points: canary 3 of 10 points, baseline 3 of 10 points');
    }
  });

  it('a critical NoData holds: no score, never a Fail', () => {
    const { result } = one('kayenta', { critical: true }, { baseline: [], canary: [1] });
    expect(result.score).toBeNull();
    expect(result.verdict).toBe('NoData');
  });

  it('removes outliers by the IQR rule when asked, keeps them by default', () => {
    const long = seq(200, (i) => 100 + (i % 20));
    const baseline = [...long, 1e6];
    const kept = one('kayenta', {}, { baseline, canary: long });
    const removed = one('kayenta', { outliers: { strategy: 'remove' } }, { baseline, canary: long });
    expect(kept.metric.baseline.removedOutliers).toBe(0);
    expect(kept.metric.baseline.n).toBe(201);
    expect(removed.metric.baseline.removedOutliers).toBe(1);
    expect(removed.metric.baseline.n).toBe(200);
  });

  it("never cuts inside the 1st and 99th percentiles (Kayenta's reduced sensitivity)", () => {
    // In 31 points the 99th percentile is the largest point itself.
    const removed = one('kayenta', { outliers: { strategy: 'remove' } }, { baseline: [...ramp, 1e6], canary: ramp });
    expect(removed.metric.baseline.removedOutliers).toBe(0);
  });

  it('replaces NaN by 0 with nanStrategy replace, removes it otherwise', () => {
    const samples = { baseline: [...ramp, null, null], canary: ramp };
    expect(one('kayenta', { nanStrategy: 'replace' }, samples).metric.baseline).toMatchObject({
      n: 32,
      min: 0,
      removedNaN: 0,
    });
    expect(one('kayenta', {}, samples).metric.baseline).toMatchObject({ n: 30, removedNaN: 2 });
  });

  it('reports summary statistics of both samples', () => {
    const { metric } = one(
      'bellwether',
      {},
      { baseline: seq(100, (i) => i + 1), canary: seq(100, (i) => 2 * (i + 1)) },
    );
    expect(metric.baseline).toMatchObject({ n: 100, mean: 50.5, median: 50.5, min: 1, max: 100 });
    expect(metric.canary.mean).toBe(101);
    expect(metric.baseline.p99).toBeCloseTo(99.99, 10);
  });

  it('rejects samples for a metric the configuration does not define', () => {
    const config = { metrics: [defineMetric({ name: 'm', groups: ['g'] })], groupWeights: {} };
    expect(() =>
      judge(config, { m: { baseline: [1], canary: [1] }, other: { baseline: [], canary: [] } }, { profile: 'kayenta' }),
    ).toThrow(/"other".*does not define/);
  });
});
