/**
 * OpenSLO v1 as the specification writes it: every kind (SLO, SLI,
 * DataSource, Service, AlertPolicy, AlertCondition, AlertNotificationTarget)
 * with its fields, required ones and cross-field rules. An unknown field or a
 * name that is not a DNS label is a mistake at its line. What the
 * specification allows but Bellwether cannot compute (time slices, threshold
 * metrics, other metric sources) is valid here; evaluation says why it
 * cannot judge such an SLO.
 */
import * as z from 'zod';
import { text, timeZone } from '../policy/fields.js';
import { describeValue, listChoices } from '../policy/wording.js';
import { Rational } from './rational.js';

/** The only OpenSLO version read. */
export const OPENSLO_API_VERSION = 'openslo/v1';

/** The kinds OpenSLO v1 defines. */
export const OPENSLO_KINDS = [
  'SLO',
  'SLI',
  'DataSource',
  'Service',
  'AlertPolicy',
  'AlertCondition',
  'AlertNotificationTarget',
] as const;
export type OpenSloKind = (typeof OPENSLO_KINDS)[number];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^[a-zA-Z0-9]([-._a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;
const ANNOTATION_KEY =
  /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*\/)?[a-zA-Z0-9]([-._a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;
const DURATION_SHORTHAND = /^(\d+)([mhdwMQY])$/;
const OPERATORS = ['gt', 'lt', 'gte', 'lte'] as const;

/** A name OpenSLO accepts: an RFC 1123 DNS label (lower case, digits and `-`, at most 63). */
function dnsLabel() {
  const error = (input: unknown) =>
    `expected a DNS label (lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters), got ${describeValue(input)}`;
  return z.string({ error: (iss) => error(iss.input) }).regex(DNS_LABEL, { error: (iss) => error(iss.input) });
}

const description = z
  .string({ error: (iss) => `expected a string, got ${describeValue(iss.input)}` })
  .max(1050, { error: (iss) => `expected at most 1050 characters, got ${String((iss.input as string).length)}` })
  .optional();

const metadataSchema = z.strictObject({
  name: dnsLabel(),
  displayName: z.string().optional(),
  /** A label's value is one string or a list of them. */
  labels: z
    .record(
      z
        .string()
        .regex(LABEL_KEY, { error: (iss) => `expected a label key such as "team", got ${describeValue(iss.input)}` }),
      z.union([z.string(), z.array(z.string())]),
    )
    .optional(),
  annotations: z
    .record(
      z.string().regex(ANNOTATION_KEY, {
        error: (iss) =>
          `expected an annotation key such as "openslo.com/service-folder", got ${describeValue(iss.input)}`,
      }),
      z.string(),
    )
    .optional(),
});

/** `1h`, `28d`, `1M`: a whole number and one of the units m, h, d, w, M, Q, Y. */
function durationShorthand() {
  const error = (input: unknown) =>
    `expected a duration such as "5m", "1h", "28d", "1w" or "1M" (units m, h, d, w, M, Q, Y), got ${describeValue(input)}`;
  return z.string({ error: (iss) => error(iss.input) }).regex(DURATION_SHORTHAND, { error: (iss) => error(iss.input) });
}

const operator = z.enum(OPERATORS, {
  error: (iss) => `expected one of ${listChoices(OPERATORS)}, got ${describeValue(iss.input)}`,
});

/** Where an SLI's numbers come from: a source type (or a DataSource named by reference) and its own fields. */
const metricSourceSchema = z
  .strictObject({
    metricSourceRef: dnsLabel().optional(),
    type: text().optional(),
    /** Fields of the source type; for Prometheus, `query`. */
    spec: z.record(z.string(), z.unknown()).refine((s) => Object.keys(s).length > 0, {
      error: 'expected the fields of the metric source, such as query, got an empty mapping',
    }),
  })
  .superRefine((source, ctx) => {
    if (source.type === undefined && source.metricSourceRef === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        input: undefined,
        message: 'missing required field; give type (such as Prometheus) or metricSourceRef (a DataSource)',
      });
    }
  });

const metricSchema = z.strictObject({ metricSource: metricSourceSchema });

const RAW_TYPES = ['success', 'failure'] as const;

const ratioMetricSchema = z
  .strictObject({
    /** True when the metrics are counters that only go up (Prometheus `_total` metrics). */
    counter: z.boolean().optional(),
    good: metricSchema.optional(),
    bad: metricSchema.optional(),
    total: metricSchema.optional(),
    rawType: z
      .enum(RAW_TYPES, { error: (iss) => `expected one of ${listChoices(RAW_TYPES)}, got ${describeValue(iss.input)}` })
      .optional(),
    raw: metricSchema.optional(),
  })
  .superRefine((ratio, ctx) => {
    const issue = (path: string, message: string, input?: unknown) =>
      ctx.addIssue({ code: 'custom', path: [path], input, message });
    if (ratio.raw) {
      if (ratio.total) issue('total', 'give either raw or total, not both', ratio.total);
      if (ratio.good) issue('good', 'a raw ratio has no good; give either raw or good (or bad) with total', ratio.good);
      if (ratio.bad) issue('bad', 'a raw ratio has no bad; give either raw or bad (or good) with total', ratio.bad);
      if (!ratio.rawType) issue('rawType', `missing required field with raw; give ${listChoices(RAW_TYPES)}`);
      return;
    }
    if (ratio.rawType !== undefined) issue('rawType', 'rawType goes with raw, which is missing', ratio.rawType);
    if (ratio.good && ratio.bad) issue('bad', 'give either good or bad, not both', ratio.bad);
    else if (!ratio.good && !ratio.bad) issue('good', 'missing required field; give good or bad (with total), or raw');
    if (!ratio.total) issue('total', 'missing required field');
  });

const sliSpecSchema = z
  .strictObject({
    description,
    ratioMetric: ratioMetricSchema.optional(),
    thresholdMetric: metricSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    if (spec.ratioMetric && spec.thresholdMetric) {
      ctx.addIssue({
        code: 'custom',
        path: ['thresholdMetric'],
        input: spec.thresholdMetric,
        message: 'give either ratioMetric or thresholdMetric, not both',
      });
    } else if (!spec.ratioMetric && !spec.thresholdMetric) {
      ctx.addIssue({
        code: 'custom',
        path: ['ratioMetric'],
        input: undefined,
        message: 'missing required field; give ratioMetric or thresholdMetric',
      });
    }
  });

/** An SLI as written inline in an SLO or in a composite objective. */
const sliInlineSchema = z.strictObject({ metadata: metadataSchema.optional(), spec: sliSpecSchema });

const apiVersion = z.literal(OPENSLO_API_VERSION, {
  error: (iss) =>
    `expected "${OPENSLO_API_VERSION}" (the OpenSLO version Bellwether reads), got ${describeValue(iss.input)}`,
});

function objectSchema<K extends OpenSloKind, S extends z.ZodType>(kind: K, spec: S) {
  return z.strictObject({ apiVersion, kind: z.literal(kind), metadata: metadataSchema, spec });
}

/** A decimal given as a number (`0.999`) or a string (`"0.999"`), read exactly. */
function exactDecimal(min: Rational, max: Rational, what: string, maxIncluded = false) {
  const error = (input: unknown) => `expected ${what}, got ${describeValue(input)}`;
  return z.union([z.number(), z.string()], { error: (iss) => error(iss.input) }).transform((value, ctx) => {
    const r =
      typeof value === 'number'
        ? Number.isFinite(value)
          ? Rational.fromWritten(value)
          : undefined
        : Rational.parseDecimal(value);
    if (!r || !r.gt(min) || (maxIncluded ? r.gt(max) : !r.lt(max))) {
      ctx.addIssue({ code: 'custom', input: value, message: error(value) });
      return z.NEVER;
    }
    return r;
  });
}

const objectiveSchema = z
  .strictObject({
    displayName: z.string().optional(),
    /** For a threshold metric: the comparison a good value passes, and the value. */
    op: operator.optional(),
    value: z.number({ error: (iss) => `expected a number, got ${describeValue(iss.input)}` }).optional(),
    /** A fraction strictly between 0 and 1, such as 0.999. */
    target: exactDecimal(
      Rational.ZERO,
      Rational.ONE,
      'a number greater than 0 and less than 1, such as 0.999',
    ).optional(),
    /** A percentage strictly between 0 and 100, such as 99.9. */
    targetPercent: exactDecimal(
      Rational.ZERO,
      Rational.of(100),
      'a number greater than 0 and less than 100, such as 99.9',
    ).optional(),
    timeSliceTarget: exactDecimal(
      Rational.ZERO,
      Rational.ONE,
      'a number greater than 0 and at most 1, such as 0.95',
      true,
    ).optional(),
    timeSliceWindow: durationShorthand().optional(),
    /** Composite SLOs: each objective has its own indicator and weight. */
    indicator: sliInlineSchema.optional(),
    indicatorRef: dnsLabel().optional(),
    compositeWeight: z
      .number()
      .gt(0, { error: (iss) => `expected a number greater than 0, got ${describeValue(iss.input)}` })
      .optional(),
  })
  .superRefine((o, ctx) => {
    if (o.target !== undefined && o.targetPercent !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetPercent'],
        input: undefined,
        message: 'give either target or targetPercent, not both',
      });
    } else if (o.target === undefined && o.targetPercent === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['target'],
        input: undefined,
        message: 'missing required field; give target (0.999) or targetPercent (99.9)',
      });
    }
    if (o.indicator && o.indicatorRef) {
      ctx.addIssue({
        code: 'custom',
        path: ['indicatorRef'],
        input: o.indicatorRef,
        message: 'give either indicator or indicatorRef, not both',
      });
    }
  });

