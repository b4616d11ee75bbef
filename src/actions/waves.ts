/**
 * The waves action. `plan` plans the rollout of a version from now (windows,
 * bake times, per-region earliest starts) and emits the matrix of regions
 * due now. `advance` runs one reconcile of the rollout against the release
 * manifests on the branch (health, halts, rollbacks) and emits the regions
 * due as the matrix, moving no traffic; `start-region` moves one region's
 * traffic from that region's own job, inside its protected environment.
 */
import { GitHubContentStore } from '../gitops/content-store.js';
import { explainMissingManifest } from '../gitops/manifest-catalog.js';
import { locatePolicies } from '../policy/locate.js';
import { loadPolicySet, policyFor } from '../policy/set.js';
import { GitHubRollbackPublisher } from '../rollback/publish.js';
import { ConfigurationError } from '../runtime/errors.js';
import { postmortemIssue, postmortemSettings, writePostmortem } from '../flow/postmortem.js';
import { regionStartedNotice, wavesNotice } from '../notify/notices.js';
import { planOutputs, stepOutputs } from '../waves/matrix.js';
import { planWaves } from '../waves/planner.js';
import { renderPlanMarkdown } from '../waves/render-markdown.js';
import { renderStepMarkdown } from '../waves/render-step.js';
import { regionStates } from '../waves/rollout-state.js';
import { advanceWaves } from '../waves/run.js';
import { startWaveRegion } from '../waves/start-region.js';
import type { ActionImpl, ActionResult } from './types.js';
import { wavesSpec } from './specs.js';

export const wavesAction: ActionImpl<typeof wavesSpec.inputs> = {
  spec: wavesSpec,
  async run(inputs, deps, ctx): Promise<ActionResult> {
    const policyPath = locatePolicies(inputs.policy || undefined, ctx.workspace).path;
    const branch = inputs.branch || ctx.ref.replace(/^refs\/heads\//, '') || 'main';
    const rollout = {
      service: inputs.service,
      environment: inputs.environment,
      version: inputs.version,
      manifests: inputs.manifests,
      ...(policyPath ? { policy: policyPath } : {}),
      actor: ctx.actor,
    };
    if (inputs.command === 'start-region') {
      if (!inputs.region)
        throw new ConfigurationError("start-region needs the `region` input (the matrix's `region`)", {
          field: 'inputs.region',
        });
      const store = new GitHubContentStore(deps.github, branch);
      const target = [
        {
          manifests: inputs.manifests,
          service: inputs.service,
          environment: inputs.environment,
          region: inputs.region,
        },
      ];
      const outcome = await explainMissingManifest(
        () => startWaveRegion({ ...rollout, region: inputs.region }, deps, store),
        store,
        target,
      );
      return {
        outputs: { 'region-state': outcome.regionState },
        summary: `### Bellwether waves: ${inputs.region}\n\n${outcome.note}\n`,
        ...(outcome.status === 'not-due'
          ? { failure: `${outcome.note}. Nothing moved; the next scheduled run starts it when it is due.` }
          : {}),
        notice:
          outcome.status === 'started'
            ? regionStartedNotice(
                {
                  service: inputs.service,
                  environment: inputs.environment,
                  region: inputs.region,
                  version: inputs.version,
                },
                outcome.note,
              )
            : undefined,
      };
    }
    if (inputs.command === 'advance') {
      const store = new GitHubContentStore(deps.github, branch);
      // The regions' manifests are looked for only if the run fails, so a good run spends no extra requests.
      const policies = await loadPolicySet(policyPath, deps.files);
      const regions = policyFor(policies, 'waves', inputs.service).policy.waves.flatMap((w) => w.regions);
      const targets = regions.map((region) => ({
        manifests: inputs.manifests,
        service: inputs.service,
        environment: inputs.environment,
        region,
      }));
      const outcome = await explainMissingManifest(
        () =>
          advanceWaves(
            { ...rollout, deferStarts: true },
            { ...deps, publisher: new GitHubRollbackPublisher(deps.github) },
            store,
          ),
        store,
        targets,
      );
      const out = stepOutputs(outcome.plan, outcome.step);
      // A halt found by this run opens the postmortem (the same issue a rollback of the version opens), when the policy asks for one.
      const postmortem = outcome.incident
        ? await writePostmortem(postmortemIssue(deps), outcome.incident, postmortemSettings(policies, inputs.service))
        : undefined;
      const lines = postmortem ? [...outcome.notes, postmortem.note] : outcome.notes;
      const notes = lines.length > 0 ? `\n\n${lines.map((n) => `- ${n}`).join('\n')}\n` : '\n';
      const summary = renderStepMarkdown(outcome.plan, outcome.step, regionStates(outcome.state)) + notes;
      // Committers and on-call follow the rollout in one comment on the release issue or pull request.
      if (inputs['notify-issue'] > 0 && outcome.committed) {
        await deps.github.upsertComment(
          inputs['notify-issue'],
          `waves/${inputs.service}/${inputs.environment}/${inputs.version}`,
          summary,
        );
      }
      return {
        outputs: {
          matrix: JSON.stringify(out.matrix),
          wave: String(out.wave),
          'next-start': out.nextStart ?? '',
          'postmortem-issue': postmortem?.written?.issue ? String(postmortem.written.issue.number) : '',
        },
        summary,
        ...(postmortem?.error ? { failure: postmortem.error } : {}),
        notice: wavesNotice(
          outcome.plan,
          outcome.step,
          outcome.committed,
          { service: inputs.service, environment: inputs.environment, version: inputs.version },
          postmortem?.written?.issue?.url,
        ),
      };
    }
    const set = await loadPolicySet(policyPath, deps.files);
    const { policy } = policyFor(set, 'waves', inputs.service);
    const plan = planWaves(
      { policy },
      { service: inputs.service, environment: inputs.environment, version: inputs.version },
      deps.clock.now(),
    );
    const out = planOutputs(plan);
    return {
      outputs: { matrix: JSON.stringify(out.matrix), wave: String(out.wave), 'next-start': out.nextStart ?? '' },
      summary: renderPlanMarkdown(plan),
    };
  },
};
