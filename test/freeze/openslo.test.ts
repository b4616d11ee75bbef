import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { windowQuery } from '../../src/freeze/promql-window.js';
import { loadSlos, parseOpenSloText, renderWindow, resolveSlos, splitDocuments } from '../../src/freeze/openslo.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { nodeFiles } from '../../src/runtime/files.js';
import { memoryFiles } from '../helpers/memory-files.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/freeze');

/** An SLO document with one part replaced, for the error cases. */
function slo(
  overrides: {
    indicator?: string;
    timeWindow?: string;
    budgetingMethod?: string;
    objectives?: string;
    apiVersion?: string;
  } = {},
): string {
  return `apiVersion: ${overrides.apiVersion ?? 'openslo/v1'}
kind: SLO
metadata:
  name: api
spec:
${
  overrides.indicator ??
  `  indicator:
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(errors_total[{{.window}}]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(requests_total[{{.window}}]))`
}
  timeWindow:
${
  overrides.timeWindow ??
  `    - duration: 30d
      isRolling: true`
}
  budgetingMethod: ${overrides.budgetingMethod ?? 'Occurrences'}
  objectives:
${overrides.objectives ?? '    - target: 0.999'}
`;
}

function failure(text: string, file = 'slo.yaml'): ConfigurationError {
  try {
    resolveSlos([{ file, contents: parseOpenSloText(text, file) }], windowQuery);
  } catch (err) {
    if (err instanceof ConfigurationError) return err;
    throw err;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseOpenSloText', () => {
  it('reads an inline ratio indicator with an exact target', () => {
    const [def] = resolveSlos([{ file: 'slo.yaml', contents: parseOpenSloText(slo(), 'slo.yaml') }], windowQuery);
    expect(def?.name).toBe('api');
    expect(def?.target.toString()).toBe('999/1000');
    expect(def?.window).toEqual({ kind: 'rolling', ms: 30 * 86_400_000, text: '30d' });
    expect(def?.indicator?.errorQuery).toEqual({
      kind: 'bad',
      template: 'sum(rate(errors_total[{{.window}}]))',
      at: { file: 'slo.yaml', line: 14 },
    });
    expect(def?.indicator?.totalQuery.at).toEqual({ file: 'slo.yaml', line: 19 });
  });

  it.each([
    ['targetPercent: 99.9', '999/1000'],
    ['targetPercent: 90', '9/10'],
    ['target: "0.9995"', '1999/2000'],
    ['targetPercent: 99.99', '9999/10000'],
  ])('reads %s as %s', (objective, expected) => {
    const [def] = resolveSlos(
      [{ file: 'slo.yaml', contents: parseOpenSloText(slo({ objectives: `    - ${objective}` }), 'slo.yaml') }],
      windowQuery,
    );
    expect(def?.target.toString()).toBe(expected);
  });

  it.each([
    [
      'an unknown budgeting method',
      { budgetingMethod: 'Events' },
      'slo.yaml:23: spec.budgetingMethod: expected one of "Occurrences", "Timeslices" or "RatioTimeslices", got "Events"',
    ],
    [
      'time slices without their window',
      { budgetingMethod: 'Timeslices' },
      'slo.yaml:25: spec.objectives[0].timeSliceTarget: missing required field for budgetingMethod Timeslices',
    ],
    [
      'a threshold metric without op',
      {
        indicator:
          '  indicator:\n    spec:\n      thresholdMetric:\n        metricSource: {type: Prometheus, spec: {query: x}}',
      },
      'slo.yaml:15: spec.objectives[0].op: missing required field for a thresholdMetric',
    ],
    [
      'an unknown field',
      { objectives: '    - target: 0.99\n      weight: 2' },
      'slo.yaml:26: spec.objectives[0].weight: unknown key "weight"',
    ],
    [
      'a target of 1',
      { objectives: '    - target: 1' },
      'slo.yaml:25: spec.objectives[0].target: expected a number greater than 0 and less than 1, such as 0.999, got 1',
    ],
    [
      'a percent as a fraction',
      { objectives: '    - targetPercent: 100' },
      'slo.yaml:25: spec.objectives[0].targetPercent: expected a number greater than 0 and less than 100',
    ],
    [
      'both targets',
      { objectives: '    - target: 0.9\n      targetPercent: 90' },
      'slo.yaml:26: spec.objectives[0].targetPercent: give either target or targetPercent, not both',
    ],
    [
      'no target',
      { objectives: '    - displayName: x' },
      'slo.yaml:25: spec.objectives[0].target: missing required field; give target (0.999) or targetPercent (99.9)',
    ],
    [
      'a calendar window without a calendar',
      { timeWindow: '    - duration: 1M\n      isRolling: false' },
      'slo.yaml:21: spec.timeWindow[0].calendar: missing required field for a calendar window',
    ],
    [
      'a bad start time',
      {
        timeWindow:
          '    - duration: 1M\n      calendar:\n        startTime: "2026-02-30 00:00:00"\n        timeZone: UTC',
      },
      'slo.yaml:23: spec.timeWindow[0].calendar.startTime: expected a time "YYYY-MM-DD HH:MM:SS"',
    ],
    [
      'an unknown time zone',
      {
        timeWindow:
          '    - duration: 1M\n      calendar:\n        startTime: "2026-01-01 00:00:00"\n        timeZone: Europe/Pariss',
      },
      'slo.yaml:24: spec.timeWindow[0].calendar.timeZone: expected an IANA time zone',
    ],
    [
      'an older OpenSLO version',
      { apiVersion: 'openslo/v1alpha' },
      'slo.yaml:1: apiVersion: expected "openslo/v1" (the OpenSLO version Bellwether reads), got "openslo/v1alpha"',
    ],
    [
      'good and bad',
      {
        indicator:
          '  indicator:\n    spec:\n      ratioMetric:\n        good: {metricSource: {type: Prometheus, spec: {query: "x{{.window}}"}}}\n        bad: {metricSource: {type: Prometheus, spec: {query: "x{{.window}}"}}}\n        total: {metricSource: {type: Prometheus, spec: {query: "y{{.window}}"}}}',
      },
      'slo.yaml:10: spec.indicator.spec.ratioMetric.bad: give either good or bad, not both',
    ],
    [
      'no total',
      {
        indicator:
          '  indicator:\n    spec:\n      ratioMetric:\n        good: {metricSource: {type: Prometheus, spec: {query: "x{{.window}}"}}}',
      },
      'slo.yaml:9: spec.indicator.spec.ratioMetric.total: missing required field',
    ],
    [
      'another placeholder',
      {
        indicator:
          '  indicator:\n    spec:\n      ratioMetric:\n        good: {metricSource: {type: Prometheus, spec: {query: "x{job=\\"{{.service}}\\"}[{{.window}}]"}}}\n        total: {metricSource: {type: Prometheus, spec: {query: "y[{{.window}}]"}}}',
      },
      'slo.yaml:9: spec.indicator.spec.ratioMetric.good.metricSource.spec.query: unknown placeholder {{.service}}; the only placeholder is {{.window}}',
    ],
    [
      'a missing SLI',
      { indicator: '  indicatorRef: nowhere' },
      'slo.yaml:6: spec.indicatorRef: no SLI named "nowhere" in the files given',
    ],
  ] as const)('refuses %s with file, line and field', (_name, overrides, message) => {
    expect(failure(slo(overrides)).message).toContain(message);
  });

  it('reports every problem of a file at once, sorted by line', () => {
    const err = failure(slo({ budgetingMethod: 'Events', objectives: '    - target: 2' }));
    expect(err.problems.map((p) => p.location.line)).toEqual([23, 25]);
  });

  it('keeps line numbers in the second document of a file', () => {
    const text = `${slo()}---\n# second\n${slo({ budgetingMethod: 'Events' }).replace('name: api', 'name: api2')}`;
    expect(failure(text).message).toMatch(/^slo\.yaml:50: spec\.budgetingMethod: /);
  });

  it.each([
    [
      'Timeslices',
      {
        budgetingMethod: 'Timeslices',
        objectives: '    - target: 0.99\n      timeSliceTarget: 0.95\n      timeSliceWindow: 1m',
      },
      23,
      'budgetingMethod Timeslices is not computed by Bellwether yet',
    ],
    [
      'RatioTimeslices',
      { budgetingMethod: 'RatioTimeslices', objectives: '    - target: 0.99\n      timeSliceWindow: 5m' },
      23,
      'budgetingMethod RatioTimeslices is not computed by Bellwether yet',
    ],
    [
      'a threshold metric',
      {
        indicator:
          '  indicator:\n    spec:\n      thresholdMetric:\n        metricSource: {type: Prometheus, spec: {query: x}}',
        objectives: '    - target: 0.99\n      op: lt\n      value: 0.3',
      },
      9,
      'a thresholdMetric (a value compared with each objective) is not computed by Bellwether yet',
    ],
    [
      'two objectives',
      { objectives: '    - target: 0.9\n    - target: 0.99' },
      26,
      'the SLO has 2 objectives and Bellwether evaluates one objective per SLO',
    ],
    [
      'a rolling window in months',
      { timeWindow: '    - duration: 1M\n      isRolling: true' },
      21,
      'a rolling window of 1M is not a fixed length',
    ],
    ['no time window', { timeWindow: '    []' }, 5, ''],
    [
      'a Datadog source',
      {
        indicator:
          '  indicator:\n    spec:\n      ratioMetric:\n        counter: true\n        good: {metricSource: {type: Datadog, spec: {query: "sum:trace.hits{*}.as_count()"}}}\n        total: {metricSource: {type: Prometheus, spec: {query: "y[{{.window}}]"}}}',
      },
      10,
      'the good metric reads "Datadog", which Bellwether cannot query (it queries Prometheus)',
    ],
    [
      'a fixed range without the window',
      {
        indicator:
          '  indicator:\n    spec:\n      ratioMetric:\n        good: {metricSource: {type: Prometheus, spec: {query: "sum(rate(good[5m]))"}}}\n        total: {metricSource: {type: Prometheus, spec: {query: "y[{{.window}}]"}}}',
      },
      9,
      'the query reads a fixed range (good[5m]) and has no {{.window}} placeholder',
    ],
    [
      'a counter query without counter',
      {
        indicator:
          '  indicator:\n    spec:\n      ratioMetric:\n        good: {metricSource: {type: Prometheus, spec: {query: "sum(good)"}}}\n        total: {metricSource: {type: Prometheus, spec: {query: "y[{{.window}}]"}}}',
      },
      9,
      'does not say whether it reads counters; set counter: true',
    ],
  ] as const)('loads an SLO with %s and says why Bellwether cannot compute it', (name, overrides, line, reason) => {
    const text =
      name === 'no time window'
        ? slo().replace('  timeWindow:\n    - duration: 30d\n      isRolling: true\n', '')
        : slo(overrides);
    const [def] = resolveSlos([{ file: 'slo.yaml', contents: parseOpenSloText(text, 'slo.yaml') }], windowQuery);
    expect(def?.indicator).toBeUndefined();
    expect(def?.unsupported?.reason).toContain(
      name === 'no time window' ? 'the SLO has no timeWindow, so it has no error budget period to count' : reason,
    );
    if (name !== 'no time window') expect(def?.unsupported?.at).toEqual({ file: 'slo.yaml', line });
  });

  it('skips OpenSLO kinds that do not change a budget', () => {
    const text = `apiVersion: openslo/v1\nkind: Service\nmetadata: {name: api}\nspec: {}\n---\n${slo()}`;
    expect(resolveSlos([{ file: 'x', contents: parseOpenSloText(text, 'x') }], windowQuery).map((s) => s.name)).toEqual(
      ['api'],
    );
  });

  it('refuses two SLOs with the same name', () => {
    expect(failure(`${slo()}---\n${slo()}`).message).toContain('a second SLO named "api"');
  });
});