const timeWindowSchema = z
  .strictObject({
    duration: durationShorthand(),
    isRolling: z.boolean().default(false),
    calendar: z
      .strictObject({
        /** `2024-01-01 00:00:00`, in the calendar's time zone. */
        startTime: z.string().refine(validStart, {
          error: (iss) =>
            `expected a time "YYYY-MM-DD HH:MM:SS" such as "2026-01-01 00:00:00", got ${describeValue(iss.input)}`,
        }),
        timeZone: timeZone(),
      })
      .optional(),
  })
  .superRefine((w, ctx) => {
    if (w.isRolling && w.calendar) {
      ctx.addIssue({
        code: 'custom',
        path: ['calendar'],
        input: w.calendar,
        message: 'a rolling window has no calendar; remove it or set isRolling: false',
      });
    } else if (!w.isRolling && !w.calendar) {
      ctx.addIssue({
        code: 'custom',
        path: ['calendar'],
        input: undefined,
        message: 'missing required field for a calendar window (isRolling: false); give startTime and timeZone',
      });
    }
  });

const START_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;

function validStart(value: string): boolean {
  const m = START_TIME.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    s < 60
  );
}

const BUDGETING_METHODS = ['Occurrences', 'Timeslices', 'RatioTimeslices'] as const;

const alertConditionSpecSchema = z.strictObject({
  description,
  severity: text(),
  condition: z.strictObject({
    kind: z.literal('burnrate', { error: (iss) => `expected "burnrate", got ${describeValue(iss.input)}` }),
    op: operator,
    threshold: z.number({ error: (iss) => `expected a number, got ${describeValue(iss.input)}` }),
    lookbackWindow: durationShorthand(),
    alertAfter: durationShorthand().optional(),
  }),
});

