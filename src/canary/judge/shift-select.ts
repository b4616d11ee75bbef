/**
 * The k-th smallest of the n × m pairwise differences x_i - y_j without
 * forming them: the differences are the cells of a matrix whose rows are
 * sorted, so the number of cells below a value is counted in one O(n + m)
 * walk. Each round keeps, per row, the range of columns that may still hold
 * the answer, samples a few candidates, and cuts the candidates down to the
 * band around the target rank (Floyd and Rivest's selection, applied to the
 * implicit matrix as in Monahan's algorithm for the Hodges-Lehmann estimator).
 * A few rounds bring millions of candidates down to a few thousand, from
 * which the answer is selected directly. Expected cost O((n + m) log(n + m)).
 */

import { seededRandom } from '../../runtime/random.js';
import type { SortedPair } from './rank-sum.js';
import { sortNumbers } from './sort.js';

const SAMPLE = 128;
const DIRECT = 4096;

/**
 * Working buffers, reused from call to call (selection is synchronous and
 * never re-entered): judging many metrics would otherwise allocate a dozen
 * arrays per metric, and short-lived garbage makes V8 grow its young
 * generation well past the size of the data. Grown when a longer sample
 * comes; views of the right length are handed out.
 */
interface RowBuffers {
  readonly rows: number;
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  readonly rankLo: Int32Array;
  readonly rankHi: Int32Array;
  readonly below: Int32Array;
  readonly upTo: Int32Array;
  readonly prefix: Float64Array;
}

const scratch = {
  sample: new Float64Array(SAMPLE),
  cells: new Float64Array(DIRECT),
};
let capacity = 0;
let backing: RowBuffers | null = null;
let views: RowBuffers | null = null;

/** Buffers of n rows (views of the shared ones; the same views while n stays the same). */
function rowBuffers(n: number): RowBuffers {
  if (views !== null && views.rows === n) return views;
  if (backing === null || capacity < n) {
    capacity = n;
    backing = {
      rows: n,
      lo: new Int32Array(n),
      hi: new Int32Array(n),
      rankLo: new Int32Array(n),
      rankHi: new Int32Array(n),
      below: new Int32Array(n),
      upTo: new Int32Array(n),
      prefix: new Float64Array(n + 1),
    };
  }
  const b = backing;
  views = {
    rows: n,
    lo: b.lo.subarray(0, n),
    hi: b.hi.subarray(0, n),
    rankLo: b.rankLo.subarray(0, n),
    rankHi: b.rankHi.subarray(0, n),
    below: b.below.subarray(0, n),
    upTo: b.upTo.subarray(0, n),
    prefix: b.prefix.subarray(0, n + 1),
  };
  return views;
}

/** The k-th smallest (1-based) of x_i - y_j over all pairs. */
export function kthDifference(pair: SortedPair, k: number): number {
  return selectRanks(pair, [k])[0] as number;
}

/**
 * Several order statistics of the pairwise differences at once. The ranks of
 * an interval's bounds and of the median lie close together, so the rounds
 * that cut the candidates down to the band holding all of them are shared;
 * each rank is then finished on its own.
 */
