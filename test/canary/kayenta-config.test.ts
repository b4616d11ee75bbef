import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKayentaConfig, looksLikeKayentaConfig } from '../../src/canary/judge/kayenta-config.js';

const text = readFileSync(new URL('../fixtures/canary/kayenta-config.json', import.meta.url), 'utf8');

describe('parseKayentaConfig', () => {
  it('reads metrics, groups, analysisConfigurations.canary and classifier.groupWeights', () => {
    const config = parseKayentaConfig(text, 'canary-config.json');
    expect(config.profile).toBe('kayenta');
    expect(config.groupWeights).toEqual({ errors: 50, latency: 30, saturation: 20 });
    const [errors, latency, cpu, gc] = config.metrics;
    expect(errors).toMatchObject({
      name: 'http-errors',
      groups: ['errors'],
      direction: 'increase',
      nanStrategy: 'replace',
      critical: true,
      mustHaveData: false,
      effectSize: {
        measure: 'meanRatio',
        allowedIncrease: 1,
        allowedDecrease: 1,
        criticalIncrease: 1.5,
        criticalDecrease: 1,
      },
    });
    expect(errors?.query).toContain('PromQL:sum(rate(http_requests_total');
    expect(latency).toMatchObject({
      mustHaveData: true,
      outliers: { strategy: 'remove', factor: 3 },
      effectSize: { allowedIncrease: 1.1 },
    });
    expect(cpu).toMatchObject({
      direction: 'either',
      nanStrategy: 'remove',
      outliers: { strategy: 'keep', factor: 3 },
    });
    // CLES thresholds default to 0.5, its point of no effect
    expect(gc).toMatchObject({
      muted: true,
      effectSize: { measure: 'cles', allowedIncrease: 0.7, allowedDecrease: 0.5 },
    });
  });

  it('applies Kayenta\'s defaults to a bare metric ("none" NaN strategy means remove)', () => {
    const config = parseKayentaConfig(
      { metrics: [{ name: 'm', groups: ['g'], analysisConfigurations: { canary: { nanStrategy: 'none' } } }] },
      'c.json',
    );
    expect(config.metrics[0]).toMatchObject({
      direction: 'either',
      nanStrategy: 'remove',
      critical: false,
      mustHaveData: false,
      muted: false,
    });
    expect(config.groupWeights).toEqual({});
  });

  it.each([
    ['no metrics array', {}, /c\.json: metrics: missing required field/],
    [
      'a metric without a name',
      { metrics: [{ groups: ['g'] }] },
      /metrics\[0\]\.name: expected a non-empty metric name/,
    ],
    [
      'groups that are not strings',
      { metrics: [{ name: 'm', groups: [1] }] },
      /metrics\[0\]\.groups: expected an array of group names/,
    ],
    // Judged and then counted in no group: a config of such metrics would score 0 while every metric passed.
    [
      'a metric in no group',
      { metrics: [{ name: 'm', groups: [] }] },
      /metrics\[0\]\.groups: expected at least one group name/,
    ],
    [
      'an unknown direction',
      { metrics: [{ name: 'm', groups: ['g'], analysisConfigurations: { canary: { direction: 'up' } } }] },
      /metrics\[0\]\.analysisConfigurations\.canary\.direction: expected one of increase, decrease, either, got "up"/,
    ],
    [
      'a critical flag that is a string',
      { metrics: [{ name: 'm', groups: ['g'], analysisConfigurations: { canary: { critical: 'yes' } } }] },
      /canary\.critical: expected true or false/,
    ],
    [
      'a negative effect size',
      {
        metrics: [
          { name: 'm', groups: ['g'], analysisConfigurations: { canary: { effectSize: { allowedIncrease: -1 } } } },
        ],
      },
      /effectSize\.allowedIncrease: expected a number of at least 0/,
    ],
    [
      'a bad weight',
      { metrics: [{ name: 'm', groups: ['g'] }], classifier: { groupWeights: { g: 'half' } } },
      /classifier\.groupWeights\.g: expected a weight/,
    ],
    [
      'duplicate names',
      {
        metrics: [
          { name: 'm', groups: ['g'] },
          { name: 'm', groups: ['g'] },
        ],
      },
      /metrics\[1\]\.name: duplicate metric name "m"/,
    ],
  ])('reports %s with file and field', (_what, doc, message) => {
    expect(() => parseKayentaConfig(doc, 'c.json')).toThrow(message);
  });

  it('reports invalid JSON text', () => {
    expect(() => parseKayentaConfig('{"metrics": [', 'c.json')).toThrow(/c\.json: not valid JSON/);
  });

  it('tells Kayenta configs from our documents', () => {
    expect(looksLikeKayentaConfig(JSON.parse(text))).toBe(true);
    expect(looksLikeKayentaConfig({ metrics: [{ name: 'm' }] })).toBe(false);
  });
});
