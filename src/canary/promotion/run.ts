/**
 * The canary promotion as the action and the CLI run it: load the policy
 * that applies to the service, reconcile once (and, for short soaks, keep
 * reconciling inside the job while the next step is near), publish the
 * result, and return outputs and a report.
 */
import { judgeConfigFromBlock } from '../judge/config-schema.js';
import { resolveTeams } from '../../github/teams.js';
import type { ContentStore } from '../../gitops/content-store.js';
import { manifestPath } from '../../gitops/manifest.js';
import type { CanaryPolicy } from '../../policy/schemas/canary.js';
import { healthChecksFor, stagesFor } from '../../policy/schemas/canary.js';
import { loadPolicySet, policyFor } from '../../policy/set.js';
import type { LoadedPolicy } from '../../policy/set.js';
import type { JudgeMetricQuery } from '../../metrics/canary-samples.js';
import { providersWithDeadline } from '../../metrics/deadline.js';
import { quarantined, readQuarantine } from '../../rollback/quarantine.js';
import type { Deps } from '../../deps/deps.js';
import { ConfigurationError } from '../../runtime/errors.js';
import { freezeHook } from './freeze-hook.js';
import type { CanaryBreakGlass } from './freeze-hook.js';
import { metricsJudge } from './metrics-judge.js';
import type { Command, CommandOrigin, PromotionPolicy } from './model.js';
import type { PromotionDeps, ReconcileResult } from './reconcile.js';
import { reconcile } from './reconcile.js';
import {
  promotionHeadline,
  promotionJson,
  renderPromotionMarkdown,
  renderPromotionText,
  renderSoakCharts,
} from '../../report/promotion.js';
import type { Style } from '../../report/terminal.js';
import { unitOfMetric } from '../../report/units.js';
import type { SurfaceContext } from './surfaces.js';
import { teamLists } from './approval.js';
import { publishDeployment } from './surfaces.js';

export type CanaryCommand = 'tick' | 'start' | 'promote' | 'pause' | 'resume' | 'abort' | 'rollback';

export interface CanaryRunInputs {
  readonly service: string;
  readonly environment: string;
  readonly region?: string;
  readonly command: CanaryCommand;
  readonly version?: string;
  /** With `start`: the release cannot be undone by deploying an older one, so a failure follows the rollback policy's `irreversible:`. */
  readonly irreversible?: boolean;
  /** Where the command came from (a workflow run's event and environment reviewers); absent: a terminal. */
  readonly origin?: CommandOrigin;
  /** The environment reviewers who approved this workflow run's job; asked only for a `promote` under `approvers.method: environment`. */
  readonly environmentApprovers?: () => Promise<readonly string[]>;
  /** The GitHub user who asked (the workflow's actor). */
  readonly actor: string;
  readonly reason?: string;
  /** With `promote`: the change record a change approval links to. */
  readonly changeRecord?: string;
  /** Folder of release manifests. */
  readonly manifests: string;
  /** Policy file or folder; empty for the embedded defaults. */
  readonly policy?: string;
  /** Wait inside this run for a next step due within this many milliseconds (short soaks). */
  readonly waitWithinMs?: number;
  /** A break-glass through the error-budget freeze, judged as the freeze step judges it. */
  readonly breakGlass?: CanaryBreakGlass;
}

export interface CanaryRunOutcome {
  readonly results: readonly ReconcileResult[];
  readonly last: ReconcileResult;
  readonly outputs: {
    state: string;
    stage: string;
    weight: string;
    verdict: string;
    'keep-ready': string;
    'keep-ready-until': string;
  };
  readonly markdown: string;
  /** The same reports as terminal text, coloured or plain. */
  text(style?: Style): string;
  /** The reconcile that decided the outcome (the failed or refused one, else the last), for pull requests and postmortems. */
  readonly evidence: string;
  /** The deciding reconcile's headline, naming the metrics that decided when a judgment did not pass. */
  readonly headline: string;
  /** The deciding reconcile's summary, short enough for a check run's title. */
  readonly title: string;
  readonly json: Record<string, unknown>;
  /** Set when the step should fail: a refused command or a failed canary. */
  readonly failure?: string;
  readonly policyFile: string | null;
  /** The policy set the run loaded, for the flows it hands over to (rollback). */
  readonly policies: readonly LoadedPolicy[];
  /** The canary policy's `approvers.method`, for the surfaces that say how to approve. */
  readonly approvalMethod: PromotionPolicy['approvalMethod'];
  /** What the stage the promotion is at waits for (`none`, `required` or `change`). */
  readonly stageApproval: PromotionPolicy['stages'][number]['approval'];
}

