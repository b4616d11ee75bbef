/**
 * Judging one window of a promotion on real metrics: every metric's query is
 * filled for the canary and for the baseline (the stable version), both are
 * read over the same window, and the canary judge compares them. Data that
 * is missing, infinite or too little holds the stage; it never passes it, and
 * it is not mistaken for a regression either.
 */
import { fetchCanarySamples, hasSamples } from '../../metrics/canary-samples.js';
import type { JudgeMetricQuery } from '../../metrics/canary-samples.js';
import { judgeCheck } from '../../metrics/health-check.js';
import type { HealthCheck } from '../../metrics/health-check.js';
import type { MetricsProvider, MetricsProviders } from '../../metrics/provider.js';
import { renderQuery } from '../../metrics/template.js';
import { formatDuration } from '../../policy/fields.js';
import { judge } from '../judge/judge.js';
import { BELLWETHER_DEFAULTS } from '../judge/classify-bellwether.js';
import type { JudgeConfig, JudgeInput, MetricSamples } from '../judge/types.js';
import type { GateResult, JudgeRequest, WindowDetail, WindowJudgment } from './reconcile.js';

export interface MetricsJudgeOptions {
  readonly config: JudgeConfig;
  readonly queries: readonly JudgeMetricQuery[];
  readonly metrics: MetricsProvider | MetricsProviders;
  readonly stepSeconds?: number;
  /** Absolute health gates on the canary, by stage (0-based), read from the named provider. */
  readonly health?: {
    readonly provider: string;
    checksFor(stage: number): readonly HealthCheck[];
  };
}

export type { WindowDetail } from './reconcile.js';

/** A `judge` dependency for the reconcile that reads metrics and runs the canary judge. */
export function metricsJudge(options: MetricsJudgeOptions): (request: JudgeRequest) => Promise<WindowJudgment> {
  const minSamples = options.config.minSamples ?? BELLWETHER_DEFAULTS.minSamples;
  return async (request) => {
    const m = request.manifest;
    const canaryVersion = m.promotion?.version ?? m.canary.version ?? '';
    const window = formatDuration(request.end.getTime() - request.start.getTime());
    const scope = { service: m.service, environment: m.environment, ...(m.region ? { region: m.region } : {}), window };
    const checks = options.health?.checksFor(m.promotion?.stage ?? 0) ?? [];
    // A watch after promotion judges the new stable version on its gates alone: there is no baseline left to compare with.
    const canaryScope = {
      ...scope,
      version: request.watch ? m.stable.version : canaryVersion,
      role: 'canary' as const,
    };
    // The gates are read over the same window as the comparison, at the same time and under the same deadline.
    const gatesRead = Promise.all(
      checks.map(async (check) => {
        const query = renderQuery(check.query, canaryScope, { field: `health.checks.${check.name}` });
        const answer = await providerOf(options.metrics, options.health?.provider ?? '').queryRange({
          query,
          start: request.start,
          end: request.end,
          ...(options.stepSeconds ? { stepSeconds: options.stepSeconds } : {}),
        });
        return { ...judgeCheck(check, answer), query };
      }),
    );
    if (request.watch)
      return watchedGates(await gatesRead, {
        noData: {},
        window: { start: request.start.toISOString(), end: request.end.toISOString() },
        weight: 100,
      });
    const samples = await fetchCanarySamples(
      {
        metrics: options.queries,
        canary: { ...scope, version: canaryVersion },
        baseline: { ...scope, version: m.stable.version },
        start: request.start,
        end: request.end,
        // A provider that picks its own step picks one that gives the judge enough points.
        ...(options.stepSeconds ? { stepSeconds: options.stepSeconds } : { minPoints: minSamples }),
      },
      options.metrics,
    );
    const input: Record<string, MetricSamples> = {};
    const noData: Record<string, string> = {};
    const steps: Record<string, number> = {};
    for (const [name, s] of Object.entries(samples)) {
      if (hasSamples(s)) {
        input[name] = {
          baseline: s.baseline,
          canary: s.canary,
          ...(s.baselineDenominator ? { baselineDenominator: s.baselineDenominator } : {}),
          ...(s.canaryDenominator ? { canaryDenominator: s.canaryDenominator } : {}),
        };
        if (s.stepSeconds !== undefined) steps[name] = s.stepSeconds;
      } else noData[name] = s.noData;
    }
    const detailBase = {
      noData,
      window: { start: request.start.toISOString(), end: request.end.toISOString() },
      weight: m.canary.weight,
    };
    const judged = judgeSamples(
      options.config,
      input,
      noData,
      { look: request.look, looks: request.looks },
      detailBase,
    );
    const when =
      judged.verdict === 'NoData' && judged.detail ? enoughPointsAt(judged.detail, steps, minSamples, request) : null;
    return withHealthGates(when ? { ...judged, reason: `${judged.reason}; ${when}` } : judged, await gatesRead);
  };
}

function providerOf(metrics: MetricsProvider | MetricsProviders, name: string): MetricsProvider {
  return 'queryRange' in metrics ? metrics : metrics.get(name);
}

/**
 * Pure: a stage's judgment with its health gates. It passes only when the
 * comparison with the baseline and every gate pass: a breached gate fails
 * it whatever the comparison says; a gate without usable data (none, NaN
 * only, an infinite point) holds it as NoData, unless the comparison fails
 * it on its own. Without gates the comparison stands alone.
 */
