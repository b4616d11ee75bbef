/**
 * The `kayenta` profile classifies as Kayenta's NetflixACAJudge does, case by
 * case, and the `bellwether` profile never passes what Kayenta would fail.
 * Each case's comment gives Kayenta's classification as its source reasons
 * it (kayenta-judge: MannWhitneyClassifier.classify and compare,
 * EffectSizes.meanRatio, kayenta-mannwhitney MannWhitney.wilcoxonDiff, the
 * WeightedSumScorer). Where Bellwether departs on purpose, the comment says
 * why.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineMetric } from '../../src/canary/judge/defaults.js';
import type { MetricConfigInput } from '../../src/canary/judge/defaults.js';
import { judge } from '../../src/canary/judge/judge.js';
import { looksLikeKayentaConfig, parseKayentaConfig } from '../../src/canary/judge/kayenta-config.js';
import type {
  Classification,
  JudgeProfile,
  JudgeResult,
  MetricSamples,
  Verdict,
} from '../../src/canary/judge/types.js';
import { runCliProcess } from '../helpers/cli-process.js';

const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

function one(profile: JudgeProfile, metric: Partial<MetricConfigInput>, samples: MetricSamples, minSamples?: number) {
  const config = {
    metrics: [defineMetric({ name: 'm', groups: ['g'], ...metric })],
    groupWeights: {},
    ...(minSamples !== undefined ? { minSamples } : {}),
  };
  const result = judge(config, { m: samples }, { profile });
  const m = result.metrics[0];
  if (!m) throw new Error('no metric result');
  return { result, metric: m };
}

interface Side {
  classification: Classification;
  critical?: boolean;
  verdict: Verdict;
}
interface Case {
  what: string;
  metric?: Partial<MetricConfigInput>;
  samples: MetricSamples;
  minSamples?: number;
  kayenta: Side;
  bellwether: Side;
}

/** Errors per interval: none on the baseline, 1 to 4 on the canary. */
const zeroBaseline = { baseline: seq(30, () => 0), canary: seq(30, (i) => 1 + (i % 4)) };
/** A signed metric (a balance, a clock skew) whose baseline averages exactly 0. */
const signedZeroMean = {
  baseline: seq(30, (i) => (i % 2 === 0 ? -1 : 1) * (1 + (i % 5))),
  canary: seq(30, (i) => 5 + (i % 4)),
};
/** Requests per second around 100, and a canary that serves none. */
const throughputToZero = { baseline: seq(30, (i) => 100 + (i % 7)), canary: seq(30, () => 0) };
const typical = { allowedIncrease: 1.2, allowedDecrease: 0.8, criticalIncrease: 1.5, criticalDecrease: 0.5 };

