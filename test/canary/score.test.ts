import { describe, expect, it } from 'vitest';
import { scoreResults, verdictOf } from '../../src/canary/judge/score.js';
import type { Classification, JudgeProfile, MetricResult, SampleStats } from '../../src/canary/judge/types.js';

const stats: SampleStats = {
  n: 0,
  mean: 0,
  median: 0,
  p99: 0,
  min: 0,
  max: 0,
  std: 0,
  removedNaN: 0,
  removedOutliers: 0,
};
function res(
  name: string,
  classification: Classification,
  groups: string[],
  extra: Partial<MetricResult> = {},
): MetricResult {
  return {
    name,
    kind: 'continuous',
    classification,
    critical: false,
    criticalFailure: false,
    muted: false,
    groups,
    direction: 'either',
    interval: null,
    estimate: null,
    bounds: null,
    meanRatio: null,
    effectSize: null,
    allowed: { measure: 'meanRatio', allowedIncrease: 1, allowedDecrease: 1, criticalIncrease: 1, criticalDecrease: 1 },
    pValue: null,
    alpha: null,
    baseline: stats,
    canary: stats,
    reason: `${name} is ${classification}`,
    ...extra,
  };
}
const T = { pass: 95, marginal: 75 };

interface Case {
  what: string;
  results: MetricResult[];
  weights?: Record<string, number>;
  profile?: JudgeProfile;
  score: number | null;
  verdict: 'Pass' | 'Marginal' | 'Fail' | 'NoData';
}

const cases: Case[] = [
  { what: 'all pass', results: [res('a', 'Pass', ['g']), res('b', 'Pass', ['g'])], score: 100, verdict: 'Pass' },
  // Every metric passed, and none is in a group: no score exists, which is neither a Fail nor a Pass.
  {
    what: 'metrics in no group',
    results: [res('a', 'Pass', []), res('b', 'Pass', [])],
    score: null,
    verdict: 'NoData',
  },
  {
    what: 'metrics in no group, in the kayenta profile',
    results: [res('a', 'Pass', [])],
    profile: 'kayenta',
    score: null,
    verdict: 'NoData',
  },
  {
    what: 'one High of four',
    results: [res('a', 'High', ['g']), res('b', 'Pass', ['g']), res('c', 'Pass', ['g']), res('d', 'Pass', ['g'])],
    score: 75,
    verdict: 'Marginal',
  },
  // Kayenta: NoData and Error are left out and the rest scores 100, a Pass on data nobody saw.
  {
    what: 'NoData and Error hold the judgment',
    results: [res('a', 'Pass', ['g']), res('b', 'NoData', ['g']), res('c', 'Error', ['g'])],
    score: null,
    verdict: 'NoData',
  },
  // Kayenta: NoDataFail counts as a failure, calling missing data a regression.
  {
    what: 'NoDataFail holds the judgment too',
    results: [res('a', 'Pass', ['g']), res('b', 'NoDataFail', ['g'])],
    score: null,
    verdict: 'NoData',
  },
  {
    what: 'an empty group counts 100',
    results: [res('a', 'Low', ['g']), res('b', 'Pass', ['h'])],
    score: 50,
    verdict: 'Fail',
  },
  {
    what: 'a failure the unjudged metrics could not outweigh fails',
    results: [res('a', 'Low', ['g']), res('b', 'High', ['g']), res('c', 'NoData', ['g'])],
    score: 33.33,
    verdict: 'Fail',
  },
  {
    what: 'a failure the unjudged metrics could outweigh holds',
    results: [
      res('a', 'Low', ['g']),
      res('b', 'Pass', ['g']),
      res('c', 'Pass', ['g']),
      res('d', 'Pass', ['g']),
      res('e', 'NoData', ['g']),
    ],
    score: null,
    verdict: 'NoData',
  },
  {
    what: 'a critical failure fails whatever has no data',
    results: [res('a', 'High', ['g'], { critical: true, criticalFailure: true }), res('b', 'NoData', ['g'])],
    score: 0,
    verdict: 'Fail',
  },
  {
    what: 'weights',
    results: [res('a', 'High', ['latency']), res('b', 'Pass', ['errors'])],
    weights: { latency: 30, errors: 70 },
    score: 70,
    verdict: 'Fail',
  },
  {
    what: 'unweighted groups share what is left of 100',
    results: [res('a', 'High', ['x']), res('b', 'Pass', ['y']), res('c', 'Pass', ['z'])],
    weights: { z: 50 },
    score: 75,
    verdict: 'Marginal',
  },
  {
    what: 'a metric in two groups counts in each',
    results: [res('a', 'High', ['x', 'y']), res('b', 'Pass', ['y'])],
    score: 25,
    verdict: 'Fail',
  },
  {
    what: 'a critical failure scores 0',
    results: [res('a', 'High', ['g'], { critical: true, criticalFailure: true }), res('b', 'Pass', ['g'])],
    score: 0,
    verdict: 'Fail',
  },
  // Kayenta: half or more without data scores 0 and fails a healthy canary for being young.
  {
    what: 'half the metrics without data holds',
    results: [res('a', 'NoData', ['g']), res('b', 'Pass', ['g'])],
    score: null,
    verdict: 'NoData',
  },
  {
    what: 'fewer than half without data holds too',
    results: [res('a', 'NoData', ['g']), res('b', 'Pass', ['g']), res('c', 'Pass', ['g'])],
    score: null,
    verdict: 'NoData',
  },
  {
    what: 'a muted metric without data does not hold',
    results: [res('a', 'NoData', ['g'], { muted: true }), res('b', 'Pass', ['g'])],
    score: 100,
    verdict: 'Pass',
  },
  {
    what: 'muted metrics are left out',
    results: [res('a', 'High', ['g'], { muted: true }), res('b', 'Pass', ['g'])],
    score: 100,
    verdict: 'Pass',
  },
  {
    what: 'rounded to two decimals',
    results: [res('a', 'High', ['g']), res('b', 'Pass', ['g']), res('c', 'Pass', ['g'])],
    score: 66.67,
    verdict: 'Fail',
  },
  {
    what: 'Kayenta: a weighted group without metrics caps the score',
    results: [res('a', 'Pass', ['x'])],
    weights: { x: 60, y: 40 },
    score: 60,
    verdict: 'Fail',
  },
  {
    what: 'bellwether: a weighted group without metrics counts 100',
    results: [res('a', 'Pass', ['x'])],
    weights: { x: 60, y: 40 },
    profile: 'bellwether',
    score: 100,
    verdict: 'Pass',
  },
  { what: 'no metrics at all', results: [], score: null, verdict: 'NoData' },
];

