import { describe, expect, it } from 'vitest';
import { readProvidersSection } from '../../src/metrics/config-file.js';
import { DatadogProvider } from '../../src/metrics/datadog.js';
import { PrometheusProvider } from '../../src/metrics/prometheus.js';
import {
  createMetricsProviders,
  createProvider,
  PROVIDER_TYPES,
  type ProviderDeps,
} from '../../src/metrics/registry.js';
import { ReplayProvider } from '../../src/metrics/replay.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { RecordingLogger } from '../../src/runtime/logger.js';

function deps(
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): ProviderDeps & { fetched: string[]; logger: RecordingLogger } {
  const fetched: string[] = [];
  return {
    fetched,
    fetch: (async (url: string) => {
      fetched.push(url);
      return new Response('{}');
    }) as unknown as typeof fetch,
    sleep: async () => {},
    logger: new RecordingLogger(),
    env,
    readFile: (f) => {
      const text = files[f];
      if (text === undefined) throw new Error(`ENOENT: no such file, open '${f}'`);
      return text;
    },
  };
}

function thrown(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigurationError) return e;
    throw e;
  }
  throw new Error('expected a ConfigurationError');
}

describe('createProvider', () => {
  it('reads minStep, the floor of the step a judgment narrows to (15 s unless set)', async () => {
    for (const [config, step] of [
      [{}, '30'],
      [{ minStep: '1m' }, '60'],
    ] as const) {
      const d = deps();
      const p = createProvider('main', { type: 'prometheus', url: 'http://prom.test', ...config }, d);
      await p.queryRange({ query: 'x', start: new Date(1700000000_000), end: new Date(1700000300_000), minPoints: 10 });
      expect(new URL(d.fetched[0] ?? '').searchParams.get('step')).toBe(step);
    }
    const d = deps();
    await createProvider('main', { type: 'prometheus', url: 'http://prom.test', minStep: '5s' }, d).queryRange({
      query: 'x',
      start: new Date(1700000000_000),
      end: new Date(1700000060_000),
      minPoints: 10,
    });
    expect(new URL(d.fetched[0] ?? '').searchParams.get('step')).toBe('6');
  });

  it('knows the three provider types', () => {
    expect(PROVIDER_TYPES).toEqual(['prometheus', 'datadog', 'replay']);
  });

  it.each([
    [
      'promethues',
      'unknown metrics provider type "promethues"; did you mean "prometheus"? (known types: prometheus, datadog, replay)',
    ],
    [
      'DataDog',
      'unknown metrics provider type "DataDog"; did you mean "datadog"? (known types: prometheus, datadog, replay)',
    ],
    ['influxdb', 'unknown metrics provider type "influxdb" (known types: prometheus, datadog, replay)'],
    ['toString', 'unknown metrics provider type "toString" (known types: prometheus, datadog, replay)'],
  ])('refuses the type %j', (type, message) => {
    expect(thrown(() => createProvider('main', { type }, deps())).message).toBe(`main.type: ${message}`);
  });

  it('asks for a type when there is none', () => {
    expect(thrown(() => createProvider('main', { url: 'http://x' }, deps())).message).toBe(
      'main: metrics provider "main" needs a type: one of prometheus, datadog, replay',
    );
  });

  it('builds each type from its configuration without sending anything', () => {
    const d = deps({ PROM_TOKEN: 't', DD_API_KEY: 'a', DD_APP_KEY: 'b' }, { '/rec/r.json': recordingText });
    expect(
      createProvider(
        'p',
        { type: 'prometheus', url: 'http://prom:9090', auth: { type: 'bearer', tokenEnv: 'PROM_TOKEN' } },
        d,
      ),
    ).toBeInstanceOf(PrometheusProvider);
    expect(createProvider('d', { type: 'datadog', site: 'us5' }, d)).toBeInstanceOf(DatadogProvider);
    expect(
      createProvider('r', { type: 'replay', file: 'r.json' }, d, {
        baseDir: '/rec',
        locate: (f) => ({ field: f.join('.') }),
      }),
    ).toBeInstanceOf(ReplayProvider);
    expect(d.fetched).toEqual([]);
  });

  it('reads secrets from the environment and masks them', () => {
    const d = deps({ PROM_PASSWORD: 'hunter2' });
    createProvider(
      'p',
      { type: 'prometheus', url: 'http://prom', auth: { type: 'basic', username: 'u', passwordEnv: 'PROM_PASSWORD' } },
      d,
    );
    d.logger.info('password is hunter2');
    expect(d.logger.messages()).toEqual(['password is ***']);
  });

  it('names the unset environment variable and the field that names it', () => {
    const e = thrown(() =>
      createProvider(
        'p',
        { type: 'prometheus', url: 'http://prom', auth: { type: 'header', name: 'X-Key', valueEnv: 'PROM_KEY' } },
        deps(),
      ),
    );
    expect(e.message).toBe('p.auth.valueEnv: the environment variable PROM_KEY is not set (it should hold the secret)');
  });

  it('suggests a Datadog site', () => {
    const e = thrown(() =>
      createProvider('dd', { type: 'datadog', site: 'datadoghq.ue' }, deps({ DD_API_KEY: 'a', DD_APP_KEY: 'b' })),
    );
    expect(e.message).toMatch(/^dd.site: unknown Datadog site "datadoghq.ue"; did you mean "datadoghq.eu"\?/);
  });

  it('reports every field problem of a provider', () => {
    const e = thrown(() =>
      createProvider('p', { type: 'prometheus', url: 'ftp://x', timeout: 'soon', colour: 'red' }, deps()),
    );
    expect(e.problems.map((p) => p.location.field)).toEqual(expect.arrayContaining(['p.url', 'p.timeout', 'p']));
    expect(e.message).toMatch(/colour/);
  });

  it('refuses credentials in the URL', () => {
    const e = thrown(() => createProvider('p', { type: 'prometheus', url: 'https://ann:pw@prom.example' }, deps()));
    expect(e.message).toBe(
      'p.url: credentials do not belong in the URL, where error messages would show them; use auth',
    );
  });

  it('says which recording file it cannot read', () => {
    const e = thrown(() => createProvider('r', { type: 'replay', file: 'missing.json' }, deps()));
    expect(e.message).toMatch(/^r.file: cannot read the recording missing.json: ENOENT/);
  });
});

