/**
 * The state of a staged canary promotion. It is stored in the service's
 * release manifest beside the traffic weight, so that one compare-and-swap
 * commit moves both: a transition and its traffic shift are never apart.
 */
import * as z from 'zod';

export const PROMOTION_PHASES = [
  'awaiting-approval',
  'soaking',
  'paused',
  'promoted',
  'failed',
  'aborted',
  'rolled-back',
] as const;
export type PromotionPhase = (typeof PROMOTION_PHASES)[number];

/** Phases after which nothing moves any more. */
export const FINAL_PHASES: readonly PromotionPhase[] = ['promoted', 'failed', 'aborted', 'rolled-back'];

/**
 * What a chart of the soak needs of one metric in one judgment: the canary's
 * and the baseline's mean (null where that side had no usable data), and the
 * metric's classification when it did not pass.
 */
const metricValuesSchema = z.strictObject({
  canary: z.number().nullable(),
  baseline: z.number().nullable(),
  classification: z.enum(['High', 'Low', 'NoData', 'NoDataFail', 'Error']).optional(),
});

const judgmentSchema = z.strictObject({
  at: z.iso.datetime(),
  stage: z.number().int().min(0),
  verdict: z.enum(['Pass', 'Marginal', 'Fail', 'NoData']),
  score: z.number().nullable(),
  reason: z.string(),
  /**
   * Each metric's values, by name, so that a later run can draw the soak.
   * Kept on the newest `KEEP_JUDGMENT_VALUES` judgments only, for at most
   * `KEEP_METRIC_VALUES` metrics each; absent from judgments recorded before
   * values were kept.
   */
  metrics: z.record(z.string(), metricValuesSchema).optional(),
});

const eventSchema = z.strictObject({
  at: z.iso.datetime(),
  event: z.string(),
  by: z.string().optional(),
  detail: z.string().optional(),
  /** The change record a change approval linked to. */
  change: z.string().optional(),
});

export const promotionStateSchema = z.strictObject({
  /** Stable identity of this promotion: deployments and check runs are found by it. */
  id: z.string().min(1),
  version: z.string().min(1),
  phase: z.enum(PROMOTION_PHASES),
  /** Index into the policy's stages. */
  stage: z.number().int().min(0),
  startedAt: z.iso.datetime(),
  /** Who started it: a change approval must come from someone else. */
  startedBy: z.string().optional(),
  stageStartedAt: z.iso.datetime(),
  /** When the stage's soak clock was stopped by a pause; resuming moves the clock on by the pause. */
  pausedAt: z.iso.datetime().optional(),
  /** Phase to return to on resume. */
  resumeTo: z.enum(['awaiting-approval', 'soaking']).optional(),
  failedIntervals: z.number().int().min(0).default(0),
  /** Judgments of the current stage, and the last of each earlier one; bounded. */
  judgments: z.array(judgmentSchema).default([]),
  /** What happened, newest last; bounded. */
  history: z.array(eventSchema).default([]),
  /** Why the promotion ended, when it did. */
  outcome: z.string().optional(),
});

export type PromotionState = z.output<typeof promotionStateSchema>;
export type Judgment = z.output<typeof judgmentSchema>;
export type PromotionEvent = z.output<typeof eventSchema>;
export type MetricValues = z.output<typeof metricValuesSchema>;

/** How many judgments and events the manifest keeps, so it stays small. */
export const KEEP_JUDGMENTS = 24;
export const KEEP_HISTORY = 40;
/** How many of the newest judgments keep their metrics' values, and for how many metrics each (those that did not pass first). */
export const KEEP_JUDGMENT_VALUES = 12;
export const KEEP_METRIC_VALUES = 16;
