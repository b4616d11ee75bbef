/**
 * The waves action. `plan` plans the rollout of a version from now (windows,
 * bake times, per-region earliest starts) and emits the matrix of regions
 * due now, one job each with its GitHub environment, for a fan-out job.
 * `advance` (moving to the next wave when the last one is healthy and baked)
 * is not available yet and says so.
 */
import { join } from 'node:path';
import { loadPolicySet, policyFor } from '../policy/set.js';
import { NotAvailableError } from '../runtime/errors.js';
import { planOutputs } from '../waves/matrix.js';
import { planWaves } from '../waves/planner.js';
import { renderPlanMarkdown } from '../waves/render-markdown.js';
import type { ActionImpl, ActionResult } from './registry.js';
import { wavesSpec } from './specs.js';

export const wavesAction: ActionImpl<typeof wavesSpec.inputs> = {
  spec: wavesSpec,
  async run(inputs, deps, ctx): Promise<ActionResult> {
    if (inputs.command !== 'plan') throw new NotAvailableError('`advance` of the Bellwether region waves action');
    const set = await loadPolicySet(inputs.policy ? join(ctx.workspace, inputs.policy) : undefined);
    const { policy } = policyFor(set, 'waves', inputs.service);
    const plan = planWaves({ policy }, { service: inputs.service, environment: inputs.environment, version: inputs.version }, deps.clock.now());
    const out = planOutputs(plan);
    return {
      outputs: { matrix: JSON.stringify(out.matrix), wave: String(out.wave), 'next-start': out.nextStart ?? '' },
      summary: renderPlanMarkdown(plan),
    };
  },
};
