/**
 * Ratio metrics in the canary policy (`kind: ratio`): the query counts the
 * events and `denominator` the requests they are divided by. A ratio needs
 * its denominator and only a ratio may have one; mistakes are reported with
 * the file, line and field, beside the policy's other problems.
 */
import { describe, expect, it } from 'vitest';
import { judgeConfigFromBlock } from '../../src/canary/judge/config-schema.js';
import { metricQueries } from '../../src/canary/promotion/run.js';
import { parsePolicyText } from '../../src/policy/load.js';
import { canaryPolicySchema } from '../../src/policy/schemas/canary.js';
import type { CanaryPolicy } from '../../src/policy/schemas/canary.js';
import { ConfigurationError } from '../../src/runtime/errors.js';

const FILE = 'policies/canary.yml';
const parse = (yaml: string): CanaryPolicy => parsePolicyText(yaml, FILE, canaryPolicySchema);

function problems(yaml: string): string[] {
  try {
    parse(yaml);
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    return (err.problems.length > 0 ? err.problems : [err]).map((p) => p.message);
  }
  throw new Error('expected the policy to be rejected');
}

const metrics = (...lines: string[]) =>
  ['kind: canary', 'analysis:', '  judge:', '    metrics:', ...lines.map((l) => `      ${l}`)].join('\n') + '\n';

describe('ratio metrics in the canary policy', () => {
  it('reads the query and the denominator, and asks for both', () => {
    const policy = parse(
      metrics(
        '- name: error-rate',
        '  kind: ratio',
        '  query: sum(increase(http_requests_total{code=~"5..",version="{{version}}"}[1m]))',
        '  denominator: sum(increase(http_requests_total{version="{{version}}"}[1m]))',
        '  direction: increase',
      ),
    );
    const [metric] = policy.analysis.judge.metrics;
    expect(metric).toMatchObject({
      kind: 'ratio',
      denominator: 'sum(increase(http_requests_total{version="{{version}}"}[1m]))',
    });
    expect(metricQueries(policy)).toEqual([
      {
        name: 'error-rate',
        query: 'sum(increase(http_requests_total{code=~"5..",version="{{version}}"}[1m]))',
        denominator: 'sum(increase(http_requests_total{version="{{version}}"}[1m]))',
        provider: 'prometheus',
      },
    ]);
    expect(judgeConfigFromBlock(policy.analysis.judge).metrics[0]).toMatchObject({
      kind: 'ratio',
      denominator: 'sum(increase(http_requests_total{version="{{version}}"}[1m]))',
    });
  });

  it('leaves the denominator out of metrics of other kinds', () => {
    const policy = parse(metrics('- {name: latency, query: q}', '- {name: errors, kind: count, query: e}'));
    expect(policy.analysis.judge.metrics.map((m) => 'denominator' in m)).toEqual([false, false]);
    expect(metricQueries(policy).map((q) => 'denominator' in q)).toEqual([false, false]);
  });

  it.each([
    [
      'a ratio without its denominator',
      metrics('- name: error-rate', '  kind: ratio', '  query: errors'),
      [
        'policies/canary.yml:5: analysis.judge.metrics[0].denominator: missing required field: a ratio metric (kind: ratio) needs the query of its requests per point, which the events its query counts are divided by',
      ],
    ],
    [
      'a denominator on a metric that is not a ratio',
      metrics(
        '- {name: latency, query: q, denominator: requests}',
        '- name: errors',
        '  kind: count',
        '  query: e',
        '  denominator: requests',
      ),
      [
        'policies/canary.yml:5: analysis.judge.metrics[0].denominator: only a ratio metric (kind: ratio) has a denominator; this metric is kind: continuous',
        'policies/canary.yml:9: analysis.judge.metrics[1].denominator: only a ratio metric (kind: ratio) has a denominator; this metric is kind: count',
      ],
    ],
    [
      "the denominator's variables, beside the query's and the other fields' problems",
      metrics(
        '- name: error-rate',
        '  kind: ratio',
        '  query: errors{v="{{versoin}}"}',
        '  denominator: requests{v="{{verison}}"}',
        '  direction: up',
      ),
      [
        'policies/canary.yml:7: analysis.judge.metrics[0].query: unknown query variable {{versoin}}; did you mean {{version}}?',
        'policies/canary.yml:8: analysis.judge.metrics[0].denominator: unknown query variable {{verison}}; did you mean {{version}}?',
        'policies/canary.yml:9: analysis.judge.metrics[0].direction: expected one of "increase", "decrease" or "either", got "up"',
      ],
    ],
    [
      'an empty denominator',
      metrics('- {name: error-rate, kind: ratio, query: errors, denominator: ""}'),
      [expect.stringMatching(/^policies\/canary\.yml:5: analysis\.judge\.metrics\[0\]\.denominator: /)],
    ],
    [
      'an unknown kind names the three',
      metrics('- {name: error-rate, kind: rate, query: errors}'),
      [
        expect.stringMatching(
          /^policies\/canary\.yml:5: analysis\.judge\.metrics\[0\]\.kind: expected one of "continuous", "count" or "ratio", got "rate"/,
        ),
      ],
    ],
  ])('refuses %s', (_name, yaml, expected) => {
    expect(problems(yaml)).toEqual(expected);
  });
});
