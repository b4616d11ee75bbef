/**
 * The few numbers of a judgment that the release manifest keeps, so that a
 * later run (a scheduled tick that judges once) can draw the whole soak:
 * per metric, the canary's and the baseline's mean, and the classification
 * when it did not pass. Bounded: at most `KEEP_METRIC_VALUES` metrics, those
 * that did not pass first, each value to four significant digits.
 */
import type { MetricValues } from '../../gitops/promotion-state.js';
import { KEEP_METRIC_VALUES } from '../../gitops/promotion-state.js';
import type { JudgeResult, SampleStats } from '../judge/types.js';

/** Four significant digits: enough for a chart, short in the manifest. */
const compact = (v: number): number => Number(v.toPrecision(4));

const side = (s: SampleStats): number | null => (s.n > 0 && Number.isFinite(s.mean) ? compact(s.mean) : null);

/** The values a judgment keeps, by metric name; undefined when nothing was judged. */
export function judgmentValues(result: JudgeResult | null | undefined): Record<string, MetricValues> | undefined {
  if (!result || result.metrics.length === 0) return undefined;
  const ordered = [
    ...result.metrics.filter((m) => m.classification !== 'Pass'),
    ...result.metrics.filter((m) => m.classification === 'Pass'),
  ].slice(0, KEEP_METRIC_VALUES);
  return Object.fromEntries(
    ordered.map((m) => [
      m.name,
      {
        canary: side(m.canary),
        baseline: side(m.baseline),
        ...(m.classification !== 'Pass' ? { classification: m.classification } : {}),
      },
    ]),
  );
}
