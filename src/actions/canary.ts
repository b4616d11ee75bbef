/**
 * The canary promotion action: one reconcile of a service's staged canary
 * (or a manual control), with the manifests read and written through
 * GitHub's contents API, compare-and-swap.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCanary } from '../canary/promotion/run.js';
import { GitHubContentStore } from '../gitops/content-store.js';
import { runUrl } from '../runtime/context.js';
import type { ActionImpl } from './registry.js';
import { canarySpec } from './specs.js';

export const canaryAction: ActionImpl<typeof canarySpec.inputs> = {
  spec: canarySpec,
  async run(inputs, deps, ctx) {
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
        actor: ctx.actor,
        manifests: inputs.manifests,
        ...(inputs.policy ? { policy: join(ctx.workspace, inputs.policy) } : {}),
        waitWithinMs: inputs['max-wait-minutes'] * 60_000,
      },
      deps,
      new GitHubContentStore(deps.github, branch),
      { sha: ctx.sha, environment: environmentName, logUrl: runUrl(ctx) },
    );
    const report = join(process.env.RUNNER_TEMP ?? ctx.workspace, 'bellwether-canary.json');
    writeFileSync(report, JSON.stringify(outcome.json, null, 2));
    return { outputs: { ...outcome.outputs, report }, summary: outcome.markdown, ...(outcome.failure ? { failure: outcome.failure } : {}) };
  },
};