const alertNotificationTargetSpecSchema = z.strictObject({ description, target: text() });

/** An item of a list that either names an object (`conditionRef: x`) or writes it inline. */
function refOrInline<K extends OpenSloKind, S extends z.ZodType>(refKey: string, kind: K, spec: S) {
  return z.union(
    [
      z.strictObject({ [refKey]: dnsLabel() }),
      z.strictObject({ kind: z.literal(kind), metadata: metadataSchema, spec }),
    ],
    {
      error: (iss) =>
        `expected {${refKey}: <name>} or an inline ${kind} (kind, metadata, spec), got ${describeValue(iss.input)}`,
    },
  );
}

const alertPolicySpecSchema = z.strictObject({
  description,
  alertWhenNoData: z.boolean().optional(),
  alertWhenBreaching: z.boolean().optional(),
  alertWhenResolved: z.boolean().optional(),
  conditions: z.array(refOrInline('conditionRef', 'AlertCondition', alertConditionSpecSchema)).length(1, {
    error: (iss) =>
      `expected exactly 1 condition, got ${Array.isArray(iss.input) ? iss.input.length : describeValue(iss.input)}`,
  }),
  notificationTargets: z
    .array(refOrInline('targetRef', 'AlertNotificationTarget', alertNotificationTargetSpecSchema))
    .min(1, {
      error: 'expected at least 1 notification target',
    }),
});

