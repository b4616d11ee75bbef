/**
 * A ratio metric's evidence shows what its test judged: errors per request
 * on each side, added up over the window, with the totals they come from,
 * and the change of that rate; not a mean of per-interval ratios, which
 * weighs a quiet interval as much as a busy one.
 */
import { describe, expect, it } from 'vitest';
import { defineMetric } from '../../src/canary/judge/defaults.js';
import { judge } from '../../src/canary/judge/judge.js';
import { evidenceJson, judgmentHeadline, metricEvidence } from '../../src/report/evidence.js';
import { renderJudgmentMarkdown } from '../../src/report/judgment.js';
import { distributionsOfJudgments, seriesOfJudgments } from '../../src/report/series.js';

const n = 60;
// Busy and quiet intervals in turn: 9,000 and 1,000 requests. The canary
// fails 24 of the busy ones (0.27%) and 6 of the quiet ones (0.6%); the
// baseline 0.2% of each.
const requests = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 9_000 : 1_000));
const canary = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 24 : 6));
const baseline = requests.map((r) => r / 500);

const result = judge(
  {
    metrics: [
      defineMetric({
        name: 'error-rate',
        kind: 'ratio',
        query: 'sum(increase(http_errors_total{version="{{version}}"}[1m]))',
        denominator: 'sum(increase(http_requests_total{version="{{version}}"}[1m]))',
        groups: ['g'],
        direction: 'increase',
      }),
    ],
    groupWeights: {},
  },
  { 'error-rate': { canary, baseline, canaryDenominator: requests, baselineDenominator: requests } },
  { profile: 'bellwether' },
);

describe('the evidence of a ratio metric', () => {
  it('shows errors per request with their totals, and the change of that rate', () => {
    const [e] = metricEvidence(result);
    // 900 of 300,000 (0.3%) against 600 of 300,000 (0.2%): +50%; the mean of the
    // canary's per-interval ratios would read 0.43%.
    expect(e).toMatchObject({
      classification: 'High',
      canary: '0.3% (900 of 300,000)',
      baseline: '0.2% (600 of 300,000)',
      change: '+50%',
    });
    expect(result.metrics[0]!.canary.mean).toBeCloseTo((24 / 9_000 + 6 / 1_000) / 2, 12);
    expect(result.metrics[0]!.denominator).toBe('sum(increase(http_requests_total{version="{{version}}"}[1m]))');
    expect(judgmentHeadline(result)).toBe(
      'Fail: error-rate High — canary 0.3% (900 of 300,000) against baseline 0.2% (600 of 300,000), +50% (the policy allows +5%)',
    );
  });

  it('renders the rate in Markdown and JSON, with the totals', () => {
    expect(renderJudgmentMarkdown(result)).toContain(
      '| error-rate | High | 0.3% (900 of 300,000) | 0.2% (600 of 300,000) | +50% | +5% |',
    );
    expect(evidenceJson(result).hot).toEqual([
      expect.objectContaining({
        name: 'error-rate',
        canary: 0.003,
        baseline: 0.002,
        unit: 'ratio',
        totals: { canary: { events: 900, requests: 300_000 }, baseline: { events: 600, requests: 300_000 } },
      }),
    ]);
  });

  it('charts the rate per judgment over a soak, in percent', () => {
    const look = {
      manifest: { canary: { weight: 5 } },
      judgment: {
        verdict: result.verdict,
        score: result.score,
        reason: result.reason,
        detail: {
          noData: {},
          weight: 5,
          window: { start: '2026-11-22T10:00:00Z', end: '2026-11-22T10:10:00Z' },
          result,
        },
      },
    };
    const [series] = seriesOfJudgments([look] as never);
    expect(series).toMatchObject({
      measure: 'error-rate, events per request per judgment',
      unit: { symbol: '%', percent: true },
      canary: [0.003],
      baseline: [0.002],
    });
    expect(distributionsOfJudgments([look] as never)[0]!.unit).toEqual({ symbol: '%', percent: true });
  });
});
