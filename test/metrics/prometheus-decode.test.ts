import { describe, expect, it } from 'vitest';
import {
  chooseStepSeconds,
  decodePrometheusAnswer,
  DEFAULT_MIN_STEP_SECONDS,
  formatSampleValue,
  parseSampleValue,
  pointsInRange,
} from '../../src/metrics/prometheus-decode.js';

const Q = 'rate(http_requests_total[5m])';
const json = (status: number, body: unknown) => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(body),
});

describe('chooseStepSeconds', () => {
  it.each([
    // range, requested, maxPoints, expected
    [3600, 60, 11_000, 60],
    [3600, undefined, 11_000, 60],
    [86_400 * 30, 60, 11_000, 236], // 30 days at 60 s would be 43,200 points
    [110_000, 1, 11_000, 10],
    [110_001, 1, 11_000, 11],
    [600, 0.5, 100, 6],
    [0, 15, 11_000, 15],
  ])('range %d s, asked %s s, limit %d: %d s', (range, requested, max, expected) => {
    const step = chooseStepSeconds(range, requested, max);
    expect(step).toBe(expected);
    expect(range / step).toBeLessThanOrEqual(max);
  });

  it.each([
    // range, requested, default step, needs, expected: points
    [300, undefined, 60, {}, 60], // nobody needs more: the default step
    [300, undefined, 60, { minPoints: 10 }, 30], // the first 5-minute judgment: 11 points, one to spare
    [900, undefined, 60, { minPoints: 10 }, 60], // a 15-minute window: the default step gives 16 already
    [120, undefined, 60, { minPoints: 10 }, 15], // too short even at the floor: 9 points, never 15 made up
    [120, undefined, 60, { minPoints: 10, minStepSeconds: 5 }, 12], // a provider scraped every 5 s: 11 points
    [300, 60, 60, { minPoints: 10 }, 60], // a step the caller chose is kept
    [300, undefined, 10, { minPoints: 10 }, 10], // a default step finer than needed is kept
  ] as const)('range %d s, asked %s, default %d s, %o: %d s', (range, requested, defaultStep, needs, expected) => {
    expect(chooseStepSeconds(range, requested, 11_000, defaultStep, needs)).toBe(expected);
  });

  it("gives the default policy's first judgment the 10 points a side it needs from a Prometheus scraped every 15 s", () => {
    const step = chooseStepSeconds(300, undefined, 11_000, 60, { minPoints: 10 });
    expect(pointsInRange(300, step)).toBeGreaterThanOrEqual(10);
    expect(step).toBeGreaterThanOrEqual(DEFAULT_MIN_STEP_SECONDS);
  });
});

