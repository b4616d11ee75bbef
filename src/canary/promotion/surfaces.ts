/**
 * Where a promotion shows on GitHub: one Deployment per promotion and
 * environment with a status per transition (so the environment's history
 * shows every canary), and the job summary. Everything here is derived from
 * the manifest after the commit, so re-running a reconcile repeats nothing
 * that matters: the deployment is found again by its key.
 */
import type { DeploymentState, GitHubPort } from '../../github/port.js';
import type { ReleaseManifest } from '../../gitops/manifest.js';
import type { PromotionPhase } from '../../gitops/promotion-state.js';

export interface SurfaceContext {
  /** The commit the release was built from. */
  readonly sha: string;
  /** GitHub environment name, such as `production/us-east-1`. */
  readonly environment: string;
  readonly logUrl?: string;
  readonly environmentUrl?: string;
}

const STATE_OF: Record<PromotionPhase, DeploymentState> = {
  'awaiting-approval': 'queued',
  soaking: 'in_progress',
  paused: 'pending',
  promoted: 'success',
  failed: 'failure',
  aborted: 'inactive',
  'rolled-back': 'failure',
};

/** The deployment key of a promotion: one deployment per promotion and environment. */
export function deploymentKey(promotionId: string, environment: string): string {
  return `canary:${promotionId}@${environment}`;
}

/**
 * Records the promotion's state on its GitHub Deployment, creating the
 * deployment on first sight. Returns the deployment id.
 */
export async function publishDeployment(
  github: GitHubPort,
  manifest: ReleaseManifest,
  ctx: SurfaceContext,
  description: string,
): Promise<number | null> {
  const p = manifest.promotion;
  if (!p) return null;
  const key = deploymentKey(p.id, ctx.environment);
  const existing = (await github.listDeployments({ environment: ctx.environment, task: 'deploy:canary' })).find(
    (d) => d.payload['bellwetherKey'] === key,
  );
  const deployment =
    existing ??
    (await github.createDeployment({
      ref: ctx.sha,
      environment: ctx.environment,
      task: 'deploy:canary',
      description: `Canary ${p.version} of ${manifest.service}`,
      key,
      payload: { service: manifest.service, version: p.version, promotionId: p.id },
      requiredContexts: [],
      productionEnvironment: /prod/i.test(manifest.environment),
      transientEnvironment: false,
    }));
  await github.createDeploymentStatus(deployment.id, {
    state: STATE_OF[p.phase],
    description: description.slice(0, 140),
    ...(ctx.logUrl ? { logUrl: ctx.logUrl } : {}),
    ...(ctx.environmentUrl ? { environmentUrl: ctx.environmentUrl } : {}),
    // Only a promoted canary makes earlier deployments of the environment inactive.
    autoInactive: p.phase === 'promoted',
  });
  return deployment.id;
}
