import { describe, expect, it } from 'vitest';
import { fetchCanarySamples, toSamples } from '../../src/metrics/canary-samples.js';
import type { MetricSeries, MetricsProviders, QueryResult } from '../../src/metrics/provider.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { ScriptedProvider, seriesAnswer } from './fake-provider.js';

const T0 = 1_700_000_000;
const window = { start: new Date(T0 * 1000), end: new Date((T0 + 600) * 1000) };
const queries = { canary: 'c', baseline: 'b' };
const s = (labels: Record<string, string>, values: number[], t0 = T0): MetricSeries => ({
  labels,
  points: values.map((v, i) => ({ t: t0 + 60 * i, v })),
});
const ok = (query: string, ...series: MetricSeries[]): QueryResult => ({ ok: true, query, warnings: [], series });

describe('toSamples', () => {
  it.each([
    [
      'one series each',
      ok('c', s({ role: 'canary' }, [1, 2])),
      ok('b', s({ role: 'baseline' }, [3])),
      { canary: [1, 2], baseline: [3] },
    ],
    [
      'several series matched on their labels, in label order',
      ok('c', s({ code: '500' }, [5]), s({ code: '200' }, [2])),
      ok('b', s({ code: '200' }, [20]), s({ code: '500' }, [50])),
      { canary: [2, 5], baseline: [20, 50] },
    ],
    [
      'labels that may differ between the sides',
      ok('c', s({ code: '200', version: 'v2', pod: 'a' }, [1]), s({ code: '500', version: 'v2', pod: 'a' }, [2])),
      ok('b', s({ code: '200', version: 'v1', pod: 'b' }, [3]), s({ code: '500', version: 'v1', pod: 'b' }, [4])),
      { canary: [1, 2], baseline: [3, 4] },
    ],
    [
      'points outside the window left out',
      ok('c', s({}, [1, 2], T0 - 60)),
      ok('b', s({}, [3])),
      { canary: [2], baseline: [3] },
    ],
  ])('%s', (_name, canary, baseline, expected) => {
    expect(toSamples(canary, baseline, queries, window)).toMatchObject(expected);
  });

  it('keeps NaN and ±Inf for the judge to count and hold on, and says how many', () => {
    // Left out, the +Inf of a latency past the top bucket would leave only the canary's healthy points.
    const r = toSamples(ok('c', s({}, [1, NaN, Infinity])), ok('b', s({}, [2, -Infinity])), queries, window);
    expect(r).toEqual({
      canary: [1, NaN, Infinity],
      baseline: [2, -Infinity],
      queries,
      warnings: ['canary: 2 NaN or infinite values', 'baseline: 1 NaN or infinite values'],
    });
  });

  it('keeps only NaN on a side too: the judge says it has 0 of the points it needs', () => {
    expect(toSamples(ok('c', s({}, [NaN, NaN])), ok('b', s({}, [1])), queries, window)).toMatchObject({
      canary: [NaN, NaN],
      baseline: [1],
    });
  });

  it.each([
    [
      'a failed canary query',
      { ok: false, query: 'c', reason: 'HTTP 500 (query: c)' } as QueryResult,
      ok('b', s({}, [1])),
      'canary: HTTP 500 (query: c)',
    ],
    [
      'a failed baseline query',
      ok('c', s({}, [1])),
      { ok: false, query: 'b', reason: 'timeout (query: b)' } as QueryResult,
      'baseline: timeout (query: b)',
    ],
    ['an empty canary result', ok('c'), ok('b', s({}, [1])), 'canary: the query returned no series (query: c)'],
    [
      'a series with no points in the window',
      ok('c', s({ pod: 'x' }, [1], T0 + 3600)),
      ok('b', s({}, [1])),
      `canary: the series {pod="x"} has no points between ${window.start.toISOString()} and ${window.end.toISOString()} (query: c)`,
    ],
    [
      'mismatched labels',
      ok('c', s({ code: '500' }, [1]), s({ code: '200' }, [1])),
      ok('b', s({ code: '503' }, [1]), s({ code: '200' }, [1])),
      'the canary\'s and the baseline\'s series do not match: canary has {code="200"} {code="500"}, baseline has {code="200"} {code="503"} (queries: c | b)',
    ],
    [
      'one series each, about different things',
      ok('c', s({ code: '500', role: 'canary' }, [1])),
      ok('b', s({ code: '503', role: 'baseline' }, [1])),
      'the canary\'s and the baseline\'s series do not match: canary has {code="500"}, baseline has {code="503"} (queries: c | b)',
    ],
  ])('%s is no data with the reason', (_name, canary, baseline, reason) => {
    expect(toSamples(canary, baseline, queries, window)).toEqual({ noData: reason, queries });
  });
});

