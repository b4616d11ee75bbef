/**
 * What a user writes to configure a metrics provider, per type. Secrets are
 * never written in the file: it names the environment variables that hold
 * them (`tokenEnv`, `apiKeyEnv`), which the registry reads when it builds the
 * provider.
 *
 * ```yaml
 * providers:
 *   prod-prom:
 *     type: prometheus
 *     url: https://thanos.example.com
 *     auth: { type: bearer, tokenEnv: PROM_TOKEN }   # or basic / header
 *     headers: { X-Scope-OrgID: payments }          # Mimir tenant
 *     timeout: 30s
 *     retry: { attempts: 4, initialDelay: 500ms, maxDelay: 30s }
 *     concurrency: 8
 *     step: 60s                 # resolution of range queries
 *     minStep: 15s              # the scrape interval: the finest step used to get enough points
 *   dd:
 *     type: datadog
 *     site: datadoghq.eu        # us3, us5, ap1, ddog-gov.com …
 *     apiKeyEnv: DD_API_KEY
 *     appKeyEnv: DD_APP_KEY
 *   offline:
 *     type: replay
 *     file: recordings/checkout-2026-03-02.json
 * ```
 */
import * as z from 'zod';

const duration = z.string().regex(/^(\d+(\.\d+)?(ms|s|m|h|d|w|y))+$/, 'a duration such as 30s, 5m or 1h');
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'the name of an environment variable');

const retry = z.strictObject({
  attempts: z.number().int().min(1).max(10).default(4),
  initialDelay: duration.default('500ms'),
  maxDelay: duration.default('30s'),
});

const auth = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  z.strictObject({ type: z.literal('bearer'), tokenEnv: envName }),
  z.strictObject({ type: z.literal('basic'), username: z.string().min(1), passwordEnv: envName }),
  z.strictObject({ type: z.literal('header'), name: z.string().min(1), valueEnv: envName }),
]);

export const prometheusConfigSchema = z.strictObject({
  type: z.literal('prometheus'),
  url: z
    .url({ protocol: /^https?$/ })
    .refine(
      (u) => !/^https?:\/\/[^/]*@/.test(u),
      'credentials do not belong in the URL, where error messages would show them; use auth',
    ),
  auth: auth.default({ type: 'none' }),
  headers: z.record(z.string(), z.string()).default({}),
  timeout: duration.default('30s'),
  retry: retry.default({ attempts: 4, initialDelay: '500ms', maxDelay: '30s' }),
  maxPoints: z.number().int().positive().default(11_000),
  step: duration.default('60s'),
  /** The scrape interval: the canary judge narrows the step to get enough points, never below this. */
  minStep: duration.default('15s'),
  partialResponse: z.enum(['deny', 'allow']).default('deny'),
  concurrency: z.number().int().min(1).max(256).optional(),
});

export const datadogConfigSchema = z.strictObject({
  type: z.literal('datadog'),
  site: z.string().default('datadoghq.com'),
  apiKeyEnv: envName.default('DD_API_KEY'),
  appKeyEnv: envName.default('DD_APP_KEY'),
  timeout: duration.default('30s'),
  retry: retry.default({ attempts: 4, initialDelay: '500ms', maxDelay: '30s' }),
  instantLookback: duration.default('5m'),
  concurrency: z.number().int().min(1).max(256).optional(),
});

export const replayConfigSchema = z.strictObject({
  type: z.literal('replay'),
  /** Relative to the configuration file. */
  file: z.string().min(1),
  lookback: duration.default('5m'),
  concurrency: z.number().int().min(1).max(256).optional(),
});

export type PrometheusConfig = z.output<typeof prometheusConfigSchema>;
export type DatadogConfig = z.output<typeof datadogConfigSchema>;
export type ReplayConfig = z.output<typeof replayConfigSchema>;
