import { describe, expect, it } from 'vitest';
import { Limiter, RunScopedProvider } from '../../src/metrics/concurrency.js';
import { ScriptedProvider, seriesAnswer } from './fake-provider.js';

/** Lets every pending task run a few turns, so that overlap would show. */
const turns = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('RunScopedProvider', () => {
  it.each([1, 3, 8])('never has more than %d queries in flight', async (limit) => {
    const inner = new ScriptedProvider((q) => seriesAnswer(q, [1]), turns);
    const p = new RunScopedProvider(inner, { concurrency: limit });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => p.queryInstant({ query: `q${i}`, time: new Date(0) })),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(inner.maxInFlight).toBe(limit);
    expect(p.stats()).toEqual({ sent: 20, cacheHits: 0 });
  });

  it('sends an identical query once per run, in flight or done', async () => {
    const inner = new ScriptedProvider((q) => seriesAnswer(q, [1]), turns);
    const p = new RunScopedProvider(inner, { concurrency: 2 });
    const q = { query: 'x', start: new Date(0), end: new Date(60_000), stepSeconds: 60 };
    const [a, b] = await Promise.all([p.queryRange(q), p.queryRange({ ...q })]);
    const c = await p.queryRange({ ...q, start: new Date(0) });
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(inner.calls).toHaveLength(1);
    expect(p.stats()).toEqual({ sent: 1, cacheHits: 2 });
  });

  it.each([
    ['another window', { end: new Date(120_000) }],
    ['another step', { stepSeconds: 30 }],
    ['another query', { query: 'y' }],
  ])('asks again for %s', async (_name, change) => {
    const inner = new ScriptedProvider((q) => seriesAnswer(q, [1]));
    const p = new RunScopedProvider(inner, { concurrency: 2 });
    const q = { query: 'x', start: new Date(0), end: new Date(60_000), stepSeconds: 60 };
    await p.queryRange(q);
    await p.queryRange({ ...q, ...change });
    expect(inner.calls).toHaveLength(2);
  });

  it('keeps instant and range queries of the same text apart', async () => {
    const inner = new ScriptedProvider((q) => seriesAnswer(q, [1]));
    const p = new RunScopedProvider(inner, { concurrency: 2 });
    await p.queryInstant({ query: 'x', time: new Date(0) });
    await p.queryRange({ query: 'x', start: new Date(0), end: new Date(0) });
    expect(inner.calls).toHaveLength(2);
  });

  it('can run without the cache', async () => {
    const inner = new ScriptedProvider((q) => seriesAnswer(q, [1]));
    const p = new RunScopedProvider(inner, { concurrency: 1, cache: false });
    await p.queryInstant({ query: 'x', time: new Date(0) });
    await p.queryInstant({ query: 'x', time: new Date(0) });
    expect(inner.calls).toHaveLength(2);
  });

  it('turns a provider that throws into no data, never a pass', async () => {
    const inner = new ScriptedProvider(() => {
      throw new Error('socket hang up');
    });
    const r = await new RunScopedProvider(inner, { concurrency: 1 }).queryInstant({ query: 'x', time: new Date(0) });
    expect(r).toEqual({ ok: false, query: 'x', reason: 'the scripted provider failed: socket hang up (query: x)' });
  });
});

describe('Limiter', () => {
  it.each([0, -1, 1.5, NaN])('refuses a limit of %d', (limit) => {
    expect(() => new Limiter(limit)).toThrow(RangeError);
  });
  it('hands a finished slot to the waiter, not to a newcomer', async () => {
    // Newcomers arrive at every microtask depth around the moment a slot
    // frees up; none of them may slip in beside the waiter it belongs to.
    const l = new Limiter(1);
    let active = 0;
    let max = 0;
    const task = (until: Promise<void>) => async () => {
      active++;
      max = Math.max(max, active);
      await until;
      active--;
    };
    let releaseA = () => {};
    const a = l.run(task(new Promise<void>((r) => (releaseA = r))));
    const b = l.run(task(turns()));
    const later: Promise<void>[] = [];
    for (let depth = 0; depth < 12; depth++) {
      let p = Promise.resolve();
      for (let i = 0; i < depth; i++) p = p.then(() => {});
      later.push(p.then(() => l.run(task(turns()))));
    }
    releaseA();
    await Promise.all([a, b, ...later]);
    expect(max).toBe(1);
  });

  it('runs the next task when one fails', async () => {
    const l = new Limiter(1);
    const failed = l.run(async () => {
      throw new Error('boom');
    });
    const next = l.run(async () => 'ran');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
