/**
 * Evaluating SLOs over the MetricsProvider port: the queries for every window
 * at one instant, the budget over the SLO period, burn rates, alerts and,
 * when asked, the burn-down history. A provider failure is recorded as a
 * window without data, never thrown and never read as zero errors.
 */
import type { MetricsProvider, QueryResult } from '../metrics/provider.js';
import { errorMessage } from '../runtime/errors.js';
import { BURN_WINDOWS, budgetState, burnRate, countsFrom, evaluateAlert, windowText } from './burn.js';
import type { AlertEvaluation, BudgetState, WindowMeasure } from './burn.js';
import { sloPeriodAt } from './calendar.js';
import type { Period } from './calendar.js';
import type { FreezeGatePolicy } from '../policy/schemas/freeze-gate.js';
import type { SloStatus } from './gate.js';
import { isEvaluable, renderWindow } from './openslo.js';
import type { EvaluableSlo, Indicator, SloDefinition } from './openslo.js';
import { Rational } from './rational.js';

/** What evaluation needs from the world. */
export interface EvaluateDeps {
  readonly metrics: MetricsProvider;
}

/** One query asked, and how it went. */
export interface AskedQuery {
  readonly window: string;
  readonly role: 'good' | 'bad' | 'total';
  readonly query: string;
  readonly ok: boolean;
  readonly reason?: string;
}

/** One point of the burn-down: budget remaining (1 = all of it) at a time. */
export interface BurnDownPoint {
  readonly t: Date;
  readonly remaining: number | undefined;
}

/** An SLO evaluated at one instant, with everything that was measured. */
export interface SloEvaluation {
  readonly slo: SloDefinition;
  readonly at: Date;
  /** The SLO period the budget is counted over (so far, for a calendar period). */
  readonly measured: Period;
  /** The whole SLO period's length, which scales the alert thresholds. */
  readonly periodMs: number;
  readonly period: WindowMeasure;
  readonly budget: BudgetState | undefined;
  readonly windows: Readonly<Record<string, WindowMeasure>>;
  readonly burnRates: Readonly<Record<string, Rational | undefined>>;
  readonly alerts: readonly AlertEvaluation[];
  readonly queries: readonly AskedQuery[];
  readonly burnDown?: readonly BurnDownPoint[];
}

/**
 * True when a query's value is a per-second rate (Sloth's convention,
 * `rate(x[{{.window}}])`), false when it already counts events over the
 * window (`increase`, `count_over_time`, `sum_over_time`). Ratios do not
 * care; the minimum-traffic guard does.
 */
