/**
 * The canary promotion action: one reconcile of a service's staged canary
 * (or a manual control), with the manifests read and written through
 * GitHub's contents API, compare-and-swap. The flow is the CLI's; what this
 * entry adds is the job's: its clock, the check run, the report file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { breakGlassInput, runCanaryFlow } from '../flow/canary.js';
import { publishCanaryChecks } from '../flow/canary-checks.js';
import { postmortemIssue } from '../flow/postmortem.js';
import { gitHubTarget } from '../flow/target.js';
import { canaryNotice } from '../notify/notices.js';
import { locatePolicies } from '../policy/locate.js';
import { ManualClock } from '../runtime/clock.js';
import { runUrl } from '../runtime/context.js';
import { ConfigurationError } from '../runtime/errors.js';
import { processSecrets } from '../runtime/secrets.js';
import type { ActionImpl } from './types.js';
import { canarySpec } from './specs.js';

/** A simulated clock for backtests: every wait advances it at once. */
function simulatedClock(at: string): ManualClock {
  if (Number.isNaN(Date.parse(at)))
    throw new ConfigurationError(`expected an RFC 3339 time, got ${JSON.stringify(at)}`, { field: 'inputs.at' });
  return new ManualClock(at);
}

export const canaryAction: ActionImpl<typeof canarySpec.inputs> = {
  spec: canarySpec,
  async run(inputs, realDeps, ctx) {
    const simulated = inputs.at ? simulatedClock(inputs.at) : undefined;
    const deps = simulated ? { ...realDeps, clock: simulated, sleep: simulated.sleep } : realDeps;
    const { service, environment, region, command, version, reason } = inputs;
    const flow = await runCanaryFlow(
      {
        service,
        environment,
        command,
        ...(region ? { region } : {}),
        ...(version ? { version } : {}),
        ...(reason ? { reason } : {}),
        ...(inputs['change-record'] ? { changeRecord: inputs['change-record'] } : {}),
        ...(inputs.irreversible ? { irreversible: true } : {}),
        ...breakGlassInput(inputs['break-glass'] || undefined, inputs['break-glass-expiry'] || undefined),
        origin: { kind: 'workflow', event: ctx.eventName },
        environmentApprovers: async () =>
          (await deps.github.listRunApprovals(ctx.runId)).filter((a) => a.state === 'approved').map((a) => a.user),
        actor: ctx.actor,
        manifests: inputs.manifests,
        branch: inputs.branch || ctx.ref.replace(/^refs\/heads\//, '') || 'main',
        policy: locatePolicies(inputs.policy || undefined, ctx.workspace),
        waitWithinMs: inputs['max-wait-minutes'] * 60_000,
      },
      deps,
      gitHubTarget(deps.github, runUrl(ctx), postmortemIssue(deps)),
      { sha: ctx.sha, environment: region ? `${environment}/${region}` : environment, logUrl: runUrl(ctx) },
    );
    const outcome = flow.canary;
    const summary = `${outcome.markdown}\n${flow.notes.map((n) => `- ${n}`).join('\n')}\n`;
    const where = [service, environment, region].filter(Boolean).join('/');
    await publishCanaryChecks(deps.github, flow, {
      where,
      sha: ctx.sha,
      runId: ctx.runId,
      runAttempt: ctx.runAttempt,
      runUrl: runUrl(ctx),
      summary,
    });
    const report = join(process.env.RUNNER_TEMP ?? ctx.workspace, 'bellwether-canary.json');
    writeFileSync(report, processSecrets.redact(JSON.stringify(outcome.json, null, 2)));
    const failure = [outcome.failure, flow.postmortemError].filter(Boolean).join('; ');
    const issue = flow.postmortem?.issue ? String(flow.postmortem.issue.number) : '';
    return {
      outputs: { ...outcome.outputs, report, 'postmortem-issue': issue },
      summary,
      ...(failure ? { failure } : {}),
      notice: canaryNotice(flow),
    };
  },
};
