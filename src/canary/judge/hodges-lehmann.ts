/**
 * The confidence interval of the shift (canary minus baseline) and its point
 * estimate, two ways.
 *
 * - `search`: what R's wilcox.test(canary, baseline, conf.int = TRUE,
 *   exact = FALSE, correct = TRUE) and Kayenta's MannWhitney.scala compute:
 *   each bound is a root of the continuity-corrected standardized rank
 *   statistic minus ±z, found by Brent's method with an absolute tolerance of
 *   1e-4 after checking the bracket's ends. Kayenta's estimate is the root of
 *   the same corrected function at z = 0 with no end checks (R ≥ 4.0 drops the
 *   correction for its estimate; we report that too, as `rEstimate`).
 * - `exact`: the rank statistic is a step function of the shift that jumps
 *   only at pairwise differences, so each root R approaches is one particular
 *   pairwise difference, of known rank. We compute that rank from the
 *   statistic and select the difference directly: exact to the data's own
 *   precision, whatever the data's scale, in O((n + m) log(n + m)). The
 *   estimate is the Hodges-Lehmann median of the pairwise differences.
 */

import { normalQuantile } from './normal.js';
import { AllTiedError, rankSigma, standardizedShift, withinTies } from './rank-sum.js';
import type { SortedPair } from './rank-sum.js';
import { kthDifference, nextDifference, selectRanks } from './shift-select.js';
import { zeroin } from './zeroin.js';

/** How the roots of the rank statistic are found. */
export type RootMethod = 'search' | 'exact';

/** An interval for the shift and a point estimate of it. */
export interface ShiftInterval {
  readonly low: number;
  readonly high: number;
  readonly estimate: number;
  /** R's own estimate (no continuity correction); only with `search` when asked for. */
  readonly rEstimate?: number;
}

/** R's default absolute tolerance of `uniroot` in wilcox.test, kept by Kayenta. */
export const SEARCH_TOLERANCE = 1e-4;

/**
 * The two-sided interval at `confidenceLevel` and the estimate. Throws
 * AllTiedError when every value is tied. `withREstimate` also runs R's own
 * estimate (search only), for comparison with R.
 */
export function shiftInterval(
  pair: SortedPair,
  confidenceLevel: number,
  method: RootMethod,
  withREstimate = false,
): ShiftInterval {
  const { x, y } = pair;
  const n = x.length;
  const m = y.length;
  const alpha = 1 - confidenceLevel;
  const zLow = -normalQuantile(alpha / 2);
  const zHigh = normalQuantile(alpha / 2);
  const muMin = (x[0] as number) - (y[m - 1] as number);
  const muMax = (x[n - 1] as number) - (y[0] as number);
  const f = (d: number, zq: number, correct = true): number => standardizedShift(pair, d, zq, correct);

  // R's root(): "in extreme cases we need to return endpoints".
  const endpoint = (zq: number): { value?: number; fLower: number; fUpper: number } => {
    const fLower = f(muMin, zq);
    if (fLower <= 0) return { value: muMin, fLower, fUpper: Number.NaN };
    const fUpper = f(muMax, zq);
    if (fUpper >= 0) return { value: muMax, fLower, fUpper };
    return { fLower, fUpper };
  };

  if (method === 'search') {
    const root = (zq: number): number => {
      const ends = endpoint(zq);
      if (ends.value !== undefined) return ends.value;
      return zeroin((d) => f(d, zq), muMin, muMax, ends.fLower, ends.fUpper, SEARCH_TOLERANCE);
    };
    const low = root(zLow);
    const high = root(zHigh);
    const at = (correct: boolean): number =>
      zeroin((d) => f(d, 0, correct), muMin, muMax, f(muMin, 0, correct), f(muMax, 0, correct), SEARCH_TOLERANCE);
    return { low, high, estimate: at(true), ...(withREstimate ? { rEstimate: at(false) } : {}) };
  }

  const sigma = rankSigma(n, m, withinTies(pair));
  if (sigma === 0) throw new AllTiedError();
  const total = n * m;
  const lowEnd = endpoint(zLow).value;
  const highEnd = endpoint(zHigh).value;
  const median = total % 2 === 1 ? (total + 1) / 2 : total / 2;
  const ranks = [
    median,
    lowEnd === undefined ? rankOfRoot(total, sigma, zLow) : median,
    highEnd === undefined ? rankOfRoot(total, sigma, zHigh) : median,
  ];
  const [middle, low, high] = selectRanks(pair, ranks) as [number, number, number];
  const estimate = total % 2 === 1 ? middle : (middle + nextDifference(pair, middle, median)) / 2;
  return { low: lowEnd ?? low, high: highEnd ?? high, estimate };
}

/**
 * Between two neighbouring pairwise differences no value is tied across the
 * samples, U is the integer count of differences above the shift and the
 * statistic is h(U) = (U - N/2 - sign(U - N/2)/2)/sigma - zq, non-decreasing in
 * U. The root is where h changes sign: with U* the largest U with h(U) < 0,
 * it is the (N - U*)-th smallest difference.
 */
function rankOfRoot(total: number, sigma: number, zq: number): number {
  const h = (u: number): number => {
    const dz = u - total / 2;
    return (dz - Math.sign(dz) * 0.5) / sigma - zq;
  };
  let lo = 0;
  let hi = total;
  if (!(h(lo) < 0)) return total; // never below zero on a plateau: the root is the largest difference
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (h(mid) < 0) lo = mid;
    else hi = mid - 1;
  }
  return Math.min(total, Math.max(1, total - lo));
}

/** The Hodges-Lehmann estimate: the median of all pairwise differences. */
export function medianDifference(pair: SortedPair): number {
  const total = pair.x.length * pair.y.length;
  if (total % 2 === 1) return kthDifference(pair, (total + 1) / 2);
  const lower = kthDifference(pair, total / 2);
  return (lower + nextDifference(pair, lower, total / 2)) / 2;
}
