import { describe, expect, it } from 'vitest';
import { metricsQueryCommand, metricsRecordCommand, parseTime } from '../../src/cli/metrics-command.js';
import { parseRecording } from '../../src/metrics/recording.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { RecordingLogger } from '../../src/runtime/logger.js';

const NOW = new Date('2026-03-02T12:00:00Z');
const CONFIG = [
  'providers:',
  '  prod:',
  '    type: prometheus',
  '    url: http://prom.test:9090',
  '  dd:',
  '    type: datadog',
  '    site: datadoghq.eu',
  '',
].join('\n');

/** A Prometheus that answers every query with a vector or a matrix, and records what it was asked. */
function world(files: Record<string, string> = {}) {
  const asked: URL[] = [];
  const written: Record<string, string> = {};
  const fetchFn = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    asked.push(url);
    const query = url.searchParams.get('query') ?? '';
    if (query === 'missing') return Response.json({ status: 'success', data: { resultType: 'vector', result: [] } });
    if (url.pathname.endsWith('/query_range')) {
      const start = Number(url.searchParams.get('start'));
      return Response.json({
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { job: 'api' },
              values: [
                [start, '1'],
                [start + 60, 'NaN'],
                [start + 120, '3'],
              ],
            },
          ],
        },
      });
    }
    return Response.json({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [{ metric: { job: 'api' }, value: [Number(url.searchParams.get('time')), '0.5'] }],
      },
    });
  }) as typeof fetch;
  const all: Record<string, string> = { 'm.yml': CONFIG, ...files };
  return {
    asked,
    written,
    deps: {
      fetch: fetchFn,
      sleep: async () => {},
      env: {},
      now: () => NOW,
      logger: new RecordingLogger(),
      readFile: (f: string) => {
        const key = Object.keys(all).find((k) => f === k || f.endsWith(`/${k}`));
        if (key === undefined) throw new Error(`ENOENT ${f}`);
        return all[key] as string;
      },
      writeFile: (f: string, t: string) => void (written[f] = t),
    },
  };
}