describe('fetchCanarySamples', () => {
  const metrics = [
    { name: 'latency', query: 'lat{service="{{service}}",role="{{role}}",v="{{version}}"}[{{window}}]' },
    { name: 'errors', query: 'err{role="{{role}}"}' },
  ];
  const scopes = {
    canary: { service: 'checkout', version: 'v2', window: '5m' },
    baseline: { service: 'checkout', version: 'v1', window: '5m' },
  };

  it('fills each template for both sides and returns both sample arrays per metric', async () => {
    const provider = new ScriptedProvider((q) => {
      if (q.startsWith('err{role="canary"'))
        return { ok: false, query: q, reason: `the query returned no series (query: ${q})` };
      return seriesAnswer(q, q.includes('canary') ? [0.15, 0.16] : [0.1, 0.11], {}, T0);
    });
    const r = await fetchCanarySamples({ metrics, ...scopes, ...window, stepSeconds: 60 }, provider);
    expect(r).toEqual({
      latency: {
        canary: [0.15, 0.16],
        baseline: [0.1, 0.11],
        queries: {
          canary: 'lat{service="checkout",role="canary",v="v2"}[5m]',
          baseline: 'lat{service="checkout",role="baseline",v="v1"}[5m]',
        },
        warnings: [],
      },
      errors: {
        noData: 'canary: the query returned no series (query: err{role="canary"})',
        queries: { canary: 'err{role="canary"}', baseline: 'err{role="baseline"}' },
      },
    });
    expect(
      provider.calls.every(
        (c) => 'start' in c && c.start === window.start && c.end === window.end && c.stepSeconds === 60,
      ),
    ).toBe(true);
  });

  it('sends nothing when a template names a variable the scope lacks', async () => {
    const provider = new ScriptedProvider((q) => seriesAnswer(q, [1]));
    const bad = [
      {
        name: 'latency',
        query: 'lat{region="{{region}}"}',
        location: { file: 'policy.yml', line: 12, field: 'canary.metrics[0].query' },
      },
    ];
    await expect(fetchCanarySamples({ metrics: bad, ...scopes, ...window }, provider)).rejects.toThrow(
      'policy.yml:12: canary.metrics[0].query: query variable {{region}} has no value in this scope',
    );
    expect(provider.calls).toEqual([]);
  });

  it("uses each metric's named provider, or the only one configured", async () => {
    const prom = new ScriptedProvider((q) => seriesAnswer(q, [1], {}, T0));
    const dd = new ScriptedProvider((q) => seriesAnswer(q, [2], {}, T0));
    const both: MetricsProviders = { get: (n) => (n === 'dd' ? dd : prom), names: () => ['prom', 'dd'] };
    const r = await fetchCanarySamples(
      { metrics: [{ name: 'm', query: 'x{r="{{role}}"}', provider: 'dd' }], ...scopes, ...window },
      both,
    );
    expect(r.m).toMatchObject({ canary: [2], baseline: [2] });
    expect(prom.calls).toEqual([]);
    await expect(
      fetchCanarySamples({ metrics: [{ name: 'm', query: 'x' }], ...scopes, ...window }, both),
    ).rejects.toThrow(ConfigurationError);
    const one: MetricsProviders = { get: () => prom, names: () => ['prom'] };
    expect(
      (await fetchCanarySamples({ metrics: [{ name: 'm', query: 'x' }], ...scopes, ...window }, one)).m,
    ).toMatchObject({ canary: [1] });
  });
});
