import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { PrometheusProvider, type PrometheusOptions } from '../../src/metrics/prometheus.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import { useStrictNock } from '../helpers/strict-nock.js';

const BASE = 'http://prom.test';
const vector = {
  status: 'success',
  data: { resultType: 'vector', result: [{ metric: { job: 'api' }, value: [1700000000, '0.5'] }] },
};
const matrix = {
  status: 'success',
  data: {
    resultType: 'matrix',
    result: [
      {
        metric: { job: 'api' },
        values: [
          [1700000000, '1'],
          [1700000060, '2'],
        ],
      },
    ],
  },
};

function provider(options: Partial<PrometheusOptions> = {}, waits: number[] = []) {
  return new PrometheusProvider(
    { url: BASE, retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 1000 }, ...options },
    { fetch: globalThis.fetch, sleep: async (ms) => void waits.push(ms), random: () => 1 },
  );
}

useStrictNock();

describe('PrometheusProvider', () => {
  it('sends an instant query with the time, the server timeout and partial_response=false', async () => {
    nock(BASE)
      .get('/api/v1/query')
      .query({ query: 'up{job="api"}', time: '1700000000.5', timeout: '30', partial_response: 'false' })
      .reply(200, vector);
    const r = await provider().queryInstant({ query: 'up{job="api"}', time: new Date(1700000000500) });
    expect(r).toEqual({
      ok: true,
      query: 'up{job="api"}',
      warnings: [],
      series: [{ labels: { job: 'api' }, points: [{ t: 1700000000, v: 0.5 }] }],
    });
  });

  it('sends a range query with start, end and the step, keeping a path prefix', async () => {
    nock(BASE)
      .get('/prometheus/api/v1/query_range')
      .query({
        query: 'x',
        start: '1700000000',
        end: '1700003600',
        step: '30',
        timeout: '10',
        partial_response: 'true',
      })
      .reply(200, matrix);
    const r = await provider({ url: `${BASE}/prometheus/`, timeoutSeconds: 10, partialResponse: 'allow' }).queryRange({
      query: 'x',
      start: new Date(1700000000_000),
      end: new Date(1700003600_000),
      stepSeconds: 30,
    });
    expect(r.ok && r.series[0]?.points).toEqual([
      { t: 1700000000, v: 1 },
      { t: 1700000060, v: 2 },
    ]);
  });

  it('widens a step that would pass the point limit', async () => {
    nock(BASE)
      .get('/api/v1/query_range')
      .query((q) => q.step === '8' && q.start === '1700000000' && q.end === '1700086400')
      .reply(200, matrix);
    const r = await provider().queryRange({
      query: 'x',
      start: new Date(1700000000_000),
      end: new Date(1700086400_000),
      stepSeconds: 1,
    });
    expect(r.ok).toBe(true);
  });

  it('narrows its default step to give a caller the points it needs, never below minStep, and says which step it used', async () => {
    const asked: string[] = [];
    const record = (q: Record<string, string | string[]>) => (asked.push(String(q.step)), true);
    nock(BASE).get('/api/v1/query_range').query(record).times(3).reply(200, matrix);
    const five = { query: 'x', start: new Date(1700000000_000), end: new Date(1700000300_000) };
    const r = await provider().queryRange({ ...five, minPoints: 10 });
    await provider({ minStepSeconds: 60 }).queryRange({ ...five, minPoints: 10 });
    await provider().queryRange(five);
    // 5 minutes: 30 s gives 11 points; a source scraped every 60 s gives only 6, and that is what is asked.
    expect(asked).toEqual(['30', '60', '60']);
    expect(r.ok && r.stepSeconds).toBe(30);
  });

  it('refuses a window that ends before it starts without asking', async () => {
    const r = await provider().queryRange({ query: 'x', start: new Date(2000), end: new Date(1000) });
    expect(r).toEqual({ ok: false, query: 'x', reason: 'the window ends before it starts (query: x)' });
  });

  it.each([
    ['bearer', { type: 'bearer', token: 's3cret' } as const, 'authorization', 'Bearer s3cret'],
    [
      'basic',
      { type: 'basic', username: 'ann', password: 'pw' } as const,
      'authorization',
      `Basic ${Buffer.from('ann:pw').toString('base64')}`,
    ],
    ['a custom header', { type: 'header', name: 'X-Api-Key', value: 'k1' } as const, 'x-api-key', 'k1'],
  ])('authenticates with %s', async (_name, auth, header, value) => {
    nock(BASE).get('/api/v1/query').query(true).matchHeader(header, value).reply(200, vector);
    const r = await provider({ auth }).queryInstant({ query: 'up', time: new Date(0) });
    expect(r.ok).toBe(true);
  });

  it('sends extra headers such as a tenant id', async () => {
    nock(BASE).get('/api/v1/query').query(true).matchHeader('x-scope-orgid', 'team-a').reply(200, vector);
    const r = await provider({ headers: { 'X-Scope-OrgID': 'team-a' } }).queryInstant({
      query: 'up',
      time: new Date(0),
    });
    expect(r.ok).toBe(true);
  });

  it('retries 503 and 429 with backoff through the injected sleep', async () => {
    const waits: number[] = [];
    nock(BASE)
      .get('/api/v1/query')
      .query(true)
      .reply(503, 'busy')
      .get('/api/v1/query')
      .query(true)
      .reply(429, '', { 'Retry-After': '2' })
      .get('/api/v1/query')
      .query(true)
      .reply(200, vector);
    const r = await provider({}, waits).queryInstant({ query: 'up', time: new Date(0) });
    expect(r.ok).toBe(true);
    expect(waits).toEqual([100, 1000]);
  });

  it('reports the server error after retries run out', async () => {
    nock(BASE)
      .get('/api/v1/query')
      .times(3)
      .query(true)
      .reply(503, { status: 'error', errorType: 'timeout', error: 'query timed out in query execution' });
    const r = await provider().queryInstant({ query: 'slow', time: new Date(0) });
    expect(r).toEqual({
      ok: false,
      query: 'slow',
      reason: 'the query timed out on the server (HTTP 503, timeout): query timed out in query execution (query: slow)',
    });
  });

  it('gives up on a server that does not answer in time', async () => {
    // A server that never answers: only the provider's deadline ends the wait.
    const silent = ((_url: string, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const p = new PrometheusProvider(
      { url: BASE, timeoutSeconds: 0.05, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } },
      { fetch: silent, sleep: async () => {} },
    );
    const r = await p.queryInstant({ query: 'up', time: new Date(0) });
    expect(r).toEqual({
      ok: false,
      query: 'up',
      reason: `no answer within 50 ms after 2 attempts from ${BASE} (query: up)`,
    });
  });

  it('reports an HTML error page from a proxy', async () => {
    nock(BASE)
      .get('/api/v1/query')
      .query(true)
      .reply(200, '<html><head><title>Sign in</title></head></html>', { 'Content-Type': 'text/html' });
    const r = await provider().queryInstant({ query: 'up', time: new Date(0) });
    expect(r).toEqual({
      ok: false,
      query: 'up',
      reason: 'HTTP 200: the server sent an HTML page instead of JSON ("Sign in") (query: up)',
    });
  });

  it('reports a body cut short', async () => {
    nock(BASE)
      .get('/api/v1/query')
      .query(true)
      .reply(200, '{"status":"success","data":{"resultType":"vector","res', { 'Content-Type': 'application/json' });
    const r = await provider().queryInstant({ query: 'up', time: new Date(0) });
    expect(!r.ok && r.reason).toMatch(/^HTTP 200: the server sent malformed JSON .* \(query: up\)$/);
  });

  it('sends a long query as a POST form', async () => {
    const long = `sum(${Array.from({ length: 300 }, (_, i) => `rate(http_requests_total{pod="pod-${i}"}[5m])`).join(' + ')})`;
    nock(BASE)
      .post('/api/v1/query', (body: Record<string, string>) => body.query === long && body.time === '1700000000')
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, vector);
    const r = await provider().queryInstant({ query: long, time: new Date(1700000000_000) });
    expect(r.ok).toBe(true);
  });

  it('logs each retry at debug level without the query string', async () => {
    const logger = new RecordingLogger();
    nock(BASE)
      .get('/api/v1/query')
      .query(true)
      .reply(502, 'bad gateway')
      .get('/api/v1/query')
      .query(true)
      .reply(200, vector);
    const p = new PrometheusProvider(
      { url: BASE, retry: { retries: 2, baseDelayMs: 100, maxDelayMs: 1000 } },
      { fetch: globalThis.fetch, sleep: async () => {}, random: () => 1, logger },
    );
    await p.queryInstant({ query: 'secret_metric', time: new Date(0) });
    expect(logger.messages('debug')).toEqual([`HTTP 502 from ${BASE}/api/v1/query; retry 1 of 2 in 100 ms`]);
  });

  it('keeps the warnings of a partial response', async () => {
    nock(BASE)
      .get('/api/v1/query')
      .query((q) => q.partial_response === 'true')
      .reply(200, { ...vector, warnings: ['No StoreAPIs matched for this query'] });
    const r = await provider({ partialResponse: 'allow' }).queryInstant({ query: 'up', time: new Date(0) });
    expect(r.ok && r.warnings).toEqual(['No StoreAPIs matched for this query']);
  });
});
