import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { parsePolicyText } from '../../src/policy/load.js';
import { canaryPolicySchema, stagesFor, TIERS } from '../../src/policy/schemas/canary.js';
import type { CanaryPolicy } from '../../src/policy/schemas/canary.js';

const MIN = 60_000;
const FILE = 'policies/canary.yml';

function parse(yaml: string): CanaryPolicy {
  return parsePolicyText(yaml, FILE, canaryPolicySchema);
}

function problems(yaml: string): string[] {
  try {
    parse(yaml);
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    return (err.problems.length > 0 ? err.problems : [err]).map((p) => p.message);
  }
  throw new Error('expected the policy to be rejected');
}

describe('canary policy defaults', () => {
  const policy = parse('kind: canary\n');

  it('walks 1 → 5 → 25 → 100 with 15m soaks for standard services', () => {
    expect(policy.tier).toBe('standard');
    expect(policy.services).toEqual(['*']);
    expect(stagesFor(policy)).toEqual([
      { weight: 1, soakTime: 15 * MIN, approval: 'none' },
      { weight: 5, soakTime: 15 * MIN, approval: 'none' },
      { weight: 25, soakTime: 15 * MIN, approval: 'none' },
      { weight: 100, soakTime: 15 * MIN, approval: 'none' },
    ]);
  });

  // Each tier's soak per stage, what its 100% stage waits for, and how long the previous version is kept ready.
  it.each([
    ['critical', 30, 'required', 60],
    ['standard', 15, 'none', 30],
    ['non-critical', 10, 'none', 20],
    ['infrastructure', 60, 'change', 120],
  ] as const)('%s: %i min a stage, %s before 100, the previous version kept %i min', (tier, soak, last, bake) => {
    expect(stagesFor(policy, tier)).toEqual([
      { weight: 1, soakTime: soak * MIN, approval: 'none' },
      { weight: 5, soakTime: soak * MIN, approval: 'none' },
      { weight: 25, soakTime: soak * MIN, approval: 'none' },
      { weight: 100, soakTime: soak * MIN, approval: last },
    ]);
    expect(policy.tiers[tier]).toMatchObject({
      approvers: { users: [], teams: [] },
      change: { approvers: { users: [], teams: [] }, recordPattern: '\\S+' },
      bakeTime: bake * MIN,
    });
  });

  it("takes each tier's approvers, change approval and bake as written", () => {
    const p = parse(
      [
        'kind: canary',
        'tier: infrastructure',
        'tiers:',
        '  infrastructure:',
        '    approvers: { teams: [acme/sre] }',
        '    change: { approvers: { users: [cab-chair] }, recordPattern: "CHG[0-9]{7}" }',
        '    bakeTime: 4h',
      ].join('\n'),
    );
    expect(p.tiers.infrastructure).toEqual({
      stages: stagesFor(policy, 'infrastructure'),
      approvers: { users: [], teams: ['acme/sre'] },
      change: { approvers: { users: ['cab-chair'], teams: [] }, recordPattern: 'CHG[0-9]{7}' },
      bakeTime: 240 * MIN,
    });
  });

  it('judges every 5m over 15m, waits a minute at most for the metrics, holds on marginal, and passes at 95', () => {
    expect(policy.analysis).toEqual({
      interval: 5 * MIN,
      lookback: 15 * MIN,
      marginal: 'hold',
      maxFailedIntervals: 0,
      metricsDeadline: MIN,
      judge: {
        profile: 'bellwether',
        passThreshold: 95,
        marginalThreshold: 75,
        confidenceLevel: 0.98,
        minSamples: 10,
        falseFailureRate: 0.01,
        minRelativeChange: 5,
        metrics: [],
        groups: {},
      },
    });
    expect(policy.approvers).toEqual({ users: [], teams: [], method: 'status' });
    expect(policy.provider).toBe('prometheus');
    expect(policy.version).toBe(1);
  });

  it('fills metric defaults', () => {
    const p = parse('kind: canary\nanalysis:\n  judge:\n    metrics:\n      - {name: errors, query: q}\n');
    expect(p.analysis.judge.metrics).toEqual([
      {
        name: 'errors',
        kind: 'continuous',
        query: 'q',
        direction: 'either',
        critical: false,
        mustHaveData: false,
        nanStrategy: 'remove',
        outliers: 'keep',
        muted: false,
        effectSize: 'meanRatio',
      },
    ]);
  });
});

