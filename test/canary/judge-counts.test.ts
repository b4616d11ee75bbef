/**
 * Count metrics (`kind: count`) in the bellwether profile: judged on their
 * totals by the conditional binomial test of the Poisson rate ratio, with the
 * profile's budget, minimum change, allowed effect, direction and critical
 * rules. Samples are built by hand (`spread`: a total laid out as evenly as
 * integers allow), so each row's figures can be checked on paper.
 */
import { describe, expect, it } from 'vitest';
import { binomialUpperTail, clopperPearson, dispersionOf, rateRatioTest } from '../../src/canary/judge/count-test.js';
import { defineMetric } from '../../src/canary/judge/defaults.js';
import type { MetricConfigInput } from '../../src/canary/judge/defaults.js';
import { judge } from '../../src/canary/judge/judge.js';
import { negativeBinomial, poisson, rng } from '../../src/canary/judge/synthetic.js';
import type { Classification, JudgeConfig, JudgeProfile } from '../../src/canary/judge/types.js';

/** `total` events over `n` intervals, as evenly as integers allow. */
function spread(total: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(((i + 1) * total) / n) - Math.floor((i * total) / n));
}

function one(
  metric: Omit<MetricConfigInput, 'name'>,
  canary: number[],
  baseline: number[],
  profile: JudgeProfile = 'bellwether',
) {
  const config: JudgeConfig = {
    metrics: [defineMetric({ name: 'errors', groups: ['g'], direction: 'increase', kind: 'count', ...metric })],
    groupWeights: {},
  };
  const result = judge(config, { errors: { canary, baseline } }, { profile });
  return result.metrics[0]!;
}

describe('the rate-ratio test', () => {
  it('agrees with the binomial and Clopper–Pearson figures', () => {
    // P(Bin(10, 0.5) ≥ 7) = 176/1024
    expect(binomialUpperTail(7, 10, 0.5)).toBeCloseTo(176 / 1024, 14);
    // R: binom.test(3, 10)$conf.int = 0.06673951 0.65245285
    const ci = clopperPearson(3, 10, 0.95);
    expect(ci.low).toBeCloseTo(0.06673951, 7);
    expect(ci.high).toBeCloseTo(0.65245285, 7);
    // R: poisson.test(c(18, 12), c(60, 60))$conf.int = 0.6836 3.4139 (two-sided), ratio 1.5
    const t = rateRatioTest(18, 60, 12, 60, 0.95);
    expect(t.ratio).toBeCloseTo(1.5, 12);
    expect(t.interval.low).toBeCloseTo(0.6836, 4);
    expect(t.interval.high).toBeCloseTo(3.4139, 4);
  });

  it('finds Poisson counts about as dispersed as Poisson, and bursts more', () => {
    expect(dispersionOf(spread(12, 60), spread(12, 60))).toBe(1);
    const bursty = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 20 : 0));
    expect(dispersionOf(bursty, bursty)).toBeGreaterThan(15);
  });
});

