import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/runtime/errors.js';
import {
  formatDurationSeconds,
  parseDurationSeconds,
  renderQuery,
  templateVariables,
} from '../../src/metrics/template.js';

const scope = {
  service: 'checkout',
  environment: 'production',
  region: 'eu-west-1',
  version: 'v2',
  role: 'canary',
  window: '5m',
} as const;

describe('renderQuery', () => {
  it.each([
    ['rate(x{service="{{service}}"}[{{window}}])', 'rate(x{service="checkout"}[5m])'],
    ['x{role="{{ role }}",v="{{version}}"}', 'x{role="canary",v="v2"}'],
    [
      'x{env="{{environment}}",r="{{region}}"} + x{env="{{environment}}"}',
      'x{env="production",r="eu-west-1"} + x{env="production"}',
    ],
    ['up', 'up'],
  ])('%s', (template, expected) => {
    expect(renderQuery(template, scope)).toBe(expected);
  });

  it('names a variable the scope leaves empty, with where the template came from', () => {
    const err = (() => {
      try {
        renderQuery(
          'x{region="{{region}}"}',
          { service: 's' },
          { file: 'policy.yml', line: 7, field: 'metrics[0].query' },
        );
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe(
      'policy.yml:7: metrics[0].query: query variable {{region}} has no value in this scope',
    );
  });

  it('names an unknown variable and lists the known ones', () => {
    expect(() => renderQuery('x{{{cluster}}}', scope)).toThrow(
      /unknown query variable \{\{cluster\}\}; the variables are service, environment/,
    );
  });

  it('reports every problem of one template together', () => {
    try {
      renderQuery('{{service}} {{region}} {{version}}', { service: 's' });
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigurationError).problems.map((p) => p.message)).toEqual([
        'query variable {{region}} has no value in this scope',
        'query variable {{version}} has no value in this scope',
      ]);
    }
  });

  it('lists variables in order of first use', () => {
    expect(templateVariables('{{role}} {{service}} {{role}}')).toEqual(['role', 'service']);
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h30m', 5400],
    ['500ms', 0.5],
    ['2d', 172800],
  ])('%s is %d s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });
  it.each(['', '5', 'm5', '5 m', '0s', '5x'])('rejects %j', (text) => {
    expect(() => parseDurationSeconds(text, { field: 'step' })).toThrow(/step: .* is not a duration/);
  });
});

describe('formatDurationSeconds', () => {
  it.each([
    [90, '1m30s'],
    [300, '5m'],
    [86_400 + 3600, '1d1h'],
    [0.25, '250ms'],
    [61.5, '1m1s500ms'],
  ])('%d s is %s, and reads back', (seconds, text) => {
    expect(formatDurationSeconds(seconds)).toBe(text);
    expect(parseDurationSeconds(text)).toBe(seconds);
  });
  it.each([0, -5, NaN, Infinity])('refuses %d', (seconds) => {
    expect(() => formatDurationSeconds(seconds)).toThrow(RangeError);
  });
});
