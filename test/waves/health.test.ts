import { describe, expect, it } from 'vitest';
import type { QueryResult } from '../../src/metrics/provider.js';
import { judgeHealth } from '../../src/waves/health.js';

const checks = [
  { name: 'latency-p99', query: 'p99', max: 0.5 },
  { name: 'success', query: 'ok', min: 0.99 },
];
const answer = (values: number[]): QueryResult => ({
  ok: true,
  query: 'q',
  warnings: [],
  series: [{ labels: {}, points: values.map((v, i) => ({ t: i * 60, v })) }],
});
const healthy = { latency: answer([0.12, 0.13, 0.11]), success: answer([0.999, 0.998]) };

describe('region health', () => {
  it.each([
    ['both within bounds', [healthy.latency, healthy.success], 'pass', /latency-p99 stayed within ≤ 0\.5/],
    [
      'latency above its max',
      [answer([0.12, 0.9]), healthy.success],
      'fail',
      /latency-p99 reached 0\.9, above its max of 0\.5/,
    ],
    // histogram_quantile past the top bucket: left out, the two healthy points would pass the region
    [
      '+Inf latency among healthy points',
      [answer([0.12, Infinity, 0.11]), healthy.success],
      'unknown',
      /latency-p99: 1 are \+Inf of its 3 points.*: holding$/,
    ],
    [
      'only +Inf latency',
      [answer([Infinity, Infinity]), healthy.success],
      'unknown',
      /latency-p99: 2 are \+Inf of its 2 points/,
    ],
    [
      '-Inf below a min',
      [healthy.latency, answer([0.999, -Infinity])],
      'unknown',
      /success: 1 are -Inf of its 2 points/,
    ],
    ['only NaN', [answer([NaN, NaN]), healthy.success], 'unknown', /latency-p99: no samples in the window \(2 NaN\)/],
    [
      'NaN among healthy points is left out',
      [answer([0.12, NaN]), healthy.success],
      'pass',
      /latency-p99 stayed within/,
    ],
    [
      'a failed query',
      [{ ok: false, query: 'q', reason: 'HTTP 500' } as QueryResult, healthy.success],
      'unknown',
      /latency-p99: no data \(HTTP 500\)/,
    ],
    ['a failure elsewhere still fails', [answer([Infinity]), answer([0.5])], 'fail', /success fell to 0\.5/],
  ] as const)('%s', (_what, answers, verdict, reason) => {
    const v = judgeHealth(checks, answers);
    expect(v.verdict).toBe(verdict);
    expect(v.reason).toMatch(reason);
  });
});
