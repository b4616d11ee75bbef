/**
 * Health gates of canary stages: how the policy declares them (and the
 * errors that name file, line and field), which apply to a stage, and the
 * pure rule that a stage passes only when the comparison with the baseline
 * and every gate pass.
 */
import { describe, expect, it } from 'vitest';
import type { GateResult, WindowJudgment } from '../../../src/canary/promotion/reconcile.js';
import { withHealthGates } from '../../../src/canary/promotion/metrics-judge.js';
import { judgeCheck } from '../../../src/metrics/health-check.js';
import type { QueryResult } from '../../../src/metrics/provider.js';
import { parsePolicyText } from '../../../src/policy/load.js';
import { canaryPolicySchema, healthChecksFor, stagesFor } from '../../../src/policy/schemas/canary.js';
import { ConfigurationError } from '../../../src/runtime/errors.js';

const FILE = 'canary.yml';
const parse = (yaml: string) => parsePolicyText(yaml, FILE, canaryPolicySchema);

function problems(yaml: string): string[] {
  try {
    parse(yaml);
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    return (err.problems.length > 0 ? err.problems : [err]).map((p) => p.message);
  }
  throw new Error('expected the policy to be rejected');
}

describe('health gates in the canary policy', () => {
  it('has none by default', () => {
    const policy = parse('kind: canary\n');
    expect(policy.health).toBeUndefined();
    expect(healthChecksFor(policy, stagesFor(policy)[0])).toEqual([]);
  });

  it("adds a stage's own checks to the policy's, a check of the same name replacing the policy's", () => {
    const policy = parse(`kind: canary
health:
  checks:
    - { name: p99, query: p99_seconds, max: 0.2, unit: s }
    - { name: errors, query: error_ratio, max: 0.001 }
stages:
  - { weight: 10 }
  - { weight: 100, health: { checks: [{ name: p99, query: p99_seconds, max: 0.15 }, { name: up, query: up, min: 1 }] } }
`);
    const [first, last] = stagesFor(policy);
    expect(healthChecksFor(policy, first).map((c) => [c.name, c.max ?? c.min])).toEqual([
      ['p99', 0.2],
      ['errors', 0.001],
    ]);
    expect(healthChecksFor(policy, last).map((c) => [c.name, c.max ?? c.min])).toEqual([
      ['errors', 0.001],
      ['p99', 0.15],
      ['up', 1],
    ]);
  });

  it.each([
    [
      'a check without a bound',
      'health: { checks: [{ name: p99, query: q }] }',
      /canary\.yml:2: health\.checks\[0\]: a health check needs max, min or both/,
    ],
    [
      'a min above the max',
      'health:\n  checks:\n    - { name: p99, query: q, max: 1, min: 2 }',
      /canary\.yml:4: health\.checks\[0\]\.min: expected a min of at most max \(1\), got 2/,
    ],
    [
      'two checks of one name',
      'health:\n  checks:\n    - { name: p99, query: q, max: 1 }\n    - { name: p99, query: r, max: 2 }',
      /canary\.yml:5: health\.checks\[1\]\.name: duplicate health check name "p99" \(also checks\[0\]\)/,
    ],
    [
      'an unknown query variable',
      'health: { checks: [{ name: p99, query: \'x{v="{{versoin}}"}\', max: 1 }] }',
      /health\.checks\[0\]\.query: unknown query variable \{\{versoin\}\}; did you mean \{\{version\}\}\?/,
    ],
    [
      'an unknown field',
      'health: { checks: [{ name: p99, query: q, maximum: 1 }] }',
      /health\.checks\[0\]\.maximum: unknown key "maximum"/,
    ],
    [
      'an empty list of checks',
      'stages:\n  - { weight: 100, health: { checks: [] } }',
      /canary\.yml:3: stages\[0\]\.health\.checks: expected at least 1 item/,
    ],
  ])('rejects %s, naming file, line and field', (_what, body, message) => {
    expect(problems(`kind: canary\n${body}\n`).join('\n')).toMatch(message);
  });
});

const answer = (...values: number[]): QueryResult => ({
  ok: true,
  query: 'q',
  warnings: [],
  series: [{ labels: {}, points: values.map((v, i) => ({ t: i * 15, v })) }],
});
const gate = (values: QueryResult): GateResult => ({
  ...judgeCheck({ name: 'p99', query: 'q', max: 0.2, unit: 's' }, values),
  query: 'p99{version="1.42.0"}',
});
const judgment = (verdict: WindowJudgment['verdict']): WindowJudgment => ({
  verdict,
  score: verdict === 'Pass' ? 100 : verdict === 'Fail' ? 0 : verdict === 'Marginal' ? 80 : null,
  reason: `compared: ${verdict}`,
  detail: { result: null, noData: {}, window: { start: 's', end: 'e' } },
});

describe('a stage passes only when the comparison and every gate pass', () => {
  const within = gate(answer(0.12, 0.15));
  const breached = gate(answer(0.12, 0.25));
  it.each([
    [
      'Pass',
      [within],
      'Pass',
      /^compared: Pass; health gates within bounds: p99 stayed within ≤ 0\.2 s \(0\.12…0\.15 s\)$/,
    ],
    [
      'Pass',
      [breached],
      'Fail',
      /^health gate p99 breached: p99 reached 0\.25 s, above its max of 0\.2 s; the comparison with the baseline: Pass/,
    ],
    ['Marginal', [breached], 'Fail', /^health gate p99 breached/],
    ['NoData', [breached], 'Fail', /^health gate p99 breached/],
    ['Marginal', [within], 'Marginal', /^compared: Marginal; health gates within bounds/],
    ['Fail', [within], 'Fail', /^compared: Fail; health gates: all within bounds$/],
    // Unknown data never passes: none, NaN only, +Inf, -Inf.
    [
      'Pass',
      [gate({ ok: false, query: 'q', reason: 'HTTP 503' })],
      'NoData',
      /^health gate p99 cannot be checked: p99: no data \(HTTP 503\); holding/,
    ],
    ['Pass', [gate(answer())], 'NoData', /p99: no samples in the window; holding/],
    ['Pass', [gate(answer(NaN, NaN))], 'NoData', /p99: no samples in the window \(2 NaN\)/],
    ['Pass', [gate(answer(0.1, Infinity))], 'NoData', /p99: 1 are \+Inf of its 2 points/],
    ['Pass', [gate(answer(0.1, -Infinity))], 'NoData', /p99: 1 are -Inf of its 2 points/],
    ['Marginal', [gate(answer())], 'NoData', /holding; the comparison with the baseline: Marginal/],
    // A comparison that fails on its own still fails; the gate without data is said.
    ['Fail', [gate(answer())], 'Fail', /^compared: Fail; health gates: p99: no samples in the window$/],
    // A breach decides even when another gate has no data.
    ['Pass', [gate(answer()), breached], 'Fail', /^health gate p99 breached/],
  ] as const)('comparison %s with gates %j: %s', (compared, gates, verdict, reason) => {
    const out = withHealthGates(judgment(compared), gates);
    expect(out.verdict).toBe(verdict);
    expect(out.reason).toMatch(reason);
    expect(out.detail?.gates).toEqual(gates);
  });

  it('leaves a judgment without gates as the comparison made it', () => {
    expect(withHealthGates(judgment('Pass'), [])).toEqual(judgment('Pass'));
  });
});