const cases: Case[] = [
  // 1. Kayenta: EffectSizes.meanRatio is NaN when the control mean is 0; compare() then skips the
  // effect-size check ("If the effect size cannot be computed, the effect size comparison is
  // ignored"), the interval [2, 3] lies above 0.25 × 2, so High. Any allowedIncrease is skipped.
  {
    what: 'errors appearing from a baseline of 0',
    metric: { direction: 'increase', effectSize: typical },
    samples: zeroBaseline,
    kayenta: { classification: 'High', verdict: 'Fail' },
    bellwether: { classification: 'High', verdict: 'Fail' },
  },
  // Kayenta: the same High; criticalHighFailure also skips its effect-size check when it is NaN,
  // so the critical metric fails the canary (score 0).
  {
    what: 'errors appearing from 0 on a critical metric',
    metric: { direction: 'increase', critical: true, effectSize: typical },
    samples: zeroBaseline,
    kayenta: { classification: 'High', critical: true, verdict: 'Fail' },
    bellwether: { classification: 'High', critical: true, verdict: 'Fail' },
  },
  // Kayenta: the baseline mean is exactly 0, so the mean ratio is NaN and the interval alone decides: High.
  {
    what: 'a signed metric whose baseline mean is 0 rises',
    metric: { effectSize: typical },
    samples: signedZeroMean,
    kayenta: { classification: 'High', verdict: 'Fail' },
    bellwether: { classification: 'High', verdict: 'Fail' },
  },
  // Kayenta: both sides constant, so Gaussian noise of 1e-5 × value is added; the baseline's scale
  // is 0 and it stays at 0, the canary spreads around 2; the interval is about [2, 2], above 0.5; NaN ratio: High.
  {
    what: 'a constant 0 baseline against a constant canary',
    metric: { direction: 'increase', effectSize: typical },
    samples: { baseline: seq(30, () => 0), canary: seq(30, () => 2) },
    kayenta: { classification: 'High', verdict: 'Fail' },
    bellwether: { classification: 'High', verdict: 'Fail' },
  },
  // 2. Kayenta: the canary mean is 0, so the mean ratio is NaN (not a ratio that "never compares"):
  // the check is skipped, the interval lies below -0.25 × |estimate|: Low; critical, so the canary fails.
  {
    what: 'a critical throughput falling to 0',
    metric: { direction: 'decrease', critical: true, effectSize: typical },
    samples: throughputToZero,
    kayenta: { classification: 'Low', critical: true, verdict: 'Fail' },
    bellwether: { classification: 'Low', critical: true, verdict: 'Fail' },
  },
  // Kayenta: the same Low with the default thresholds and direction either.
  {
    what: 'a metric falling to 0, default effect sizes',
    samples: throughputToZero,
    kayenta: { classification: 'Low', verdict: 'Fail' },
    bellwether: { classification: 'Low', verdict: 'Fail' },
  },
  // Kayenta: direction increase never looks for a Low: Pass.
  {
    what: 'a metric falling to 0, direction increase',
    metric: { direction: 'increase', effectSize: typical },
    samples: throughputToZero,
    kayenta: { classification: 'Pass', verdict: 'Pass' },
    bellwether: { classification: 'Pass', verdict: 'Pass' },
  },
  // 3. Kayenta: one distinct value per side, so noise is added, but one point stays one point;
  // wilcoxonDiff at muMin = x - y ranks x - muMin = y against y: every observation tied, sigma 0,
  // IllegalArgumentException("cannot compute confidence interval when all observations are tied"),
  // caught in classifyMetric: Error ("Metric Classification Failed"), critical false.
  // Kayenta then leaves the Error out of the score; Bellwether holds on it (verdict NoData), since
  // a metric nobody could judge is no evidence of health. The bellwether profile holds too and says
  // why: the rank-sum p-value of one point against one is 0.5 whatever the values.
  {
    what: 'one point per side',
    samples: { baseline: [1], canary: [3] },
    minSamples: 1,
    kayenta: { classification: 'Error', verdict: 'NoData' },
    bellwether: { classification: 'NoData', verdict: 'NoData' },
  },
  // Kayenta: the zeros get noise of scale 0 and stay tied with the one canary point once shifted: Error.
  {
    what: 'one canary point against baseline zeros',
    samples: { baseline: [0, 0, 0], canary: [3] },
    minSamples: 1,
    kayenta: { classification: 'Error', verdict: 'NoData' },
    bellwether: { classification: 'NoData', verdict: 'NoData' },
  },
  // Kayenta: both constant with non-zero values and several points: the noise spreads both sides,
  // nothing is tied, the interval is about [1, 1], above 0.25: High.
  {
    what: 'constant 5 against constant 6, 20 points a side',
    samples: { baseline: seq(20, () => 5), canary: seq(20, () => 6) },
    kayenta: { classification: 'High', verdict: 'Fail' },
    bellwether: { classification: 'High', verdict: 'Fail' },
  },
  // Kayenta: the sorted samples are equal: Pass before any test ("data are identical").
  {
    what: 'one point per side, the same value',
    samples: { baseline: [4], canary: [4] },
    minSamples: 1,
    kayenta: { classification: 'Pass', verdict: 'Pass' },
    bellwether: { classification: 'Pass', verdict: 'Pass' },
  },
];