describe('metricsQueryCommand', () => {
  it('runs an instant query now and prints the value', async () => {
    const w = world();
    const out = await metricsQueryCommand({ config: 'm.yml', provider: 'prod', query: 'up', format: 'text' }, w.deps);
    expect(out).toEqual({ exitCode: 0, stdout: `1 series from prod for up\n  {job="api"} 0.5 @ ${NOW.toISOString()}` });
    expect(w.asked[0]?.searchParams.get('time')).toBe(String(NOW.getTime() / 1000));
  });

  it('runs a range query with a filled template and prints JSON with NaN kept', async () => {
    const w = world();
    const out = await metricsQueryCommand(
      {
        config: 'm.yml',
        provider: 'prod',
        query: 'rate(x{service="{{service}}"}[{{window}}])',
        vars: { service: 'checkout', window: '5m' },
        start: 'now-1h',
        step: '1m',
        format: 'json',
      },
      w.deps,
    );
    expect(out.exitCode).toBe(0);
    const start = NOW.getTime() / 1000 - 3600;
    expect(JSON.parse(out.stdout)).toEqual({
      provider: 'prod',
      type: 'prometheus',
      ok: true,
      query: 'rate(x{service="checkout"}[5m])',
      warnings: [],
      series: [
        {
          labels: { job: 'api' },
          points: [
            [start, '1'],
            [start + 60, 'NaN'],
            [start + 120, '3'],
          ],
        },
      ],
    });
    expect(w.asked[0]?.searchParams.get('step')).toBe('60');
  });

  it('exits 1 with the reason when there is no data', async () => {
    const out = await metricsQueryCommand(
      { config: 'm.yml', provider: 'prod', query: 'missing', format: 'text' },
      world().deps,
    );
    expect(out).toEqual({ exitCode: 1, stdout: 'no data from prod: the query returned no series (query: missing)' });
  });

  it('builds only the chosen provider, so the others need no secrets', async () => {
    await expect(
      metricsQueryCommand({ config: 'm.yml', provider: 'prod', query: 'up', format: 'text' }, world().deps),
    ).resolves.toMatchObject({ exitCode: 0 });
    await expect(
      metricsQueryCommand({ config: 'm.yml', provider: 'dd', query: 'up', format: 'text' }, world().deps),
    ).rejects.toThrow('m.yml:6:5: providers.dd.apiKeyEnv: the environment variable DD_API_KEY is not set');
  });

  it.each([
    [{ provider: undefined }, 'm.yml: several metrics providers are configured (prod, dd); choose one with --provider'],
    [{ provider: 'prd' }, 'm.yml: no metrics provider named "prd"; did you mean "prod"? (configured: prod, dd)'],
    [{ config: 'nope.yml' }, 'nope.yml: cannot read the metrics configuration (pass --config <file>)'],
    [{ start: 'yesterday' }, 'start: "yesterday" is not a time (ISO 8601, epoch seconds, now or now-1h)'],
    [{ query: 'x{r="{{region}}"}', vars: {} }, 'query: query variable {{region}} has no value in this scope'],
  ])('refuses %j as a configuration error', async (change, message) => {
    const args = { config: 'm.yml', provider: 'prod', query: 'up', format: 'text' as const, ...change };
    const err = await metricsQueryCommand(args, world().deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe(message);
  });
});

describe('metricsRecordCommand', () => {
  it('records every query over the range to a file the replay provider answers from', async () => {
    const w = world({ 'queries.txt': '# the judge\nup\n\nrate(x[5m])\nmissing\n' });
    const out = await metricsRecordCommand(
      {
        config: 'm.yml',
        provider: 'prod',
        queries: ['errors'],
        queriesFile: 'queries.txt',
        start: '2026-03-02T11:00:00Z',
        end: '2026-03-02T11:30:00Z',
        step: '1m',
        out: 'rec.json',
        format: 'text',
      },
      w.deps,
    );
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toBe(
      'recorded 4 queries from prod (2026-03-02T11:00:00.000Z to 2026-03-02T11:30:00.000Z, step 60 s) to rec.json\nno data: the query returned no series (query: missing)',
    );
    const rec = parseRecording(w.written['rec.json'] ?? '', 'rec.json');
    expect(rec.entries.map((e) => e.query)).toEqual(['errors', 'up', 'rate(x[5m])', 'missing']);
    expect(rec.source).toEqual({ name: 'prod', type: 'prometheus' });

    // The recording then stands in for the server.
    const replayWorld = world({
      'r.yml': 'providers:\n  offline:\n    type: replay\n    file: rec.json\n',
      'rec.json': w.written['rec.json'] ?? '',
    });
    const replayed = await metricsQueryCommand(
      { config: 'r.yml', query: 'up', start: '2026-03-02T11:00:00Z', end: '2026-03-02T11:10:00Z', format: 'text' },
      replayWorld.deps,
    );
    expect(replayed).toEqual({
      exitCode: 0,
      stdout: '1 series from offline for up\n  {job="api"} 3 points, min 1, max 3, last 3',
    });
    expect(replayWorld.asked).toEqual([]);
  });

  it('fills templates once per scope, as a judgement will ask them', async () => {
    const w = world();
    await metricsRecordCommand(
      {
        config: 'm.yml',
        provider: 'prod',
        queries: ['lat{service="{{service}}",role="{{role}}"}', 'up'],
        scopes: [
          { service: 'checkout', role: 'canary' },
          { service: 'checkout', role: 'baseline' },
        ],
        start: 'now-1h',
        out: 'r.json',
        format: 'text',
      },
      w.deps,
    );
    const rec = parseRecording(w.written['r.json'] ?? '', 'r.json');
    expect(rec.entries.map((e) => e.query)).toEqual([
      'lat{service="checkout",role="canary"}',
      'lat{service="checkout",role="baseline"}',
      'up',
    ]);
  });

  it('names the variable a template needs when no scope gives it', async () => {
    await expect(
      metricsRecordCommand(
        {
          config: 'm.yml',
          provider: 'prod',
          queries: ['lat{role="{{role}}"}'],
          start: 'now-1h',
          out: 'r.json',
          format: 'text',
        },
        world().deps,
      ),
    ).rejects.toThrow('queries: query variable {{role}} has no value in this scope');
  });

  it('exits 0 and reports JSON when every query had data', async () => {
    const w = world();
    const out = await metricsRecordCommand(
      { config: 'm.yml', provider: 'prod', queries: ['up'], start: 'now-30m', out: 'r.json', format: 'json' },
      w.deps,
    );
    expect(out.exitCode).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({
      out: 'r.json',
      provider: 'prod',
      start: '2026-03-02T11:30:00.000Z',
      end: NOW.toISOString(),
      stepSeconds: 60,
      recorded: 1,
      noData: [],
    });
  });

  it.each([
    [{ queries: [] }, 'queries: nothing to record: give queries or a queries file'],
    [{ end: 'now-2h' }, 'end: the range to record ends before it starts'],
    [{ queriesFile: 'gone.txt' }, 'gone.txt: cannot read the queries file'],
  ])('refuses %j', async (change, message) => {
    const args = {
      config: 'm.yml',
      provider: 'prod',
      queries: ['up'],
      start: 'now-1h',
      out: 'r.json',
      format: 'text' as const,
      ...change,
    };
    await expect(metricsRecordCommand(args, world().deps)).rejects.toThrow(message);
  });
});

describe('parseTime', () => {
  it.each([
    ['now', NOW.toISOString()],
    ['now-90m', '2026-03-02T10:30:00.000Z'],
    ['1772445600', '2026-03-02T10:00:00.000Z'],
    ['2026-03-01T00:00:00Z', '2026-03-01T00:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseTime(text, NOW, 'start').toISOString()).toBe(iso);
  });
});
