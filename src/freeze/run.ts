/**
 * The freeze action's orchestration over Deps: as a deploy gate step it
 * evaluates the SLOs now and answers for one change type (with an audited
 * break-glass); on a schedule it publishes the state as a commit status and
 * the one `deploy-freeze` issue.
 */
import { isAbsolute, join } from 'node:path';
import { GitHubError } from '../github/errors.js';
import { withMarker } from '../github/markers.js';
import { DeadlineProvider } from '../metrics/deadline.js';
import type { InstantQuery, MetricsProvider, MetricsProviders, QueryResult, RangeQuery } from '../metrics/provider.js';
import type { Deps } from '../deps/deps.js';
import { loadPolicySet, policyFor } from '../policy/set.js';
import { rulesOf } from '../postmortem/events.js';
import { openOrUpdatePostmortem } from '../postmortem/run.js';
import { ConfigurationError, errorMessage } from '../runtime/errors.js';
import { parseAt } from './budget.js';
import { evaluateSlo } from './evaluate.js';
import type { ChangeType, FreezeGatePolicy } from '../policy/schemas/freeze-gate.js';
import type { GateRequest } from './gate.js';
import { renderMarkdown } from './markdown.js';
import { loadSlos } from './openslo.js';
import type { SloDefinition } from './openslo.js';
import { buildReport } from './report.js';
import type { BudgetReport } from './report.js';
import { breakGlassRequest } from './break-glass.js';
import { freezeIncident } from './postmortem.js';
import {
  FREEZE_ISSUE_LABEL,
  FREEZE_STATUS_CONTEXT,
  breakGlassIssue,
  isFrozen,
  freezeCommitStatus,
  freezeIssueKey,
  freezeOutputs,
  frozenSince,
  planFreezeIssue,
} from './surfaces.js';
import type { IssuePlan } from './surfaces.js';

/** What the freeze action was asked. Paths are absolute. */
export interface FreezeRunInputs {
  readonly mode: 'gate' | 'publish';
  readonly workspace: string;
  readonly policy?: string;
  /** OpenSLO files or folders; empty means the freeze policy's `slos`. */
  readonly slo: readonly string[];
  readonly service?: string;
  /** Name of the metrics provider; empty means the only one configured. */
  readonly provider?: string;
  readonly changeType: ChangeType;
  /** The justification of a break-glass, when one is asked. */
  readonly breakGlass?: string;
  /** Labels of the pull request being deployed; the policy's `exemptions.labels` lift budget and alert blocks. */
  readonly labels?: readonly string[];
  /** Number of the pull request being deployed; its approvals lift what a tier's `needsApproval` asks. */
  readonly pullRequest?: number;
  /** RFC 3339 time, or a duration from now such as `4h`. */
  readonly breakGlassExpiry?: string;
  /** RFC 3339: evaluate at this time instead of now (backtests and tests). */
  readonly at?: string;
  readonly actor: string;
  readonly sha: string;
  readonly runId: number;
  readonly runUrl?: string;
}

/** The effects the freeze action uses. */
export type FreezeRunDeps = Pick<Deps, 'github' | 'metrics' | 'clock' | 'logger' | 'files'>;

/** Outputs, the job summary and, when the step must fail, why. */
export interface FreezeRunOutcome {
  readonly outputs: Record<string, string>;
  readonly summary: string;
  readonly failure?: string;
  readonly report?: BudgetReport;
}

/** Answers every query with no data and the reason: missing metrics are a decision, not a crash. */
class UnavailableMetrics implements MetricsProvider {
  readonly type = 'none';
  constructor(private readonly reason: string) {}
  async queryInstant(q: InstantQuery): Promise<QueryResult> {
    return { ok: false, query: q.query, reason: this.reason };
  }
  async queryRange(q: RangeQuery): Promise<QueryResult> {
    return { ok: false, query: q.query, reason: this.reason };
  }
}