describe('Kayenta fidelity: means of 0, falls to 0, ties (both profiles)', () => {
  for (const c of cases) {
    it(`${c.what}: kayenta ${c.kayenta.classification}, bellwether ${c.bellwether.classification}`, () => {
      for (const profile of ['kayenta', 'bellwether'] as const) {
        const want = c[profile];
        const { result, metric } = one(profile, c.metric ?? {}, c.samples, c.minSamples);
        expect({ profile, classification: metric.classification, verdict: result.verdict }).toEqual({
          profile,
          classification: want.classification,
          verdict: want.verdict,
        });
        expect(metric.criticalFailure).toBe(want.critical ?? false);
        // a reason that explains itself, never an infinite percentage or "too small to matter" on a failure
        expect(metric.reason).not.toMatch(/∞|too small to matter/);
      }
    });
  }

  it('says that the effect size could not be computed, and what was seen instead', () => {
    expect(one('kayenta', { direction: 'increase', effectSize: typical }, zeroBaseline).metric.reason).toMatch(
      /mean ratio cannot be computed from a mean of 0, so the effect-size check is skipped/,
    );
    expect(one('bellwether', { direction: 'increase', effectSize: typical }, zeroBaseline).metric.reason).toMatch(
      /mean from 0 to 2\.433/,
    );
    expect(one('kayenta', {}, { baseline: [1], canary: [3] }, 1).metric.reason).toBe(
      'classification failed: all observations are tied (canary: one point, 3; baseline: one point, 1)',
    );
    expect(one('bellwether', {}, { baseline: [1], canary: [3] }, 1).metric.reason).toMatch(
      /too few points to show a change: with canary 1 and baseline 1 points the rank-sum p-value cannot fall below 0\.5/,
    );
  });
});

const fixture = (name: string): string => new URL(`../fixtures/canary/${name}`, import.meta.url).pathname;
const base = JSON.parse(readFileSync(fixture('kayenta-config.json'), 'utf8')) as {
  metrics: Record<string, unknown>[];
  classifier: Record<string, unknown>;
};

describe('reading a Kayenta config as Kayenta reads it', () => {
  // Kayenta: ScoringHelper classifies the score with the thresholds it is given; an ad-hoc
  // request gives executionRequest.thresholds (ExecutionMapper), a stored config its classifier's.
  const thresholdCases: { what: string; doc: unknown; pass: number | undefined; marginal: number | undefined }[] = [
    { what: "no scoreThresholds: the judge's 95 / 75 apply", doc: base, pass: undefined, marginal: undefined },
    {
      what: 'classifier.scoreThresholds',
      doc: { ...base, classifier: { ...base.classifier, scoreThresholds: { pass: 75, marginal: 50 } } },
      pass: 75,
      marginal: 50,
    },
    {
      what: 'only a pass score',
      doc: { ...base, classifier: { ...base.classifier, scoreThresholds: { pass: 80 } } },
      pass: 80,
      marginal: undefined,
    },
    {
      what: "an ad-hoc request's executionRequest.thresholds",
      doc: { canaryConfig: base, executionRequest: { scopes: {}, thresholds: { pass: 70, marginal: 40 } } },
      pass: 70,
      marginal: 40,
    },
    {
      what: "the request's thresholds over the config's",
      doc: {
        canaryConfig: { ...base, classifier: { ...base.classifier, scoreThresholds: { pass: 90, marginal: 60 } } },
        executionRequest: { thresholds: { pass: 70, marginal: 40 } },
      },
      pass: 70,
      marginal: 40,
    },
  ];
  for (const c of thresholdCases) {
    it(`score thresholds: ${c.what}`, () => {
      expect(looksLikeKayentaConfig(c.doc)).toBe(true);
      const config = parseKayentaConfig(c.doc, 'c.json');
      expect({ pass: config.passThreshold, marginal: config.marginalThreshold }).toEqual({
        pass: c.pass,
        marginal: c.marginal,
      });
    });
  }

  it('accepts outliers.strategy "none", Kayenta\'s default string, as keep', () => {
    // Kayenta: OutlierStrategy.parse maps anything but "remove" and "keep" to Keep; "none" is its default.
    const doc = {
      ...base,
      metrics: [{ name: 'm', groups: ['g'], analysisConfigurations: { canary: { outliers: { strategy: 'none' } } } }],
    };
    expect(parseKayentaConfig(doc, 'c.json').metrics[0]?.outliers.strategy).toBe('keep');
    const typo = {
      ...base,
      metrics: [{ name: 'm', groups: ['g'], analysisConfigurations: { canary: { outliers: { strategy: 'drop' } } } }],
    };
    expect(() => parseKayentaConfig(typo, 'c.json')).toThrow(
      /metrics\[0\]\.analysisConfigurations\.canary\.outliers\.strategy: expected one of keep, remove, none, got "drop"/,
    );
  });

  it('names the inner field of an ad-hoc request in its errors', () => {
    const doc = {
      canaryConfig: {
        ...base,
        metrics: [{ name: 'm', groups: ['g'], analysisConfigurations: { canary: { direction: 'up' } } }],
      },
      executionRequest: { thresholds: { pass: 70, marginal: 80 } },
    };
    expect(() => parseKayentaConfig(doc, 'c.json')).toThrow(
      /canaryConfig\.metrics\[0\]\.analysisConfigurations\.canary\.direction: expected one of increase, decrease, either, got "up"/,
    );
    const thresholds = { canaryConfig: base, executionRequest: { thresholds: { pass: 70, marginal: 80 } } };
    expect(() => parseKayentaConfig(thresholds, 'c.json')).toThrow(
      /executionRequest\.thresholds\.marginal: expected at most the pass score \(70\), got 80/,
    );
    expect(() => parseKayentaConfig({ canaryConfig: 'x', executionRequest: {} }, 'c.json')).toThrow(
      /canaryConfig: expected the canary config object/,
    );
  });
});

