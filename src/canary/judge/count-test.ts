/**
 * The exact test for counts: the conditional binomial test of a Poisson rate
 * ratio. Given n events in all, of which k fell in the canary's t_c intervals
 * and n − k in the baseline's t_b, k ~ Binomial(n, p) with
 * p = λc·t_c / (λc·t_c + λb·t_b). Under "no change" p = t_c / (t_c + t_b);
 * the Clopper–Pearson interval for p maps to an interval for the rate ratio
 * λc/λb = p/(1 − p) · t_b/t_c.
 *
 * Tails and quantiles go through the regularized incomplete beta function,
 * so totals need not be integers: a quasi-Poisson correction divides both
 * totals by the dispersion, and Prometheus' `increase()` gives fractions.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b), a, b > 0. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a;
  return 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** The q-quantile of Beta(a, b), by bisection (monotone, never fails to converge). */
export function betaQuantile(q: number, a: number, b: number): number {
  if (q <= 0) return 0;
  if (q >= 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 64; i++) {
    const mid = (lo + hi) / 2;
    if (incompleteBeta(mid, a, b) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** P(K ≥ k) for K ~ Binomial(n, p); k, n real with 0 ≤ k ≤ n. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return incompleteBeta(p, k, n - k + 1);
}

/** P(K ≤ k) for K ~ Binomial(n, p); k, n real with 0 ≤ k ≤ n. */
export function binomialLowerTail(k: number, n: number, p: number): number {
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  return 1 - incompleteBeta(p, k + 1, n - k);
}

/** Clopper–Pearson interval for a binomial proportion at `level` (two-sided). */
export function clopperPearson(k: number, n: number, level: number): { low: number; high: number } {
  const tail = (1 - level) / 2;
  return {
    low: k <= 0 ? 0 : betaQuantile(tail, k, n - k + 1),
    high: k >= n ? 1 : betaQuantile(1 - tail, k + 1, n - k),
  };
}

/** What the rate-ratio test found for one metric. */
export interface RateRatioTest {
  /** Events on each side, after the dispersion correction. */
  readonly canaryEvents: number;
  readonly baselineEvents: number;
  /** Canary rate over baseline rate (per interval); ∞ when the baseline saw none. */
  readonly ratio: number;
  /** Interval of the rate ratio at the confidence level; `high` may be ∞. */
  readonly interval: { readonly low: number; readonly high: number };
  /** One-sided p-values: the canary's rate is higher, lower. */
  readonly pHigh: number;
  readonly pLow: number;
}

/**
 * The conditional test of λc/λb = 1, on totals `canary` and `baseline` over
 * `tc` and `tb` intervals, the totals first divided by `dispersion` (≥ 1).
 */
export function rateRatioTest(
  canary: number,
  tc: number,
  baseline: number,
  tb: number,
  level: number,
  dispersion = 1,
): RateRatioTest {
  const k = canary / dispersion;
  const n = (canary + baseline) / dispersion;
  const p0 = tc / (tc + tb);
  const toRatio = (p: number): number => (p >= 1 ? Number.POSITIVE_INFINITY : (p / (1 - p)) * (tb / tc));
  const cp = n > 0 ? clopperPearson(k, n, level) : { low: 0, high: 1 };
  return {
    canaryEvents: k,
    baselineEvents: n - k,
    ratio: baseline > 0 ? canary / tc / (baseline / tb) : canary > 0 ? Number.POSITIVE_INFINITY : 1,
    interval: { low: toRatio(cp.low), high: toRatio(cp.high) },
    pHigh: n > 0 ? binomialUpperTail(k, n, p0) : 1,
    pLow: n > 0 ? binomialLowerTail(k, n, p0) : 1,
  };
}

/**
 * Quasi-Poisson dispersion of per-interval counts: the Pearson statistic of
 * each side around its own rate, over the degrees of freedom, never below 1.
 * Poisson counts give about 1; bursty (negative binomial, seasonal) counts
 * more, and dividing the totals by it keeps the test's false failures at its
 * level. A count scaled up by a constant (a sum of ten replicas' counts
 * reported ×10) is scaled back by the same token. With exposures (requests
 * per interval, for a ratio), a point's expected count is the side's rate
 * times its exposure; without, every interval weighs 1.
 */
export function dispersionOf(
  canary: readonly number[],
  baseline: readonly number[],
  exposures?: { readonly canary: readonly number[]; readonly baseline: readonly number[] },
): number {
  let pearson = 0;
  let df = 0;
  for (const [side, exposure] of [
    [canary, exposures?.canary],
    [baseline, exposures?.baseline],
  ] as const) {
    if (side.length < 2) continue;
    const weight = (i: number): number => (exposure ? (exposure[i] as number) : 1);
    let events = 0;
    let total = 0;
    for (let i = 0; i < side.length; i++) {
      events += side[i] as number;
      total += weight(i);
    }
    df += side.length - 1;
    if (events <= 0 || total <= 0) continue;
    const rate = events / total;
    for (let i = 0; i < side.length; i++) {
      const expected = rate * weight(i);
      if (expected > 0) pearson += ((side[i] as number) - expected) ** 2 / expected;
    }
  }
  return df > 0 ? Math.max(1, pearson / df) : 1;
}