export function selectRanks(pair: SortedPair, ks: readonly number[]): number[] {
  const { x, y } = pair;
  const n = x.length;
  const m = y.length;
  const total = n * m;
  if (total === 0) return ks.map(() => Number.NaN);
  const smallest = (x[0] as number) - (y[m - 1] as number);
  const largest = (x[n - 1] as number) - (y[0] as number);
  const inner = ks.filter((k) => k > 1 && k < total);
  const out = new Map<number, number>();
  if (inner.length > 0) {
    const kMin = Math.min(...inner);
    const kMax = Math.max(...inner);
    // Row i lists x_i - y[m - 1 - c] for c = 0..m-1, ascending; columns [lo[i], hi[i]) remain.
    const { lo, hi, below, upTo, prefix, rankLo, rankHi } = rowBuffers(n);
    lo.fill(0);
    hi.fill(m);
    // seeded, so that the judge stays a pure function
    const random = seededRandom(0x9e3779b9 ^ n ^ (m << 7) ^ kMin);
    let removed = 0; // candidates cut below the band
    let bracket: [number, number] | null = null; // every remaining candidate lies in it
    if (kMax > kMin) {
      for (;;) {
        const count = prefixCounts(lo, hi, prefix);
        if (count <= DIRECT) break;
        const sample = sampleCells(pair, lo, prefix, count, random);
        const fLo = (kMin - removed) / count;
        const fHi = (kMax - removed) / count;
        const low = sample[Math.max(0, Math.floor(fLo * SAMPLE - margin(fLo)))] as number;
        const high = sample[Math.min(SAMPLE - 1, Math.ceil(fHi * SAMPLE + margin(fHi)))] as number;
        bandCounts(pair, low, high, lo, hi, below, upTo);
        const nBelow = totals[0] as number;
        const nUpTo = totals[1] as number;
        // stop sharing once a round misses the band or no longer halves it
        if (!(kMin - removed > nBelow && kMax - removed <= nUpTo && nUpTo - nBelow < count / 2)) break;
        removed += nBelow;
        bracket = [low, high];
        for (let i = 0; i < n; i++) {
          const start = lo[i] as number;
          lo[i] = start + (below[i] as number);
          hi[i] = start + (upTo[i] as number);
        }
        // from here on each rank interpolates within the band faster than shared sampling narrows it
        break;
      }
    }
    for (const k of new Set(inner)) {
      // each rank narrows its own copy of the shared band
      rankLo.set(lo);
      rankHi.set(hi);
      out.set(k, selectFrom(pair, rankLo, rankHi, k - removed, bracket, random, below, upTo, prefix));
    }
  }
  return ks.map((k) => (k <= 1 ? smallest : k >= total ? largest : (out.get(k) as number)));
}

function margin(f: number): number {
  // three standard deviations of the target's position among the sampled values
  return 3 * Math.sqrt(SAMPLE * f * (1 - f)) + 2;
}

function prefixCounts(lo: Int32Array, hi: Int32Array, prefix: Float64Array): number {
  let count = 0;
  for (let i = 0; i < lo.length; i++) {
    prefix[i] = count;
    count += (hi[i] as number) - (lo[i] as number);
  }
  prefix[lo.length] = count;
  return count;
}

/**
 * Finishes one selection: the rank-th smallest among the remaining candidates.
 * Once the candidates are known to lie in a narrow range of values, their
 * distribution there is nearly uniform, so the target's value is interpolated
 * from the range and a band of a few percent around it is counted: one walk
 * per round and a tenfold cut. Rounds that do not halve the candidates (ties,
 * skewed ranges) fall back to sampling.
 */
