/**
 * Scoring, as Kayenta's WeightedSumScorer and ThresholdScoreClassifier do it
 * (kayenta-judge, scorers/WeightedSumScorer.scala), except for data that
 * cannot be judged:
 *
 * - A group's score is 100 × Pass / (Pass + High + Low); a group with none
 *   of these counts 100 in the summary. A metric in several groups counts in
 *   each.
 * - The summary is Σ score × weight / 100; groups without a weight share
 *   what is left of 100 equally; rounded to two decimals.
 * - The score is 0 when a critical metric failed (its result is a critical
 *   failure).
 * - Verdict: Pass at or above the pass threshold, Marginal at or above the
 *   marginal threshold, Fail below.
 * - A counted metric that could not be judged (NoData, NoDataFail, Error)
 *   holds the judgment: the verdict is NoData, without a score, and the
 *   reason names each such metric and why. Kayenta leaves such metrics out
 *   and scores the rest (one judged metric that passes scores 100), or
 *   scores 0 when half of them have no data: the first passes a canary on
 *   data nobody saw, the second fails a healthy one for being young. The
 *   one exception is evidence that fails the canary on its own: a critical
 *   failure, or a score that would still be a Fail if every unjudged metric
 *   passed. That is a Fail, and its score is that best case.
 *
 * Muted metrics are reported and left out of all of this. In the `bellwether`
 * profile a weighted group that has no metric at all also counts 100, where
 * Kayenta leaves it out of the sum and so caps the score below 100.
 */

import type { Classification, GroupResult, JudgeProfile, MetricResult, Verdict } from './types.js';

/** The score of a set of metric results, the verdict, and why. */
export interface ScoreOutcome {
  /** Null when the verdict is NoData. */
  readonly score: number | null;
  readonly verdict: Verdict;
  readonly reason: string;
  readonly groups: readonly GroupResult[];
}

const LABELS: readonly Classification[] = ['Pass', 'High', 'Low', 'NoData', 'NoDataFail', 'Error'];

/** Classifications that say the metric could not be judged. */
export const UNJUDGED: readonly Classification[] = ['NoData', 'NoDataFail', 'Error'];

type Counts = Record<Classification, number>;

/** Scores metric results and classifies the score. */
export function scoreResults(
  results: readonly MetricResult[],
  groupWeights: Readonly<Record<string, number>>,
  thresholds: { readonly pass: number; readonly marginal: number },
  profile: JudgeProfile,
): ScoreOutcome {
  const counted = results.filter((r) => !r.muted);
  const names: string[] = [];
  const counts = new Map<string, Counts>();
  const groupOf = (name: string): Counts => {
    let c = counts.get(name);
    if (!c) {
      c = { Pass: 0, High: 0, Low: 0, NoData: 0, NoDataFail: 0, Error: 0 };
      counts.set(name, c);
      names.push(name);
    }
    return c;
  };
  for (const r of counted) for (const g of r.groups) groupOf(g)[r.classification]++;
  if (profile === 'bellwether') for (const g of Object.keys(groupWeights)) groupOf(g);

  const weighted = new Set(Object.keys(groupWeights));
  const unweighted = names.filter((g) => !weighted.has(g));
  const weightSum = Object.values(groupWeights).reduce((a, b) => a + b, 0);
  const shared = unweighted.length > 0 ? (100 - weightSum) / unweighted.length : 0;
  const groupScore = (c: Counts, unjudgedPass: boolean): number | null => {
    const pass = c.Pass + (unjudgedPass ? c.NoData + c.NoDataFail + c.Error : 0);
    const total = pass + c.High + c.Low;
    return total === 0 ? null : (100 * pass) / total;
  };

  const groups: GroupResult[] = names.map((name) => {
    const c = counts.get(name) as Counts;
    return {
      name,
      score: groupScore(c, false),
      weight: groupWeights[name] ?? shared,
      counts: Object.fromEntries(LABELS.map((l) => [l, c[l]])) as Counts,
    };
  });
  // The score if every unjudged metric passed: the best the canary could do.
  const summary = (unjudgedPass: boolean): number =>
    Math.round(
      groups.reduce(
        (acc, g) => acc + (groupScore(counts.get(g.name) as Counts, unjudgedPass) ?? 100) * (g.weight / 100),
        0,
      ) * 100,
    ) / 100;

  const failing = counted.filter((r) => r.classification === 'High' || r.classification === 'Low');
  const failed = `${failing.length} of ${counted.length} metrics failed: ${failing
    .slice(0, 3)
    .map((r) => `${r.name} ${r.classification}`)
    .join(', ')}${failing.length > 3 ? ', …' : ''}`;
  const unjudged = counted.filter((r) => UNJUDGED.includes(r.classification));
  const criticalFailure = counted.find((r) => r.criticalFailure);

  if (criticalFailure) {
    const score = 0;
    return {
      score,
      verdict: verdictOf(score, thresholds),
      reason: `critical metric ${criticalFailure.name} is ${criticalFailure.classification}: ${criticalFailure.reason}`,
      groups,
    };
  }
  if (counted.length === 0) return { score: null, verdict: 'NoData', reason: 'no metric to judge', groups };
  // The score is made of groups: metrics that are in none could be judged and count nowhere, which is not a verdict.
  if (counted.every((r) => r.groups.length === 0))
    return {
      score: null,
      verdict: 'NoData',
      reason: `none of the ${counted.length} metrics is in a group, so there is no score to give: put each metric in a group`,
      groups,
    };
  if (unjudged.length > 0) {
    const best = summary(true);
    if (verdictOf(best, thresholds) === 'Fail') {
      const names = unjudged.map((r) => r.name);
      return {
        score: best,
        verdict: 'Fail',
        reason: `${failed}; the score is at most ${best} even if ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''} passed`,
        groups,
      };
    }
    const why = unjudged.slice(0, 3).map((r) => `${r.name}: ${r.reason}`);
    return {
      score: null,
      verdict: 'NoData',
      reason: `${why.join('; ')}${unjudged.length > 3 ? `; and ${unjudged.length - 3} more` : ''} (${unjudged.length} of ${counted.length} metrics cannot be judged yet: holding)`,
      groups,
    };
  }
  const score = summary(false);
  return {
    score,
    verdict: verdictOf(score, thresholds),
    reason: failing.length === 0 ? `all ${counted.length} metrics pass` : failed,
    groups,
  };
}

/** Pass / Marginal / Fail from a score and the two thresholds. */
export function verdictOf(
  score: number,
  thresholds: { readonly pass: number; readonly marginal: number },
): 'Pass' | 'Marginal' | 'Fail' {
  if (score >= thresholds.pass) return 'Pass';
  if (score >= thresholds.marginal) return 'Marginal';
  return 'Fail';
}