const sloSpecSchema = z
  .strictObject({
    description,
    service: z.string().optional(),
    indicator: sliInlineSchema.optional(),
    indicatorRef: dnsLabel().optional(),
    /** Optional in OpenSLO; an SLO without one has no budget period, which evaluation says. */
    timeWindow: z
      .array(timeWindowSchema)
      .length(1, {
        error: (iss) =>
          `expected exactly 1 time window, got ${Array.isArray(iss.input) ? iss.input.length : describeValue(iss.input)}`,
      })
      .optional(),
    budgetingMethod: z.enum(BUDGETING_METHODS, {
      error: (iss) => `expected one of ${listChoices(BUDGETING_METHODS)}, got ${describeValue(iss.input)}`,
    }),
    objectives: z.array(objectiveSchema).min(1, { error: 'expected at least 1 objective' }),
    /** An empty `alertPolicies:` is null in YAML, and as good as none. */
    alertPolicies: z.array(refOrInline('alertPolicyRef', 'AlertPolicy', alertPolicySpecSchema)).nullish(),
  })
  .superRefine((spec, ctx) => {
    const composite = spec.objectives.some((o) => o.indicator !== undefined || o.indicatorRef !== undefined);
    if (spec.indicator && spec.indicatorRef) {
      ctx.addIssue({
        code: 'custom',
        path: ['indicatorRef'],
        input: spec.indicatorRef,
        message: 'give either indicator or indicatorRef, not both',
      });
    } else if (composite && (spec.indicator || spec.indicatorRef)) {
      ctx.addIssue({
        code: 'custom',
        path: [spec.indicator ? 'indicator' : 'indicatorRef'],
        input: undefined,
        message: 'a composite SLO gives its indicators in its objectives, not here',
      });
    } else if (!composite && !spec.indicator && !spec.indicatorRef) {
      ctx.addIssue({
        code: 'custom',
        path: ['indicator'],
        input: undefined,
        message: 'missing required field; give indicator or indicatorRef',
      });
    }
    spec.objectives.forEach((o, i) => {
      if (spec.budgetingMethod === 'Timeslices' && o.timeSliceTarget === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['objectives', i, 'timeSliceTarget'],
          input: undefined,
          message: 'missing required field for budgetingMethod Timeslices',
        });
      }
      if (spec.budgetingMethod !== 'Occurrences' && o.timeSliceWindow === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['objectives', i, 'timeSliceWindow'],
          input: undefined,
          message: `missing required field for budgetingMethod ${spec.budgetingMethod}`,
        });
      }
      if (spec.indicator?.spec.thresholdMetric) {
        if (o.op === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['objectives', i, 'op'],
            input: undefined,
            message: 'missing required field for a thresholdMetric',
          });
        if (o.value === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['objectives', i, 'value'],
            input: undefined,
            message: 'missing required field for a thresholdMetric',
          });
      }
    });
  });

/** `kind: SLO`. */
export const sloDocumentSchema = objectSchema('SLO', sloSpecSchema);
/** `kind: SLI`: an indicator that SLOs name with `indicatorRef`. */
export const sliDocumentSchema = objectSchema('SLI', sliSpecSchema);
/** `kind: DataSource`: a metric source that SLIs name with `metricSourceRef`. */
export const dataSourceDocumentSchema = objectSchema(
  'DataSource',
  z.strictObject({
    description,
    type: text(),
    connectionDetails: z.unknown().refine((v) => v !== undefined && v !== null, { error: 'missing required field' }),
  }),
);
/** `kind: Service`. */
export const serviceDocumentSchema = objectSchema('Service', z.strictObject({ description }).prefault({}));
/** `kind: AlertPolicy`. */
export const alertPolicyDocumentSchema = objectSchema('AlertPolicy', alertPolicySpecSchema);
/** `kind: AlertCondition`. */
export const alertConditionDocumentSchema = objectSchema('AlertCondition', alertConditionSpecSchema);
/** `kind: AlertNotificationTarget`. */
export const alertNotificationTargetDocumentSchema = objectSchema(
  'AlertNotificationTarget',
  alertNotificationTargetSpecSchema,
);

/** The schema of each kind. */
export const OPENSLO_SCHEMAS: Record<OpenSloKind, z.ZodType> = {
  SLO: sloDocumentSchema,
  SLI: sliDocumentSchema,
  DataSource: dataSourceDocumentSchema,
  Service: serviceDocumentSchema,
  AlertPolicy: alertPolicyDocumentSchema,
  AlertCondition: alertConditionDocumentSchema,
  AlertNotificationTarget: alertNotificationTargetDocumentSchema,
};

export type SloDocument = z.output<typeof sloDocumentSchema>;
export type SliDocument = z.output<typeof sliDocumentSchema>;
export type DataSourceDocument = z.output<typeof dataSourceDocumentSchema>;
export type SliSpec = z.output<typeof sliSpecSchema>;
export type MetricSpec = z.output<typeof metricSchema>;
export type TimeWindowSpec = z.output<typeof timeWindowSchema>;
export type ObjectiveSpec = z.output<typeof objectiveSchema>;
