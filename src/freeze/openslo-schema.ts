/**
 * The part of OpenSLO v1 that Bellwether reads: `kind: SLO` and `kind: SLI`
 * with ratio metrics counted by occurrences. What OpenSLO allows but
 * Bellwether does not compute yet (time slices, threshold metrics, raw
 * ratios, composite objectives) is refused here with a message at its line,
 * rather than computed as something else.
 */
import { z } from 'zod';
import { text, timeZone } from '../policy/fields.js';
import { describeValue } from '../policy/wording.js';
import { Rational } from './rational.js';

/** The only OpenSLO version read. */
export const OPENSLO_API_VERSION = 'openslo/v1';

const unsupported = (what: string, instead: string) => `${what} is not supported yet; ${instead}`;

/** Fields OpenSLO defines that Bellwether refuses; each says what to do instead. */
function refuse(ctx: z.RefinementCtx, value: Record<string, unknown>, fields: Record<string, string>): void {
  for (const [field, message] of Object.entries(fields)) {
    if (value[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message, input: value[field] });
  }
}

const metadataSchema = z.looseObject({
  name: text(),
  displayName: z.string().optional(),
});

const prometheusQuerySchema = z.looseObject({
  /** PromQL with Sloth's `{{.window}}` placeholder for the range of each window. */
  query: text(),
});

const metricSourceSchema = z
  .strictObject({
    metricSourceRef: z.string().optional(),
    type: z.string({ error: () => 'missing required field; Bellwether reads type "Prometheus"' }),
    spec: prometheusQuerySchema,
  })
  .superRefine((source, ctx) => {
    if (source.type.toLowerCase() !== 'prometheus') {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        input: source.type,
        message: unsupported(`metric source type ${describeValue(source.type)}`, 'Bellwether reads "Prometheus" queries'),
      });
    }
    refuse(ctx, source, {
      metricSourceRef: unsupported('metricSourceRef', 'give the query inline with type: Prometheus'),
    });
  });

const metricSchema = z.strictObject({ metricSource: metricSourceSchema });

const ratioMetricSchema = z
  .strictObject({
    /** True when the queries read counters (the usual case with rate()). */
    counter: z.boolean().default(true),
    good: metricSchema.optional(),
    bad: metricSchema.optional(),
    total: metricSchema.optional(),
    rawType: z.unknown().optional(),
    raw: z.unknown().optional(),
  })
  .superRefine((ratio, ctx) => {
    refuse(ctx, ratio, {
      raw: unsupported('a raw ratio', 'give good or bad, and total'),
      rawType: unsupported('a raw ratio', 'give good or bad, and total'),
    });
    if (ratio.raw !== undefined) return;
    if (ratio.good && ratio.bad) {
      ctx.addIssue({ code: 'custom', path: ['bad'], input: ratio.bad, message: 'give either good or bad, not both' });
    } else if (!ratio.good && !ratio.bad) {
      ctx.addIssue({ code: 'custom', path: ['good'], input: undefined, message: 'missing required field; give good or bad' });
    }
    if (!ratio.total) ctx.addIssue({ code: 'custom', path: ['total'], input: undefined, message: 'missing required field' });
  });

const sliSpecSchema = z
  .strictObject({
    description: z.string().optional(),
    ratioMetric: ratioMetricSchema.optional(),
    thresholdMetric: z.unknown().optional(),
  })
  .superRefine((spec, ctx) => {
    refuse(ctx, spec, {
      thresholdMetric: unsupported('thresholdMetric', 'Bellwether computes budgets from a ratioMetric (good or bad over total)'),
    });
    if (spec.thresholdMetric === undefined && !spec.ratioMetric) {
      ctx.addIssue({ code: 'custom', path: ['ratioMetric'], input: undefined, message: 'missing required field' });
    }
  });

/** An SLI as written inline in an SLO or as its own document. */
const sliBodySchema = z.strictObject({ metadata: metadataSchema.optional(), spec: sliSpecSchema });

