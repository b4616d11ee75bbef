/**
 * The canary judge's public surface: judge a canary (pure), read Kayenta's
 * canary config or our YAML judge block, render the decision, and the
 * `canary judge` CLI verb.
 */

export { judge, DEFAULT_THRESHOLDS, DEFAULT_CONFIDENCE_LEVEL } from './judge.js';
export { parseKayentaConfig, looksLikeKayentaConfig } from './kayenta-config.js';
export { judgeBlockSchema, judgeMetricSchema, judgeConfigFromBlock, DEFAULT_GROUP } from './config-schema.js';
export type { JudgeBlock, JudgeMetricBlock } from './config-schema.js';
export { defineMetric } from './defaults.js';
export type { MetricConfigInput } from './defaults.js';
export { loadJudgeConfig } from './load-config.js';
export { parseJudgeInput } from './input-file.js';
export { alphaSpentAtLook, BELLWETHER_DEFAULTS } from './classify-bellwether.js';
export { shiftInterval } from './hodges-lehmann.js';
export type { RootMethod, ShiftInterval } from './hodges-lehmann.js';
export type * from './types.js';
