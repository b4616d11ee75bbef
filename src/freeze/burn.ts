/**
 * Error budgets and burn rates, exactly. Pure functions: the counts come in,
 * the measured values, thresholds and verdicts go out.
 *
 * Burn rate over a window = (errors / events) / (1 − objective): 1 spends the
 * budget exactly over the SLO period, 14.4 spends a 30-day budget in 50 hours.
 */
import { formatDuration } from '../policy/fields.js';
import type { BurnRateAlert } from '../policy/schemas/freeze.js';
import { Rational } from './rational.js';

/** The windows every evaluation reports, shortest first. */
export const BURN_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type BurnWindow = (typeof BURN_WINDOWS)[number];

/** The SLO period the policy's burn-rate factors are written for (the SRE Workbook's). */
export const REFERENCE_PERIOD_MS = 30 * 86_400_000;

/** Errors and events counted over one window, exact. */
export interface WindowCounts {
  readonly errors: Rational;
  readonly events: Rational;
}

/** A window's counts, or why there are none. */
export type WindowMeasure = ({ readonly ok: true } & WindowCounts) | { readonly ok: false; readonly reason: string };

/** The budget an objective leaves: 1 − target, exactly (1/1000 for 99.9%). */
export function errorBudget(target: Rational): Rational {
  return Rational.ONE.sub(target);
}

/**
 * Errors from what the indicator counts. A `good` query gives errors as
 * events − good; scrapes that are not aligned can make good exceed events by
 * a hair, so errors are kept within [0, events].
 */
export function countsFrom(kind: 'good' | 'bad', value: Rational, events: Rational): WindowCounts {
  let errors = kind === 'bad' ? value : events.sub(value);
  if (errors.lt(Rational.ZERO)) errors = Rational.ZERO;
  if (errors.gt(events)) errors = events;
  return { errors, events };
}

/** The burn rate over a window, or undefined when it saw no events. */
export function burnRate(counts: WindowCounts, target: Rational): Rational | undefined {
  if (!counts.events.gt(Rational.ZERO)) return undefined;
  return counts.errors.div(counts.events).div(errorBudget(target));
}

/** The highest burn rate possible: every event an error, 1 / (1 − target). */
export function maxBurnRate(target: Rational): Rational {
  return Rational.ONE.div(errorBudget(target));
}

/** How much of the budget the SLO period has spent; remaining goes negative past the budget. */
export interface BudgetState {
  readonly consumed: Rational;
  readonly remaining: Rational;
}

/**
 * Budget spent over the SLO period: its burn rate. A period without events
 * has spent nothing.
 */
export function budgetState(counts: WindowCounts, target: Rational): BudgetState {
  const consumed = burnRate(counts, target) ?? Rational.ZERO;
  return { consumed, remaining: Rational.ONE.sub(consumed) };
}

/**
 * An alert's threshold for an SLO period: the policy writes factors for 30
 * days (14.4 spends 2% of a 30-day budget in 1 hour); for another period the
 * same share of the budget in the same window is factor × period / 30 days,
 * as Sloth computes it (13.44 for 28 days).
 */
export function scaledThreshold(factor: number, periodMs: number): Rational {
  return Rational.fromWritten(factor).mul(Rational.of(Math.round(periodMs), REFERENCE_PERIOD_MS));
}

/**
 * An alert's threshold for an SLO period: a burnRate factor scaled from 30
 * days, or, for an `errorBudgetPercent` alert, the burn rate that spends
 * that share of the period's budget within the long window (Sloth's alert
 * windows: 8% over 1h of 7 days is 13.44).
 */
export function alertThreshold(alert: BurnRateAlert, periodMs: number): Rational {
  if (alert.errorBudgetPercent !== undefined) {
    return Rational.fromWritten(alert.errorBudgetPercent)
      .div(Rational.of(100))
      .mul(Rational.of(Math.round(periodMs), Math.round(alert.longWindow)));
  }
  return scaledThreshold(alert.burnRate ?? NaN, periodMs);
}

/** What an alert found. */
export type AlertState = 'firing' | 'ok' | 'low-traffic' | 'no-data' | 'never-fires';