const apiVersion = z.literal(OPENSLO_API_VERSION, {
  error: (iss) => `expected "${OPENSLO_API_VERSION}" (the OpenSLO version Bellwether reads), got ${describeValue(iss.input)}`,
});

/** `kind: SLI`: an indicator that SLOs name with `indicatorRef`. */
export const sliDocumentSchema = z.strictObject({
  apiVersion,
  kind: z.literal('SLI'),
  metadata: metadataSchema,
  spec: sliSpecSchema,
});

/** A decimal given as a number (`0.999`) or a string (`"0.999"`), read exactly. */
function exactDecimal(min: Rational, max: Rational, what: string) {
  const error = (input: unknown) => `expected ${what}, got ${describeValue(input)}`;
  return z.union([z.number(), z.string()], { error: (iss) => error(iss.input) }).transform((value, ctx) => {
    const r = typeof value === 'number' ? (Number.isFinite(value) ? Rational.fromWritten(value) : undefined) : Rational.parseDecimal(value);
    if (!r || !r.gt(min) || !r.lt(max)) {
      ctx.addIssue({ code: 'custom', input: value, message: error(value) });
      return z.NEVER;
    }
    return r;
  });
}

const objectiveSchema = z
  .strictObject({
    displayName: z.string().optional(),
    /** A fraction strictly between 0 and 1, such as 0.999. */
    target: exactDecimal(Rational.ZERO, Rational.ONE, 'a number greater than 0 and less than 1, such as 0.999').optional(),
    /** A percentage strictly between 0 and 100, such as 99.9. */
    targetPercent: exactDecimal(Rational.ZERO, Rational.of(100), 'a number greater than 0 and less than 100, such as 99.9').optional(),
    op: z.unknown().optional(),
    value: z.unknown().optional(),
    timeSliceTarget: z.unknown().optional(),
    timeSliceWindow: z.unknown().optional(),
    indicator: z.unknown().optional(),
    indicatorRef: z.unknown().optional(),
    compositeWeight: z.unknown().optional(),
  })
  .superRefine((o, ctx) => {
    const threshold = unsupported('a threshold objective', 'give a ratioMetric and a target');
    const slices = unsupported('time slices', 'use budgetingMethod: Occurrences');
    const composite = unsupported('composite objectives', 'give one indicator for the whole SLO');
    refuse(ctx, o, {
      op: threshold,
      value: threshold,
      timeSliceTarget: slices,
      timeSliceWindow: slices,
      indicator: composite,
      indicatorRef: composite,
      compositeWeight: composite,
    });
    if (o.target !== undefined && o.targetPercent !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['targetPercent'], input: undefined, message: 'give either target or targetPercent, not both' });
    } else if (o.target === undefined && o.targetPercent === undefined) {
      ctx.addIssue({ code: 'custom', path: ['target'], input: undefined, message: 'missing required field; give target (0.999) or targetPercent (99.9)' });
    }
  })
  .transform((o) => ({
    displayName: o.displayName,
    /** The objective as a fraction, exact. */
    target: o.target ?? (o.targetPercent ?? Rational.ZERO).div(Rational.of(100)),
  }));

const ROLLING_DURATION = /^([1-9]\d*)([mhdw])$/;
const CALENDAR_DURATION = /^([1-9]\d*)([dwMQY])$/;
const START_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