describe('count metrics in the bellwether profile', () => {
  const zeros = (n: number): number[] => Array.from({ length: n }, () => 0);
  // one metric, falseFailureRate 1%: one-sided metrics test at p < 0.01
  const cases: {
    name: string;
    metric?: Omit<MetricConfigInput, 'name'>;
    canary: number[];
    baseline: number[];
    expected: Classification;
    critical?: boolean;
    reason: RegExp;
    why: string;
  }[] = [
    {
      name: 'unchanged, 0.2 a side over 60',
      canary: spread(12, 60),
      baseline: spread(12, 60),
      expected: 'Pass',
      reason: /no significant change/,
      why: 'p = 0.57',
    },
    {
      name: 'errors appearing from zero',
      canary: Array.from({ length: 60 }, (_, i) => 1 + (i % 4)),
      baseline: zeros(60),
      expected: 'High',
      reason: /rate ratio ∞ in \[.*, ∞\)/,
      why: '150 events against none: p = 0.5^150; the mean ratio is undefined, so allowedIncrease is skipped as Kayenta skips it',
    },
    {
      name: 'errors appearing from zero, whatever allowedIncrease says',
      metric: { effectSize: { allowedIncrease: 3 } },
      canary: spread(12, 60),
      baseline: zeros(60),
      expected: 'High',
      reason: /higher/,
      why: '12 against 0: p = 0.5^12 = 0.00024',
    },
    {
      name: 'no events on either side',
      canary: zeros(60),
      baseline: zeros(60),
      expected: 'Pass',
      reason: /no events on either side/,
      why: 'nothing happened on either side, and the reason says so',
    },
    {
      name: '0.2 → 0.3 over 60 intervals a side',
      canary: spread(18, 60),
      baseline: spread(12, 60),
      expected: 'Pass',
      reason: /no significant change: count test p = 0\.18/,
      why: '18 against 12 events: a 1.5× rise this size happens by chance 18% of the time; no test on these totals can tell',
    },
    {
      name: '0.2 → 0.3 over 1,000 intervals a side',
      canary: spread(300, 1000),
      baseline: spread(200, 1000),
      expected: 'High',
      reason: /higher: count test p = .* rate ratio 1\.5/,
      why: '300 against 200: p ≈ 4e-6',
    },
    {
      name: '0.2 → 0.3 over 1,000 intervals, rank-sum (continuous) for comparison',
      metric: { kind: 'continuous' },
      canary: spread(300, 1000),
      baseline: spread(200, 1000),
      expected: 'High',
      reason: /rank-sum/,
      why: 'evenly spread, the rank-sum test sees it too; on Poisson draws it misses most (see the benchmark)',
    },
    {
      name: '1.5 → 2.25 over 300',
      canary: spread(675, 300),
      baseline: spread(450, 300),
      expected: 'High',
      reason: /higher/,
      why: '675 against 450',
    },
    {
      name: 'significant but within allowedIncrease',
      metric: { effectSize: { allowedIncrease: 1.3 } },
      canary: spread(1800, 1000),
      baseline: spread(1500, 1000),
      expected: 'Pass',
      reason: /a change too small to matter/,
      why: 'ratio 1.2 < the allowed 1.3',
    },
    {
      name: 'significant but under minRelativeChange',
      canary: spread(30900, 3000),
      baseline: spread(30000, 3000),
      expected: 'Pass',
      reason: /a change too small to matter/,
      why: 'p ≈ 1e-4, but a ratio of 1.03 is under the 5% worth failing for',
    },
    {
      name: 'critical rise',
      metric: { critical: true },
      canary: spread(180, 300),
      baseline: spread(60, 300),
      expected: 'High',
      critical: true,
      reason: /\(critical\)/,
      why: 'criticalIncrease 1: any High of a critical metric fails the canary',
    },
    {
      name: 'a fall of throughput',
      metric: { direction: 'decrease' },
      canary: spread(3000, 60),
      baseline: spread(6000, 60),
      expected: 'Low',
      reason: /lower/,
      why: '3,000 against 6,000',
    },
    {
      name: 'a fall, when only a rise counts',
      canary: spread(3000, 60),
      baseline: spread(6000, 60),
      expected: 'Pass',
      reason: /no significant change/,
      why: 'direction increase',
    },
    {
      name: 'a negative count',
      canary: [-1, ...spread(12, 59)],
      baseline: spread(12, 60),
      expected: 'NoData',
      reason: /a count cannot be negative: canary has 1 points below 0/,
      why: 'not a count: no evidence either way',
    },
    {
      name: 'too few points',
      canary: spread(50, 5),
      baseline: zeros(5),
      expected: 'NoData',
      reason: /too few points/,
      why: 'minSamples 10 holds for counts too',
    },
    {
      name: 'bursty counts, same 1.5× rise over 100',
      canary: Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 30 : 0)),
      baseline: Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 20 : 0)),
      expected: 'Pass',
      reason: /totals divided by dispersion/,
      why: "ten bursts a side are ten events' worth of evidence, not 300: 300 vs 200 taken as Poisson would fail at p ≈ 4e-6",
    },
  ];

  it.each(cases)('$name → $expected ($why)', ({ metric, canary, baseline, expected, critical, reason }) => {
    const result = one(metric ?? {}, canary, baseline);
    expect(result.classification).toBe(expected);
    expect(result.criticalFailure).toBe(critical ?? false);
    expect(result.reason).toMatch(reason);
  });

  it('reports the rate ratio and its interval', () => {
    const result = one({}, spread(300, 1000), spread(200, 1000));
    expect(result.estimate).toBeCloseTo(1.5, 12);
    expect(result.interval!.low).toBeGreaterThan(1);
    expect(result.interval!.high).toBeGreaterThan(1.5);
  });

  it('leaves the kayenta profile as Kayenta: kind is ignored there', () => {
    const canary = Array.from({ length: 60 }, (_, i) => 1 + (i % 4));
    const asCount = one({}, canary, zeros(60), 'kayenta');
    const asContinuous = one({ kind: 'continuous' }, canary, zeros(60), 'kayenta');
    expect({ ...asCount, kind: 'continuous' }).toEqual(asContinuous);
  });
});

