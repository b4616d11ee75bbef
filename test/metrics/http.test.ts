import { describe, expect, it } from 'vitest';
import { backoffMs, exchange, retryAfterMs, type RetryPolicy } from '../../src/metrics/http.js';

const policy: RetryPolicy = { retries: 3, baseDelayMs: 100, maxDelayMs: 1_000 };

/** A fetch that answers from a script, one entry per call. */
function scripted(script: (Response | Error)[]) {
  const calls: string[] = [];
  const fetchFn = (async (url: string | URL | Request) => {
    calls.push(String(url));
    const next = script.shift();
    if (!next) throw new Error('unexpected extra call');
    if (next instanceof Error) throw next;
    return next;
  }) as typeof fetch;
  return { fetchFn, calls };
}

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('exchange', () => {
  it('retries 5xx and 429 with doubling waits, then returns the good answer', async () => {
    const { fetchFn, calls } = scripted([
      new Response('x', { status: 503 }),
      new Response('x', { status: 429 }),
      new Response('ok', { status: 200 }),
    ]);
    const { waits, sleep } = recorder();
    const r = await exchange(
      { url: 'http://m/q', timeoutMs: 1000, retry: policy },
      { fetch: fetchFn, sleep, random: () => 1 },
    );
    expect(r).toMatchObject({ ok: true, status: 200, body: 'ok', attempts: 3 });
    expect(calls).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('does not retry a 4xx other than 429', async () => {
    const { fetchFn, calls } = scripted([new Response('bad', { status: 400 })]);
    const { waits, sleep } = recorder();
    const r = await exchange({ url: 'http://m/q', timeoutMs: 1000, retry: policy }, { fetch: fetchFn, sleep });
    expect(r).toMatchObject({ ok: true, status: 400, attempts: 1 });
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('returns the last 5xx when retries run out, so its body can be read', async () => {
    const { fetchFn } = scripted([1, 2, 3, 4].map(() => new Response('{"status":"error"}', { status: 500 })));
    const { waits, sleep } = recorder();
    const r = await exchange(
      { url: 'http://m/q', timeoutMs: 1000, retry: policy },
      { fetch: fetchFn, sleep, random: () => 1 },
    );
    expect(r).toMatchObject({ ok: true, status: 500, body: '{"status":"error"}', attempts: 4 });
    expect(waits).toEqual([100, 200, 400]);
  });

  it('honours Retry-After, capped by the longest wait', async () => {
    const { fetchFn } = scripted([
      new Response('', { status: 429, headers: { 'retry-after': '0.5' } }),
      new Response('', { status: 429, headers: { 'retry-after': '120' } }),
      new Response('ok'),
    ]);
    const { waits, sleep } = recorder();
    await exchange({ url: 'http://m/q', timeoutMs: 1000, retry: policy }, { fetch: fetchFn, sleep, random: () => 1 });
    expect(waits).toEqual([500, 1_000]);
  });

  it('retries network failures and reports the last one', async () => {
    const refused = new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
    const { fetchFn } = scripted([refused, refused]);
    const { sleep } = recorder();
    const r = await exchange(
      { url: 'http://m/q', timeoutMs: 1000, retry: { ...policy, retries: 1 } },
      { fetch: fetchFn, sleep },
    );
    expect(r).toEqual({
      ok: false,
      reason: 'request failed: fetch failed: connect ECONNREFUSED 127.0.0.1:9 after 2 attempts',
      attempts: 2,
    });
  });

  it('says a timed-out attempt had no answer within the deadline', async () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    const { fetchFn } = scripted([timeout]);
    const r = await exchange(
      { url: 'http://m/q', timeoutMs: 250, retry: { ...policy, retries: 0 } },
      { fetch: fetchFn, sleep: recorder().sleep },
    );
    expect(r).toEqual({ ok: false, reason: 'no answer within 250 ms after 1 attempt', attempts: 1 });
  });
});

describe('backoffMs', () => {
  it.each([
    [0, 1, undefined, 100],
    [1, 1, undefined, 200],
    [1, 0, undefined, 100],
    [5, 1, undefined, 1_000],
    [0, 1, 700, 700],
    [0, 1, 5_000, 1_000],
  ])('retry %d, random %d, server %s: %d ms', (n, random, server, expected) => {
    expect(backoffMs(policy, n, () => random, server)).toBe(expected);
  });
});

describe('retryAfterMs', () => {
  it.each([
    ['3', 3000],
    ['Wed, 21 Oct 2015 07:28:10 GMT', 10_000],
    ['soon', undefined],
  ])('%s', (value, expected) => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(retryAfterMs(new Headers({ 'retry-after': value }), now)).toBe(expected);
  });
});