/**
 * The canary policy as it applies to the promotion decision, with the
 * rollback policy's answer for a failed irreversible release.
 */
export function promotionPolicyOf(
  policy: CanaryPolicy,
  irreversible: PromotionPolicy['irreversible'] = 'roll-forward',
): PromotionPolicy {
  const tier = policy.tiers[policy.tier];
  return {
    stages: stagesFor(policy).map((s) => ({ weight: s.weight, soakTime: s.soakTime, approval: s.approval })),
    stageApprovers: { users: tier.approvers.users, teams: tier.approvers.teams },
    change: {
      approvers: { users: tier.change.approvers.users, teams: tier.change.approvers.teams },
      recordPattern: tier.change.recordPattern,
    },
    bakeTime: tier.bakeTime,
    // The new stable version is watched after promotion on the health gates of the last stage, when it has any.
    watch: healthChecksFor(policy, stagesFor(policy).at(-1)).length > 0,
    interval: policy.analysis.interval,
    lookback: policy.analysis.lookback,
    marginal: policy.analysis.marginal,
    maxFailedIntervals: policy.analysis.maxFailedIntervals,
    approvers: { users: policy.approvers.users, teams: policy.approvers.teams },
    approvalMethod: policy.approvers.method,
    irreversible,
  };
}

function toCommand(inputs: CanaryRunInputs): Command {
  if (inputs.command === 'tick') return { kind: 'tick' };
  if (inputs.command === 'start') {
    if (!inputs.version)
      throw new ConfigurationError('`start` needs the version to promote', { field: 'inputs.version' });
    return {
      kind: 'start',
      version: inputs.version,
      by: inputs.actor,
      ...(inputs.irreversible ? { irreversible: true } : {}),
    };
  }
  return {
    kind: inputs.command,
    by: inputs.actor,
    ...(inputs.reason ? { reason: inputs.reason } : {}),
    ...(inputs.command === 'promote' && inputs.changeRecord ? { changeRecord: inputs.changeRecord } : {}),
  };
}

/** What a judgment asks the metrics provider for each of the policy's metrics: its query, and a ratio's denominator. */
export function metricQueries(policy: CanaryPolicy): JudgeMetricQuery[] {
  return policy.analysis.judge.metrics.map((m) => ({
    name: m.name,
    query: m.query,
    ...(m.denominator !== undefined ? { denominator: m.denominator } : {}),
    provider: policy.provider,
  }));
}

