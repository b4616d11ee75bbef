/**
 * The rollback flow, one orchestration for the CLI and the action: find the
 * rollback policy and the regions, check that every manifest exists (naming
 * the ones that do when one does not), and run the rollback. Where it writes
 * and publishes comes in as a FlowTarget.
 */
import { explainMissingManifest } from '../gitops/manifest-catalog.js';
import type { PolicyLocation } from '../policy/locate.js';
import { describePolicySource } from '../policy/locate.js';
import type { LoadedPolicy } from '../policy/set.js';
import { loadPolicySet, policyFor } from '../policy/set.js';
import type { Deps } from '../deps/deps.js';
import type { RollbackInputs, RollbackOutcome } from '../rollback/run.js';
import { runRollback } from '../rollback/run.js';
import type { FlowTarget } from './target.js';

export interface RollbackFlowInputs extends Omit<RollbackInputs, 'regions' | 'links'> {
  /** A region, `all` (the regions of the waves policy, else every manifest of the environment), or empty for a service that is not regional. */
  readonly region: string;
  /** The deploy branch; empty means the rollback policy's. */
  readonly branch?: string;
  readonly policy: PolicyLocation;
  readonly links?: RollbackInputs['links'];
}

export interface RollbackFlowOutcome {
  readonly rollback: RollbackOutcome;
  readonly branch: string;
  /** Lines that say where the policy came from and what was written. */
  readonly notes: readonly string[];
}

export async function runRollbackFlow(
  inputs: RollbackFlowInputs,
  deps: Pick<Deps, 'clock' | 'logger' | 'files'>,
  target: FlowTarget,
): Promise<RollbackFlowOutcome> {
  const set = await loadPolicySet(inputs.policy.path, deps.files);
  const { policy, file } = policyFor(set, 'rollback', inputs.service);
  const branch = inputs.branch || policy.deployBranch;
  const store = target.store(branch);
  const regions =
    inputs.region === 'all' ? await allRegions(set, inputs, branch, target) : [inputs.region || 'default'];
  const { policy: _location, branch: _branch, region: _region, ...rest } = inputs;
  const rollback = await explainMissingManifest(
    () =>
      runRollback(
        { ...rest, regions, links: [...(inputs.links ?? []), ...target.links] },
        { ...policy, deployBranch: branch },
        {
          store,
          publisher: target.publisher,
          ...(target.github ? { github: target.github } : {}),
          clock: deps.clock,
          logger: deps.logger,
        },
      ),
    store,
    regions.map((region) => ({ ...inputs, ...(region === 'default' ? { region: '' } : { region }) })),
    target.listFiles,
  );
  return {
    rollback,
    branch,
    notes: [describePolicySource('rollback', file, inputs.policy, inputs.service), ...describeRollback(rollback)],
  };
}

/** The regions of the service's waves policy; without one, every manifest of the environment; else `default`. */
async function allRegions(
  set: readonly LoadedPolicy[],
  inputs: RollbackFlowInputs,
  branch: string,
  target: FlowTarget,
): Promise<string[]> {
  // A waves policy has no defaults, so only one that is there names regions.
  if (set.some((p) => p.policy.kind === 'waves'))
    return policyFor(set, 'waves', inputs.service).policy.waves.flatMap((w) => w.regions);
  const dir = `${inputs.manifests.replace(/\/+$/, '')}/${inputs.service}/${inputs.environment}`;
  const files = target.listFiles ? await target.listFiles(branch, dir) : [];
  const regions = files
    .map((f) => f.slice(dir.length + 1))
    .filter((f) => /^[^/]+\.ya?ml$/.test(f))
    .map((f) => f.replace(/\.ya?ml$/, ''));
  return regions.length > 0 ? regions.sort() : ['default'];
}

/** What a rollback wrote, one line each, every line a write that happened or a statement that it was already in place. */
export function describeRollback(r: RollbackOutcome): string[] {
  const lines = r.regions.map((o) => {
    const moves = o.plan.kind === 'restore' || o.plan.kind === 'roll-forward';
    const how = o.commitSha
      ? ` (commit ${o.commitSha.slice(0, 7)})`
      : !moves
        ? ''
        : r.direct
          ? ' (already in place)'
          : ' (when the pull request is merged)';
    return `${o.region}: ${o.plan.summary}${how}`;
  });
  const q = {
    committed: `${r.bad} quarantined in ${r.quarantinePath}`,
    'already-in-place': `${r.bad} was already quarantined (${r.quarantinePath})`,
    'in-pull-request': `${r.bad} is quarantined when the pull request is merged`,
    off: `${r.bad} is not quarantined (the rollback policy turns quarantine off)`,
  }[r.quarantine];
  const pr =
    r.pullRequest.number !== null
      ? [`rollback pull request ${r.pullRequest.created ? 'opened' : 'updated'}: ${r.pullRequest.url}`]
      : [];
  return [...lines, q, ...pr, ...r.pullRequest.notes];
}
