/**
 * A ratio metric's points: its numerator series paired with its denominator
 * series, and their points matched on their timestamps.
 */
import type { MetricSeries } from './provider.js';
import { signature } from './series-labels.js';

/** Numerator series with their denominator series, in a stable order; null when they do not pair up. */
export function pairSeries(
  numerators: readonly MetricSeries[],
  denominators: readonly MetricSeries[],
  ignore: ReadonlySet<string>,
): [MetricSeries, MetricSeries][] | null {
  const [n] = numerators;
  const [d] = denominators;
  if (numerators.length === 1 && denominators.length === 1 && n && d) return [[n, d]];
  const bySignature = new Map(denominators.map((s) => [signature(s.labels, ignore), s]));
  if (bySignature.size !== denominators.length || numerators.length !== denominators.length) return null;
  const ordered = [...numerators].sort((x, y) =>
    signature(x.labels, ignore).localeCompare(signature(y.labels, ignore)),
  );
  const pairs: [MetricSeries, MetricSeries][] = [];
  for (const s of ordered) {
    const match = bySignature.get(signature(s.labels, ignore));
    if (!match) return null;
    pairs.push([s, match]);
  }
  return pairs;
}

/** Points of paired series matched on their timestamps within the window, NaN where one lacks the point. */
export function alignPoints(
  pairs: readonly [MetricSeries, MetricSeries][],
  from: number,
  to: number,
): { numerator: number[]; denominator: number[]; zero: number; unpaired: number } {
  const numerator: number[] = [];
  const denominator: number[] = [];
  let zero = 0;
  let unpaired = 0;
  for (const [n, d] of pairs) {
    const inWindow = (s: MetricSeries) =>
      new Map(s.points.filter((p) => p.t >= from && p.t <= to).map((p) => [p.t, p.v]));
    const ns = inWindow(n);
    const ds = inWindow(d);
    const times = [...new Set([...ns.keys(), ...ds.keys()])].sort((a, b) => a - b);
    for (const t of times) {
      const nv = ns.get(t);
      const dv = ds.get(t);
      if (nv === undefined || dv === undefined) unpaired++;
      else if (dv === 0) zero++;
      numerator.push(nv ?? Number.NaN);
      denominator.push(dv ?? Number.NaN);
    }
  }
  return { numerator, denominator, zero, unpaired };
}