export async function runCanary(
  inputs: CanaryRunInputs,
  deps: Deps,
  store: ContentStore,
  surfaces?: SurfaceContext,
): Promise<CanaryRunOutcome> {
  const set = await loadPolicySet(inputs.policy, deps.files);
  const { policy, file: policyFile } = policyFor(set, 'canary', inputs.service);
  const promotionPolicy = promotionPolicyOf(policy, policyFor(set, 'rollback', inputs.service).policy.irreversible);
  const judgeBlock = policy.analysis.judge;
  const promotionDeps: PromotionDeps = {
    store,
    clock: deps.clock,
    logger: deps.logger,
    // Each judgment waits for its metrics at most the policy's deadline, counted from its start.
    judge: (request) =>
      metricsJudge({
        config: judgeConfigFromBlock(judgeBlock),
        queries: metricQueries(policy),
        metrics: providersWithDeadline(deps.metrics, policy.analysis.metricsDeadline),
        health: {
          provider: policy.provider,
          checksFor: (stage) => healthChecksFor(policy, stagesFor(policy)[stage]),
        },
      })(request),
    // Where the run publishes to GitHub (the action), an accepted break-glass is recorded in an issue there too.
    freeze: await freezeHook(set, deps, {
      service: inputs.service,
      actor: inputs.actor,
      provider: policy.provider,
      ...(inputs.breakGlass ? { breakGlass: inputs.breakGlass } : {}),
      ...(surfaces ? { audit: { github: deps.github, ...(surfaces.logUrl ? { runUrl: surfaces.logUrl } : {}) } } : {}),
    }),
    // Team approvers are looked up on GitHub; without a token that can read them, the refusal says so.
    // Each list is looked up on its own: a lookup stops at the first team the user is in.
    actorTeams: async (user) => {
      const answers = await Promise.all(teamLists(promotionPolicy).map((l) => resolveTeams(deps.github, user, l)));
      return {
        member: [...new Set(answers.flatMap((a) => a.member))],
        unknown: answers.flatMap((a) => a.unknown).filter((u, i, all) => all.findIndex((x) => x.team === u.team) === i),
      };
    },
    quarantine: async (_m, version) => {
      const entry = quarantined((await readQuarantine(store, inputs.manifests, inputs.service)).quarantine, version);
      return entry
        ? { allow: false, reason: `${version} was quarantined at ${entry.at} by ${entry.by}: ${entry.reason}` }
        : { allow: true, reason: `${version} is not quarantined` };
    },
  };
  const path = manifestPath(inputs.manifests, inputs.service, inputs.environment, inputs.region);
  const results: ReconcileResult[] = [];
  let command = toCommand(inputs);
  let origin = inputs.origin;
  if (
    origin?.kind === 'workflow' &&
    inputs.command === 'promote' &&
    promotionPolicy.approvalMethod === 'environment' &&
    inputs.environmentApprovers
  ) {
    origin = { ...origin, environmentApprovers: await inputs.environmentApprovers() };
  }
  for (;;) {
    const result = await reconcile(path, promotionPolicy, command, promotionDeps, origin);
    results.push(result);
    if (surfaces && result.committed)
      await publishDeployment(deps.github, result.manifest, surfaces, result.step.explanation.summary);
    command = { kind: 'tick' };
    const step = result.step;
    if (step.kind === 'transition') continue;
    if (step.kind !== 'wait' || !step.until || !inputs.waitWithinMs) break;
    const ms = step.until.getTime() - deps.clock.now().getTime();
    // A wake-up that is not in the future would spin: end the run and let the next tick continue.
    if (ms > inputs.waitWithinMs || ms <= 0) break;
    deps.logger.info(
      `${step.explanation.summary}: waiting ${Math.ceil(ms / 1000)} s in this job (${step.explanation.reason})`,
    );
    await deps.sleep(Math.max(0, ms));
  }
  const last = results.at(-1)!;
  const p = last.manifest.promotion;
  // The verdict this run reached (a watch after promotion judges without storing a stage judgment), else the last stored.
  const lastJudgment = [...results].reverse().find((r) => r.judgment)?.judgment ?? p?.judgments.at(-1);
  const refused = results.find((r) => r.step.kind === 'refuse');
  // A failed irreversible canary held to roll forward is a failure too: the step fails and the rollback flow records it.
  const failed = results.find(
    (r) => r.committed && r.effects.some((e) => e.kind === 'failed' || e.kind === 'roll-forward'),
  );
  const failure = refused
    ? `${refused.step.explanation.summary}: ${refused.step.explanation.reason}`
    : failed
      ? promotionHeadline(failed)
      : undefined;
  const shown = results.filter((r, i) => r.committed || i === results.length - 1);
  return {
    results,
    last,
    outputs: {
      state: p?.phase ?? 'none',
      stage: p ? String(p.stage) : '',
      weight: String(last.manifest.canary.weight),
      verdict: lastJudgment ? lastJudgment.verdict.toLowerCase() : 'none',
      'keep-ready': last.manifest.keepReady?.version ?? '',
      'keep-ready-until': last.manifest.keepReady?.until ?? '',
    },
    evidence: renderPromotionMarkdown(failed ?? refused ?? last, promotionPolicy),
    headline: promotionHeadline(failed ?? refused ?? last),
    title: (failed ?? refused ?? last).step.explanation.summary,
    markdown: [
      shown.map((r) => renderPromotionMarkdown(r, promotionPolicy)).join('\n---\n\n'),
      renderSoakCharts(results, promotionPolicy, (name) =>
        unitOfMetric(judgeBlock.metrics.find((m) => m.name === name) ?? {}),
      ),
    ]
      .filter(Boolean)
      .join('\n'),
    text: (style) => shown.map((r) => renderPromotionText(r, promotionPolicy, style)).join('\n'),
    json: {
      ...promotionJson(last),
      // The run as a whole: every transition it committed, not only the last reconcile's.
      committed: results.some((r) => r.committed),
      transitions: results
        .filter((r) => r.committed)
        .map((r) => ({
          commit: r.commitSha ?? null,
          summary: r.step.explanation.summary,
          reason: r.step.explanation.reason,
        })),
      policy: policyFile ?? 'embedded defaults',
      reconciles: results.length,
    },
    ...(failure ? { failure } : {}),
    policyFile,
    policies: set,
    approvalMethod: promotionPolicy.approvalMethod,
    stageApproval: (p && promotionPolicy.stages[p.stage]?.approval) ?? 'none',
  };
}
