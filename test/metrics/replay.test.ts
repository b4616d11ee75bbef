import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRecording, serializeRecording } from '../../src/metrics/recording.js';
import { recordQueries, ReplayProvider } from '../../src/metrics/replay.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { ScriptedProvider, seriesAnswer } from './fake-provider.js';

const FIXTURE = 'test/fixtures/metrics/checkout-release.json';
const T0 = 1_700_000_000;
const at = (s: number) => new Date(s * 1000);

async function recorded() {
  const live = new ScriptedProvider((q) =>
    q === 'broken'
      ? { ok: false, query: q, reason: 'the server answered HTTP 500 (query: broken)' }
      : seriesAnswer(q, [1, NaN, Infinity, -Infinity, 5], { q }, T0),
  );
  const rec = await recordQueries(live, {
    queries: ['a', 'b', 'a', 'broken'],
    start: at(T0),
    end: at(T0 + 240),
    stepSeconds: 60,
    source: { name: 'prod', type: 'prometheus' },
    recordedAt: new Date('2026-01-01T00:00:00Z'),
  });
  return { live, rec };
}

describe('record and replay', () => {
  it('asks each distinct query once over the range', async () => {
    const { live, rec } = await recorded();
    expect(live.calls).toEqual(
      ['a', 'b', 'broken'].map((query) => ({ query, start: at(T0), end: at(T0 + 240), stepSeconds: 60 })),
    );
    expect(rec.entries).toHaveLength(3);
  });

  it('survives the file: NaN and ±Inf included', async () => {
    const { rec } = await recorded();
    const text = serializeRecording(rec);
    expect(text).toContain('"NaN"');
    expect(text).toContain('"+Inf"');
    expect(parseRecording(text, 'r.json')).toEqual(rec);
  });

  it('answers the same range query as the live provider did', async () => {
    const { rec } = await recorded();
    const replay = new ReplayProvider(parseRecording(serializeRecording(rec), 'r.json'), 'r.json');
    const r = await replay.queryRange({ query: 'a', start: at(T0), end: at(T0 + 240), stepSeconds: 60 });
    // with the step it was recorded at: the resolution of the points
    expect(r).toEqual({
      ...seriesAnswer('a', [1, NaN, Infinity, -Infinity, 5], { q: 'a' }, T0),
      stepSeconds: rec.entries[0]!.stepSeconds,
    });
  });

  it('answers a window inside the recorded range with the points in it', async () => {
    const { rec } = await recorded();
    const r = await new ReplayProvider(rec, 'r.json').queryRange({ query: 'b', start: at(T0 + 60), end: at(T0 + 120) });
    expect(r.ok && r.series[0]?.points).toEqual([
      { t: T0 + 60, v: NaN },
      { t: T0 + 120, v: Infinity },
    ]);
  });

  it('answers an instant query with the last point at or before it', async () => {
    const { rec } = await recorded();
    const r = await new ReplayProvider(rec, 'r.json').queryInstant({ query: 'a', time: at(T0 + 200) });
    expect(r.ok && r.series[0]?.points).toEqual([{ t: T0 + 180, v: -Infinity }]);
  });

  it.each([
    [
      'a query that was not recorded',
      { query: 'c', start: at(T0), end: at(T0 + 60) },
      'the query is not in the recording r.json (query: c)',
    ],
    [
      'a window the recording does not cover',
      { query: 'a', start: at(T0 - 60), end: at(T0 + 60) },
      `the recording r.json holds this query only for ${at(T0).toISOString()}..${at(T0 + 240).toISOString()}, which does not cover ${at(T0 - 60).toISOString()}..${at(T0 + 60).toISOString()} (query: a)`,
    ],
    [
      'a query that failed when recorded',
      { query: 'broken', start: at(T0), end: at(T0 + 60) },
      'when recorded: the server answered HTTP 500 (query: broken)',
    ],
    [
      'a window between points',
      { query: 'a', start: at(T0 + 10), end: at(T0 + 50) },
      `the recording has no points between ${at(T0 + 10).toISOString()} and ${at(T0 + 50).toISOString()} (query: a)`,
    ],
  ])('gives no data with the reason for %s', async (_name, q, reason) => {
    const { rec } = await recorded();
    expect(await new ReplayProvider(rec, 'r.json').queryRange(q)).toEqual({ ok: false, query: q.query, reason });
  });

  it('answers from the shipped example recording', async () => {
    const rec = parseRecording(readFileSync(FIXTURE, 'utf8'), FIXTURE);
    const replay = new ReplayProvider(rec, FIXTURE);
    const q = rec.entries[0]?.query ?? '';
    const r = await replay.queryRange({
      query: q,
      start: new Date('2026-03-02T10:00:00Z'),
      end: new Date('2026-03-02T10:05:00Z'),
    });
    expect(r.ok && r.series[0]?.points.map((p) => p.v)).toEqual([0.31, 0.29, NaN, 0.33, Infinity, 0.3]);
  });

  it.each([
    ['not JSON', '{', /^r.json: not a JSON recording/],
    [
      'another format',
      JSON.stringify({
        format: 'x',
        version: 1,
        recordedAt: '2026-01-01T00:00:00Z',
        source: { name: 'a', type: 'b' },
        entries: [],
      }),
      /^r.json: format: /,
    ],
    [
      'a bad entry',
      JSON.stringify({
        format: 'bellwether-metrics-recording',
        version: 1,
        recordedAt: '2026-01-01T00:00:00Z',
        source: { name: 'a', type: 'b' },
        entries: [
          { query: 'q', ok: true, start: 'yesterday', end: '2026-01-01T00:00:00Z', stepSeconds: 60, series: [] },
        ],
      }),
      /^r.json: entries.0.start: /,
    ],
  ])('refuses a file that is %s', (_name, text, message) => {
    expect(() => parseRecording(text, 'r.json')).toThrow(ConfigurationError);
    expect(() => parseRecording(text, 'r.json')).toThrow(message);
  });
});
