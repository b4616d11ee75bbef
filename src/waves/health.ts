/**
 * A region's health from its own metrics, after it was deployed without
 * canary stages: every check's query, filled with the region's scope, must
 * stay within its bounds over the time since the deployment. Missing or
 * infinite data is `unknown`, which holds the wave; it never counts as
 * healthy. NaN points (a ratio over no requests) are left out.
 */
import { DeadlineProvider } from '../metrics/deadline.js';
import type { MetricsProvider, QueryResult } from '../metrics/provider.js';
import { renderQuery } from '../metrics/template.js';
import type { WavesPolicy } from '../policy/schemas/waves.js';

export type HealthPolicy = NonNullable<WavesPolicy['health']>;
type Check = HealthPolicy['checks'][number];

export interface HealthVerdict {
  readonly verdict: 'pass' | 'fail' | 'unknown';
  /** What was measured, against which bound, in one line. */
  readonly reason: string;
}

/** Pure: the verdict of the checks on what the provider answered. */
export function judgeHealth(checks: readonly Check[], answers: readonly QueryResult[]): HealthVerdict {
  const lines: string[] = [];
  let unknown: string | undefined;
  for (const [i, check] of checks.entries()) {
    const answer = answers[i];
    if (!answer || !answer.ok) {
      unknown ??= `${check.name}: no data (${answer && !answer.ok ? answer.reason : 'not asked'})`;
      continue;
    }
    const all = answer.series.flatMap((s) => s.points.map((p) => p.v));
    // +Inf is what histogram_quantile says once latency passes the top
    // bucket: left out, the region's worst points would vanish and the rest
    // would look healthy. It cannot be held against a bound either: hold.
    const infinite = all.filter((v) => v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY);
    if (infinite.length > 0) {
      const plus = infinite.filter((v) => v > 0).length;
      const parts = [
        plus > 0 ? `${plus} are +Inf` : '',
        infinite.length - plus > 0 ? `${infinite.length - plus} are -Inf` : '',
      ].filter(Boolean);
      unknown ??= `${check.name}: ${parts.join(' and ')} of its ${all.length} points, which no bound can be checked against`;
      continue;
    }
    const values = all.filter((v) => Number.isFinite(v));
    if (values.length === 0) {
      unknown ??= `${check.name}: no samples in the window${all.length > 0 ? ` (${all.length} NaN)` : ''}`;
      continue;
    }
    const worstHigh = Math.max(...values);
    const worstLow = Math.min(...values);
    if (check.max !== undefined && worstHigh > check.max)
      return { verdict: 'fail', reason: `${check.name} reached ${worstHigh}, above its max of ${check.max}` };
    if (check.min !== undefined && worstLow < check.min)
      return { verdict: 'fail', reason: `${check.name} fell to ${worstLow}, below its min of ${check.min}` };
    lines.push(
      `${check.name} stayed within ${[check.min !== undefined ? `≥ ${check.min}` : '', check.max !== undefined ? `≤ ${check.max}` : ''].filter(Boolean).join(' and ')} (${worstLow}…${worstHigh})`,
    );
  }
  if (unknown) return { verdict: 'unknown', reason: `${unknown}: holding` };
  return { verdict: 'pass', reason: lines.join('; ') };
}

/** Asks every check over [from, to] for the region, and judges. */
export async function checkRegionHealth(
  health: HealthPolicy,
  scope: { service: string; environment: string; region: string; version: string },
  window: { from: Date; to: Date },
  provider: MetricsProvider,
): Promise<HealthVerdict> {
  // All the checks of one look share one deadline; what misses it is no data, which holds.
  const metrics = new DeadlineProvider(provider, health.metricsDeadline);
  const answers = await Promise.all(
    health.checks.map((c) =>
      metrics.queryRange({
        query: renderQuery(c.query, scope, { field: `health.checks.${c.name}` }),
        start: window.from,
        end: window.to,
      }),
    ),
  );
  return judgeHealth(health.checks, answers);
}
