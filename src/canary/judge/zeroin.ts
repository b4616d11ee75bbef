/**
 * Brent's root finder as R's `uniroot` runs it (R_zeroin2: the bracket [a, b]
 * with f(a) and f(b) already known, an absolute tolerance, at most 1,000
 * iterations). Kayenta's MannWhitney.scala is "derived from the R Wilcoxon
 * Test implementation" and searches the same rank function with a fixed 1e-4
 * tolerance, so the `kayenta` profile runs this search step for step; the
 * `bellwether` profile finds the jump point of the rank statistic exactly
 * instead (see hodges-lehmann.ts).
 *
 * Brent, R. P. (1973) Algorithms for Minimization without Derivatives, ch. 4.
 */

const EPSILON = 2.220446049250313e-16;

/** A root of f in [a, b] to within `tol`, starting from f(a) = fa and f(b) = fb. */
export function zeroin(
  f: (x: number) => number,
  ax: number,
  bx: number,
  fax: number,
  fbx: number,
  tol = 1e-4,
  maxIterations = 1000,
): number {
  let a = ax;
  let b = bx;
  let fa = fax;
  let fb = fbx;
  let c = a;
  let fc = fa;
  if (fa === 0) return a;
  if (fb === 0) return b;
  for (let left = maxIterations + 1; left > 0; left--) {
    const previousStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      // keep b the best approximation so far
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolerance = 2 * EPSILON * Math.abs(b) + tol / 2;
    let step = (c - b) / 2;
    if (Math.abs(step) <= tolerance || fb === 0) return b;

    if (Math.abs(previousStep) >= tolerance && Math.abs(fa) > Math.abs(fb)) {
      // interpolate: secant with two points, inverse quadratic with three
      const cb = c - b;
      let p: number;
      let q: number;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        const qa = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * qa * (qa - t1) - (b - a) * (t1 - 1));
        q = (qa - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolerance * q) / 2 && p < Math.abs((previousStep * q) / 2)) {
        step = p / q;
      }
    }
    if (Math.abs(step) < tolerance) step = step > 0 ? tolerance : -tolerance;
    a = b;
    fa = fb;
    b += step;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
}
