/**
 * Sloth's SLO specs as Sloth reads them: the `prometheus/v1` file, the
 * Kubernetes `PrometheusServiceLevel` (`sloth.slok.dev/v1`, the same fields
 * in camelCase) and `AlertWindows`, whose `errorBudgetPercent` windows set
 * the burn-rate alerts of one SLO period.
 */
import * as z from 'zod';
import { parseDuration } from '../policy/fields.js';
import { describeValue } from '../policy/wording.js';

/** Sloth's plain spec version. */
export const SLOTH_VERSION = 'prometheus/v1';
/** Sloth's Kubernetes API version, for PrometheusServiceLevel and AlertWindows. */
export const SLOTH_API_VERSION = 'sloth.slok.dev/v1';

const labels = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));
const query = z
  .string({ error: (iss) => `expected a PromQL query, got ${describeValue(iss.input)}` })
  .min(1, { error: 'expected a PromQL query, got an empty string' });
const plugins = z.unknown();

/** Both spellings of Sloth's fields: snake_case in `prometheus/v1`, camelCase in Kubernetes. */
function slothSchemas(k8s: boolean) {
  const key = (snake: string, camel: string) => (k8s ? camel : snake);
  const alert = z.strictObject({
    disable: z.boolean().optional(),
    labels: labels.optional(),
    annotations: labels.optional(),
  });
  const sli = z
    .strictObject({
      events: z
        .strictObject({ [key('error_query', 'errorQuery')]: query, [key('total_query', 'totalQuery')]: query })
        .optional(),
      raw: z.strictObject({ [key('error_ratio_query', 'errorRatioQuery')]: query }).optional(),
      plugin: z.strictObject({ id: z.string(), options: z.record(z.string(), z.unknown()).optional() }).optional(),
    })
    .superRefine((s, ctx) => {
      const given = (['events', 'raw', 'plugin'] as const).filter((k) => s[k] !== undefined);
      if (given.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['events'],
          input: undefined,
          message: 'missing required field; give events (error and total queries) or raw (an error ratio query)',
        });
      if (given.length > 1)
        ctx.addIssue({
          code: 'custom',
          path: [given[1] ?? 'raw'],
          input: undefined,
          message: `give one of events, raw or plugin, not ${given.join(' and ')}`,
        });
    });
  const slo = z.strictObject({
    name: z.string({ error: (iss) => `expected a name, got ${describeValue(iss.input)}` }).min(1),
    description: z.string().optional(),
    /** A percentage: 99.9. */
    objective: z
      .number({
        error: (iss) =>
          `expected a percentage greater than 0 and less than 100, such as 99.9, got ${describeValue(iss.input)}`,
      })
      .gt(0, {
        error: (iss) =>
          `expected a percentage greater than 0 and less than 100, such as 99.9, got ${describeValue(iss.input)}`,
      })
      .lt(100, {
        error: (iss) =>
          `expected a percentage greater than 0 and less than 100, such as 99.9, got ${describeValue(iss.input)}`,
      }),
    labels: labels.optional(),
    plugins: plugins.optional(),
    sli,
    alerting: z
      .strictObject({
        name: z.string().optional(),
        labels: labels.optional(),
        annotations: labels.optional(),
        [key('page_alert', 'pageAlert')]: alert.optional(),
        [key('ticket_alert', 'ticketAlert')]: alert.optional(),
      })
      .optional(),
  });
  return z.strictObject({
    service: z.string({ error: (iss) => `expected the service name, got ${describeValue(iss.input)}` }).min(1),
    labels: labels.optional(),
    [key('slo_plugins', 'sloPlugins')]: plugins.optional(),
    slos: z.array(slo).min(1, { error: 'expected at least 1 SLO' }),
  });
}

/** The spec of a Sloth `prometheus/v1` file (without its `version`). */
export const slothSpecSchema = slothSchemas(false).extend({ version: z.literal(SLOTH_VERSION) });

/** A Kubernetes PrometheusServiceLevel. */
export const prometheusServiceLevelSchema = z.strictObject({
  apiVersion: z.literal(SLOTH_API_VERSION),
  kind: z.literal('PrometheusServiceLevel'),
  metadata: z.record(z.string(), z.unknown()).optional(),
  spec: slothSchemas(true),
});

/** A Prometheus duration such as `5m`, `1h` or `30d`, in milliseconds. */
const promDuration = z.string().transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: `expected a duration such as "5m", "1h" or "30d", got ${describeValue(value)}`,
    });
    return z.NEVER;
  }
  return ms;
});

const windowSchema = z.strictObject({
  /** The share of the SLO period's budget that spent within longWindow fires the alert. */
  errorBudgetPercent: z
    .number({ error: (iss) => `expected a percentage greater than 0 and at most 100, got ${describeValue(iss.input)}` })
    .gt(0, { error: (iss) => `expected a percentage greater than 0 and at most 100, got ${describeValue(iss.input)}` })
    .lte(100, {
      error: (iss) => `expected a percentage greater than 0 and at most 100, got ${describeValue(iss.input)}`,
    }),
  shortWindow: promDuration,
  longWindow: promDuration,
});

const quickSlow = z.strictObject({ quick: windowSchema, slow: windowSchema });

/** Sloth's AlertWindows: page and ticket alerts, each quick and slow, for one SLO period. */
export const alertWindowsSchema = z.strictObject({
  apiVersion: z.literal(SLOTH_API_VERSION),
  kind: z.literal('AlertWindows'),
  metadata: z.record(z.string(), z.unknown()).optional(),
  spec: z.strictObject({ sloPeriod: promDuration, page: quickSlow, ticket: quickSlow }),
});

export type SlothSpec = z.output<typeof slothSpecSchema>;
export type PrometheusServiceLevel = z.output<typeof prometheusServiceLevelSchema>;
export type AlertWindowsDocument = z.output<typeof alertWindowsSchema>;
