/**
 * Series labels as the canary's sample readers compare them: a signature of
 * the labels that must match between two series (those not expected to
 * differ left out), and labels in words for reasons.
 */
import type { MetricSeries } from './provider.js';

/** The labels that are not ignored, sorted, as `{k="v",...}`. */
export function signature(labels: Readonly<Record<string, string>>, ignore: ReadonlySet<string>): string {
  const kept = Object.keys(labels)
    .filter((k) => !ignore.has(k))
    .sort()
    .map((k) => `${k}="${labels[k]}"`);
  return `{${kept.join(',')}}`;
}

/** Each series' signature, sorted. */
export function signatures(series: readonly MetricSeries[], ignore: ReadonlySet<string>): string[] {
  return series.map((s) => signature(s.labels, ignore)).sort();
}

/** Every label, as `{k="v",...}`. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}