/** The provider the SLOs are measured with. */
export function pickProvider(metrics: MetricsProviders, name: string | undefined): MetricsProvider {
  if (name) return metrics.get(name);
  const names = metrics.names();
  const only = names.length === 1 ? names[0] : names.includes('prometheus') ? 'prometheus' : undefined;
  if (only) return metrics.get(only);
  if (names.length === 0) return new UnavailableMetrics('no metrics provider is configured (the metrics input)');
  throw new ConfigurationError(
    `the metrics file configures ${names.join(', ')}: name the one the SLOs are measured with`,
    { field: 'inputs.provider' },
  );
}

export { parseExpiry } from './break-glass.js';

async function load(
  inputs: FreezeRunInputs,
  files: Deps['files'],
): Promise<{ policy: FreezeGatePolicy; slos: SloDefinition[] }> {
  const set = await loadPolicySet(inputs.policy, files);
  const { policy } = policyFor(set, 'freeze', inputs.service || undefined);
  // The policy's `slos` are paths from the repository root.
  const paths =
    inputs.slo.length > 0 ? inputs.slo : policy.slos.map((p) => (isAbsolute(p) ? p : join(inputs.workspace, p)));
  if (paths.length === 0)
    throw new ConfigurationError("no SLOs to evaluate: give the slo input or list them in the freeze policy's slos", {
      field: 'inputs.slo',
    });
  return { policy, slos: await loadSlos(paths.join(','), files) };
}

async function evaluate(
  inputs: FreezeRunInputs,
  deps: FreezeRunDeps,
  at: Date,
  requestFor: (policy: FreezeGatePolicy) => Promise<GateRequest> = async () => ({}),
) {
  const { policy, slos } = await load(inputs, deps.files);
  const request = await requestFor(policy);
  // Every query of this decision, the burn-down's included, within the policy's one deadline.
  const metrics = new DeadlineProvider(pickProvider(deps.metrics, inputs.provider), policy.metricsDeadline);
  const evaluations = await Promise.all(
    slos.map((slo) => evaluateSlo(slo, policy, at, { metrics }, { burnDown: true })),
  );
  const deadline = metrics.report();
  const rebuild = (more: Partial<GateRequest>) =>
    buildReport(evaluations, policy, at, { ...request, ...more }, deadline);
  return { policy, slos, report: buildReport(evaluations, policy, at, request, deadline), rebuild };
}

/**
 * The deploy gate step: evaluate now and answer for the change type. A
 * rollback is allowed before anything is read, so that a broken policy, SLO
 * file or metrics server never holds one back.
 */
export async function runFreezeGate(inputs: FreezeRunInputs, deps: FreezeRunDeps): Promise<FreezeRunOutcome> {
  const at = parseAt(inputs.at, deps.clock.now());
  if (inputs.changeType === 'rollback') {
    return {
      outputs: { frozen: '', 'budget-remaining': '', tier: '', gate: 'allow' },
      summary: `## Error budget gate\n\nAt ${at.toISOString()}: rollback ✅ allow. Rollbacks are never blocked, so nothing was measured.\n`,
    };
  }
  const breakGlass = inputs.breakGlass;
  const labels = inputs.labels && inputs.labels.length > 0 ? { labels: inputs.labels } : {};
  const requestFor = async (policy: FreezeGatePolicy): Promise<GateRequest> =>
    breakGlass
      ? {
          ...labels,
          breakGlass: await breakGlassRequest(
            policy,
            {
              actor: inputs.actor,
              justification: breakGlass,
              ...(inputs.breakGlassExpiry ? { expiry: inputs.breakGlassExpiry } : {}),
            },
            at,
            deps.github,
          ),
        }
      : labels;
  const evaluated = await evaluate(inputs, deps, at, requestFor);
  const { slos } = evaluated;
  let report = evaluated.report;
  // The pull request's reviews are read only when a tier asks for an approval that would let this change through.
  let note = '';
  if (inputs.pullRequest !== undefined && awaitsApproval(report, inputs.changeType)) {
    try {
      const approvals = await deps.github.pullRequestApprovals(inputs.pullRequest);
      if (approvals.length > 0) report = evaluated.rebuild({ approvals });
    } catch (err) {
      // Reviews that cannot be read approve nothing: the block stands, and the summary says why.
      if (!(err instanceof GitHubError)) throw err;
      note = `\n> The reviews of pull request #${inputs.pullRequest} could not be read (${err.message}); the job needs \`pull-requests: read\`.\n`;
    }
  }
  const entry = report.gate[inputs.changeType];
  const glass = report.breakGlass;
  if (glass?.accepted && entry.via === 'break-glass' && glass.audit.openIssue) {
    const key = freezeIssueKey(inputs.service, slos);
    const issue = breakGlassIssue(glass, {
      key,
      changeType: inputs.changeType,
      at,
      lifted: entry.reason,
      ...(inputs.runUrl ? { runUrl: inputs.runUrl } : {}),
    });
    await deps.github.ensureLabel({
      name: glass.audit.label,
      color: 'b60205',
      description: 'A deployment through an error budget freeze',
    });
    const opened = await deps.github.createIssue({
      ...issue,
      marker: `break-glass/${key.slice('deploy-freeze/'.length)}/${inputs.runId}`,
    });
    note += `\n> Break-glass recorded in ${opened.url}.\n`;
  } else if (glass?.accepted && entry.via !== 'break-glass') {
    note += '\n> The break-glass was not needed: nothing blocked this change.\n';
  }
  const head = `**${inputs.changeType}: ${entry.verdict === 'allow' ? '✅ allow' : '⛔ block'}**: ${entry.reason}\n`;
  return {
    outputs: freezeOutputs(report, inputs.changeType),
    summary: `${head}\n${renderMarkdown(report)}${note}`,
    report,
    ...(entry.verdict === 'block'
      ? { failure: `The error budget gate blocks this ${inputs.changeType}: ${entry.reason}` }
      : {}),
  };
}

