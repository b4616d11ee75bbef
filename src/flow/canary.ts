/**
 * The canary flow, one orchestration for the CLI and the action: check that
 * the manifest exists (naming the ones that do when it does not), reconcile
 * the promotion, and hand a canary that failed or was rolled back to the
 * rollback flow, which quarantines the version and records it in a pull
 * request (or its draft), and writes its postmortem (the issue in a job, a
 * draft in a terminal). What differs
 * between a job and a terminal comes in as a FlowTarget.
 */
import type { CanaryRunInputs, CanaryRunOutcome } from '../canary/promotion/run.js';
import { runCanary } from '../canary/promotion/run.js';
import type { SurfaceContext } from '../canary/promotion/surfaces.js';
import { explainMissingManifest } from '../gitops/manifest-catalog.js';
import type { PolicyLocation } from '../policy/locate.js';
import { describePolicySource } from '../policy/locate.js';
import { policyFor } from '../policy/set.js';
import type { RollbackOutcome } from '../rollback/run.js';
import { runRollback } from '../rollback/run.js';
import type { Deps } from '../deps/deps.js';
import type { FlowTarget } from './target.js';
import type { PostmortemWritten } from './postmortem.js';
import { canaryIncident, postmortemSettings, writePostmortem } from './postmortem.js';
import { describeRollback } from './rollback.js';

export interface CanaryFlowInputs extends Omit<CanaryRunInputs, 'policy'> {
  /** The deploy branch. */
  readonly branch: string;
  readonly policy: PolicyLocation;
}

export interface CanaryFlowOutcome {
  readonly canary: CanaryRunOutcome;
  /** The rollback the flow handed over to, when the canary failed or was rolled back. */
  readonly rollback?: RollbackOutcome;
  /** The postmortem written after the rollback, where the target writes one. */
  readonly postmortem?: PostmortemWritten;
  /** Why the postmortem the target should have written was not written. */
  readonly postmortemError?: string;
  /** Lines that say where the policy came from and what the rollback wrote. */
  readonly notes: readonly string[];
}

/** The break-glass part of the flow's inputs: present when a justification is given. */
export function breakGlassInput(
  justification: string | undefined,
  expiry: string | undefined,
): Pick<CanaryFlowInputs, 'breakGlass'> {
  return justification ? { breakGlass: { justification, ...(expiry ? { expiry } : {}) } } : {};
}

export async function runCanaryFlow(
  inputs: CanaryFlowInputs,
  deps: Deps,
  target: FlowTarget,
  surfaces?: SurfaceContext,
): Promise<CanaryFlowOutcome> {
  const store = target.store(inputs.branch);
  const { policy: location, branch: _branch, ...run } = inputs;
  const canary = await explainMissingManifest(
    () => runCanary({ ...run, ...(location.path ? { policy: location.path } : {}) }, deps, store, surfaces),
    store,
    [inputs],
    target.listFiles,
  );
  const notes = [describePolicySource('canary', canary.policyFile, location, inputs.service)];
  // A failed irreversible canary held to roll forward is handed over too: the rollback flow quarantines it and records the roll-forward.
  const ended = canary.results.find(
    (r) =>
      r.committed &&
      r.effects.some((e) => e.kind === 'failed' || e.kind === 'roll-forward' || e.kind === 'rolled-back'),
  );
  const version = ended?.manifest.promotion?.version;
  if (!ended || !version) return { canary, notes };
  // Traffic is already back on stable (or held where it is, to roll forward); the rollback flow quarantines the version and records it.
  const failed = ended.effects.some((e) => e.kind === 'failed' || e.kind === 'roll-forward');
  const { policy, file } = policyFor(canary.policies, 'rollback', inputs.service);
  notes.push(describePolicySource('rollback', file, location, inputs.service));
  const rollback = await runRollback(
    {
      service: inputs.service,
      environment: inputs.environment,
      regions: [inputs.region || 'default'],
      version,
      reason: canary.failure ?? inputs.reason ?? `canary ${version} ${failed ? 'failed' : 'was rolled back'}`,
      actor: inputs.actor,
      trigger: failed ? 'verdict' : 'manual',
      signalAt: deps.clock.now(),
      evidence: canary.evidence,
      links: target.links,
      manifests: inputs.manifests,
    },
    { ...policy, deployBranch: inputs.branch },
    {
      store,
      publisher: target.publisher,
      ...(target.github ? { github: target.github } : {}),
      clock: deps.clock,
      logger: deps.logger,
    },
  );
  notes.push(...describeRollback(rollback));
  // The rollback stands whatever becomes of the postmortem; one that could not be written is said, and fails the run.
  const postmortem = target.postmortem
    ? await writePostmortem(
        target.postmortem,
        canaryIncident(inputs, canary, rollback, deps.clock.now()),
        postmortemSettings(canary.policies, inputs.service),
      )
    : undefined;
  if (postmortem) notes.push(postmortem.note);
  return {
    canary,
    rollback,
    ...(postmortem?.written ? { postmortem: postmortem.written } : {}),
    ...(postmortem?.error ? { postmortemError: postmortem.error } : {}),
    notes,
  };
}
