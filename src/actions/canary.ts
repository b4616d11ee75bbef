/**
 * The canary promotion action: one reconcile of a service's staged canary
 * (or a manual control), with the manifests read and written through
 * GitHub's contents API, compare-and-swap.
 */
import { writeFileSync } from 'node:fs';
import { processSecrets } from '../runtime/secrets.js';
import { join } from 'node:path';
import { pendingApproval } from '../canary/promotion/approval.js';
import { runCanaryFlow } from '../flow/canary.js';
import { postmortemIssue } from '../flow/postmortem.js';
import { gitHubTarget } from '../flow/target.js';
import { locatePolicies } from '../policy/locate.js';
import { runUrl } from '../runtime/context.js';
import { ManualClock } from '../runtime/clock.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { ActionImpl } from './registry.js';
import { canarySpec } from './specs.js';

function simulatedClock(at: string): ManualClock {
  if (Number.isNaN(Date.parse(at))) throw new ConfigurationError(`expected an RFC 3339 time, got ${JSON.stringify(at)}`, { field: 'inputs.at' });
  return new ManualClock(at);
}

export const canaryAction: ActionImpl<typeof canarySpec.inputs> = {
  spec: canarySpec,
  async run(inputs, realDeps, ctx) {
    // A simulated clock for backtests: every wait advances it at once.
    const simulated = inputs.at ? simulatedClock(inputs.at) : undefined;
    const deps = simulated ? { ...realDeps, clock: simulated, sleep: simulated.sleep } : realDeps;
    const branch = inputs.branch || ctx.ref.replace(/^refs\/heads\//, '') || 'main';
    const environmentName = inputs.region ? `${inputs.environment}/${inputs.region}` : inputs.environment;
    const flow = await runCanaryFlow(
      {
        service: inputs.service,
        environment: inputs.environment,
        ...(inputs.region ? { region: inputs.region } : {}),
        command: inputs.command,
        ...(inputs.version ? { version: inputs.version } : {}),
        ...(inputs.reason ? { reason: inputs.reason } : {}),
        ...(inputs.irreversible ? { irreversible: true } : {}),
        origin: { kind: 'workflow', event: ctx.eventName },
        environmentApprovers: async () => (await deps.github.listRunApprovals(ctx.runId)).filter((a) => a.state === 'approved').map((a) => a.user),
        ...(inputs['break-glass'] ? { breakGlass: { justification: inputs['break-glass'], ...(inputs['break-glass-expiry'] ? { expiry: inputs['break-glass-expiry'] } : {}) } } : {}),
        actor: ctx.actor,
        manifests: inputs.manifests,
        branch,
        policy: locatePolicies(inputs.policy || undefined, ctx.workspace),
        waitWithinMs: inputs['max-wait-minutes'] * 60_000,
      },
      deps,
      gitHubTarget(deps.github, runUrl(ctx), postmortemIssue(deps)),
      { sha: ctx.sha, environment: environmentName, logUrl: runUrl(ctx) },
    );
    const outcome = flow.canary;
    const summary = `${outcome.markdown}\n${flow.notes.map((n) => `- ${n}`).join('\n')}\n`;
    // The version the flow handed to rollback: a failed canary, or an irreversible one held to roll forward.
    const failedVersion = flow.rollback && outcome.results.some((r) => r.effects.some((e) => e.kind === 'failed' || e.kind === 'roll-forward')) ? flow.rollback.bad : undefined;
    // A check run on the release commit: the promotion's state where the commit is reviewed.
    const phase = outcome.outputs.state;
    // A failed irreversible release held to roll forward is a failure of this run, though its promotion stays open for the fix.
    const done = ['promoted', 'failed', 'aborted', 'rolled-back', 'none'].includes(phase) || failedVersion !== undefined;
    const where = [inputs.service, inputs.environment, inputs.region].filter(Boolean).join('/');
    // A refused command changed nothing, so it leaves no check run; the step fails with the reason.
    if (outcome.results.some((r) => r.committed || r.judgment)) await deps.github.createCheckRun({
      name: `bellwether/canary ${where}`,
      headSha: ctx.sha,
      externalId: `canary:${where}:${ctx.runId}:${ctx.runAttempt}`,
      status: done ? 'completed' : 'in_progress',
      ...(done ? { conclusion: phase === 'promoted' ? 'success' : phase === 'failed' || phase === 'rolled-back' || failedVersion ? 'failure' : 'neutral' } : {}),
      detailsUrl: runUrl(ctx),
      output: { title: outcome.title.slice(0, 250), summary: outcome.headline.slice(0, 1000), text: summary.slice(0, 60_000) },
    });
    // A stage or a Marginal judgment waiting for a person shows as a pending status on the release commit, on every plan of GitHub.
    const promotion = outcome.last.manifest.promotion;
    if (promotion && outcome.results.some((r) => r.committed)) {
      const waiting = pendingApproval(promotion, outcome.approvalMethod);
      await deps.github.createCommitStatus(ctx.sha, {
        context: `bellwether/approval ${where}`,
        state: waiting ? 'pending' : 'success',
        description: (waiting ?? `No approval pending (${promotion.phase})`).slice(0, 140),
        targetUrl: runUrl(ctx),
      });
    }
    const report = join(process.env.RUNNER_TEMP ?? ctx.workspace, 'bellwether-canary.json');
    writeFileSync(report, processSecrets.redact(JSON.stringify(outcome.json, null, 2)));
    const failure = [outcome.failure, flow.postmortemError].filter(Boolean).join('; ');
    return {
      outputs: { ...outcome.outputs, report, 'postmortem-issue': flow.postmortem?.issue ? String(flow.postmortem.issue.number) : '' },
      summary,
      ...(failure ? { failure } : {}),
    };
  },
};
