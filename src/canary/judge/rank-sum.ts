/**
 * The Wilcoxon rank-sum (Mann-Whitney) statistic of a canary against a
 * baseline, computed from sorted samples by merging and counting: O(n + m) per
 * evaluation after an O(n log n + m log m) sort, never O(n × m) pairs.
 *
 * Notation follows R's `wilcox.test.default` (two samples, exact = FALSE):
 * x is the canary, y the baseline, and for a shift d the ranks are taken over
 * c(x - d, y) with ties given their average rank. Then
 *   dz    = sum(ranks of x - d) - nx(nx + 1)/2 - nx·ny/2 = U(d) - nx·ny/2
 *   sigma = sqrt(nx·ny/12 · ((nx + ny + 1) - Σ(t³ - t) / ((nx + ny)(nx + ny - 1))))
 * where U(d) counts the pairs with x_i - d > y_j, ties counting one half, and
 * t runs over the sizes of the groups of tied values.
 */

import { sortNumbers } from './sort.js';

/** Two samples, each sorted ascending, ready for repeated evaluation. */
export interface SortedPair {
  /** The canary, ascending. */
  readonly x: Float64Array;
  /** The baseline, ascending. */
  readonly y: Float64Array;
}

/** U(d) and the tie term Σ(t³ - t) of the combined sample c(x - d, y). */
export interface RankCounts {
  readonly u: number;
  readonly ties: number;
}

/** Sorts copies of both samples (numeric order, NaN-free input expected). */
export function sortPair(canary: readonly number[], baseline: readonly number[]): SortedPair {
  const x = sortNumbers(copyInto(canary, new Float64Array(canary.length)));
  const y = sortNumbers(copyInto(baseline, new Float64Array(baseline.length)));
  return { x, y };
}

/**
 * Buffers that one judgment reuses from metric to metric for its sorted
 * samples, so that judging many metrics does not allocate fresh arrays for
 * each. A pair sorted into them is valid until the next metric is sorted.
 */
export class PairScratch {
  private readonly x = new SampleBuffer();
  private readonly y = new SampleBuffer();

  /** Sorts copies of both samples into the buffers; the pair views them. */
  sort(canary: readonly number[], baseline: readonly number[]): SortedPair {
    const x = sortNumbers(copyInto(canary, this.x.view(canary.length)));
    const y = sortNumbers(copyInto(baseline, this.y.view(baseline.length)));
    return { x, y };
  }
}

/** A growable buffer handing out a view of the length asked (the same view while the length stays). */
class SampleBuffer {
  private buffer = new Float64Array(0);
  private last = new Float64Array(0);

  view(length: number): Float64Array {
    if (this.last.length === length) return this.last;
    if (this.buffer.length < length) this.buffer = new Float64Array(length);
    this.last = this.buffer.subarray(0, length);
    return this.last;
  }
}

function copyInto(values: readonly number[], out: Float64Array): Float64Array {
  for (let i = 0; i < values.length; i++) out[i] = values[i] as number;
  return out;
}

/** Counts U(d) and the ties of c(x - d, y) in one merge of the sorted samples. */
export function rankCounts(pair: SortedPair, d: number): RankCounts {
  const { x, y } = pair;
  const n = x.length;
  const m = y.length;
  // Ties inside y do not depend on d; ties inside x - d are counted run by run (a shift
  // can merge neighbours by rounding), and a run of x - d equal to a run of y joins them.
  let ties = baselineTies(pair);
  let u = 0;
  let j = 0;
  let i = 0;
  while (i < n) {
    const v = (x[i] as number) - d;
    let a = 1;
    while (i + a < n && (x[i + a] as number) - d === v) a++;
    while (j < m && (y[j] as number) < v) j++;
    let b = 0;
    while (j + b < m && (y[j + b] as number) === v) b++;
    u += a * j + 0.5 * a * b;
    if (a > 1) ties += a * a * a - a;
    if (b > 0) {
      const t = a + b;
      ties += t * t * t - t - (a * a * a - a) - (b * b * b - b);
    }
    i += a;
  }
  return { u, ties };
}

const yTies = new WeakMap<SortedPair, number>();

function baselineTies(pair: SortedPair): number {
  let t = yTies.get(pair);
  if (t === undefined) {
    t = sampleTies(pair.y);
    yTies.set(pair, t);
  }
  return t;
}

/** Σ(t³ - t) over ties inside each sample: the tie term away from any cross-sample tie. */
export function withinTies(pair: SortedPair): number {
  return sampleTies(pair.x) + sampleTies(pair.y);
}

function sampleTies(s: Float64Array): number {
  let ties = 0;
  let k = 0;
  while (k < s.length) {
    let t = 1;
    while (k + t < s.length && s[k + t] === s[k]) t++;
    if (t > 1) ties += t * t * t - t;
    k += t;
  }
  return ties;
}

/** The standard deviation of U under the null hypothesis, with the tie correction. */
export function rankSigma(nx: number, ny: number, ties: number): number {
  return Math.sqrt(((nx * ny) / 12) * (nx + ny + 1 - ties / ((nx + ny) * (nx + ny - 1))));
}

/**
 * R's `wdiff(d, zq)` for the two-sided test: the continuity-corrected
 * standardized statistic at shift d, minus zq. `correct` follows R: true for
 * the interval, false for R's estimate (Kayenta keeps it true for both).
 */
export function standardizedShift(pair: SortedPair, d: number, zq: number, correct: boolean): number {
  const nx = pair.x.length;
  const ny = pair.y.length;
  const { u, ties } = rankCounts(pair, d);
  const dz = u - (nx * ny) / 2;
  const correction = correct ? Math.sign(dz) * 0.5 : 0;
  const sigma = rankSigma(nx, ny, ties);
  if (sigma === 0) throw new AllTiedError();
  return (dz - correction) / sigma - zq;
}

/** Raised where R stops with "cannot compute confidence interval when all observations are tied". */
export class AllTiedError extends Error {
  override readonly name = 'AllTiedError';
  constructor() {
    super('cannot compute the interval when all observations are tied');
  }
}

/** The rank-sum test at shift 0: W as R reports it, z with the continuity correction, U/(nx·ny). */
export interface RankSumTest {
  /** R's W statistic: sum of the canary's ranks minus nx(nx + 1)/2 (equals U). */
  readonly w: number;
  /** Continuity-corrected z (two-sided correction toward zero); NaN when all tied. */
  readonly z: number;
  /** Common-language effect size: P(canary > baseline) + P(equal)/2. */
  readonly cles: number;
}

/** The test at shift 0, in one merge. */
export function rankSumTest(pair: SortedPair): RankSumTest {
  const nx = pair.x.length;
  const ny = pair.y.length;
  const { u, ties } = rankCounts(pair, 0);
  const dz = u - (nx * ny) / 2;
  const sigma = rankSigma(nx, ny, ties);
  const z = sigma === 0 ? Number.NaN : (dz - Math.sign(dz) * 0.5) / sigma;
  return { w: u, z, cles: u / (nx * ny) };
}