describe('scoring', () => {
  for (const c of cases) {
    it(`${c.what}: ${c.score} ${c.verdict}`, () => {
      const out = scoreResults(c.results, c.weights ?? {}, T, c.profile ?? 'kayenta');
      expect(out.score).toBe(c.score);
      expect(out.verdict).toBe(c.verdict);
      expect(out.reason.length).toBeGreaterThan(5);
    });
  }

  it('reports each group with its score, weight and counts', () => {
    const out = scoreResults(
      [res('a', 'High', ['latency']), res('b', 'Pass', ['errors']), res('c', 'NoData', ['errors'])],
      { latency: 30 },
      T,
      'kayenta',
    );
    expect(out.groups).toEqual([
      {
        name: 'latency',
        score: 0,
        weight: 30,
        counts: { Pass: 0, High: 1, Low: 0, NoData: 0, NoDataFail: 0, Error: 0 },
      },
      {
        name: 'errors',
        score: 100,
        weight: 70,
        counts: { Pass: 1, High: 0, Low: 0, NoData: 1, NoDataFail: 0, Error: 0 },
      },
    ]);
  });

  it('names the critical metric in the reason', () => {
    const out = scoreResults([res('p99', 'High', ['g'], { critical: true, criticalFailure: true })], {}, T, 'kayenta');
    expect(out.reason).toContain('p99');
  });
});

describe('verdict by two thresholds', () => {
  it.each([
    [100, 'Pass'],
    [95, 'Pass'],
    [94.99, 'Marginal'],
    [75, 'Marginal'],
    [74.99, 'Fail'],
    [0, 'Fail'],
  ] as const)('%s → %s', (score, verdict) => {
    expect(verdictOf(score, T)).toBe(verdict);
  });
});
