/**
 * The canary promotion action: one reconcile of a service's staged canary
 * (or a manual control), with the manifests read and written through
 * GitHub's contents API, compare-and-swap.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pendingApproval } from '../canary/promotion/approval.js';
import { runCanary } from '../canary/promotion/run.js';
import { policyFor } from '../policy/set.js';
import { GitHubRollbackPublisher } from '../rollback/publish.js';
import { runRollback } from '../rollback/run.js';
import { GitHubContentStore } from '../gitops/content-store.js';
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
    const outcome = await runCanary(
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
        actor: ctx.actor,
        manifests: inputs.manifests,
        ...(inputs.policy ? { policy: join(ctx.workspace, inputs.policy) } : {}),
        waitWithinMs: inputs['max-wait-minutes'] * 60_000,
      },
      deps,
      new GitHubContentStore(deps.github, branch),
      { sha: ctx.sha, environment: environmentName, logUrl: runUrl(ctx) },
    );
    let summary = outcome.markdown;
    // A failed irreversible canary held to roll forward is handed over too: the rollback flow quarantines it and records the roll-forward.
    const failedVersion = outcome.results.some((r) => r.effects.some((e) => e.kind === 'failed' || e.kind === 'roll-forward')) ? outcome.last.manifest.promotion?.version : undefined;
    if (failedVersion) {
      // Traffic is already back on stable; the rollback flow quarantines the version and records it in a pull request.
      const policy = policyFor(outcome.policies, 'rollback', inputs.service).policy;
      const rollback = await runRollback(
        {
          service: inputs.service,
          environment: inputs.environment,
          regions: [inputs.region || 'default'],
          version: failedVersion,
          reason: outcome.failure ?? `canary ${failedVersion} failed`,
          actor: ctx.actor,
          trigger: 'verdict',
          evidence: outcome.evidence,
          links: [{ label: 'the run with the failed verdict', url: runUrl(ctx) }],
          manifests: inputs.manifests,
        },
        { ...policy, deployBranch: branch },
        { store: new GitHubContentStore(deps.github, branch), publisher: new GitHubRollbackPublisher(deps.github), github: deps.github, clock: deps.clock, logger: deps.logger },
      );
      summary += `
Rollback recorded in ${rollback.pullRequest.url}; ${failedVersion} is ${rollback.quarantined ? '' : 'not '}quarantined.
`;
    }
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
      output: { title: `${outcome.last.step.explanation.summary}`.slice(0, 250), summary: outcome.last.step.explanation.reason.slice(0, 1000), text: summary.slice(0, 60_000) },
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
    writeFileSync(report, JSON.stringify(outcome.json, null, 2));
    return { outputs: { ...outcome.outputs, report }, summary, ...(outcome.failure ? { failure: outcome.failure } : {}) };
  },
};
