import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { DatadogProvider, datadogApiHost, readRateLimit } from '../../src/metrics/datadog.js';
import { useStrictNock } from '../helpers/strict-nock.js';

/** The documented success shape of GET /api/v1/query (MetricsQueryResponse). */
function queryResponse(
  query: string,
  pointlist: [number, number | null][],
  tagSet = ['role:canary', 'service:checkout'],
) {
  return {
    status: 'ok',
    res_type: 'time_series',
    resp_version: 1,
    query,
    from_date: 1700000000000,
    to_date: 1700000600000,
    group_by: [],
    message: '',
    series: [
      {
        metric: 'trace.http.request.duration',
        display_name: 'trace.http.request.duration',
        unit: null,
        pointlist,
        end: 1700000599000,
        interval: 60,
        start: 1700000000000,
        length: pointlist.length,
        aggr: 'avg',
        scope: tagSet.join(','),
        expression: query,
        tag_set: tagSet,
        query_index: 0,
      },
    ],
  };
}

const rateHeaders = {
  'X-RateLimit-Limit': '100',
  'X-RateLimit-Period': '60',
  'X-RateLimit-Remaining': '99',
  'X-RateLimit-Reset': '42',
  'X-RateLimit-Name': 'query',
};
const Q = 'avg:trace.http.request.duration{service:checkout,role:canary}';

function provider(site = 'datadoghq.com', waits: number[] = []) {
  return new DatadogProvider(
    { site, apiKey: 'api-key-1', appKey: 'app-key-1', retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 60_000 } },
    { fetch: globalThis.fetch, sleep: async (ms) => void waits.push(ms), random: () => 1 },
  );
}

useStrictNock();

describe('Datadog sites', () => {
  it.each([
    ['datadoghq.com', 'api.datadoghq.com'],
    ['us3', 'api.us3.datadoghq.com'],
    ['us3.datadoghq.com', 'api.us3.datadoghq.com'],
    ['us5', 'api.us5.datadoghq.com'],
    ['datadoghq.eu', 'api.datadoghq.eu'],
    ['app.datadoghq.eu', 'api.datadoghq.eu'],
    ['ap1', 'api.ap1.datadoghq.com'],
    ['ddog-gov.com', 'api.ddog-gov.com'],
    ['datadog.com', undefined],
  ])('%s → %s', (site, host) => {
    expect(datadogApiHost(site)).toBe(host);
  });

  it.each(['datadoghq.com', 'us3', 'us5', 'datadoghq.eu', 'ap1', 'ddog-gov.com'])(
    'queries the API host of %s',
    async (site) => {
      nock(`https://${datadogApiHost(site)}`)
        .get('/api/v1/query')
        .query(true)
        .reply(200, queryResponse(Q, [[1700000000000, 1]]));
      expect(
        (await provider(site).queryRange({ query: Q, start: new Date(1700000000_000), end: new Date(1700000600_000) }))
          .ok,
      ).toBe(true);
    },
  );
});