function selectFrom(
  pair: SortedPair,
  lo: Int32Array,
  hi: Int32Array,
  initialRank: number,
  initialBracket: [number, number] | null,
  random: () => number,
  below: Int32Array,
  upTo: Int32Array,
  prefix: Float64Array,
): number {
  const n = lo.length;
  let rank = initialRank;
  let bracket = initialBracket;
  let interpolate = bracket !== null;
  for (;;) {
    const count = prefixCounts(lo, hi, prefix);
    if (count <= DIRECT) return directSelect(pair, lo, hi, count, rank);

    let low: number;
    let high: number;
    let sample: Float64Array | null = null;
    const f = rank / count;
    if (interpolate && bracket) {
      const [vLo, vHi] = bracket;
      const center = vLo + (vHi - vLo) * ((rank - 0.5) / count);
      const half = (vHi - vLo) * Math.max(0.02, 64 / count);
      low = Math.max(vLo, center - half);
      high = Math.min(vHi, center + half);
    } else {
      sample = sampleCells(pair, lo, prefix, count, random);
      low = sample[Math.max(0, Math.floor(f * SAMPLE - margin(f)))] as number;
      high = sample[Math.min(SAMPLE - 1, Math.ceil(f * SAMPLE + margin(f)))] as number;
    }

    bandCounts(pair, low, high, lo, hi, below, upTo);
    const nBelow = totals[0] as number;
    const nUpTo = totals[1] as number;
    let kept: number;
    if (rank <= nBelow) {
      for (let i = 0; i < n; i++) hi[i] = (lo[i] as number) + (below[i] as number);
      kept = nBelow;
      bracket = [bracket ? bracket[0] : low, low];
    } else if (rank > nUpTo) {
      rank -= nUpTo;
      for (let i = 0; i < n; i++) lo[i] = (lo[i] as number) + (upTo[i] as number);
      kept = count - nUpTo;
      bracket = [high, bracket ? bracket[1] : high];
    } else if (low === high) {
      return low;
    } else if (nUpTo - nBelow < count) {
      rank -= nBelow;
      for (let i = 0; i < n; i++) {
        const start = lo[i] as number;
        lo[i] = start + (below[i] as number);
        hi[i] = start + (upTo[i] as number);
      }
      kept = nUpTo - nBelow;
      bracket = [low, high];
    } else {
      // The band holds every candidate (few distinct values): split at one value instead.
      const pivot = sample
        ? (sample[Math.min(SAMPLE - 1, Math.floor(f * SAMPLE))] as number)
        : cellNear(pair, lo, prefix, count, rank);
      const pBelow = columnsBelow(pair, pivot, true, lo, hi, below);
      const pUpTo = columnsBelow(pair, pivot, false, lo, hi, upTo);
      if (rank <= pBelow) {
        for (let i = 0; i < n; i++) hi[i] = (lo[i] as number) + (below[i] as number);
        kept = pBelow;
      } else if (rank > pUpTo) {
        rank -= pUpTo;
        for (let i = 0; i < n; i++) lo[i] = (lo[i] as number) + (upTo[i] as number);
        kept = count - pUpTo;
      } else {
        return pivot;
      }
      bracket = null;
    }
    // a bracket without a width of its own cannot guide interpolation
    if (bracket && !(bracket[1] > bracket[0])) bracket = null;
    interpolate = bracket !== null && kept <= count / 2;
  }
}

/** Some remaining candidate: the one at the target's share of the positions. */
function cellNear(pair: SortedPair, lo: Int32Array, prefix: Float64Array, count: number, rank: number): number {
  const at = Math.min(count - 1, Math.max(0, Math.floor((rank / count) * count) - 1));
  let row = 0;
  while ((prefix[row + 1] as number) <= at) row++;
  const column = (lo[row] as number) + (at - (prefix[row] as number));
  return (pair.x[row] as number) - (pair.y[pair.y.length - 1 - column] as number);
}

/**
 * The (k+1)-th smallest difference, given the k-th: the same value when it
 * occurs often enough, otherwise the smallest difference above it, found in
 * one walk (the Hodges-Lehmann median of an even number of differences).
 */
export function nextDifference(pair: SortedPair, value: number, k: number): number {
  const { x, y } = pair;
  const m = y.length;
  let j = 0;
  let atMost = 0;
  let next = Number.POSITIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    while (j < m && !(xi - (y[j] as number) <= value)) j++;
    atMost += m - j;
    // differences above `value` in this row are x_i - y_0 .. x_i - y_{j-1}; the smallest is at j - 1
    if (j > 0) {
      const d = xi - (y[j - 1] as number);
      if (d < next) next = d;
    }
  }
  return atMost >= k + 1 ? value : next;
}

const totals = new Float64Array(2);

/**
 * Both counts of a band in one pass over the rows: per row, the remaining
 * columns below `low` (strictly) into `below` and up to `high` into `upTo`;
 * the two totals into `totals`.
 */