/** How a scheduled run changed the freeze: features frozen, a notice tier started, or every tier lifted. */
export type FreezeChange = 'frozen' | 'notice' | 'lifted';

/** The change a scheduled run made, from the issue it planned and whether features were frozen before and are now. */
export function freezeChange(plan: IssuePlan, frozen: boolean, wasFrozen: boolean): FreezeChange | undefined {
  if (plan.kind === 'close') return 'lifted';
  if (plan.kind === 'open' || plan.kind === 'reopen') return frozen ? 'frozen' : 'notice';
  if (plan.kind === 'update' && frozen !== wasFrozen) return frozen ? 'frozen' : 'notice';
  return undefined;
}

/** True when the change is blocked and an approved pull request is all that it lacks. */
function awaitsApproval(report: BudgetReport, changeType: ChangeType): boolean {
  if (changeType === 'rollback' || report.gate[changeType].verdict === 'allow') return false;
  const blocking = report.reasons.filter((r) => (r.blocks as readonly string[]).includes(changeType));
  return blocking.length > 0 && blocking.every((r) => r.rule === 'budget-approval');
}

/** The scheduled run: publish the state as a commit status and the one freeze issue. */
export async function publishFreezeState(
  inputs: FreezeRunInputs,
  deps: FreezeRunDeps,
): Promise<FreezeRunOutcome & { plan: IssuePlan; change?: FreezeChange }> {
  const at = parseAt(inputs.at, deps.clock.now());
  const { slos, report } = await evaluate(inputs, deps, at);
  const status = freezeCommitStatus(report);
  await deps.github.createCommitStatus(inputs.sha, {
    context: FREEZE_STATUS_CONTEXT,
    ...status,
    ...(inputs.runUrl ? { targetUrl: inputs.runUrl } : {}),
  });
  const key = freezeIssueKey(inputs.service, slos);
  const found = await deps.github.findIssue(key, { labels: [FREEZE_ISSUE_LABEL], state: 'all' });
  const plan = planFreezeIssue(
    report,
    key,
    found ? { number: found.number, state: found.state, body: found.body } : null,
    at,
    inputs.runUrl,
  );
  let issueLine: string;
  let issueUrl = found?.url;
  switch (plan.kind) {
    case 'open': {
      await deps.github.ensureLabel({
        name: FREEZE_ISSUE_LABEL,
        color: 'd93f0b',
        description: 'The error budget policy is in force: a notice, or feature deployments frozen',
      });
      const issue = await deps.github.createIssue({
        title: plan.title,
        body: plan.body,
        marker: key,
        labels: [FREEZE_ISSUE_LABEL],
      });
      issueUrl = issue.url;
      issueLine = `${isFrozen(report) ? 'Freeze' : 'Error budget notice'} issue opened: ${issue.url}`;
      break;
    }
    case 'reopen':
    case 'update': {
      const issue = await deps.github.updateIssue(plan.number, {
        title: plan.title,
        body: withMarker(plan.body, key),
        state: 'open',
      });
      issueUrl = issue.url;
      issueLine = `${isFrozen(report) ? 'Freeze' : 'Error budget notice'} issue ${plan.kind === 'reopen' ? 'reopened' : 'updated'}: ${issue.url}`;
      break;
    }
    case 'close': {
      const issue = await deps.github.updateIssue(plan.number, { body: withMarker(plan.body, key), state: 'closed' });
      issueLine = `No tier in force; issue closed: ${issue.url}`;
      break;
    }
    case 'none':
      issueLine = `Freeze issue unchanged: ${plan.reason}`;
  }
  const outputs = freezeOutputs(report, inputs.changeType);
  // A scheduled run deploys nothing, so there is nothing for a break-glass to let through.
  const glassNote = inputs.breakGlass
    ? '\n\n> The break-glass inputs are ignored on a schedule: break the glass in the deployment step.'
    : '';
  const postmortem = isFrozen(report)
    ? await freezePostmortem(inputs, deps, report, {
        key,
        since: (found?.state === 'open' ? frozenSince(found.body) : undefined) ?? at.toISOString(),
        ...(issueUrl ? { issueUrl } : {}),
      })
    : undefined;
  const wasFrozen = found?.state === 'open' && frozenSince(found.body) !== undefined;
  const change = freezeChange(plan, isFrozen(report), wasFrozen);
  return {
    ...(change ? { change } : {}),
    outputs: { ...outputs, 'postmortem-issue': postmortem?.issue ?? '' },
    summary: `**Commit status \`${FREEZE_STATUS_CONTEXT}\`: ${status.state}** (${status.description})\n\n${issueLine}${postmortem ? `\n\n${postmortem.line}` : ''}${glassNote}\n\n${renderMarkdown(report)}`,
    report,
    plan,
    ...(postmortem?.failure ? { failure: postmortem.failure } : {}),
  };
}

