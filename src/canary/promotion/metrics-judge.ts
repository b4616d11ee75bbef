/**
 * Judging one window of a promotion on real metrics: every metric's query is
 * filled for the canary and for the baseline (the stable version), both are
 * read over the same window, and the canary judge compares them. Data that
 * is missing for the whole judgment holds the stage; it never passes it, and
 * it is not mistaken for a regression either.
 */
import { fetchCanarySamples, hasSamples } from '../../metrics/canary-samples.js';
import type { JudgeMetricQuery } from '../../metrics/canary-samples.js';
import type { MetricsProvider, MetricsProviders } from '../../metrics/provider.js';
import { formatDuration } from '../../policy/fields.js';
import { judge } from '../judge/judge.js';
import type { JudgeConfig, JudgeInput, JudgeResult } from '../judge/types.js';
import type { JudgeRequest, WindowJudgment } from './reconcile.js';

export interface MetricsJudgeOptions {
  readonly config: JudgeConfig;
  readonly queries: readonly JudgeMetricQuery[];
  readonly metrics: MetricsProvider | MetricsProviders;
  readonly stepSeconds?: number;
}

/** What a window judgment keeps for reports: the samples' reasons and the judge's result. */
export interface WindowDetail {
  readonly result: JudgeResult | null;
  /** Metrics without usable data, and why. */
  readonly noData: Readonly<Record<string, string>>;
  readonly window: { readonly start: string; readonly end: string };
  /** The canary's traffic weight while the window was judged. */
  readonly weight?: number;
}

/** A `judge` dependency for the reconcile that reads metrics and runs the canary judge. */
export function metricsJudge(options: MetricsJudgeOptions): (request: JudgeRequest) => Promise<WindowJudgment> {
  return async (request) => {
    const m = request.manifest;
    const canaryVersion = m.promotion?.version ?? m.canary.version ?? '';
    const window = formatDuration(request.end.getTime() - request.start.getTime());
    const scope = { service: m.service, environment: m.environment, ...(m.region ? { region: m.region } : {}), window };
    const samples = await fetchCanarySamples(
      {
        metrics: options.queries,
        canary: { ...scope, version: canaryVersion },
        baseline: { ...scope, version: m.stable.version },
        start: request.start,
        end: request.end,
        ...(options.stepSeconds ? { stepSeconds: options.stepSeconds } : {}),
      },
      options.metrics,
    );
    const input: Record<string, { baseline: number[]; canary: number[] }> = {};
    const noData: Record<string, string> = {};
    for (const [name, s] of Object.entries(samples)) {
      if (hasSamples(s)) input[name] = { baseline: s.baseline, canary: s.canary };
      else noData[name] = s.noData;
    }
    const detailBase = { noData, window: { start: request.start.toISOString(), end: request.end.toISOString() }, weight: m.canary.weight };
    return judgeSamples(options.config, input, noData, { look: request.look, looks: request.looks }, detailBase);
  };
}

/**
 * Pure: the judge's verdict on the samples, except that a judgment where
 * half or more of the counted metrics have no data is NoData (hold), with
 * the reasons, instead of a score of 0.
 */
export function judgeSamples(
  config: JudgeConfig,
  input: JudgeInput,
  noData: Readonly<Record<string, string>>,
  sequential: { look: number; looks: number },
  detail: Omit<WindowDetail, 'result'> = { noData, window: { start: '', end: '' } },
): WindowJudgment {
  const counted = config.metrics.filter((mc) => !mc.muted);
  const missing = counted.filter((mc) => mc.name in noData || !(mc.name in input));
  if (counted.length === 0 || missing.length * 2 >= counted.length) {
    const reasons = missing.slice(0, 3).map((mc) => `${mc.name}: ${noData[mc.name] ?? 'no samples'}`);
    return {
      verdict: 'NoData',
      score: null,
      reason: counted.length === 0 ? 'no metrics to judge' : `${missing.length} of ${counted.length} metrics have no data (${reasons.join('; ')}${missing.length > 3 ? '; …' : ''})`,
      detail: { ...detail, result: null } satisfies WindowDetail,
    };
  }
  const result = judge(config, input, { profile: config.profile ?? 'bellwether', sequential });
  return { verdict: result.verdict, score: result.score, reason: result.reason, detail: { ...detail, result } satisfies WindowDetail };
}