function bandCounts(
  pair: SortedPair,
  low: number,
  high: number,
  lo: Int32Array,
  hi: Int32Array,
  below: Int32Array,
  upTo: Int32Array,
): void {
  const { x, y } = pair;
  const n = x.length;
  const m = y.length;
  let jLow = 0;
  let jHigh = 0;
  let totalBelow = 0;
  let totalUpTo = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    while (jLow < m && !(xi - (y[jLow] as number) < low)) jLow++;
    while (jHigh < m && !(xi - (y[jHigh] as number) <= high)) jHigh++;
    const start = lo[i] as number;
    const end = hi[i] as number;
    const cLow = m - jLow;
    const cHigh = m - jHigh;
    const inLow = cLow <= start ? 0 : cLow >= end ? end - start : cLow - start;
    const inHigh = cHigh <= start ? 0 : cHigh >= end ? end - start : cHigh - start;
    below[i] = inLow;
    upTo[i] = inHigh;
    totalBelow += inLow;
    totalUpTo += inHigh;
  }
  totals[0] = totalBelow;
  totals[1] = totalUpTo;
}

/** Per row, how many remaining columns hold a difference below `value` (strictly or not); the total. */
function columnsBelow(
  pair: SortedPair,
  value: number,
  strict: boolean,
  lo: Int32Array,
  hi: Int32Array,
  out: Int32Array,
): number {
  const { x, y } = pair;
  const n = x.length;
  const m = y.length;
  // For row i the differences below `value` are x_i - y_j for j in [j0, m): a suffix in j.
  // As x_i grows, j0 can only move right, so one pointer serves all rows.
  let j = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i] as number;
    if (strict) while (j < m && !(xi - (y[j] as number) < value)) j++;
    else while (j < m && !(xi - (y[j] as number) <= value)) j++;
    const columns = m - j;
    const start = lo[i] as number;
    const end = hi[i] as number;
    const inside = columns <= start ? 0 : columns >= end ? end - start : columns - start;
    out[i] = inside;
    total += inside;
  }
  return total;
}

/**
 * SAMPLE candidates, one drawn at random from each of SAMPLE equal strata of
 * the candidates' positions (rows in order, columns in order within a row):
 * the positions come out sorted, so the rows are read in one sweep.
 */
function sampleCells(
  pair: SortedPair,
  lo: Int32Array,
  prefix: Float64Array,
  count: number,
  random: () => number,
): Float64Array {
  const { x, y } = pair;
  const m = y.length;
  const out = scratch.sample;
  const stratum = count / SAMPLE;
  let row = 0;
  for (let s = 0; s < SAMPLE; s++) {
    const at = Math.min(count - 1, Math.floor((s + random()) * stratum));
    while ((prefix[row + 1] as number) <= at) row++;
    const column = (lo[row] as number) + (at - (prefix[row] as number));
    out[s] = (x[row] as number) - (y[m - 1 - column] as number);
  }
  return sortNumbers(out);
}

function directSelect(pair: SortedPair, lo: Int32Array, hi: Int32Array, count: number, rank: number): number {
  const { x, y } = pair;
  const m = y.length;
  const cells = scratch.cells;
  let w = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    for (let c = lo[i] as number; c < (hi[i] as number); c++) cells[w++] = xi - (y[m - 1 - c] as number);
  }
  return quickselect(cells, count, rank - 1);
}

/** The element that would sit at `index` if a[0, length) were sorted (Hoare's selection, median-of-three pivots). */
function quickselect(a: Float64Array, length: number, index: number): number {
  let left = 0;
  let right = length - 1;
  while (right - left > 16) {
    const mid = (left + right) >>> 1;
    if ((a[mid] as number) < (a[left] as number)) swap(a, mid, left);
    if ((a[right] as number) < (a[left] as number)) swap(a, right, left);
    if ((a[right] as number) < (a[mid] as number)) swap(a, right, mid);
    const pivot = a[mid] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (index <= j) right = j;
    else if (index >= i) left = i;
    else return pivot;
  }
  sortNumbers(a.subarray(left, right + 1));
  return a[index] as number;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}
