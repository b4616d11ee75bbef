/**
 * Scoring, as Kayenta's WeightedSumScorer and ThresholdScoreClassifier do it
 * (kayenta-judge, scorers/WeightedSumScorer.scala):
 *
 * - A group's score is 100 × Pass / (Pass + High + Low + NoDataFail); NoData
 *   and Error are left out; a group with none of the four counts 100 in the
 *   summary. A metric in several groups counts in each.
 * - The summary is Σ score × weight / 100; groups without a weight share
 *   what is left of 100 equally; rounded to two decimals.
 * - The score is 0 when a critical metric failed (its result is a critical
 *   failure), or when half or more of the metrics are NoData.
 * - Verdict: Pass at or above the pass threshold, Marginal at or above the
 *   marginal threshold, Fail below.
 *
 * Muted metrics are reported and left out of all of this. In the `bellwether`
 * profile a weighted group that has no metric at all also counts 100, where
 * Kayenta leaves it out of the sum and so caps the score below 100.
 */

import type { Classification, GroupResult, JudgeProfile, MetricResult, Verdict } from './types.js';

/** Kayenta's NODATA_THRESHOLD: this percentage of NoData metrics or more scores 0. */
export const NODATA_THRESHOLD = 50;

/** The score of a set of metric results, the verdict, and why. */
export interface ScoreOutcome {
  readonly score: number;
  readonly verdict: Verdict;
  readonly reason: string;
  readonly groups: readonly GroupResult[];
}

const LABELS: readonly Classification[] = ['Pass', 'High', 'Low', 'NoData', 'NoDataFail', 'Error'];

/** Scores metric results and classifies the score. */
export function scoreResults(
  results: readonly MetricResult[],
  groupWeights: Readonly<Record<string, number>>,
  thresholds: { readonly pass: number; readonly marginal: number },
  profile: JudgeProfile,
): ScoreOutcome {
  const counted = results.filter((r) => !r.muted);
  const names: string[] = [];
  const counts = new Map<string, Record<Classification, number>>();
  const groupOf = (name: string): Record<Classification, number> => {
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

  const groups: GroupResult[] = names.map((name) => {
    const c = counts.get(name) as Record<Classification, number>;
    const total = c.Pass + c.High + c.Low + c.NoDataFail;
    return {
      name,
      score: total === 0 ? null : (100 * c.Pass) / total,
      weight: groupWeights[name] ?? shared,
      counts: Object.fromEntries(LABELS.map((l) => [l, c[l]])) as Record<Classification, number>,
    };
  });

  const criticalFailure = counted.find((r) => r.criticalFailure);
  let score: number;
  let reason: string;
  if (criticalFailure) {
    score = 0;
    reason = `critical metric ${criticalFailure.name} is ${criticalFailure.classification}: ${criticalFailure.reason}`;
  } else if (counted.length > 0 && (100 * counted.filter((r) => r.classification === 'NoData').length) / counted.length >= NODATA_THRESHOLD) {
    score = 0;
    reason = `${NODATA_THRESHOLD}% or more of the metrics have no data`;
  } else if (counted.length === 0) {
    score = 0;
    reason = 'no metric to judge';
  } else {
    const sum = groups.reduce((acc, g) => acc + (g.score ?? 100) * (g.weight / 100), 0);
    score = Math.round(sum * 100) / 100;
    const failing = counted.filter((r) => r.classification !== 'Pass' && r.classification !== 'NoData' && r.classification !== 'Error');
    reason =
      failing.length === 0
        ? `all ${counted.length} metrics pass or have no say`
        : `${failing.length} of ${counted.length} metrics failed: ${failing
            .slice(0, 3)
            .map((r) => `${r.name} ${r.classification}`)
            .join(', ')}${failing.length > 3 ? ', …' : ''}`;
  }
  return { score, verdict: verdictOf(score, thresholds), reason, groups };
}

/** Pass / Marginal / Fail from a score and the two thresholds. */
export function verdictOf(score: number, thresholds: { readonly pass: number; readonly marginal: number }): Verdict {
  if (score >= thresholds.pass) return 'Pass';
  if (score >= thresholds.marginal) return 'Marginal';
  return 'Fail';
}