/** One multiwindow alert evaluated, with what was measured and the threshold. */
export interface AlertEvaluation {
  /** `page-1h-5m`: severity and windows. */
  readonly name: string;
  readonly severity: 'page' | 'ticket';
  readonly longWindow: string;
  readonly shortWindow: string;
  /** The policy's factor, written for a 30-day period (for an errorBudgetPercent alert, the threshold itself). */
  readonly factor: number;
  /** The share of the period's budget the alert is written as, when it is. */
  readonly errorBudgetPercent?: number;
  /** The factor scaled to this SLO's period: both burn rates must be strictly above it. */
  readonly threshold: Rational;
  readonly burnRates: { readonly long: Rational | undefined; readonly short: Rational | undefined };
  readonly firing: boolean;
  readonly state: AlertState;
  readonly reason: string;
}

/** Alert windows in Prometheus' notation (`1h`, `5m`, `1d`). */
export function windowText(ms: number): string {
  return formatDuration(ms);
}

/** Everything evaluateAlert needs beyond the two windows. */
export interface AlertContext {
  readonly target: Rational;
  readonly periodMs: number;
  /** Fewer events than this in a window and that window cannot fire. */
  readonly minimumEvents: number;
}

/**
 * One multiwindow alert: it fires when the burn rates over both windows are
 * strictly above the threshold. A burn rate exactly on the threshold does not
 * fire; a window with too little traffic or no data does not either, and says
 * so. An SLO whose maximum burn rate is at or below the threshold says the
 * alert can never fire.
 */
export function evaluateAlert(
  alert: BurnRateAlert,
  long: WindowMeasure,
  short: WindowMeasure,
  ctx: AlertContext,
): AlertEvaluation {
  const longWindow = windowText(alert.longWindow);
  const shortWindow = windowText(alert.shortWindow);
  const threshold = alertThreshold(alert, ctx.periodMs);
  const rateOf = (m: WindowMeasure) => (m.ok ? burnRate(m, ctx.target) : undefined);
  const burnRates = { long: rateOf(long), short: rateOf(short) };
  const base = {
    name: `${alert.severity}-${longWindow}-${shortWindow}`,
    severity: alert.severity,
    longWindow,
    shortWindow,
    factor: alert.burnRate ?? threshold.toNumber(),
    ...(alert.errorBudgetPercent === undefined ? {} : { errorBudgetPercent: alert.errorBudgetPercent }),
    threshold,
    burnRates,
  };
  const result = (state: AlertState, reason: string): AlertEvaluation => ({
    ...base,
    firing: state === 'firing',
    state,
    reason,
  });
  const max = maxBurnRate(ctx.target);
  if (max.lte(threshold)) {
    return result(
      'never-fires',
      `can never fire: the highest burn rate of a ${pct(ctx.target)} objective is ${fmt(max)}, not above the threshold ${fmt(threshold)}`,
    );
  }
  const windows = [
    { label: longWindow, m: long },
    { label: shortWindow, m: short },
  ];
  for (const { label, m } of windows) if (!m.ok) return result('no-data', `no data over ${label}: ${m.reason}`);
  const minimum = Rational.of(Math.ceil(ctx.minimumEvents));
  for (const { label, m } of windows) {
    if (m.ok && m.events.lt(minimum)) {
      return result(
        'low-traffic',
        `${fmt(m.events)} events over ${label}, fewer than the minimum of ${ctx.minimumEvents}; not judged`,
      );
    }
  }
  const above = (r: Rational | undefined) => r !== undefined && r.gt(threshold);
  const text = `burn rate ${show(burnRates.long)} over ${longWindow} and ${show(burnRates.short)} over ${shortWindow}, threshold ${fmt(threshold)}`;
  if (above(burnRates.long) && above(burnRates.short)) return result('firing', `${text}: both strictly above`);
  return result(
    'ok',
    `${text}: ${above(burnRates.long) ? `${shortWindow} is not above` : `${longWindow} is not above`}`,
  );
}

/** A rational for people: up to 4 decimals, exact values shown as they are. */
export function fmt(r: Rational): string {
  const n = r.toNumber();
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(4)));
}

function show(r: Rational | undefined): string {
  return r === undefined ? 'n/a (no events)' : fmt(r);
}

/** `99.9%` for 999/1000. */
export function pct(r: Rational): string {
  return `${fmt(r.mul(Rational.of(100)))}%`;
}