describe('top-level stages', () => {
  it('replace the stages of the policy own tier, taking that tier soak by default', () => {
    const p = parse(
      ['kind: canary', 'tier: critical', 'stages:', '  - weight: 10', '  - weight: 100', '    soakTime: 1h'].join('\n'),
    );
    expect(stagesFor(p)).toEqual([
      { weight: 10, soakTime: 30 * MIN, approval: 'none' },
      { weight: 100, soakTime: 60 * MIN, approval: 'none' },
    ]);
    expect(stagesFor(p, 'standard')).toHaveLength(4);
    expect('stages' in p).toBe(false);
  });

  it('leave the other tiers as written', () => {
    const p = parse(
      [
        'kind: canary',
        'stages:',
        '  - weight: 100',
        'tiers:',
        '  critical:',
        '    stages:',
        '      - weight: 50',
        '      - weight: 100',
      ].join('\n'),
    );
    expect(stagesFor(p)).toEqual([{ weight: 100, soakTime: 15 * MIN, approval: 'none' }]);
    expect(stagesFor(p, 'critical')).toEqual([
      { weight: 50, soakTime: 30 * MIN, approval: 'none' },
      { weight: 100, soakTime: 30 * MIN, approval: 'none' },
    ]);
  });
});

describe('canary policy problems', () => {
  it('words the example from the design exactly', () => {
    const yaml = [
      '# Canary policy for the checkout service.', // 1
      'kind: canary', // 2
      'version: 1', // 3
      'services:', // 4
      '  - checkout', // 5
      'tier: standard', // 6
      '', // 7
      '# The standard tier, with a longer third stage.', // 8
      'stages:', // 9
      '  - weight: 1', // 10
      '  - weight: 5', // 11
      '  - soakTime: 30m', // 12
      '    approval: none', // 13
      '    weight: "50%"', // 14
      '  - weight: 100', // 15
    ].join('\n');
    expect(problems(yaml)).toEqual([
      'policies/canary.yml:14: stages[2].weight: expected a number from 0 to 100, got "50%"',
    ]);
    let thrown: unknown;
    try {
      parse(yaml);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect(thrown).toMatchObject({
      message: 'policies/canary.yml:14: stages[2].weight: expected a number from 0 to 100, got "50%"',
      location: { file: FILE, line: 14, field: 'stages[2].weight' },
      column: 13,
    });
  });

  it.each([
    [
      'weights must rise',
      'stages:\n  - weight: 5\n  - weight: 5\n  - weight: 100',
      ["policies/canary.yml:4: stages[1].weight: expected a weight greater than the previous stage's 5, got 5"],
    ],
    [
      'the last stage reaches 100',
      'stages:\n  - weight: 5\n  - weight: 50',
      ['policies/canary.yml:4: stages[1].weight: expected the last stage to reach 100, got 50'],
    ],
    [
      'the first stage sends traffic',
      'stages:\n  - weight: 0\n  - weight: 100',
      [
        'policies/canary.yml:3: stages[0].weight: expected a weight greater than 0: a stage at 0 sends the canary no traffic',
      ],
    ],
    [
      'weights stay within 0 to 100, reported once',
      'stages:\n  - weight: 5\n  - weight: 150',
      ['policies/canary.yml:4: stages[1].weight: expected a number from 0 to 100, got 150'],
    ],
    [
      'rules apply inside tiers too',
      'tiers:\n  critical:\n    stages:\n      - weight: 50\n      - weight: 25\n      - weight: 100',
      [
        "policies/canary.yml:6: tiers.critical.stages[1].weight: expected a weight greater than the previous stage's 50, got 25",
      ],
    ],
    ['an empty stage list', 'stages: []', ['policies/canary.yml:2: stages: expected at least 1 item, got 0']],
    [
      'unknown tier, with did-you-mean',
      'tiers:\n  noncritical: {}',
      ['policies/canary.yml:3: tiers.noncritical: unknown key "noncritical"; did you mean "non-critical"?'],
    ],
    [
      'unknown stage key, with did-you-mean',
      'stages:\n  - weight: 100\n    soakTim: 15m',
      ['policies/canary.yml:4: stages[0].soakTim: unknown key "soakTim"; did you mean "soakTime"?'],
    ],
    [
      'bad approval and tier values',
      'tier: critcal\nstages:\n  - weight: 100\n    approval: yes',
      [
        'policies/canary.yml:2: tier: expected one of "critical", "standard", "non-critical" or "infrastructure", got "critcal"; did you mean "critical"?',
        'policies/canary.yml:5: stages[0].approval: expected one of "none", "required" or "change", got "yes"',
      ],
    ],
    [
      'marginal threshold below pass',
      'analysis:\n  judge:\n    passThreshold: 80\n    marginalThreshold: 80',
      ['policies/canary.yml:5: analysis.judge.marginalThreshold: expected a number below passThreshold (80), got 80'],
    ],
    [
      'group weights add up to at most 100',
      'analysis:\n  judge:\n    groups:\n      errors: 70\n      latency: 40',
      ['policies/canary.yml:5: analysis.judge.groups: expected group weights adding up to at most 100, got 110'],
    ],
    [
      'a metric names an existing group',
      'analysis:\n  judge:\n    groups: {errors: 60, latency: 40}\n    metrics:\n      - name: e\n        query: q\n        group: eror\n      - name: l\n        query: q',
      [
        'policies/canary.yml:8: analysis.judge.metrics[0].group: unknown group "eror"; did you mean "errors"?',
        'policies/canary.yml:9: analysis.judge.metrics[1].group: missing required field: when groups are given, every metric names its group',
      ],
    ],
    [
      'metric names are unique and critical bounds lie beyond allowed ones',
      'analysis:\n  judge:\n    metrics:\n      - {name: e, query: q}\n      - {name: e, query: q, allowedIncrease: 20, criticalIncrease: 10}',
      [
        'policies/canary.yml:6: analysis.judge.metrics[1].name: duplicate metric name "e" (also metrics[0])',
        'policies/canary.yml:6: analysis.judge.metrics[1].criticalIncrease: expected a number of at least allowedIncrease (20), got 10',
      ],
    ],
    [
      'query templates use known variables',
      'analysis:\n  judge:\n    metrics:\n      - name: a\n        query: rate(x{v="{{versoin}}"}[{{window}}])\n      - name: b\n        query: x{s="{{scope}}"}',
      [
        'policies/canary.yml:6: analysis.judge.metrics[0].query: unknown query variable {{versoin}}; did you mean {{version}}?',
        'policies/canary.yml:8: analysis.judge.metrics[1].query: unknown query variable {{scope}}; the variables are {{service}}, {{environment}}, {{region}}, {{version}}, {{role}}, {{window}}',
      ],
    ],
    [
      'durations and intervals',
      'analysis:\n  interval: 10s\n  lookback: 15',
      [
        'policies/canary.yml:3: analysis.interval: expected a duration of at least 30s, got "10s"',
        'policies/canary.yml:4: analysis.lookback: expected a duration such as "15m", "1h30m", "90s" or "2d", got 15 (a duration needs a unit, such as "15m")',
      ],
    ],
    [
      'the lookback covers at least one interval',
      'analysis:\n  interval: 10m\n  lookback: 5m\n  marginal: hodl',
      [
        'policies/canary.yml:4: analysis.lookback: expected a lookback of at least the interval (10m), got 5m',
        'policies/canary.yml:5: analysis.marginal: expected one of "hold" or "fail", got "hodl"; did you mean "hold"?',
      ],
    ],
    [
      'approvers are GitHub users and org/team',
      'approvers:\n  users: ["@octocat"]\n  teams: [sre]\n  method: enviroment',
      [
        'policies/canary.yml:3: approvers.users[0]: expected a GitHub user name such as "octocat" (without "@"), got "@octocat"',
        'policies/canary.yml:4: approvers.teams[0]: expected a GitHub team "org/team-slug" such as "acme/sre", got "sre"',
        'policies/canary.yml:5: approvers.method: expected one of "environment", "status" or "dispatch", got "enviroment"; did you mean "environment"?',
      ],
    ],
    [
      'stages given twice for the same tier',
      'tier: critical\nstages:\n  - weight: 100\ntiers:\n  critical:\n    stages:\n      - weight: 100',
      [
        'policies/canary.yml:4: stages: the stages of tier "critical" are given twice, here and under tiers.critical.stages; keep one',
      ],
    ],
    [
      'tier approvers, change approvers and record patterns',
      'tiers:\n  critical:\n    approvers: { teams: [sre] }\n    change: { approvers: { users: ["@cab"] }, recordPattern: "CHG[" }\n    bakeTime: 1',
      [
        'policies/canary.yml:4: tiers.critical.approvers.teams[0]: expected a GitHub team "org/team-slug" such as "acme/sre", got "sre"',
        'policies/canary.yml:5: tiers.critical.change.approvers.users[0]: expected a GitHub user name such as "octocat" (without "@"), got "@cab"',
        'policies/canary.yml:5: tiers.critical.change.recordPattern: expected a regular expression, got "CHG[" (Invalid regular expression: /CHG[/u: Unterminated character class)',
        'policies/canary.yml:6: tiers.critical.bakeTime: expected a duration such as "15m", "1h30m", "90s" or "2d", got 1 (a duration needs a unit, such as "1m")',
      ],
    ],
    ['the version', 'version: 2', ['policies/canary.yml:2: version: expected 1 (the only policy version), got 2']],
  ])('%s', (_name, body, expected) => {
    expect(problems(`kind: canary\n${body}\n`)).toEqual(expected);
  });

  it('runs the cross-field rules beside other problems, so one pass finds them all', () => {
    const yaml = [
      'kind: canary', // 1
      'stages:', // 2
      '  - weight: 10', // 3
      '  - weight: x', // 4
      '  - weight: 100', // 5
      '  - weight: 50', // 6
      'analysis:', // 7
      '  judge:', // 8
      '    passThreshold: 80', // 9
      '    marginalThreshold: 85', // 10
      '    groups: {errors: 100}', // 11
      '    metrics:', // 12
      '      - name: e', // 13
      '        group: eror', // 14
      '      - name: f', // 15
      '        query: q', // 16
      '        group: errors', // 17
      '        directon: increase', // 18
    ].join('\n');
    expect(problems(yaml)).toEqual([
      'policies/canary.yml:4: stages[1].weight: expected a number from 0 to 100, got "x"',
      "policies/canary.yml:6: stages[3].weight: expected a weight greater than the previous stage's 100, got 50",
      'policies/canary.yml:6: stages[3].weight: expected the last stage to reach 100, got 50',
      'policies/canary.yml:10: analysis.judge.marginalThreshold: expected a number below passThreshold (80), got 85',
      'policies/canary.yml:13: analysis.judge.metrics[0].query: missing required field',
      'policies/canary.yml:14: analysis.judge.metrics[0].group: unknown group "eror"; did you mean "errors"?',
      'policies/canary.yml:18: analysis.judge.metrics[1].directon: unknown key "directon"; did you mean "direction"?',
    ]);
  });

  it('knows every tier by name', () => {
    const p = parse('kind: canary\n');
    expect(Object.keys(p.tiers).sort()).toEqual([...TIERS].sort());
  });
});
