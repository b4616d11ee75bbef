/**
 * A metric's configuration with Kayenta's defaults filled in, as
 * NetflixACAJudge reads `analysisConfigurations.canary`: direction either,
 * NaN removed, not critical, data not required, not muted, outliers kept
 * (factor 3 when removed), effect size the mean ratio with every threshold at
 * 1.0 (0.5 for CLES, its point of no effect).
 */

import type { EffectMeasure, MetricConfig } from './types.js';

/** The pieces of a metric configuration that may be left out. */
export type MetricConfigInput = Pick<MetricConfig, 'name'> &
  Partial<Omit<MetricConfig, 'name' | 'outliers' | 'effectSize'>> & {
    readonly outliers?: Partial<MetricConfig['outliers']>;
    readonly effectSize?: Partial<MetricConfig['effectSize']>;
  };

/** The neutral effect size of a measure: no change at all. */
export function neutralEffect(measure: EffectMeasure): number {
  return measure === 'cles' ? 0.5 : 1.0;
}

/** Fills in Kayenta's defaults. */
export function defineMetric(input: MetricConfigInput): MetricConfig {
  const measure = input.effectSize?.measure ?? 'meanRatio';
  const neutral = neutralEffect(measure);
  return {
    name: input.name,
    kind: input.kind ?? 'continuous',
    ...(input.query !== undefined ? { query: input.query } : {}),
    ...(input.unit !== undefined ? { unit: input.unit } : {}),
    ...(input.denominator !== undefined ? { denominator: input.denominator } : {}),
    groups: input.groups ?? [],
    direction: input.direction ?? 'either',
    nanStrategy: input.nanStrategy ?? 'remove',
    critical: input.critical ?? false,
    mustHaveData: input.mustHaveData ?? false,
    muted: input.muted ?? false,
    outliers: { strategy: input.outliers?.strategy ?? 'keep', factor: input.outliers?.factor ?? 3.0 },
    effectSize: {
      measure,
      allowedIncrease: input.effectSize?.allowedIncrease ?? neutral,
      allowedDecrease: input.effectSize?.allowedDecrease ?? neutral,
      criticalIncrease: input.effectSize?.criticalIncrease ?? neutral,
      criticalDecrease: input.effectSize?.criticalDecrease ?? neutral,
    },
  };
}
