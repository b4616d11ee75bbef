/**
 * The `waves` policy: regions grouped into ordered waves, bake times, the
 * hours a wave may start, and what a failure in a later wave does.
 */
import * as z from 'zod';
import { DEFAULT_METRICS_DEADLINE_MS } from '../../metrics/deadline.js';
import { EVEN_AFTER_PROBLEMS, isMapping, validAt } from '../cross-field.js';
import { didYouMean } from '../../runtime/did-you-mean.js';
import { calendarDate, count, duration, hoursRange, policyVersion, text, timeOfDay, timeZone } from '../fields.js';

/** Days of the week as policies write them. */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const waveSchema = z.strictObject({
  /** Unique name shown in plans and summaries, such as `pilot`. */
  name: text(),
  /** Regions deployed in this wave; each region belongs to one wave. */
  regions: z.array(text()).min(1),
  /** Regions of this wave deployed at once; all of them when left out. */
  maxParallel: count(1).optional(),
  /** How long the wave runs at full traffic, watched, before the next wave starts. */
  bakeTime: duration().prefault('1h'),
});

const windowSchema = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1),
  /** Start and end, in the policy's time zone; parsed to minutes after midnight. */
  hours: hoursRange().prefault('00:00-24:00'),
});

const blockedSchema = z
  .strictObject({
    from: calendarDate(),
    /** Last blocked day, included; the same as `from` when left out. */
    to: calendarDate().optional(),
    reason: z.string().optional(),
  })
  .superRefine((range, ctx) => {
    if (!isMapping(range) || !validAt(ctx, ['from'], ['to'])) return;
    if (range.to !== undefined && range.to < range.from) {
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `expected a date on or after from (${range.from}), got "${range.to}"`,
      });
    }
  }, EVEN_AFTER_PROBLEMS)
  .transform((range) => ({ ...range, to: range.to ?? range.from }));

/**
 * A named list of holidays (a country's public holidays, say) on which no
 * region it covers starts; the same shape in the policy's `calendars` and in
 * a calendar file given to `bellwether waves plan --holidays`.
 */
export const holidayCalendarSchema = z.strictObject({
  name: text(),
  /** Zone whose dates these are; the region's (or the policy's) when left out. */
  timeZone: timeZone().optional(),
  /** Regions it applies to; every region when left out. */
  regions: z.array(text()).min(1).optional(),
  holidays: z.array(z.strictObject({ date: calendarDate(), name: text() })),
});

/** The waves policy as written, with its defaults. */
export const wavesPolicySchema = z
  .strictObject({
    kind: z.literal('waves'),
    version: policyVersion(),
    description: z.string().optional(),
    waves: z.array(waveSchema).min(1),
    /** `first-wave-only`: only the first wave runs canary stages; later waves rely on bake. */
    canary: z.enum(['all', 'first-wave-only']).default('first-wave-only'),
    /** Time zone of windows and blocked dates, for regions without one of their own. */
    timeZone: timeZone().default('UTC'),
    /**
     * Region → its own time zone: its windows, blocked dates, holidays and
     * earliest start are read on its wall clock, so "weekdays 09:00-17:00"
     * means business hours in each region.
     */
    regionTimeZones: z.record(z.string(), timeZone()).default({}),
    /** When a wave may start. Default: Monday to Friday, 09:00 to 17:00. */
    windows: z
      .array(windowSchema)
      .min(1)
      .prefault([{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], hours: '09:00-17:00' }]),
    /** Days on which no wave starts (holidays, company-wide freezes). */
    blockedDates: z.array(blockedSchema).default([]),
    /** Holiday calendars: on a listed date no region a calendar covers starts. */
    calendars: z.array(holidayCalendarSchema).default([]),
    /** Region → earliest local time a wave may start there. */
    earliestStart: z
      .record(z.string(), z.strictObject({ time: timeOfDay(), timeZone: timeZone().optional() }))
      .default({}),
    /** A failure in a later wave holds the waves already done, or rolls them back too. */
    onLaterWaveFailure: z.enum(['hold', 'rollback']).default('hold'),
    /**
     * How a region deployed without canary stages proves healthy: after
     * `watch`, every check's query (filled with the region's scope) must stay
     * within its bounds over the time since the deployment. No data holds the
     * wave; it never counts as healthy. Without it, a region is healthy once
     * its manifest carries the release.
     */
    health: z
      .strictObject({
        provider: text().default('prometheus'),
        watch: duration({ min: '1m' }).prefault('10m'),
        /** How long one health check of a region waits for all its metrics; what has not answered by then is no data, which holds. */
        metricsDeadline: duration({ min: '1s' }).default(DEFAULT_METRICS_DEADLINE_MS),
        checks: z
          .array(
            z
              .strictObject({ name: text(), query: text(), max: z.number().optional(), min: z.number().optional() })
              .refine((c) => c.max !== undefined || c.min !== undefined, {
                error: 'a health check needs max, min or both',
              }),
          )
          .min(1),
      })
      .optional(),
    /** GitHub environment name of a region's deployment. */
    environment: text()
      .refine((v) => v.includes('{region}'), {
        error: (iss) =>
          `expected a pattern containing "{region}", such as "production/{region}", got ${JSON.stringify(iss.input)}`,
      })
      .default('production/{region}'),
  })
  .superRefine((policy, ctx) => {
    if (!isMapping(policy) || !Array.isArray(policy.waves)) return;
    const waveOf = new Map<string, string>();
    const names = new Set<string>();
    let allRegionsKnown = true;
    policy.waves.forEach((wave, i) => {
      if (validAt(ctx, ['waves', i, 'name'])) {
        if (names.has(wave.name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['waves', i, 'name'],
            message: `duplicate wave name ${JSON.stringify(wave.name)}`,
          });
        }
        names.add(wave.name);
      }
      if (!validAt(ctx, ['waves', i, 'regions'])) {
        allRegionsKnown = false;
        return;
      }
      wave.regions.forEach((region, j) => {
        const earlier = waveOf.get(region);
        if (earlier !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['waves', i, 'regions', j],
            message: `region ${JSON.stringify(region)} is already in wave ${JSON.stringify(earlier)}; a region belongs to one wave`,
          });
        } else waveOf.set(region, String(wave.name));
      });
    });
    // With some regions unreadable, "in no wave" could be wrong: say nothing.
    if (!allRegionsKnown) return;
    const regions = [...waveOf.keys()];
    const unknown = (path: (string | number)[], region: string) =>
      ctx.addIssue({
        code: 'custom',
        path,
        message: `unknown region ${JSON.stringify(region)}: it is in no wave${didYouMean(region, regions)}`,
      });
    for (const field of ['earliestStart', 'regionTimeZones'] as const) {
      if (!isMapping(policy[field])) continue;
      for (const region of Object.keys(policy[field])) if (!waveOf.has(region)) unknown([field, region], region);
    }
    if (Array.isArray(policy.calendars)) {
      policy.calendars.forEach((calendar, i) => {
        if (!validAt(ctx, ['calendars', i, 'regions'])) return;
        (calendar.regions ?? []).forEach(
          (region, j) => waveOf.has(region) || unknown(['calendars', i, 'regions', j], region),
        );
      });
    }
  }, EVEN_AFTER_PROBLEMS);

/** A validated waves policy; durations are in milliseconds, hours in minutes after midnight. */
export type WavesPolicy = z.output<typeof wavesPolicySchema>;
/** One wave of regions. */
export type Wave = WavesPolicy['waves'][number];