describe('bellwether canary judge with a Kayenta config (the process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bellwether-kayenta-fidelity-'));
  const write = (name: string, value: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value, null, 2));
    return path;
  };
  const metric = (name: string, canary: Record<string, unknown>) => ({
    name,
    groups: [name],
    analysisConfigurations: { canary },
  });
  const config = {
    metrics: [
      metric('server-errors', {
        direction: 'increase',
        critical: true,
        effectSize: typical,
        outliers: { strategy: 'none' },
      }),
      metric('throughput', { direction: 'decrease', critical: true, effectSize: typical }),
    ],
    classifier: { groupWeights: { 'server-errors': 50, throughput: 50 } },
  };
  const healthy = { baseline: seq(30, (i) => 100 + (i % 7)), canary: seq(30, (i) => 100 + ((i + 3) % 7)) };

  it('fails a canary whose errors appear from 0, in both profiles, read from an ad-hoc request body', async () => {
    const request = write('request.json', {
      canaryConfig: config,
      executionRequest: { scopes: {}, thresholds: { pass: 75, marginal: 50 } },
    });
    const input = write('errors.json', { 'server-errors': zeroBaseline, throughput: healthy });
    for (const profile of ['kayenta', 'bellwether']) {
      const run = await runCliProcess([
        'canary',
        'judge',
        '--config',
        request,
        '--input',
        input,
        '--profile',
        profile,
        '--format',
        'json',
      ]);
      expect(run.stderr).toBe('');
      const result = JSON.parse(run.stdout) as JudgeResult;
      expect({ profile, code: run.code, verdict: result.verdict, score: result.score }).toEqual({
        profile,
        code: 1,
        verdict: 'Fail',
        score: 0,
      });
      expect(result.thresholds).toEqual({ pass: 75, marginal: 50 });
      expect(result.metrics[0]).toMatchObject({ name: 'server-errors', classification: 'High', criticalFailure: true });
    }
  });

  it('fails a canary whose throughput falls to 0', async () => {
    const path = write('config.json', config);
    const input = write('zero.json', {
      'server-errors': { baseline: seq(30, () => 0), canary: seq(30, () => 0) },
      throughput: throughputToZero,
    });
    const run = await runCliProcess(['canary', 'judge', '--config', path, '--input', input, '--profile', 'kayenta']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Fail/);
    expect(run.stdout).toMatch(/^Fail: throughput Low \(critical\) — /);
    expect(run.stdout).toMatch(
      /^Score 0 \(pass needs ≥ \d+, marginal ≥ \d+\): a failing critical metric \(throughput\) sets the score to 0;/m,
    );
  });
});