describe('createMetricsProviders', () => {
  it('gives providers by name and suggests a misspelt one', () => {
    const providers = createMetricsProviders({ 'prod-prom': { type: 'prometheus', url: 'http://prom' } }, deps());
    expect(providers.names()).toEqual(['prod-prom']);
    expect(providers.get('prod-prom').type).toBe('prometheus');
    expect(thrown(() => providers.get('prod-pro')).message).toBe(
      'no metrics provider named "prod-pro"; did you mean "prod-prom"? (configured: prod-prom)',
    );
  });

  it('reports the problems of all providers together', () => {
    const e = thrown(() => createMetricsProviders({ a: { type: 'prometeus' }, b: { type: 'datadog' } }, deps()));
    expect(e.problems.map((p) => p.message)).toEqual([
      'a.type: unknown metrics provider type "prometeus"; did you mean "prometheus"? (known types: prometheus, datadog, replay)',
      'b.apiKeyEnv: the environment variable DD_API_KEY is not set (it should hold the secret)',
    ]);
  });
});

describe('readProvidersSection', () => {
  const yaml = [
    '# metrics',
    'providers:',
    '  main:',
    '    type: prometheus',
    '    url: http://prom:9090',
    '    timeout: 3 seconds',
    '  dd:',
    '    type: datdog',
    '',
  ].join('\n');

  it('points every mistake at its file, line and column', () => {
    const section = readProvidersSection(yaml, 'bellwether.metrics.yml');
    const e = thrown(() => createMetricsProviders(section.configs, deps(), section.context));
    expect(e.problems.map((p) => p.message)).toEqual([
      'bellwether.metrics.yml:6:14: providers.main.timeout: a duration such as 30s, 5m or 1h',
      'bellwether.metrics.yml:8:11: providers.dd.type: unknown metrics provider type "datdog"; did you mean "datadog"? (known types: prometheus, datadog, replay)',
    ]);
  });

  it('finds providers under metrics.providers in a larger policy', () => {
    const section = readProvidersSection(
      'metrics:\n  providers:\n    p:\n      type: prometheus\n      url: http://prom\n',
      'policy.yml',
    );
    expect(Object.keys(section.configs)).toEqual(['p']);
    expect(section.context.locate(['p', 'url'])).toEqual({
      file: 'policy.yml',
      line: 5,
      column: 12,
      field: 'metrics.providers.p.url',
    });
  });

  it('points a missing field at its parent', () => {
    const section = readProvidersSection('providers:\n  p:\n    type: prometheus\n', 'm.yml');
    const e = thrown(() => createMetricsProviders(section.configs, deps(), section.context));
    expect(e.message).toMatch(/^m.yml:3:5: providers.p.url: /);
  });

  it.each([
    [
      'no providers key',
      'other: 1\n',
      'm.yml:1: no metrics providers here: expected a `providers:` mapping (or `metrics.providers`)',
    ],
    ['a list', 'providers:\n  - a\n', 'm.yml:2:3: providers: `providers` must map provider names to their settings'],
    ['broken YAML', 'providers: {a: [\n', /m.yml:2:1: YAML syntax error/],
  ])('refuses %s', (_name, text, message) => {
    const e = thrown(() => readProvidersSection(text, 'm.yml'));
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
  });
});

const recordingText = JSON.stringify({
  format: 'bellwether-metrics-recording',
  version: 1,
  recordedAt: '2026-01-01T00:00:00.000Z',
  source: { name: 'prod', type: 'prometheus' },
  entries: [],
});