describe('DatadogProvider', () => {
  it('sends from, to and query with both keys, and reads the pointlist and tags', async () => {
    nock('https://api.datadoghq.com', { reqheaders: { 'DD-API-KEY': 'api-key-1', 'DD-APPLICATION-KEY': 'app-key-1' } })
      .get('/api/v1/query')
      .query({ from: '1700000000', to: '1700000600', query: Q })
      .reply(
        200,
        queryResponse(Q, [
          [1700000000000, 0.12],
          [1700000060000, null],
          [1700000120000, 0.14],
        ]),
        rateHeaders,
      );
    const p = provider();
    const r = await p.queryRange({ query: Q, start: new Date(1700000000_000), end: new Date(1700000600_000) });
    expect(r).toEqual({
      ok: true,
      query: Q,
      warnings: [],
      series: [
        {
          labels: { __name__: 'trace.http.request.duration', role: 'canary', service: 'checkout' },
          points: [
            { t: 1700000000, v: 0.12 },
            { t: 1700000120, v: 0.14 },
          ],
        },
      ],
    });
    expect(p.rateLimit()).toEqual({ limit: 100, periodSeconds: 60, remaining: 99, resetSeconds: 42, name: 'query' });
  });

  it('answers an instant query with the last point of a short range', async () => {
    nock('https://api.datadoghq.com')
      .get('/api/v1/query')
      .query({ from: '1700000300', to: '1700000600', query: Q })
      .reply(
        200,
        queryResponse(Q, [
          [1700000400000, 1],
          [1700000500000, 2],
        ]),
      );
    const r = await provider().queryInstant({ query: Q, time: new Date(1700000600_000) });
    expect(r.ok && r.series[0]?.points).toEqual([{ t: 1700000500, v: 2 }]);
  });

  it('waits for the reset the X-RateLimit-Reset header gives on 429, then succeeds', async () => {
    const waits: number[] = [];
    nock('https://api.datadoghq.eu')
      .get('/api/v1/query')
      .query(true)
      .reply(
        429,
        { errors: ['Too many requests'] },
        { ...rateHeaders, 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '7' },
      )
      .get('/api/v1/query')
      .query(true)
      .reply(200, queryResponse(Q, [[1700000000000, 1]]), rateHeaders);
    const r = await provider('datadoghq.eu', waits).queryRange({
      query: Q,
      start: new Date(1700000000_000),
      end: new Date(1700000600_000),
    });
    expect(r.ok).toBe(true);
    expect(waits).toEqual([7_000]);
  });

  it('reports a rate limit that outlasts the retries, with the limit it hit', async () => {
    nock('https://api.datadoghq.com')
      .get('/api/v1/query')
      .times(3)
      .query(true)
      .reply(
        429,
        { errors: ['Too many requests'] },
        { ...rateHeaders, 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': '3' },
      );
    const r = await provider().queryRange({ query: Q, start: new Date(1700000000_000), end: new Date(1700000600_000) });
    expect(!r.ok && r.reason).toBe(
      `Datadog is rate limiting us (HTTP 429) and retries ran out (limit query, 100 requests per 60 s, resets in 3 s): Too many requests (query: ${Q})`,
    );
  });

  it('waits out a used-up budget before the next request', async () => {
    const waits: number[] = [];
    nock('https://api.datadoghq.com')
      .get('/api/v1/query')
      .query(true)
      .reply(200, queryResponse(Q, [[1700000000000, 1]]), {
        ...rateHeaders,
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': '5',
      })
      .get('/api/v1/query')
      .query(true)
      .reply(200, queryResponse(Q, [[1700000000000, 1]]), rateHeaders);
    const p = provider('datadoghq.com', waits);
    const first = await p.queryRange({ query: Q, start: new Date(1700000000_000), end: new Date(1700000600_000) });
    expect(first.ok && first.warnings).toEqual([
      'Datadog rate limit used up (limit query, 100 requests per 60 s, resets in 5 s)',
    ]);
    await p.queryRange({ query: Q, start: new Date(1700000000_000), end: new Date(1700000600_000) });
    expect(waits).toEqual([5_000]);
  });

  it.each([
    [
      'a refused key',
      403,
      { errors: ['Forbidden'] },
      /Datadog refused the API or application key \(HTTP 403\): Forbidden/,
    ],
    [
      'a bad query',
      400,
      { errors: ["Error parsing query: unable to parse avg:: Rule 'scope_expr' didn't match"] },
      /Datadog answered HTTP 400: Error parsing query/,
    ],
    [
      'a query error in an ok answer',
      200,
      { status: 'error', error: 'Unknown metric', series: [] },
      /Datadog could not run the query: Unknown metric/,
    ],
    ['no series', 200, { status: 'ok', res_type: 'time_series', series: [] }, /Datadog returned no series/],
    ['a series list of nulls', 200, { status: 'ok', series: [null] }, /Datadog returned no series/],
    ['an answer without series', 200, { status: 'ok' }, /the answer has no "series" list/],
  ])('%s gives no data naming the query', async (_name, status, body, reason) => {
    nock('https://api.datadoghq.com').get('/api/v1/query').query(true).reply(status, body);
    const r = await provider().queryRange({ query: Q, start: new Date(1700000000_000), end: new Date(1700000600_000) });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
    expect(!r.ok && r.reason).toContain(`(query: ${Q})`);
  });

  it('reports an HTML page from a proxy', async () => {
    nock('https://api.datadoghq.com')
      .get('/api/v1/query')
      .query(true)
      .reply(200, '<!doctype html><title>Maintenance</title>', { 'Content-Type': 'text/html' });
    const r = await provider().queryRange({ query: Q, start: new Date(1700000000_000), end: new Date(1700000600_000) });
    expect(!r.ok && r.reason).toBe(`HTTP 200: Datadog sent an HTML page instead of JSON (query: ${Q})`);
  });

  it('reads no rate limit when the headers are absent', () => {
    expect(readRateLimit(new Headers())).toBeUndefined();
  });
});
