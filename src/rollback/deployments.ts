/**
 * What a rollback says on GitHub Deployments: the failed canary's deployment
 * gets a `failure` status that says it was rolled back, and the deployment of
 * the version that serves again gets a `success` status, so the environment's
 * page on GitHub names the version that takes the traffic.
 *
 * Canary deployments are the ones the promotion flow creates: task
 * `deploy:canary`, the version in `payload.version`, one GitHub environment
 * per region (`production/us-east-1`, or `production` without regions).
 */
import type { GitHubPort } from '../github/port.js';

/** GitHub's limit on a deployment status description. */
const DESCRIPTION_MAX = 140;

export interface DeploymentMarkInputs {
  /** GitHub environments to mark, one per region rolled back. */
  readonly environments: readonly string[];
  readonly bad: string;
  /** The version that serves again; null when the rollback is a roll-forward. */
  readonly good: string | null;
  readonly reason: string;
  /** The run that rolled back. */
  readonly logUrl?: string;
}

/** What was found and marked in one environment. */
export interface DeploymentMark {
  readonly environment: string;
  /** The failed canary's deployment, marked `failure`; null when none was found. */
  readonly failedId: number | null;
  /** The deployment of the version that serves again, marked `success`; null when none was found. */
  readonly lastGoodId: number | null;
  /** The GitHub environment of the last good deployment (the same environment, when found). */
  readonly lastGoodEnvironment: string | null;
}

/** The failure status's description: why the deployment ended. */
export function rolledBackDescription(bad: string, good: string | null, reason: string): string {
  const head = good ? `${bad} rolled back to ${good}` : `${bad} paused to roll forward`;
  const text = `${head}: ${reason}`;
  return text.length <= DESCRIPTION_MAX ? text : `${text.slice(0, DESCRIPTION_MAX - 1)}…`;
}

/**
 * Marks the failed canary's deployment and the last good one in every
 * environment: one listing per environment, then per deployment found its
 * latest status and, unless that already says the same, one new status (so
 * a re-run adds nothing).
 */
export async function markRollbackDeployments(
  github: GitHubPort,
  inputs: DeploymentMarkInputs,
): Promise<DeploymentMark[]> {
  const marks: DeploymentMark[] = [];
  const failure = rolledBackDescription(inputs.bad, inputs.good, inputs.reason);
  const logUrl = inputs.logUrl ? { logUrl: inputs.logUrl } : {};
  for (const environment of inputs.environments) {
    const list = await github.listDeployments({ environment, task: 'deploy:canary', limit: 100 });
    const failed = list.find((d) => d.payload['version'] === inputs.bad);
    const lastGood = inputs.good === null ? undefined : list.find((d) => d.payload['version'] === inputs.good);
    if (failed) await setStatus(github, failed.id, 'failure', failure, logUrl);
    // Not auto-inactive: that would mark older deployments inactive, and the failed one keeps its failure.
    if (lastGood)
      await setStatus(
        github,
        lastGood.id,
        'success',
        `serves again after the rollback of ${inputs.bad}`.slice(0, DESCRIPTION_MAX),
        logUrl,
      );
    marks.push({
      environment,
      failedId: failed?.id ?? null,
      lastGoodId: lastGood?.id ?? null,
      lastGoodEnvironment: lastGood?.environment ?? null,
    });
  }
  return marks;
}

async function setStatus(
  github: GitHubPort,
  id: number,
  state: 'failure' | 'success',
  description: string,
  logUrl: { logUrl?: string },
): Promise<void> {
  const [latest] = await github.listDeploymentStatuses(id);
  if (latest?.state === state && latest.description === description) return;
  await github.createDeploymentStatus(id, { state, description, autoInactive: false, ...logUrl });
}

/** The GitHub environment of a region, as the promotion flow names it. */
export function deploymentEnvironment(environment: string, region: string): string {
  return region === 'default' ? environment : `${environment}/${region}`;
}