describe('unchanged count canaries (A/A)', () => {
  // Ten count metrics of four generators, 2 × 250 canaries, six looks over a soak
  // of 300 intervals a side: the share that fails any look stays within the
  // profile's falseFailureRate (1%).
  const generators: ((r: () => number) => number)[] = [
    (r) => poisson(0.2, r),
    (r) => poisson(1.5, r),
    (r) => negativeBinomial(1.5, 0.5, r),
    (r) => negativeBinomial(20, 2, r),
  ];
  const metrics = Array.from({ length: 10 }, (_, i) =>
    defineMetric({
      name: `errors-${i}`,
      groups: ['errors'],
      kind: 'count',
      direction: 'increase',
      nanStrategy: 'replace',
    }),
  );
  const config: JudgeConfig = { metrics, groupWeights: {} };

  it.each([20261207, 20261208])('fail at most one in a hundred over six looks, seed %i', (seed) => {
    const random = rng(seed);
    let failed = 0;
    const canaries = 250;
    for (let c = 0; c < canaries; c++) {
      const input: Record<string, { canary: number[]; baseline: number[] }> = {};
      metrics.forEach((m, i) => {
        const draw = generators[i % generators.length]!;
        input[m.name] = {
          canary: Array.from({ length: 300 }, () => draw(random)),
          baseline: Array.from({ length: 300 }, () => draw(random)),
        };
      });
      for (let look = 1; look <= 6; look++) {
        const upTo = Object.fromEntries(
          Object.entries(input).map(([k, s]) => [
            k,
            { canary: s.canary.slice(0, look * 50), baseline: s.baseline.slice(0, look * 50) },
          ]),
        );
        if (judge(config, upTo, { profile: 'bellwether', sequential: { look, looks: 6 } }).verdict !== 'Pass') {
          failed++;
          break;
        }
      }
    }
    expect(failed / canaries).toBeLessThanOrEqual(0.01);
  });
});

