import { describe, expect, it } from 'vitest';
import { DeadlineProvider, describeDeadline, formatDeadline } from '../../src/metrics/deadline.js';
import { exchange } from '../../src/metrics/http.js';
import type { InstantQuery, MetricsProvider, QueryResult } from '../../src/metrics/provider.js';

/** Answers queries named `fast…` at once and leaves every other one pending until its signal aborts (or forever, when `ignoreSignal`). */
function slowProvider(
  options: { ignoreSignal?: boolean } = {},
): MetricsProvider & { signals: (AbortSignal | undefined)[] } {
  const signals: (AbortSignal | undefined)[] = [];
  const answer = (q: { query: string; signal?: AbortSignal }): Promise<QueryResult> => {
    signals.push(q.signal);
    if (q.query.startsWith('fast'))
      return Promise.resolve({
        ok: true,
        query: q.query,
        series: [{ labels: {}, points: [{ t: 0, v: 1 }] }],
        warnings: [],
      });
    return new Promise((resolve) => {
      if (!options.ignoreSignal)
        q.signal?.addEventListener('abort', () => resolve({ ok: false, query: q.query, reason: 'aborted' }));
    });
  };
  return { type: 'slow', signals, queryInstant: answer, queryRange: answer };
}

const at = (query: string): InstantQuery => ({ query, time: new Date(0) });

describe('DeadlineProvider', () => {
  it('passes answers through before the deadline and cuts every pending and later query when it passes', async () => {
    const controller = new AbortController();
    const inner = slowProvider();
    const p = new DeadlineProvider(inner, 2000, controller.signal);
    expect(await p.queryInstant(at('fast_a'))).toMatchObject({ ok: true });
    const pending = p.queryInstant(at('slow_b'));
    controller.abort();
    expect(await pending).toEqual({
      ok: false,
      query: 'slow_b',
      reason: 'not measured: the metrics deadline of 2 s passed before an answer (query: slow_b)',
    });
    expect(await p.queryRange({ query: 'fast_c', start: new Date(0), end: new Date(1) })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('deadline of 2 s passed'),
    });
    // The later query was never sent.
    expect(inner.signals).toHaveLength(2);
    expect(inner.signals.every((s) => s?.aborted)).toBe(true);
    expect(p.report()).toEqual({ deadlineMs: 2000, passed: true, answered: 1, notMeasured: ['slow_b', 'fast_c'] });
    expect(describeDeadline(p.report())).toBe(
      'The metrics deadline of 2 s passed: 2 of 3 queries were not measured, so what depends on them counts as missing data.',
    );
  });

  it('does not wait for a provider that ignores the signal', async () => {
    const controller = new AbortController();
    const p = new DeadlineProvider(slowProvider({ ignoreSignal: true }), 1500, controller.signal);
    const pending = p.queryInstant(at('slow'));
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, reason: expect.stringContaining('deadline of 1.5 s passed') });
  });

  it('reports nothing when everything answered in time', async () => {
    const p = new DeadlineProvider(slowProvider(), 60_000);
    await p.queryInstant(at('fast'));
    expect(p.report()).toMatchObject({ passed: false, answered: 1, notMeasured: [] });
    expect(describeDeadline(p.report())).toBeUndefined();
  });

  it.each([
    [60_000, '1 min'],
    [90_000, '90 s'],
    [1_500, '1.5 s'],
    [120_000, '2 min'],
  ])('says %i ms as %s', (ms, text) => {
    expect(formatDeadline(ms)).toBe(text);
  });
});

describe('exchange under a deadline', () => {
  it('makes no retry once the deadline has passed, and says so', async () => {
    const controller = new AbortController();
    let calls = 0;
    const fetchFn = (async () => {
      calls++;
      controller.abort();
      return new Response('busy', { status: 503 });
    }) as typeof fetch;
    const waits: number[] = [];
    const r = await exchange(
      {
        url: 'http://m/q',
        timeoutMs: 30_000,
        retry: { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000 },
        signal: controller.signal,
      },
      { fetch: fetchFn, sleep: async (ms) => void waits.push(ms) },
    );
    expect(calls).toBe(1);
    expect(r).toMatchObject({
      ok: false,
      deadline: true,
      reason: 'the deadline for the metrics passed after 1 attempt (last: HTTP 503)',
    });
  });

  it('abandons the attempt in flight when the deadline passes', async () => {
    const controller = new AbortController();
    const fetchFn = ((_url: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
        controller.abort();
      })) as unknown as typeof fetch;
    const r = await exchange(
      {
        url: 'http://m/q',
        timeoutMs: 30_000,
        retry: { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000 },
        signal: controller.signal,
      },
      { fetch: fetchFn, sleep: async () => {} },
    );
    expect(r).toMatchObject({ ok: false, deadline: true, attempts: 1 });
  });
});
