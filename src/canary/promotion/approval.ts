/**
 * Who may command a promotion, and whether a person's `promote` counts as
 * an approval under the policy's `approvers.method`. Pure: the facts about
 * the user (their teams, where the command came from) are gathered by the
 * reconcile.
 */
import type { ApprovalMethod, CommandOrigin, Facts, PromotionPolicy } from './model.js';
import type { PromotionState } from '../../gitops/promotion-state.js';

/** What the approval method makes of a person's `promote` from where it came. */
export interface ApprovalAnswer {
  readonly counts: boolean;
  /** Who approved, when it is not the commanding user (an environment reviewer). */
  readonly approver?: string;
  readonly reason: string;
}

/**
 * Whether a `promote` counts as an approval under the policy's
 * `approvers.method`. A terminal is a person with push rights to the
 * manifests, who could edit them by hand: their command counts under every
 * method. In a workflow run, `status` counts any run of a permitted user,
 * `dispatch` only a manual `workflow_dispatch` run, and `environment` only a
 * run whose job a GitHub environment reviewer approved (that reviewer is the
 * approver).
 */
export function approvalCounts(method: ApprovalMethod, origin: CommandOrigin = { kind: 'terminal' }): ApprovalAnswer {
  if (origin.kind === 'terminal') return { counts: true, reason: 'given at a terminal' };
  switch (method) {
    case 'status':
      return {
        counts: true,
        reason: `approvers.method status: a permitted user's promote approves (from a ${origin.event || 'workflow'} run)`,
      };
    case 'dispatch':
      return origin.event === 'workflow_dispatch'
        ? { counts: true, reason: 'approvers.method dispatch: given from a manual workflow_dispatch run' }
        : {
            counts: false,
            reason: `approvers.method is dispatch: an approval counts only from a manual workflow_dispatch run, and this run came from ${origin.event ? `a ${origin.event} event` : 'an unknown event'}`,
          };
    case 'environment': {
      const reviewer = origin.environmentApprovers?.[0];
      return reviewer
        ? {
            counts: true,
            approver: reviewer,
            reason: `approvers.method environment: @${reviewer} approved this run's job as an environment reviewer`,
          }
        : {
            counts: false,
            reason:
              "approvers.method is environment: an approval counts only when a GitHub environment reviewer approved this run's job, and nobody did (give the job an environment with required reviewers)",
          };
    }
  }
}

/** Empty approver lists leave it to who may run the workflow; otherwise the user or one of their teams must be listed. */
export function permitted(policy: PromotionPolicy, user: string, facts: Pick<Facts, 'actorTeams'>): boolean {
  const { users, teams } = policy.approvers;
  if (users.length === 0 && teams.length === 0) return true;
  const lower = user.toLowerCase();
  if (users.some((u) => u.toLowerCase() === lower)) return true;
  return (facts.actorTeams ?? []).some((t) => teams.some((x) => x.toLowerCase() === t.toLowerCase()));
}

/** The policy's approvers in words. */
export function describeApprovers(policy: PromotionPolicy): string {
  const { users, teams } = policy.approvers;
  if (users.length === 0 && teams.length === 0) return 'anyone who may run the workflow';
  return [...users.map((u) => `@${u}`), ...teams.map((t) => `@${t}`)].join(', ');
}

/**
 * What each `approvers.method` does, in the words `bellwether policy check`
 * prints and docs/policies.md repeats (a guard test holds them together).
 */
export const APPROVAL_METHOD_MEANING: Record<ApprovalMethod, string> = {
  status:
    "a permitted user's promote approves a waiting stage or accepts a Marginal judgment from any workflow run or a terminal; the canary action shows a pending bellwether/approval commit status while one waits",
  dispatch:
    'a promote approves only from a manual workflow_dispatch run or a terminal; a promote from any other event is refused',
  environment:
    "a promote in a workflow run approves only when a GitHub environment reviewer approved the run's job, and that reviewer is recorded as the approver; from a terminal it approves as the user",
};

const HOW: Record<ApprovalMethod, string> = {
  status: 'a permitted user runs promote',
  dispatch: 'a permitted user runs promote from a manual workflow_dispatch run',
  environment: 'a permitted user runs promote in a job an environment reviewer approves',
};

/**
 * What a promotion waits a person for, as the pending `bellwether/approval`
 * commit status says it: a stage awaiting approval, or a Marginal judgment
 * awaiting acceptance (with a reason). Undefined when nothing waits.
 */
export function pendingApproval(p: PromotionState | undefined, method: ApprovalMethod): string | undefined {
  if (!p) return undefined;
  if (p.phase === 'awaiting-approval') return `Waiting for approval before stage ${p.stage + 1}: ${HOW[method]}`;
  const last = p.judgments.filter((j) => j.stage === p.stage).at(-1);
  if (p.phase === 'soaking' && last?.verdict === 'Marginal')
    return `Marginal judgment in stage ${p.stage + 1}: ${HOW[method]} with a reason to accept it, or it waits for a Pass`;
  return undefined;
}