describe('ratio metrics (errors over requests) in the bellwether profile', () => {
  const config = (kind: 'ratio' | 'continuous' = 'ratio'): JudgeConfig => ({
    metrics: [defineMetric({ name: 'error-ratio', groups: ['g'], direction: 'increase', kind })],
    groupWeights: {},
  });
  const flat = (v: number, n: number): number[] => Array.from({ length: n }, () => v);
  // the canary takes 1% of the traffic: 100 requests an interval against the baseline's 10,000
  const cases = [
    {
      name: 'the same 0.2% error rate on 1% of the traffic',
      canary: spread(12, 60),
      baseline: spread(1200, 60),
      expected: 'Pass',
      reason: /no significant change.*canary 12 of 6000 \(0\.2%\) against baseline 1200 of 600000 \(0\.2%\)/,
    },
    {
      name: 'the error rate doubled on 1% of the traffic',
      canary: spread(24, 60),
      baseline: spread(1200, 60),
      expected: 'High',
      reason: /higher: count test p = .*rate ratio 2 in/,
    },
    {
      name: 'errors appearing from none',
      canary: spread(12, 60),
      baseline: flat(0, 60),
      expected: 'High',
      reason: /rate ratio ∞/,
    },
  ] as const;
  it.each(cases)('$name → $expected', ({ canary, baseline, expected, reason }) => {
    const result = judge(
      config(),
      { 'error-ratio': { canary, baseline, canaryDenominator: flat(100, 60), baselineDenominator: flat(10_000, 60) } },
      { profile: 'bellwether' },
    );
    expect(result.metrics[0]!.classification).toBe(expected);
    expect(result.metrics[0]!.reason).toMatch(reason);
  });

  it('holds without denominators, or with one missing per point, and says which', () => {
    const without = judge(
      config(),
      { 'error-ratio': { canary: spread(12, 60), baseline: spread(12, 60), baselineDenominator: flat(100, 60) } },
      { profile: 'bellwether' },
    );
    expect(without.verdict).toBe('NoData');
    expect(without.metrics[0]!.reason).toBe('a ratio metric needs its denominators: canaryDenominator missing');
    const uneven = judge(
      config(),
      {
        'error-ratio': {
          canary: spread(12, 60),
          baseline: spread(12, 60),
          canaryDenominator: flat(100, 59),
          baselineDenominator: flat(100, 60),
        },
      },
      { profile: 'kayenta' },
    );
    expect(uneven.metrics[0]!.classification).toBe('NoData');
    expect(uneven.metrics[0]!.reason).toBe(
      'a ratio metric needs one denominator per point: canary 60 points, canaryDenominator 59',
    );
  });

  it('gives the kayenta profile the per-interval ratios, as a ratio query would', () => {
    const canary = spread(30, 60);
    const baseline = spread(1200, 60);
    const asRatio = judge(
      config(),
      { 'error-ratio': { canary, baseline, canaryDenominator: flat(100, 60), baselineDenominator: flat(10_000, 60) } },
      { profile: 'kayenta' },
    );
    const precomputed = judge(
      config('continuous'),
      { 'error-ratio': { canary: canary.map((v) => v / 100), baseline: baseline.map((v) => v / 10_000) } },
      { profile: 'kayenta' },
    );
    expect(asRatio.metrics[0]!.classification).toBe(precomputed.metrics[0]!.classification);
    expect(asRatio.metrics[0]!.reason).toBe(precomputed.metrics[0]!.reason);
  });
});

describe('ratio metrics whose requests are zero, NaN or missing', () => {
  const config: JudgeConfig = {
    metrics: [defineMetric({ name: 'error-ratio', groups: ['g'], direction: 'increase', kind: 'ratio' })],
    groupWeights: {},
  };
  const flat = (v: number | null, n: number): (number | null)[] => Array.from({ length: n }, () => v);
  const judged = (canaryDenominator: (number | null)[], profile: JudgeProfile = 'bellwether') =>
    judge(
      config,
      {
        'error-ratio': {
          canary: spread(12, 60),
          baseline: spread(1200, 60),
          canaryDenominator,
          baselineDenominator: flat(10_000, 60),
        },
      },
      { profile },
    );

  it.each([
    ['no requests in any interval', flat(0, 60), 'canary 0 of 10 points (60 with 0 requests)'],
    ['NaN requests', flat(Number.NaN, 60), 'canary 0 of 10 points (60 with no request count (NaN or missing))'],
    [
      'requests in too few intervals',
      [...flat(100, 5), ...flat(0, 50), ...flat(null, 5)],
      'canary 5 of 10 points (50 with 0 requests, 5 with no request count (NaN or missing))',
    ],
  ])('holds on %s, in both profiles, and says so', (_name, denominators, words) => {
    for (const profile of ['bellwether', 'kayenta'] as const) {
      const result = judged(denominators, profile);
      expect(result.verdict).toBe('NoData');
      expect(result.score).toBeNull();
      expect(result.metrics[0]!.reason).toBe(`too few points with requests: ${words}`);
      expect(result.metrics[0]!.totals).toBeUndefined();
    }
  });

  it('leaves out the few intervals without requests, and adds up errors and requests over the rest', () => {
    const result = judged([...flat(100, 50), ...flat(0, 5), ...flat(Number.NaN, 5)]);
    expect(result.verdict).toBe('Pass');
    const canaryErrors = spread(12, 60)
      .slice(0, 50)
      .reduce((a, b) => a + b, 0);
    expect(result.metrics[0]!.totals).toEqual({
      canary: { events: canaryErrors, requests: 5_000 },
      baseline: { events: 1200, requests: 600_000 },
    });
    expect(result.metrics[0]!.canary.n).toBe(50);
  });
});