describe('sample values', () => {
  it.each([
    ['1.5', 1.5],
    ['NaN', NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['1e-3', 0.001],
    [2, 2],
  ])('%j', (raw, v) => {
    expect(parseSampleValue(raw)).toBe(v);
  });
  it.each(['', 'abc', null, {}])('%j is not a value', (raw) => {
    expect(parseSampleValue(raw)).toBeUndefined();
  });
  it.each([NaN, Infinity, -Infinity, 0.25])('%d survives formatting', (v) => {
    expect(parseSampleValue(formatSampleValue(v))).toBe(v);
  });
});

describe('decodePrometheusAnswer', () => {
  it('reads a matrix with NaN and ±Inf', () => {
    const r = decodePrometheusAnswer(
      Q,
      json(200, {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { role: 'canary' },
              values: [
                [1700000000, '1'],
                [1700000060, 'NaN'],
                [1700000120, '+Inf'],
                [1700000180, '-Inf'],
              ],
            },
          ],
        },
      }),
    );
    expect(r).toEqual({
      ok: true,
      query: Q,
      warnings: [],
      series: [
        {
          labels: { role: 'canary' },
          points: [
            { t: 1700000000, v: 1 },
            { t: 1700000060, v: NaN },
            { t: 1700000120, v: Infinity },
            { t: 1700000180, v: -Infinity },
          ],
        },
      ],
    });
  });

  it('reads a vector, one point per series', () => {
    const r = decodePrometheusAnswer(
      Q,
      json(200, {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [
            { metric: { a: '1' }, value: [1700000000.5, '0.25'] },
            { metric: {}, value: [1700000000.5, '3'] },
          ],
        },
      }),
    );
    expect(r.ok && r.series).toEqual([
      { labels: { a: '1' }, points: [{ t: 1700000000.5, v: 0.25 }] },
      { labels: {}, points: [{ t: 1700000000.5, v: 3 }] },
    ]);
  });

  it('reads a scalar as one series without labels', () => {
    const r = decodePrometheusAnswer(
      '1+1',
      json(200, { status: 'success', data: { resultType: 'scalar', result: [1700000000, '2'] } }),
    );
    expect(r.ok && r.series).toEqual([{ labels: {}, points: [{ t: 1700000000, v: 2 }] }]);
  });

  it('keeps warnings and infos', () => {
    const r = decodePrometheusAnswer(
      Q,
      json(200, {
        status: 'success',
        warnings: ['store eu-1 unreachable, partial response'],
        infos: ['metric might not be a counter'],
        data: { resultType: 'vector', result: [{ metric: {}, value: [1, '1'] }] },
      }),
    );
    expect(r.ok && r.warnings).toEqual([
      'store eu-1 unreachable, partial response',
      'info: metric might not be a counter',
    ]);
  });

  it.each([
    [
      'an empty result',
      json(200, { status: 'success', data: { resultType: 'vector', result: [] } }),
      /the query returned no series/,
    ],
    [
      'a string result',
      json(200, { status: 'success', data: { resultType: 'string', result: [1, 'x'] } }),
      /returned a string, not numbers/,
    ],
    [
      'an unknown result type',
      json(200, { status: 'success', data: { resultType: 'histogramz', result: [] } }),
      /unknown result type "histogramz"/,
    ],
    [
      'bad_data',
      json(400, {
        status: 'error',
        errorType: 'bad_data',
        error: 'invalid parameter "query": 1:6: parse error: unexpected end of input',
      }),
      /rejected the query as invalid \(HTTP 400, bad_data\): invalid parameter "query"/,
    ],
    [
      'too many samples',
      json(422, {
        status: 'error',
        errorType: 'execution',
        error: 'query processing would load too many samples into memory in query execution',
      }),
      /would load too many samples \(HTTP 422\); narrow the window, widen the step or aggregate first/,
    ],
    [
      'a server timeout',
      json(503, { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' }),
      /timed out on the server \(HTTP 503, timeout\)/,
    ],
    [
      'a canceled query',
      json(503, { status: 'error', errorType: 'canceled', error: 'context canceled' }),
      /canceled the query/,
    ],
    [
      'the point limit',
      json(400, {
        status: 'error',
        errorType: 'bad_data',
        error:
          'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      }),
      /needs more points than the server allows/,
    ],
    [
      'refused credentials',
      { status: 401, contentType: 'text/plain', body: 'Unauthorized' },
      /the server refused the credentials \(HTTP 401\) and sent malformed JSON \("Unauthorized"\)/,
    ],
    [
      'an error without a body',
      { status: 502, contentType: null, body: '' },
      /HTTP 502: the server sent an empty body/,
    ],
    [
      'an HTML error page',
      {
        status: 502,
        contentType: 'text/html',
        body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>',
      },
      /HTTP 502: the server sent an HTML page instead of JSON \("502 Bad Gateway"\)/,
    ],
    [
      'HTML sent as JSON',
      { status: 200, contentType: 'application/json', body: '<!DOCTYPE html><p>Sign in</p>' },
      /HTML page instead of JSON/,
    ],
    [
      'malformed JSON',
      { status: 200, contentType: 'application/json', body: '{"status":"success","data":{"resultType":"vec' },
      /malformed JSON \("\{"status":"success"/,
    ],
    ['a JSON array', { status: 200, contentType: 'application/json', body: '[1,2]' }, /has no "status": "success"/],
    ['no data', json(200, { status: 'success' }), /has no "data"/],
  ])('%s gives no data with the reason and the query', (_name, answer, reason) => {
    const r = decodePrometheusAnswer(Q, answer);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toMatch(reason);
    expect(r.reason).toContain(`(query: ${Q})`);
    expect(r.query).toBe(Q);
  });
});
