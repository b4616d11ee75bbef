/**
 * The error-budget gate as the canary asks it before moving a feature
 * forward, with the break-glass a person gave the run: the same request the
 * freeze step judges, and the same audit (the follow-up issue, where the
 * run publishes to GitHub; the promotion's recorded reason everywhere).
 */
import type { GitHubPort } from '../../github/port.js';
import { breakGlassRequest } from '../../freeze/break-glass.js';
import { checkDeployGate } from '../../freeze/deploy-gate.js';
import type { GateRequest } from '../../freeze/gate.js';
import { loadSlos } from '../../freeze/openslo.js';
import { breakGlassIssue } from '../../freeze/surfaces.js';
import type { ReleaseManifest } from '../../gitops/manifest.js';
import type { LoadedPolicy } from '../../policy/set.js';
import { policyFor } from '../../policy/set.js';
import type { Deps } from '../../deps/deps.js';
import type { GateAnswer } from './model.js';

/** A break-glass given to a canary run: why, and until when (RFC 3339 or a duration such as `2h`). */
export interface CanaryBreakGlass {
  readonly justification: string;
  readonly expiry?: string;
}

/** Who asks, and where an accepted break-glass is recorded. */
export interface FreezeHookContext {
  readonly service: string;
  readonly actor: string;
  readonly provider: string;
  readonly breakGlass?: CanaryBreakGlass;
  /** Set where the run publishes to GitHub: an accepted break-glass opens its follow-up issue there. */
  readonly audit?: { readonly github: GitHubPort; readonly runUrl?: string };
}

/**
 * The error-budget gate for moving a feature forward, when a freeze policy
 * with SLOs applies to the service; otherwise a gate that allows and says so.
 * A break-glass is judged at each step of the run, and its issue is opened
 * once, the first time it lets the canary through.
 */
export async function freezeHook(
  set: readonly LoadedPolicy[],
  deps: Deps,
  ctx: FreezeHookContext,
): Promise<(m: ReleaseManifest) => Promise<GateAnswer>> {
  const { policy, file } = policyFor(set, 'freeze', ctx.service);
  if (file === null || policy.slos.length === 0)
    return async () => ({ allow: true, reason: 'no error budget policy applies to this service' });
  // SLO paths are relative to the repository root (the working directory), as the freeze action reads them.
  const slos = await loadSlos(policy.slos.join(','), deps.files);
  const glass = ctx.breakGlass;
  let request: GateRequest | undefined;
  let recorded = false;
  return async (manifest) => {
    if (glass && !request) {
      request = {
        breakGlass: await breakGlassRequest(
          policy,
          { actor: ctx.actor, justification: glass.justification, ...(glass.expiry ? { expiry: glass.expiry } : {}) },
          deps.clock.now(),
          deps.github,
          'inputs.break-glass-expiry',
        ),
      };
    }
    const outcome = await checkDeployGate(
      { slos, policy, changeType: 'feature', ...(request ? { request } : {}) },
      { metrics: deps.metrics.get(ctx.provider), clock: deps.clock },
    );
    const record = outcome.decision.breakGlass;
    if (!record?.accepted || outcome.decision.changes.feature.via !== 'break-glass')
      return { allow: outcome.verdict === 'allow', reason: outcome.reason };
    let where = '';
    if (record.audit.openIssue && ctx.audit && !recorded) {
      recorded = true;
      const key = `deploy-freeze/${ctx.service}`;
      const issue = breakGlassIssue(record, {
        key,
        changeType: 'feature',
        at: outcome.at,
        lifted: outcome.reason,
        ...(ctx.audit.runUrl ? { runUrl: ctx.audit.runUrl } : {}),
      });
      await ctx.audit.github.ensureLabel({
        name: record.audit.label,
        color: 'b60205',
        description: 'A deployment through an error budget freeze',
      });
      const opened = await ctx.audit.github.createIssue({
        ...issue,
        marker: `break-glass/canary-${manifest.service}/${record.expiresAt}`,
      });
      where = `; recorded in ${opened.url}`;
    }
    return {
      allow: true,
      reason: `${outcome.reason}${where}`,
      audit: `Error-budget freeze lifted by a ${record.reason}.`,
    };
  };
}
