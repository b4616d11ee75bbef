/**
 * Unknown, missing, infinite or too little data never passes a canary and is
 * never called a regression: the judgment holds (verdict NoData) and says
 * which metric had how many points, of how many needed, or how many were
 * infinite or NaN on which side. Driven through the shipped CLI, and through
 * the judge's decision tables for both profiles.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineMetric } from '../../src/canary/judge/defaults.js';
import type { MetricConfigInput } from '../../src/canary/judge/defaults.js';
import { judge } from '../../src/canary/judge/judge.js';
import { renderJudgmentMarkdown, renderJudgmentText } from '../../src/report/judgment.js';
import type { JudgeProfile, JudgeResult, MetricSamples } from '../../src/canary/judge/types.js';
import { runCliProcess } from '../helpers/cli-process.js';

const dir = mkdtempSync(join(tmpdir(), 'bellwether-judge-hold-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
/** A healthy latency around 120 ms with some spread. */
const healthy = (n: number, shift = 0): number[] => seq(n, (i) => 0.12 * (0.9 + (((i + shift) * 37) % 21) / 100));

const CONFIG = `judge:
  metrics:
    - name: latency-p99
      direction: increase
    - name: server-errors
      direction: increase
`;

describe('bellwether canary judge with too little data (the process)', () => {
  it('holds with 6 points a side: NoData, "6 of 10", exit code 4, never Fail', async () => {
    const input = file(
      'six.json',
      JSON.stringify({
        'latency-p99': { baseline: healthy(6), canary: healthy(6, 3) },
        'server-errors': { baseline: healthy(6, 1), canary: healthy(6, 2) },
      }),
    );
    const config = file('judge.yml', CONFIG);
    const text = await runCliProcess(['canary', 'judge', '--config', config, '--input', input]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(4);
    expect(text.stdout).toMatch(
      /^NoData, holding: latency-p99 NoData — too few points: canary 6 of 10 points, baseline 6 of 10/,
    );
    expect(text.stdout).not.toMatch(/^Fail/m);

    const json = await runCliProcess(['canary', 'judge', '--config', config, '--input', input, '--format', 'json']);
    expect(json.code).toBe(4);
    const result = JSON.parse(json.stdout) as JudgeResult;
    expect(result.verdict).toBe('NoData');
    expect(result.score).toBeNull();
    expect(result.metrics.map((m) => m.classification)).toEqual(['NoData', 'NoData']);
    expect(result.metrics[0]?.reason).toMatch(/too few points: canary 6 of 10 points, baseline 6 of 10/);
  });

  it('holds on +Inf canary latency (written 1e999 or "+Inf"), saying how many points were infinite on which side', async () => {
    const config = file('judge-inf.yml', CONFIG);
    const canary: (number | string)[] = healthy(20);
    canary[17] = '+Inf';
    canary[18] = '+Inf';
    const input = file(
      'inf.json',
      `{"latency-p99": {"baseline": ${JSON.stringify(healthy(20, 5))}, "canary": ${JSON.stringify(canary).replace('"+Inf"', '1e999')}},
 "server-errors": {"baseline": ${JSON.stringify(healthy(20, 1))}, "canary": ${JSON.stringify(healthy(20, 2))}}}`,
    );
    const out = await runCliProcess(['canary', 'judge', '--config', config, '--input', input, '--format', 'json']);
    expect(out.code).toBe(4);
    const result = JSON.parse(out.stdout) as JudgeResult;
    expect(result.verdict).toBe('NoData');
    expect(result.score).toBeNull();
    expect(result.reason).toMatch(/latency-p99/);
    expect(result.metrics[0]?.reason).toMatch(/canary: 2 of 20 points are \+Inf/);
  });
});

/** Judges metrics alone and returns the result. */
function run(
  profile: JudgeProfile,
  metrics: Partial<MetricConfigInput>[],
  samples: Record<string, MetricSamples>,
): JudgeResult {
  const config = {
    metrics: metrics.map((m, i) => defineMetric({ name: `m${i}`, groups: ['g'], direction: 'increase', ...m })),
    groupWeights: {},
  };
  return judge(config, samples, { profile });
}

const inf = Number.POSITIVE_INFINITY;
const withValues = (values: number[], at: number[], v: number): number[] =>
  values.map((x, i) => (at.includes(i) ? v : x));

interface HoldCase {
  readonly what: string;
  readonly metric?: Partial<MetricConfigInput>;
  readonly samples: MetricSamples;
  /** The judged metric's reason must match. */
  readonly reason: RegExp;
}

// Each unjudgeable metric is judged beside a healthy one: the healthy one must not carry the judgment to a Pass.
const holdCases: HoldCase[] = [
  {
    what: '6 points a side',
    samples: { baseline: healthy(6), canary: healthy(6, 2) },
    reason: /canary 6 of 10 points, baseline 6 of 10/,
  },
  {
    what: '6 points on the canary only',
    samples: { baseline: healthy(30), canary: healthy(6, 2) },
    reason: /canary 6 of 10 points, baseline 30/,
  },
  { what: 'no canary points', samples: { baseline: healthy(30), canary: [] }, reason: /canary 0 of 10 points/ },
  {
    what: 'an empty series on both sides',
    samples: { baseline: [], canary: [] },
    reason: /canary 0 of 10 points, baseline 0 of 10/,
  },
  {
    what: 'NaN canary latency',
    samples: { baseline: healthy(30), canary: seq(30, () => Number.NaN) },
    reason: /canary 0 of 10 points \(30 NaN left out\)/,
  },
  {
    what: 'NaN canary latency, NaN replaced',
    metric: { nanStrategy: 'replace' },
    samples: { baseline: healthy(30), canary: seq(30, () => Number.NaN) },
    reason: /canary: 30 of 30 points are NaN/,
  },
  {
    what: '+Inf canary latency',
    samples: { baseline: healthy(30), canary: withValues(healthy(30), [28, 29], inf) },
    reason: /canary: 2 of 30 points are \+Inf/,
  },
  {
    what: 'all +Inf canary latency',
    samples: { baseline: healthy(30), canary: seq(30, () => inf) },
    reason: /canary: 30 of 30 points are \+Inf/,
  },
  {
    what: '+Inf canary latency, critical',
    metric: { critical: true },
    samples: { baseline: healthy(30), canary: withValues(healthy(30), [3], inf) },
    reason: /canary: 1 of 30 points are \+Inf/,
  },
  {
    what: '-Inf on the baseline',
    samples: { baseline: withValues(healthy(30), [0], -inf), canary: healthy(30) },
    reason: /baseline: 1 of 30 points are -Inf/,
  },
  {
    what: '+Inf on both sides',
    samples: { baseline: withValues(healthy(30), [0, 1], inf), canary: withValues(healthy(30), [5], inf) },
    reason: /canary: 1 of 30 points are \+Inf; baseline: 2 of 30 points are \+Inf/,
  },
];

describe('the judge holds on data it cannot judge', () => {
  for (const profile of ['bellwether', 'kayenta'] as const) {
    for (const c of holdCases) {
      for (const critical of [false, true]) {
        it(`${profile}: ${c.what}${critical ? ', critical' : ''}: NoData, never Pass or Fail`, () => {
          const result = run(profile, [{ critical, ...c.metric }, {}], {
            m0: c.samples,
            m1: { baseline: healthy(30), canary: healthy(30, 4) },
          });
          expect(result.metrics[0]?.classification).toBe('NoData');
          expect(result.metrics[0]?.criticalFailure).toBe(false);
          expect(result.metrics[0]?.reason).toMatch(c.reason);
          expect(result.verdict).toBe('NoData');
          expect(result.score).toBeNull();
          expect(result.reason).toMatch(/^m0: /);
        });
      }
    }
  }

  it('a clear regression elsewhere still fails: missing data does not hide evidence', () => {
    const result = run('bellwether', [{ critical: true }, {}], {
      m0: { baseline: healthy(30), canary: healthy(30).map((v) => v * 2) },
      m1: { baseline: healthy(6), canary: healthy(6) },
    });
    expect(result.verdict).toBe('Fail');
    expect(result.score).toBe(0);
  });

  it('fails when the metrics it could judge fail whatever the others would show', () => {
    const regressed = { baseline: healthy(30), canary: healthy(30).map((v) => v * 2) };
    const result = run('bellwether', [{}, {}, {}], {
      m0: regressed,
      m1: regressed,
      m2: { baseline: healthy(30), canary: [] },
    });
    expect(result.verdict).toBe('Fail');
    expect(result.reason).toMatch(/even if m2 passed/);
  });

  it('a muted metric without data does not hold the judgment', () => {
    const result = run('bellwether', [{ muted: true }, {}], {
      m0: { baseline: [], canary: [] },
      m1: { baseline: healthy(30), canary: healthy(30, 4) },
    });
    expect(result.verdict).toBe('Pass');
  });

  it('mustHaveData labels the metric NoDataFail, and still holds', () => {
    const result = run('bellwether', [{ mustHaveData: true }, {}], {
      m0: { baseline: healthy(30), canary: [] },
      m1: { baseline: healthy(30), canary: healthy(30, 4) },
    });
    expect(result.metrics[0]?.classification).toBe('NoDataFail');
    expect(result.verdict).toBe('NoData');
  });
});

describe('reports of a judgment that holds on infinite values', () => {
  it('keep the infinite metric out of the charts, and in the table with its reason', () => {
    const result = run('bellwether', [{}, {}], {
      m0: { baseline: healthy(30), canary: withValues(healthy(30), [1], inf) },
      m1: { baseline: healthy(30), canary: healthy(30, 4) },
    });
    const text = renderJudgmentText(result);
    expect(text).toMatch(/^NoData, holding: m0 NoData — infinite values cannot be compared/);
    expect(text).toMatch(/^No score \(pass needs ≥ 95/m);
    expect(text).toMatch(
      /^m0\s+NoData\s+∞\s+0\.119\s+–\s+\+5%\s+infinite values cannot be compared: canary: 1 of 30 points are \+Inf$/m,
    );
    expect(text).not.toMatch(/^m0 +B /m);
    const markdown = renderJudgmentMarkdown(result);
    expect(markdown).toMatch(/^### ⏸️ NoData, holding: m0 NoData — infinite values cannot be compared/);
    expect(markdown).not.toContain('Infinity');
  });
});