export function isPerSecond(template: string): boolean {
  return !/\b(increase|count_over_time|sum_over_time)\s*\(/.test(template);
}

/**
 * An instant query whose failure is a value. Providers already answer
 * failures as values; a provider that throws anyway must not turn an unknown
 * budget into a crash that a caller could mistake for a pass.
 */
async function instant(metrics: MetricsProvider, query: string, time: Date): Promise<QueryResult> {
  try {
    return await metrics.queryInstant({ query, time });
  } catch (err) {
    return { ok: false, query, reason: `the metrics provider failed: ${errorMessage(err)}` };
  }
}

/** The one number of an instant answer: series summed; no series is `empty`. */
function valueOf(r: QueryResult): { ok: true; value: Rational | 'empty' } | { ok: false; reason: string } {
  if (!r.ok) return { ok: false, reason: r.reason };
  if (r.series.length === 0) return { ok: true, value: 'empty' };
  let sum = Rational.ZERO;
  for (const s of r.series) {
    const last = s.points[s.points.length - 1];
    if (!last) continue;
    if (!Number.isFinite(last.v)) return { ok: false, reason: `the query returned ${last.v} (query: ${r.query})` };
    sum = sum.add(Rational.fromDouble(last.v));
  }
  return { ok: true, value: sum };
}

/** Counts of one window from the answers of its two queries. */
export function measureWindow(
  slo: { readonly indicator: Indicator },
  errorAnswer: QueryResult,
  totalAnswer: QueryResult,
  windowSeconds: number,
): WindowMeasure {
  const kind = slo.indicator.errorQuery.kind;
  const e = valueOf(errorAnswer);
  const t = valueOf(totalAnswer);
  if (!t.ok) return { ok: false, reason: t.reason };
  if (!e.ok) return { ok: false, reason: e.reason };
  const scale = (template: string) => (isPerSecond(template) ? Rational.of(Math.round(windowSeconds)) : Rational.ONE);
  // No total series means no events; no bad series means no errors.
  const events = t.value === 'empty' ? Rational.ZERO : t.value.mul(scale(slo.indicator.totalQuery.template));
  if (e.value === 'empty' && kind === 'good' && events.gt(Rational.ZERO)) {
    return {
      ok: false,
      reason: `the good query returned no series while the total counted events; Bellwether does not assume they all failed (query: ${errorAnswer.query})`,
    };
  }
  const value = e.value === 'empty' ? Rational.ZERO : e.value.mul(scale(slo.indicator.errorQuery.template));
  return { ok: true, ...countsFrom(kind, value, events) };
}

/** The Prometheus range for the SLO period measured so far. */
function periodRange(slo: EvaluableSlo, measured: Period): string {
  if (slo.window.kind === 'rolling') return slo.window.text;
  return `${Math.max(1, Math.round((measured.end.getTime() - measured.start.getTime()) / 1000))}s`;
}

/**
 * Evaluate one SLO at `at`: two instant queries per window (the burn-rate
 * windows, the alerts' windows and the SLO period), then budget, burn rates
 * and alerts. With `burnDown`, also the budget remaining through the period.
 */
export async function evaluateSlo(
  slo: SloDefinition,
  policy: FreezeGatePolicy,
  at: Date,
  deps: EvaluateDeps,
  options: { burnDown?: boolean } = {},
): Promise<SloEvaluation> {
  if (!isEvaluable(slo)) return notEvaluated(slo, policy, at);
  const queries: AskedQuery[] = [];
  const fullPeriod = sloPeriodAt(slo.window, at);
  const periodMs = fullPeriod.end.getTime() - fullPeriod.start.getTime();
  const measured: Period = slo.window.kind === 'rolling' ? fullPeriod : { start: fullPeriod.start, end: at };
  const ask = async (window: string, seconds: number): Promise<WindowMeasure> => {
    const errorQuery = renderWindow(slo.indicator.errorQuery.template, window);
    const totalQuery = renderWindow(slo.indicator.totalQuery.template, window);
    const [e, t] = await Promise.all([instant(deps.metrics, errorQuery, at), instant(deps.metrics, totalQuery, at)]);
    queries.push({
      window,
      role: slo.indicator.errorQuery.kind,
      query: errorQuery,
      ok: e.ok,
      ...(e.ok ? {} : { reason: e.reason }),
    });
    queries.push({ window, role: 'total', query: totalQuery, ok: t.ok, ...(t.ok ? {} : { reason: t.reason }) });
    return measureWindow(slo, e, t, seconds);
  };

  const windowMs = new Map<string, number>();
  const UNIT: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
  for (const w of BURN_WINDOWS) windowMs.set(w, Number(w.slice(0, -1)) * (UNIT[w.slice(-1)] ?? NaN));
  const burnRateAlerts = slo.alertWindows ?? policy.burnRateAlerts;
  for (const a of burnRateAlerts) {
    windowMs.set(windowText(a.longWindow), a.longWindow);
    windowMs.set(windowText(a.shortWindow), a.shortWindow);
  }
  const names = [...windowMs.keys()];
  const measuredSeconds = (measured.end.getTime() - measured.start.getTime()) / 1000;
  const [period, ...measures] = await Promise.all([
    measuredSeconds > 0
      ? ask(periodRange(slo, measured), measuredSeconds)
      : Promise.resolve<WindowMeasure>({ ok: true, errors: Rational.ZERO, events: Rational.ZERO }),
    ...names.map((w) => ask(w, (windowMs.get(w) ?? 0) / 1000)),
  ]);
  const windows: Record<string, WindowMeasure> = {};
  names.forEach((w, i) => (windows[w] = measures[i] ?? { ok: false, reason: 'not measured' }));
  const burnRates: Record<string, Rational | undefined> = {};
  for (const w of BURN_WINDOWS) {
    const m = windows[w];
    burnRates[w] = m?.ok ? burnRate(m, slo.target) : undefined;
  }
  const ctx = { target: slo.target, periodMs, minimumEvents: policy.minimumTraffic.events };
  const missing: WindowMeasure = { ok: false, reason: 'not measured' };
  const alerts = burnRateAlerts.map((a) =>
    evaluateAlert(a, windows[windowText(a.longWindow)] ?? missing, windows[windowText(a.shortWindow)] ?? missing, ctx),
  );
  const budget = period?.ok ? budgetState(period, slo.target) : undefined;
  const evaluation: SloEvaluation = {
    slo,
    at,
    measured,
    periodMs,
    period: period ?? missing,
    budget,
    windows,
    burnRates,
    alerts,
    queries,
  };
  if (!options.burnDown) return evaluation;
  return { ...evaluation, burnDown: await burnDown(slo, measured, deps) };
}

/**
 * An SLO Bellwether cannot compute (a source it cannot query, time slices, a
 * threshold metric): nothing is asked, and its budget and every alert are
 * unknown, with the reason. An unknown budget never passes a gate.
 */
function notEvaluated(slo: SloDefinition, policy: FreezeGatePolicy, at: Date): SloEvaluation {
  const reason = `Bellwether cannot evaluate this SLO: ${slo.unsupported?.reason ?? 'it has no time window or no indicator'}`;
  const periodMs = slo.window?.kind === 'rolling' ? slo.window.ms : 0;
  const ctx = { target: slo.target, periodMs, minimumEvents: policy.minimumTraffic.events };
  // The alerts say it once, short; the budget carries the whole reason.
  const missing: WindowMeasure = { ok: false, reason: 'the SLO is not evaluated (see its budget)' };
  return {
    slo,
    at,
    measured: { start: at, end: at },
    periodMs,
    period: { ok: false, reason },
    budget: undefined,
    windows: {},
    burnRates: Object.fromEntries(BURN_WINDOWS.map((w) => [w, undefined])),
    alerts: (slo.alertWindows ?? policy.burnRateAlerts).map((a) => evaluateAlert(a, missing, missing, ctx)),
    queries: [],
  };
}

/** Points of the burn-down chart, at most this many. */
export const BURN_DOWN_POINTS = 30;

/**
 * Budget remaining through the period. For a rolling window each point is
 * the budget over the window that ends there (one range query per series);
 * for a calendar period it is the budget from the period's start to the
 * point (instant queries, as each point's range differs).
 */
async function burnDown(slo: EvaluableSlo, measured: Period, deps: EvaluateDeps): Promise<BurnDownPoint[]> {
  const start = measured.start.getTime();
  const end = measured.end.getTime();
  const step = Math.max(60_000, Math.ceil((end - start) / BURN_DOWN_POINTS / 60_000) * 60_000);
  const times: number[] = [];
  for (let t = end; t > start && times.length < BURN_DOWN_POINTS; t -= step) times.unshift(t);
  const remainingOf = (m: WindowMeasure) => (m.ok ? budgetState(m, slo.target).remaining.toNumber() : undefined);
  if (slo.window.kind === 'rolling') {
    const range = async (template: string): Promise<QueryResult> => {
      const query = renderWindow(template, slo.window.text);
      try {
        return await deps.metrics.queryRange({
          query,
          start: new Date(times[0] ?? end),
          end: new Date(end),
          stepSeconds: step / 1000,
        });
      } catch (err) {
        return { ok: false, query, reason: `the metrics provider failed: ${errorMessage(err)}` };
      }
    };
    const [e, t] = await Promise.all([
      range(slo.indicator.errorQuery.template),
      range(slo.indicator.totalQuery.template),
    ]);
    const seconds = slo.window.ms / 1000;
    return times.map((time) => {
      const pick = (r: QueryResult): QueryResult =>
        r.ok
          ? {
              ...r,
              series: r.series
                .map((s) => ({ ...s, points: s.points.filter((p) => Math.round(p.t * 1000) === time) }))
                .filter((s) => s.points.length > 0),
            }
          : r;
      return { t: new Date(time), remaining: remainingOf(measureWindow(slo, pick(e), pick(t), seconds)) };
    });
  }
  return Promise.all(
    times.map(async (time) => {
      const seconds = Math.round((time - start) / 1000);
      const q = (template: string) => instant(deps.metrics, renderWindow(template, `${seconds}s`), new Date(time));
      const [e, t] = await Promise.all([q(slo.indicator.errorQuery.template), q(slo.indicator.totalQuery.template)]);
      return { t: new Date(time), remaining: remainingOf(measureWindow(slo, e, t, seconds)) };
    }),
  );
}

/** What the gate needs to know of an evaluation. */
export function statusOf(e: SloEvaluation): SloStatus {
  return {
    name: e.slo.name,
    budget: e.budget,
    ...(e.period.ok ? {} : { unavailable: e.period.reason }),
    alerts: e.alerts,
  };
}
