/**
 * A region's health from its own metrics, after it was deployed without
 * canary stages: every check's query, filled with the region's scope, must
 * stay within its bounds over the time since the deployment. Missing or
 * infinite data is `unknown`, which holds the wave; it never counts as
 * healthy. NaN points (a ratio over no requests) are left out.
 */
import { DeadlineProvider } from '../metrics/deadline.js';
import { judgeCheck } from '../metrics/health-check.js';
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

/** Pure: the verdict of the checks on what the provider answered: any failure fails, then any unknown holds. */
export function judgeHealth(checks: readonly Check[], answers: readonly QueryResult[]): HealthVerdict {
  const results = checks.map((check, i) => judgeCheck(check, answers[i]));
  const failed = results.find((r) => r.verdict === 'fail');
  if (failed) return { verdict: 'fail', reason: failed.reason };
  const unknown = results.find((r) => r.verdict === 'unknown');
  if (unknown) return { verdict: 'unknown', reason: `${unknown.reason}: holding` };
  return { verdict: 'pass', reason: results.map((r) => r.reason).join('; ') };
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