export function withHealthGates(comparison: WindowJudgment, gates: readonly GateResult[]): WindowJudgment {
  if (gates.length === 0) return comparison;
  const detail = comparison.detail ? { ...comparison.detail, gates } : undefined;
  const judged = (verdict: WindowJudgment['verdict'], reason: string): WindowJudgment => ({
    verdict,
    score: comparison.score,
    reason,
    ...(detail ? { detail } : {}),
  });
  const compared = `the comparison with the baseline: ${comparison.verdict} (${comparison.reason})`;
  const breached = gates.filter((g) => g.verdict === 'fail');
  if (breached.length > 0)
    return judged(
      'Fail',
      `health gate ${breached.map((g) => g.name).join(', ')} breached: ${breached.map((g) => g.reason).join('; ')}; ${compared}`,
    );
  const unknown = gates.filter((g) => g.verdict === 'unknown');
  if (comparison.verdict === 'Fail')
    return judged(
      'Fail',
      `${comparison.reason}; health gates: ${unknown.length > 0 ? unknown.map((g) => g.reason).join('; ') : 'all within bounds'}`,
    );
  if (unknown.length > 0)
    return judged(
      'NoData',
      `health gate ${unknown.map((g) => g.name).join(', ')} cannot be checked: ${unknown.map((g) => g.reason).join('; ')}; holding; ${compared}`,
    );
  return judged(
    comparison.verdict,
    `${comparison.reason}; health gates within bounds: ${gates.map((g) => g.reason).join('; ')}`,
  );
}

/**
 * Pure: the watch after promotion, on the health gates alone. A breached
 * gate fails it; a gate without usable data, or no gate at all, holds it as
 * NoData (examining nothing is never a pass); every gate within bounds
 * passes it, with the values seen.
 */
export function watchedGates(gates: readonly GateResult[], base: Omit<WindowDetail, 'result'>): WindowJudgment {
  const detail: WindowDetail = { ...base, result: null, gates };
  const judged = (verdict: WindowJudgment['verdict'], reason: string): WindowJudgment => ({
    verdict,
    score: null,
    reason,
    detail,
  });
  if (gates.length === 0) return judged('NoData', 'no health gates to watch');
  const breached = gates.filter((g) => g.verdict === 'fail');
  if (breached.length > 0)
    return judged(
      'Fail',
      `health gate ${breached.map((g) => g.name).join(', ')} breached: ${breached.map((g) => g.reason).join('; ')}`,
    );
  const unknown = gates.filter((g) => g.verdict === 'unknown');
  if (unknown.length > 0)
    return judged(
      'NoData',
      `health gate ${unknown.map((g) => g.name).join(', ')} cannot be checked: ${unknown.map((g) => g.reason).join('; ')}; still watching`,
    );
  return judged('Pass', `health gates within bounds: ${gates.map((g) => g.reason).join('; ')}`);
}

/**
 * Pure: when a window that is too short for the points needed will be long
 * enough, for the metrics that had too few points, at the step each was read
 * at; null when none of them is short for that reason (missing points are
 * not cured by waiting for a longer window).
 */
export function enoughPointsAt(
  detail: WindowDetail,
  steps: Readonly<Record<string, number>>,
  minSamples: number,
  request: { readonly start: Date; readonly end: Date },
): string | null {
  let latest: { at: number; step: number } | null = null;
  for (const metric of detail.result?.metrics ?? []) {
    const step = steps[metric.name];
    if (
      metric.classification !== 'NoData' ||
      step === undefined ||
      Math.min(metric.canary.n, metric.baseline.n) >= minSamples
    )
      continue;
    const at = request.start.getTime() + (minSamples - 1) * step * 1000;
    if (at > request.end.getTime() && (!latest || at > latest.at)) latest = { at, step };
  }
  if (!latest) return null;
  return `at a ${latest.step} s step a window from ${request.start.toISOString()} holds ${minSamples} points by ${new Date(latest.at).toISOString()}`;
}

/**
 * Pure: the judge's verdict on the samples. Metrics without usable data go to
 * the judge with the reason they have none, and hold the judgment (verdict
 * NoData, no score) unless the metrics that were judged fail the canary on
 * their own.
 */
export function judgeSamples(
  config: JudgeConfig,
  input: JudgeInput,
  noData: Readonly<Record<string, string>>,
  sequential: { look: number; looks: number },
  detail: Omit<WindowDetail, 'result'> = { noData, window: { start: '', end: '' } },
): WindowJudgment {
  if (config.metrics.every((mc) => mc.muted)) {
    return {
      verdict: 'NoData',
      score: null,
      reason: 'no metrics to judge',
      detail: { ...detail, result: null } satisfies WindowDetail,
    };
  }
  const full: Record<string, MetricSamples> = { ...input };
  for (const mc of config.metrics) {
    const why = noData[mc.name];
    if (why !== undefined && !(mc.name in full)) full[mc.name] = { baseline: [], canary: [], noData: why };
  }
  const result = judge(config, full, { profile: config.profile ?? 'bellwether', sequential });
  return {
    verdict: result.verdict,
    score: result.score,
    reason: result.reason,
    detail: { ...detail, result } satisfies WindowDetail,
  };
}
