/**
 * One absolute health check on what a provider answered: every point of
 * the query over the window must stay within the check's bounds. Missing or
 * infinite data is `unknown`, never healthy. NaN points (a ratio over no
 * requests) are left out. Shared by the region health of waves and the
 * health gates of canary stages.
 */
import type { QueryResult } from './provider.js';

/** An absolute bound on one query: `max`, `min` or both, in the query's own unit. */
export interface HealthCheck {
  readonly name: string;
  readonly query: string;
  readonly max?: number | undefined;
  readonly min?: number | undefined;
  /** Shown after each value and bound (`s`, `%`); nothing is converted. */
  readonly unit?: string | undefined;
}

export interface HealthCheckResult {
  readonly name: string;
  readonly verdict: 'pass' | 'fail' | 'unknown';
  /** What was measured, against which bound, in one line. */
  readonly reason: string;
  /** The bounds, as `≤ 0.2 s` and `≥ 0.99`. */
  readonly bound: string;
  readonly unit?: string;
  /** The lowest and highest finite points, when there were any. */
  readonly low?: number;
  readonly high?: number;
  /** The value held against the bound that decided: the breach, or the worst point within. */
  readonly value?: number;
  /** Points the provider answered, NaN and infinite ones included. */
  readonly points: number;
}

/** A value with the check's unit. */
export function withUnit(value: number, unit: string | undefined): string {
  return unit ? `${value} ${unit}` : String(value);
}

/** The check's bounds in words, such as `≥ 0.99 and ≤ 1`. */
export function describeBound(check: HealthCheck): string {
  return [
    check.min !== undefined ? `≥ ${withUnit(check.min, check.unit)}` : '',
    check.max !== undefined ? `≤ ${withUnit(check.max, check.unit)}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
}

/** Pure: the verdict of one check on what the provider answered for it (undefined: it was not asked). */
export function judgeCheck(check: HealthCheck, answer: QueryResult | undefined): HealthCheckResult {
  const bound = describeBound(check);
  const named = { name: check.name, ...(check.unit ? { unit: check.unit } : {}) };
  const u = (v: number) => withUnit(v, check.unit);
  if (!answer || !answer.ok)
    return {
      ...named,
      verdict: 'unknown',
      bound,
      points: 0,
      reason: `${check.name}: no data (${answer && !answer.ok ? answer.reason : 'not asked'})`,
    };
  const all = answer.series.flatMap((s) => s.points.map((p) => p.v));
  // +Inf is what histogram_quantile says once latency passes the top
  // bucket: left out, the worst points would vanish and the rest would look
  // healthy. It cannot be held against a bound either: hold.
  const infinite = all.filter((v) => v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY);
  if (infinite.length > 0) {
    const plus = infinite.filter((v) => v > 0).length;
    const parts = [
      plus > 0 ? `${plus} are +Inf` : '',
      infinite.length - plus > 0 ? `${infinite.length - plus} are -Inf` : '',
    ].filter(Boolean);
    return {
      ...named,
      verdict: 'unknown',
      bound,
      points: all.length,
      reason: `${check.name}: ${parts.join(' and ')} of its ${all.length} points, which no bound can be checked against`,
    };
  }
  const values = all.filter((v) => Number.isFinite(v));
  if (values.length === 0)
    return {
      ...named,
      verdict: 'unknown',
      bound,
      points: all.length,
      reason: `${check.name}: no samples in the window${all.length > 0 ? ` (${all.length} NaN)` : ''}`,
    };
  const high = Math.max(...values);
  const low = Math.min(...values);
  const seen = { bound, low, high, points: all.length };
  if (check.max !== undefined && high > check.max)
    return {
      ...named,
      verdict: 'fail',
      ...seen,
      value: high,
      reason: `${check.name} reached ${u(high)}, above its max of ${u(check.max)}`,
    };
  if (check.min !== undefined && low < check.min)
    return {
      ...named,
      verdict: 'fail',
      ...seen,
      value: low,
      reason: `${check.name} fell to ${u(low)}, below its min of ${u(check.min)}`,
    };
  return {
    ...named,
    verdict: 'pass',
    ...seen,
    value: check.max !== undefined ? high : low,
    reason: `${check.name} stayed within ${bound} (${low}…${u(high)})`,
  };
}
