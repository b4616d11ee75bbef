/**
 * A ratio metric's samples: its query (the events) and its denominator (the
 * requests) are asked for both sides over the same window and step, and
 * paired point by point on their timestamps, so that the judge divides each
 * interval's errors by that interval's requests.
 */
import { describe, expect, it } from 'vitest';
import { fetchCanarySamples, toRatioSamples } from '../../src/metrics/canary-samples.js';
import type { MetricSeries, QueryResult } from '../../src/metrics/provider.js';
import { ScriptedProvider, seriesAnswer } from './fake-provider.js';

const T0 = 1_700_000_000;
const window = { start: new Date(T0 * 1000), end: new Date((T0 + 600) * 1000) };
const queries = { canary: 'c', baseline: 'b', canaryDenominator: 'cd', baselineDenominator: 'bd' };
/** A series with a point a minute from `T0` (null: no point that minute). */
const s = (labels: Record<string, string>, values: (number | null)[]): MetricSeries => ({
  labels,
  points: values.flatMap((v, i) => (v === null ? [] : [{ t: T0 + 60 * i, v }])),
});
const ok = (query: string, ...series: MetricSeries[]): QueryResult => ({ ok: true, query, warnings: [], series });
const answers = (c: MetricSeries[], b: MetricSeries[], cd: MetricSeries[], bd: MetricSeries[]) => ({
  canary: ok('c', ...c),
  baseline: ok('b', ...b),
  canaryDenominator: ok('cd', ...cd),
  baselineDenominator: ok('bd', ...bd),
});

describe('toRatioSamples', () => {
  it('pairs each point with the requests of the same timestamp; a point one lacks keeps its place as NaN', () => {
    const r = toRatioSamples(
      answers([s({}, [1, null, 3, 4])], [s({}, [2, 2, 2])], [s({}, [100, 100, null, 0])], [s({}, [200, 200, 200])]),
      queries,
      window,
    );
    expect(r).toEqual({
      canary: [1, Number.NaN, 3, 4],
      canaryDenominator: [100, 100, Number.NaN, 0],
      baseline: [2, 2, 2],
      baselineDenominator: [200, 200, 200],
      queries,
      warnings: [
        'canary: 1 points with no requests (denominator 0), which have no ratio',
        'canary: 2 points with a numerator or a denominator and not both',
      ],
    });
  });

  it('pairs series on their labels, and a single series each whatever its labels', () => {
    const byCode = toRatioSamples(
      answers(
        [s({ code: '500' }, [5]), s({ code: '200' }, [2])],
        [s({ code: '200' }, [1]), s({ code: '500' }, [3])],
        [s({ code: '500' }, [50]), s({ code: '200' }, [20])],
        [s({ code: '500' }, [30]), s({ code: '200' }, [10])],
      ),
      queries,
      window,
    );
    expect(byCode).toMatchObject({
      canary: [2, 5],
      canaryDenominator: [20, 50],
      baseline: [1, 3],
      baselineDenominator: [10, 30],
    });
    const single = toRatioSamples(
      answers([s({ code: '5xx' }, [5])], [s({ code: '5xx' }, [3])], [s({}, [50])], [s({}, [30])]),
      queries,
      window,
    );
    expect(single).toMatchObject({ canary: [5], canaryDenominator: [50], baseline: [3], baselineDenominator: [30] });
  });

  it.each([
    [
      'series that do not pair',
      answers(
        [s({ code: '500' }, [5]), s({ code: '503' }, [2])],
        [s({ code: '500' }, [5]), s({ code: '503' }, [2])],
        [s({}, [50])],
        [s({}, [50])],
      ),
      `the canary's numerator and denominator series do not pair: the numerator has {code="500"} {code="503"}, the denominator has {} (queries: c | cd)`,
    ],
    [
      'a denominator query that failed',
      {
        ...answers([s({}, [1])], [s({}, [1])], [], [s({}, [1])]),
        canaryDenominator: { ok: false, query: 'cd', reason: 'HTTP 503' },
      },
      'denominator: canary: HTTP 503',
    ],
    [
      'a denominator query with no series',
      answers([s({}, [1])], [s({}, [1])], [s({}, [1])], []),
      'denominator: baseline: the query returned no series (query: bd)',
    ],
    [
      'a numerator query that failed',
      {
        ...answers([], [s({}, [1])], [s({}, [1])], [s({}, [1])]),
        canary: { ok: false, query: 'c', reason: 'timeout' },
      },
      'canary: timeout',
    ],
  ] as const)('is no data, with the reason, for %s', (_name, given, reason) => {
    expect(toRatioSamples(given as never, queries, window)).toEqual({ noData: reason, queries });
  });
});

describe('fetchCanarySamples with a denominator', () => {
  it('asks the query and the denominator for both sides over the same window and step', async () => {
    const provider = new ScriptedProvider((q) =>
      seriesAnswer(q, q.startsWith('requests') ? [100, 200] : q.includes('v2') ? [3, 4] : [1, 2], {}, T0),
    );
    const r = await fetchCanarySamples(
      {
        metrics: [{ name: 'error-rate', query: 'errors{v="{{version}}"}', denominator: 'requests{v="{{version}}"}' }],
        canary: { version: 'v2' },
        baseline: { version: 'v1' },
        ...window,
        minPoints: 10,
      },
      provider,
    );
    expect(r).toEqual({
      'error-rate': {
        canary: [3, 4],
        baseline: [1, 2],
        canaryDenominator: [100, 200],
        baselineDenominator: [100, 200],
        queries: {
          canary: 'errors{v="v2"}',
          baseline: 'errors{v="v1"}',
          canaryDenominator: 'requests{v="v2"}',
          baselineDenominator: 'requests{v="v1"}',
        },
        warnings: [],
      },
    });
    expect(provider.calls.map((c) => c.query).sort()).toEqual([
      'errors{v="v1"}',
      'errors{v="v2"}',
      'requests{v="v1"}',
      'requests{v="v2"}',
    ]);
    expect(
      provider.calls.every(
        (c) => 'start' in c && c.start === window.start && c.end === window.end && c.minPoints === 10,
      ),
    ).toBe(true);
  });

  it('refuses a denominator template with an unknown variable before asking anything', async () => {
    const provider = new ScriptedProvider((q) => seriesAnswer(q, [1]));
    await expect(
      fetchCanarySamples(
        {
          metrics: [{ name: 'error-rate', query: 'errors', denominator: 'requests{v="{{verison}}"}' }],
          canary: { version: 'v2' },
          baseline: { version: 'v1' },
          ...window,
        },
        provider,
      ),
    ).rejects.toThrow('unknown query variable {{verison}}');
    expect(provider.calls).toEqual([]);
  });
});