describe('splitDocuments', () => {
  it('pads each document so that its lines keep their numbers', () => {
    const docs = splitDocuments('a: 1\n---\n# only a comment\n---\nb: 2\n');
    expect(docs.map((d) => d.firstLine)).toEqual([1, 5]);
    expect(docs[1]?.text.split('\n')[4]).toBe('b: 2');
  });
});

describe('renderWindow', () => {
  it('fills every {{.window}}, spaced or not', () => {
    expect(renderWindow('a[{{.window}}] / b[{{ .window }}]', '5m')).toBe('a[5m] / b[5m]');
  });
});

describe('loadSlos', () => {
  it('reads a directory, resolving indicatorRef across files', async () => {
    const slos = await loadSlos(FIXTURES, nodeFiles);
    const byName = Object.fromEntries(slos.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual([
      'checkout-availability',
      'search-availability-monthly',
      'search-latency',
    ]);
    const latency = byName['search-latency'];
    expect(latency?.target.toString()).toBe('9/10');
    expect(latency?.window).toMatchObject({ kind: 'rolling', ms: 28 * 86_400_000 });
    expect(latency?.indicator?.errorQuery.kind).toBe('good');
    expect(latency?.indicator?.errorQuery.at.file).toBe(path.join(FIXTURES, 'search-slis.yaml'));
    expect(byName['search-availability-monthly']?.window).toMatchObject({
      kind: 'calendar',
      unit: 'M',
      count: 1,
      timeZone: 'Europe/Paris',
    });
  });

  it('reads through the files it is given: a folder held in memory reads as the one on disk', async () => {
    const names = (await readdir(FIXTURES)).filter((n) => /\.ya?ml$/.test(n));
    const held: Record<string, string> = {};
    for (const name of names) held[`/slos/${name}`] = await readFile(path.join(FIXTURES, name), 'utf8');
    const files = memoryFiles(held);
    const fromMemory = await loadSlos('/slos', files);
    const fromDisk = await loadSlos(FIXTURES, nodeFiles);
    expect(fromMemory.map((s) => s.name)).toEqual(fromDisk.map((s) => s.name));
    expect(files.reads).toEqual(names.sort().map((n) => `/slos/${n}`));
  });

  it('names a file that does not exist', async () => {
    await expect(loadSlos(path.join(FIXTURES, 'nope.yaml'), nodeFiles)).rejects.toThrow(
      /nope\.yaml: no such policy file/,
    );
  });

  it('refuses two SLIs of the same name in different files', async () => {
    const sli = await readFile(path.join(FIXTURES, 'search-slis.yaml'), 'utf8');
    const files = [
      { file: 'a.yaml', contents: parseOpenSloText(sli, 'a.yaml') },
      { file: 'b.yaml', contents: parseOpenSloText(`# moved down a line\n${sli}`, 'b.yaml') },
    ];
    expect(() => resolveSlos(files, windowQuery)).toThrow(
      'b.yaml:6: metadata.name: a second SLI named "search-fast-requests" (first at a.yaml:5)',
    );
  });

  it('refuses an SLO whose SLI lives in a file not given', async () => {
    await expect(loadSlos(path.join(FIXTURES, 'search-latency.yaml'), nodeFiles)).rejects.toThrow(
      /search-latency\.yaml:7: spec\.indicatorRef: no SLI named "search-fast-requests"/,
    );
  });
});
