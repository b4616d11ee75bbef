/**
 * What a canary reconcile leaves on the release commit when it runs in a
 * GitHub Actions job: a check run with the promotion's state, and a commit
 * status while a stage or a Marginal judgment waits for a person (statuses
 * work on every plan of GitHub, where environment rules may not).
 */
import { pendingApproval } from '../canary/promotion/approval.js';
import type { GitHubPort } from '../github/port.js';
import type { CanaryFlowOutcome } from './canary.js';

/** The job the checks belong to. */
export interface CanaryCheckContext {
  /** The service, environment and region, as `checkout/production/us-east-1`. */
  readonly where: string;
  /** The release commit. */
  readonly sha: string;
  readonly runId: number;
  readonly runAttempt: number;
  readonly runUrl: string;
  /** The job summary, which the check run repeats. */
  readonly summary: string;
}

/**
 * The version the flow handed to rollback as a failure: a failed canary, or
 * an irreversible one held to roll forward. A rolled-back canary is not one.
 */
export function failedVersionOf(flow: CanaryFlowOutcome): string | undefined {
  const failed = flow.canary.results.some((r) =>
    r.effects.some((e) => e.kind === 'failed' || e.kind === 'roll-forward'),
  );
  return flow.rollback && failed ? flow.rollback.bad : undefined;
}

/** Writes the check run and the approval status of one reconcile. */
export async function publishCanaryChecks(
  github: GitHubPort,
  flow: CanaryFlowOutcome,
  run: CanaryCheckContext,
): Promise<void> {
  const outcome = flow.canary;
  const failedVersion = failedVersionOf(flow);
  const phase = outcome.outputs.state;
  // A failed irreversible release held to roll forward is a failure of this run, though its promotion stays open for the fix.
  const done = ['promoted', 'failed', 'aborted', 'rolled-back', 'none'].includes(phase) || failedVersion !== undefined;
  // A refused command changed nothing, so it leaves no check run; the step fails with the reason.
  if (outcome.results.some((r) => r.committed || r.judgment))
    await github.createCheckRun({
      name: `bellwether/canary ${run.where}`,
      headSha: run.sha,
      externalId: `canary:${run.where}:${run.runId}:${run.runAttempt}`,
      status: done ? 'completed' : 'in_progress',
      ...(done
        ? {
            conclusion:
              phase === 'promoted'
                ? 'success'
                : phase === 'failed' || phase === 'rolled-back' || failedVersion
                  ? 'failure'
                  : 'neutral',
          }
        : {}),
      detailsUrl: run.runUrl,
      output: {
        title: outcome.title.slice(0, 250),
        summary: outcome.headline.slice(0, 1000),
        text: run.summary.slice(0, 60_000),
      },
    });
  const promotion = outcome.last.manifest.promotion;
  if (promotion && outcome.results.some((r) => r.committed)) {
    const waiting = pendingApproval(promotion, outcome.approvalMethod, outcome.stageApproval);
    await github.createCommitStatus(run.sha, {
      context: `bellwether/approval ${run.where}`,
      state: waiting ? 'pending' : 'success',
      description: (waiting ?? `No approval pending (${promotion.phase})`).slice(0, 140),
      targetUrl: run.runUrl,
    });
  }
}
