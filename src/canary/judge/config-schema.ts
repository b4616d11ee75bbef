/**
 * Our YAML form of the judge: the `judge` block of a canary policy
 * (analysis.judge), self-contained so that the policy schema can embed it.
 *
 * Effect thresholds are written in percent, as the canary policy documents
 * them: for the mean ratio, percent of the baseline's mean (allowedIncrease: 10
 * is Kayenta's 1.1, allowedDecrease: 10 is Kayenta's 0.9); for CLES, points
 * above or below 50 (allowedIncrease: 10 is Kayenta's 0.6).
 */

import * as z from 'zod';
import { defineMetric } from './defaults.js';
import type { JudgeConfig, MetricConfig } from './types.js';
import { METRIC_UNITS } from './types.js';

const percent = () => z.number().min(0).max(100);
const name = () => z.string().trim().min(1);

/** One metric of the judge block. */
export const judgeMetricSchema = z.strictObject({
  name: name(),
  /** `count`: events per interval; `ratio`: events over requests (the input gives the denominators); judged on totals by the bellwether profile. */
  kind: z.enum(['continuous', 'count', 'ratio']).default('continuous'),
  /** Query template for the metrics provider; carried into the report. */
  query: z.string().optional(),
  /** The unit of the values, for reports; absent: guessed from the query's metric names. */
  unit: z.enum(METRIC_UNITS).optional(),
  direction: z.enum(['increase', 'decrease', 'either']).default('either'),
  critical: z.boolean().default(false),
  mustHaveData: z.boolean().default(false),
  /** The group whose weight this metric shares. */
  group: name().optional(),
  allowedIncrease: z.number().min(0).optional(),
  allowedDecrease: z.number().min(0).max(100).optional(),
  criticalIncrease: z.number().min(0).optional(),
  criticalDecrease: z.number().min(0).max(100).optional(),
  nanStrategy: z.enum(['remove', 'replace']).default('remove'),
  outliers: z.enum(['keep', 'remove']).default('keep'),
  muted: z.boolean().default(false),
  effectSize: z.enum(['meanRatio', 'cles']).default('meanRatio'),
});

/** The judge block. */
export const judgeBlockSchema = z
  .strictObject({
    profile: z.enum(['bellwether', 'kayenta']).default('bellwether'),
    passThreshold: percent().default(95),
    marginalThreshold: percent().default(75),
    /** Level of the interval of the shift. */
    confidenceLevel: z.number().gt(0.5).lt(1).default(0.98),
    /** Bellwether: fewer points on a side than this is NoData, "too few samples". */
    minSamples: z.number().int().min(1).default(10),
    /** Bellwether: chance of failing an unchanged canary, over all metrics and looks. */
    falseFailureRate: z.number().gt(0).lt(0.5).default(0.01),
    /** Bellwether: smallest relative change worth failing for, in percent. */
    minRelativeChange: percent().default(5),
    metrics: z.array(judgeMetricSchema).min(1),
    /** Group name → weight out of 100. */
    groups: z.record(z.string(), percent()).default({}),
  })
  .superRefine((block, ctx) => {
    if (block.marginalThreshold > block.passThreshold) {
      ctx.addIssue({
        code: 'custom',
        path: ['marginalThreshold'],
        message: `expected at most passThreshold (${block.passThreshold}), got ${block.marginalThreshold}`,
      });
    }
    const total = Object.values(block.groups).reduce((a, b) => a + b, 0);
    if (total > 100)
      ctx.addIssue({
        code: 'custom',
        path: ['groups'],
        message: `expected group weights adding up to at most 100, got ${total}`,
      });
    const seen = new Set<string>();
    block.metrics.forEach((metric, i) => {
      if (seen.has(metric.name))
        ctx.addIssue({
          code: 'custom',
          path: ['metrics', i, 'name'],
          message: `duplicate metric name "${metric.name}"`,
        });
      seen.add(metric.name);
      if (metric.group !== undefined && Object.keys(block.groups).length > 0 && !(metric.group in block.groups)) {
        ctx.addIssue({
          code: 'custom',
          path: ['metrics', i, 'group'],
          message: `unknown group "${metric.group}"; groups are ${Object.keys(block.groups).join(', ')}`,
        });
      }
    });
  });

/** The judge block as parsed, defaults filled in. */
export type JudgeBlock = z.output<typeof judgeBlockSchema>;

/** The fields of a metric that the conversion reads (the policy schema's metrics have them too). */
export type JudgeMetricBlock = z.output<typeof judgeMetricSchema>;

/** The group metrics fall in when the block names none. */
export const DEFAULT_GROUP = 'default';

/** Converts a parsed judge block (ours, or the canary policy's) to the judge's configuration. */
export function judgeConfigFromBlock(
  block: Pick<JudgeBlock, 'profile' | 'passThreshold' | 'marginalThreshold' | 'groups'> & {
    readonly metrics: readonly (Omit<JudgeMetricBlock, 'kind'> & {
      readonly kind?: JudgeMetricBlock['kind'];
      /** The canary policy's query of a ratio metric's denominators. */
      readonly denominator?: string | undefined;
    })[];
  } & Partial<Pick<JudgeBlock, 'confidenceLevel' | 'minSamples' | 'falseFailureRate' | 'minRelativeChange'>>,
): JudgeConfig {
  const metrics = block.metrics.map((m): MetricConfig => {
    const cles = m.effectSize === 'cles';
    const up = (p: number | undefined): number | undefined =>
      p === undefined ? undefined : cles ? 0.5 + p / 100 : 1 + p / 100;
    const down = (p: number | undefined): number | undefined =>
      p === undefined ? undefined : cles ? 0.5 - p / 100 : 1 - p / 100;
    const allowedIncrease = up(m.allowedIncrease);
    const allowedDecrease = down(m.allowedDecrease);
    return defineMetric({
      name: m.name,
      ...(m.kind !== undefined ? { kind: m.kind } : {}),
      ...(m.query !== undefined ? { query: m.query } : {}),
      ...(m.unit !== undefined ? { unit: m.unit } : {}),
      ...(m.denominator !== undefined ? { denominator: m.denominator } : {}),
      groups: [m.group ?? DEFAULT_GROUP],
      direction: m.direction,
      nanStrategy: m.nanStrategy,
      critical: m.critical,
      mustHaveData: m.mustHaveData,
      muted: m.muted,
      outliers: { strategy: m.outliers },
      effectSize: {
        measure: m.effectSize,
        ...(allowedIncrease !== undefined ? { allowedIncrease } : {}),
        ...(allowedDecrease !== undefined ? { allowedDecrease } : {}),
        ...(m.criticalIncrease !== undefined ? { criticalIncrease: up(m.criticalIncrease) } : {}),
        ...(m.criticalDecrease !== undefined ? { criticalDecrease: down(m.criticalDecrease) } : {}),
      },
    });
  });
  return {
    metrics,
    groupWeights: block.groups,
    profile: block.profile,
    passThreshold: block.passThreshold,
    marginalThreshold: block.marginalThreshold,
    ...(block.confidenceLevel !== undefined ? { confidenceLevel: block.confidenceLevel } : {}),
    ...(block.minSamples !== undefined ? { minSamples: block.minSamples } : {}),
    ...(block.falseFailureRate !== undefined ? { falseFailureRate: block.falseFailureRate } : {}),
    ...(block.minRelativeChange !== undefined ? { minRelativeChange: block.minRelativeChange / 100 } : {}),
  };
}
