/**
 * The freeze policy as the deploy gate reads it: the `freeze` policy kind
 * plus what the gate needs to decide per change type (what a freeze blocks,
 * what a firing page alert does, what happens without metrics, the
 * minimum-traffic guard and calendar freezes).
 */
import * as z from 'zod';
import { calendarDate, count, duration, hoursRange, text, timeZone } from '../fields.js';
import { blockList as blockListOf, freezePolicySchema } from './freeze.js';
import type { BlockableChange } from './freeze.js';
import { describeValue } from '../wording.js';
import { DEFAULT_METRICS_DEADLINE_MS } from '../../metrics/deadline.js';

/** What a deployment is, as the gate judges it. */
export const CHANGE_TYPES = ['feature', 'security-fix', 'hotfix', 'rollback'] as const;
export type ChangeType = (typeof CHANGE_TYPES)[number];

export { BLOCKABLE, type BlockableChange } from './freeze.js';

function blockList(defaults: BlockableChange[]) {
  return blockListOf().default(defaults);
}

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

const MONTH_DAY = /^(\d{2})-(\d{2})$/;
function monthDay() {
  const error = (input: unknown) => `expected a day of the year "MM-DD" such as "12-24", got ${describeValue(input)}`;
  return z.string({ error: (iss) => error(iss.input) }).transform((value, ctx) => {
    const m = MONTH_DAY.exec(value);
    const month = Number(m?.[1]);
    const day = Number(m?.[2]);
    // 2024 is a leap year, so 02-29 is accepted.
    if (!m || month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(2024, month, 0)).getUTCDate()) {
      ctx.addIssue({ code: 'custom', input: value, message: error(value) });
      return z.NEVER;
    }
    return { month, day };
  });
}

const calendarFreezeSchema = z
  .strictObject({
    /** Shown in every decision the freeze makes, such as `year-end`. */
    name: text(),
    timeZone: timeZone(),
    /** From one date to another, both whole days included. */
    dates: z.strictObject({ from: calendarDate(), to: calendarDate() }).optional(),
    /** Every year, from one day to another, both included; may cross New Year. */
    yearly: z.strictObject({ from: monthDay(), to: monthDay() }).optional(),
    /** Every week on these days, during these hours (the whole day when left out). */
    weekly: z
      .strictObject({
        days: z.array(z.enum(WEEKDAYS)).min(1),
        hours: hoursRange().optional(),
      })
      .optional(),
    block: blockList(['feature']),
  })
  .superRefine((f, ctx) => {
    const given = (['dates', 'yearly', 'weekly'] as const).filter((k) => f[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: given.length === 0 ? ['name'] : [given[1] ?? 'name'],
        input: undefined,
        message: `give exactly one of dates, yearly or weekly${given.length > 1 ? `, not ${given.join(' and ')}` : ''}`,
      });
    }
    if (f.dates && f.dates.from > f.dates.to) {
      ctx.addIssue({
        code: 'custom',
        path: ['dates', 'to'],
        input: f.dates.to,
        message: `expected a date on or after ${f.dates.from}, got "${f.dates.to}"`,
      });
    }
  });

/** The freeze policy with the gate's settings and their defaults. */
export const freezeGatePolicySchema = freezePolicySchema.extend({
  /** What the `freeze` tier blocks. Security fixes and hotfixes go out by default. */
  frozenChangeTypes: blockList(['feature']),
  /** A firing page alert blocks these until it stops. */
  onPageAlert: z.strictObject({ block: blockList(['feature']) }).prefault({}),
  /** Unknown budgets never let a feature through unless the policy says so. */
  onMetricsUnavailable: z.strictObject({ block: blockList(['feature']) }).prefault({}),
  /**
   * A burn-rate window with fewer events than this is not judged, so that
   * one failed request at three in the morning does not page or freeze.
   */
  minimumTraffic: z.strictObject({ events: count(0).default(10) }).prefault({}),
  calendarFreezes: z.array(calendarFreezeSchema).default([]),
  /** A break-glass may last at most this long: it is for an emergency, not a season. */
  breakGlassMaxDuration: duration({ min: '1m' }).default(24 * 3_600_000),
  /**
   * How long one gate decision waits for all its metrics. What is not
   * answered by then is missing data, handled by onMetricsUnavailable.
   */
  metricsDeadline: duration({ min: '1s' }).default(DEFAULT_METRICS_DEADLINE_MS),
});

/** A validated freeze policy as the gate reads it. */
export type FreezeGatePolicy = z.output<typeof freezeGatePolicySchema>;
/** One calendar freeze, validated. */
export type CalendarFreeze = FreezeGatePolicy['calendarFreezes'][number];

/** The policy every field of which is left to its default. */
export function defaultFreezeGatePolicy(): FreezeGatePolicy {
  return freezeGatePolicySchema.parse({ kind: 'freeze' });
}