/**
 * Opens (or refreshes) the postmortem of the freeze in force, when the
 * postmortem policy asks for one. A failure to write it fails the run and
 * says why; the freeze issue and status stand.
 */
async function freezePostmortem(
  inputs: FreezeRunInputs,
  deps: FreezeRunDeps,
  report: BudgetReport,
  context: { key: string; since: string; issueUrl?: string },
): Promise<{ line: string; issue?: string; failure?: string }> {
  const policy = policyFor(
    await loadPolicySet(inputs.policy, deps.files),
    'postmortem',
    inputs.service || undefined,
  ).policy;
  const incident = freezeIncident(report, {
    ...context,
    ...(inputs.service ? { service: inputs.service } : {}),
    ...(inputs.runUrl ? { runUrl: inputs.runUrl } : {}),
    evidence: renderMarkdown(report),
  });
  try {
    const outcome = await openOrUpdatePostmortem(
      { incident, rules: rulesOf(policy), labels: policy.labels, createOnly: true },
      deps,
    );
    if (outcome.status === 'skipped') return { line: `No postmortem: ${outcome.requirement.reason}.` };
    // A later run finds the issue the freeze's first run opened, which its authors may have closed since.
    const did = outcome.status === 'created' ? 'opened' : `already opened (${outcome.issue.state})`;
    return {
      line: `Postmortem of the freeze ${did}: ${outcome.issue.url} (${outcome.requirement.reason}).`,
      issue: String(outcome.issue.number),
    };
  } catch (err) {
    const failure = `the postmortem of the freeze could not be opened: ${errorMessage(err)}`;
    return { line: `⚠️ ${failure}`, failure };
  }
}