const timeWindowSchema = z
  .strictObject({
    duration: text(),
    isRolling: z.boolean().default(false),
    calendar: z
      .strictObject({
        /** `2024-01-01 00:00:00`, in the calendar's time zone. */
        startTime: text(),
        timeZone: timeZone(),
      })
      .optional(),
  })
  .superRefine((w, ctx) => {
    if (w.isRolling) {
      if (!ROLLING_DURATION.test(w.duration)) {
        ctx.addIssue({
          code: 'custom',
          path: ['duration'],
          input: w.duration,
          message: `expected a rolling duration such as "28d", "30d" or "4w" (units m, h, d, w), got ${describeValue(w.duration)}`,
        });
      }
      if (w.calendar) {
        ctx.addIssue({ code: 'custom', path: ['calendar'], input: w.calendar, message: 'a rolling window has no calendar; remove it or set isRolling: false' });
      }
      return;
    }
    if (!CALENDAR_DURATION.test(w.duration)) {
      ctx.addIssue({
        code: 'custom',
        path: ['duration'],
        input: w.duration,
        message: `expected a calendar duration such as "1M", "1w" or "1Q" (units d, w, M, Q, Y), got ${describeValue(w.duration)}`,
      });
    }
    if (!w.calendar) {
      ctx.addIssue({ code: 'custom', path: ['calendar'], input: undefined, message: 'missing required field for a calendar window (isRolling: false); give startTime and timeZone' });
    } else if (!validStart(w.calendar.startTime)) {
      ctx.addIssue({
        code: 'custom',
        path: ['calendar', 'startTime'],
        input: w.calendar.startTime,
        message: `expected a time "YYYY-MM-DD HH:MM:SS" such as "2026-01-01 00:00:00", got ${describeValue(w.calendar.startTime)}`,
      });
    }
  });

function validStart(value: string): boolean {
  const m = START_TIME.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

const budgetingMethodSchema = z.string().superRefine((method, ctx) => {
  if (method === 'Occurrences') return;
  const known = ['Timeslices', 'RatioTimeslices'].includes(method);
  ctx.addIssue({
    code: 'custom',
    input: method,
    message: known
      ? unsupported(`budgetingMethod ${method}`, 'Bellwether computes Occurrences budgets (good events over all events)')
      : `expected "Occurrences", got ${describeValue(method)}`,
  });
});

/** `kind: SLO`, with its indicator inline or named by `indicatorRef`. */
export const sloDocumentSchema = z.strictObject({
  apiVersion,
  kind: z.literal('SLO'),
  metadata: metadataSchema,
  spec: z
    .strictObject({
      description: z.string().optional(),
      service: z.string().optional(),
      indicator: sliBodySchema.optional(),
      indicatorRef: text().optional(),
      timeWindow: z.array(timeWindowSchema).length(1, { error: (iss) => `expected exactly 1 time window, got ${Array.isArray(iss.input) ? iss.input.length : describeValue(iss.input)}` }),
      budgetingMethod: budgetingMethodSchema,
      objectives: z
        .array(objectiveSchema)
        .min(1)
        .superRefine((objectives, ctx) => {
          if (objectives.length > 1) {
            ctx.addIssue({
              code: 'custom',
              path: [1],
              input: objectives[1],
              message: unsupported('more than one objective', 'write one SLO per objective'),
            });
          }
        }),
      /** OpenSLO alert policies are left to other tools; Bellwether's alerts come from its freeze policy. */
      alertPolicies: z.array(z.unknown()).optional(),
    })
    .superRefine((spec, ctx) => {
      if (spec.indicator && spec.indicatorRef) {
        ctx.addIssue({ code: 'custom', path: ['indicatorRef'], input: spec.indicatorRef, message: 'give either indicator or indicatorRef, not both' });
      } else if (!spec.indicator && !spec.indicatorRef) {
        ctx.addIssue({ code: 'custom', path: ['indicator'], input: undefined, message: 'missing required field; give indicator or indicatorRef' });
      }
    }),
});

/** Just enough of any OpenSLO document to tell its kind. */
export const openSloHeaderSchema = z.looseObject({
  apiVersion,
  kind: text(),
});

export type SloDocument = z.output<typeof sloDocumentSchema>;
export type SliDocument = z.output<typeof sliDocumentSchema>;
export type SliSpec = z.output<typeof sliSpecSchema>;
export type TimeWindowSpec = z.output<typeof timeWindowSchema>;
