/**
 * Who may command a promotion, and whether a person's `promote` counts as
 * an approval under the policy's `approvers.method`. Pure: the facts about
 * the user (their teams, where the command came from) are gathered by the
 * reconcile.
 */
import type { ApprovalMethod, CommandOrigin, Facts, People, PromotionPolicy, StagePolicy } from './model.js';
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
  return listed(policy.approvers, user, facts.actorTeams ?? []);
}

function listed({ users, teams }: People, user: string, userTeams: readonly string[]): boolean {
  if (users.length === 0 && teams.length === 0) return true;
  const lower = user.toLowerCase();
  if (users.some((u) => u.toLowerCase() === lower)) return true;
  return userTeams.some((t) => teams.some((x) => x.toLowerCase() === t.toLowerCase()));
}

/** The policy's approvers in words. */
export function describeApprovers(policy: PromotionPolicy): string {
  return describePeople(policy.approvers);
}

function describePeople({ users, teams }: People): string {
  if (users.length === 0 && teams.length === 0) return 'anyone who may run the workflow';
  return [...users.map((u) => `@${u}`), ...teams.map((t) => `@${t}`)].join(', ');
}

const named = (p: People | undefined): p is People => p !== undefined && p.users.length + p.teams.length > 0;

/**
 * Who gives a stage's approval: for `required`, the tier's approvers; for
 * `change`, the tier's change approvers. Each falls back, when it names
 * nobody, to the one before it, and last to the policy's approvers.
 */
export function stageApprovers(policy: PromotionPolicy, kind: 'required' | 'change'): People {
  if (kind === 'change' && named(policy.change?.approvers)) return policy.change.approvers;
  return named(policy.stageApprovers) ? policy.stageApprovers : policy.approvers;
}

/** Who gives the approval a stage waits for, in words. */
export function describeStageApprovers(
  policy: PromotionPolicy,
  approval: StagePolicy['approval'] = 'required',
): string {
  return describePeople(stageApprovers(policy, approval === 'change' ? 'change' : 'required'));
}

/**
 * The team lists whose membership a reconcile looks up for the commanding
 * user, each once: the policy's approvers, the tier's and the change
 * approvers. A user needs to be found in one team of each list, not in all.
 */
export function teamLists(policy: PromotionPolicy): string[][] {
  const all = [policy.approvers, stageApprovers(policy, 'required'), stageApprovers(policy, 'change')];
  const seen = new Set<string>();
  return all
    .map((p) => [...p.teams])
    .filter((teams) => {
      const key = JSON.stringify(teams);
      if (teams.length === 0 || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Who started a promotion: recorded at the start, or its `started` event in a state written before that was. */
export function starterOf(p: PromotionState): string | undefined {
  return p.startedBy ?? p.history.find((e) => e.event === 'started')?.by;
}

/** Whether a stage's approval is given, and the change record it links to. */
export type StageApprovalAnswer =
  | { readonly given: true; readonly changeRecord?: string; readonly words: string }
  | { readonly given: false; readonly summary: string; readonly reason: string };

/**
 * Whether `approver` (the commanding user `by`, or the environment reviewer
 * who approved their job) gives the approval stage `index` waits for. A
 * `required` stage needs one of the tier's approvers. A `change` stage needs
 * a change record that matches the tier's `change.recordPattern` in full,
 * and a change approver who is not the person who started the release (a
 * change is approved by a second person). The approvers must list the
 * commanding user (or one of their teams), as the policy's approvers must
 * for every command, or the environment reviewer by user name (their teams
 * are not looked up).
 */
export function stageApproval(
  policy: PromotionPolicy,
  stage: StagePolicy,
  index: number,
  p: PromotionState,
  who: { readonly by: string; readonly approver: string; readonly changeRecord?: string },
  facts: Pick<Facts, 'actorTeams' | 'teamsUnknown'>,
): StageApprovalAnswer {
  if (stage.approval === 'none') return { given: true, words: 'no approval needed' };
  const where = `stage ${index + 1} (${stage.weight}%)`;
  const people = stageApprovers(policy, stage.approval);
  const isListed = listed(people, who.by, facts.actorTeams ?? []) || listed(people, who.approver, []);
  const unknown = facts.teamsUnknown ?? [];
  const notListed = (what: string): StageApprovalAnswer => ({
    given: false,
    summary: `${who.approver} may not give ${what} of ${where}`,
    reason: `${where} waits for ${what} from ${describePeople(people)}${unknown.length > 0 ? `; team membership could not be checked (${unknown.join('; ')})` : ''}`,
  });
  if (stage.approval === 'required') {
    if (!isListed) return notListed('the approval');
    return { given: true, words: `${who.approver} approved ${where}` };
  }
  const pattern = policy.change?.recordPattern ?? '\\S+';
  const record = who.changeRecord?.trim() ?? '';
  const how = `promote with a change record matching ${pattern} (the change-record input, or --change-record), given by ${describePeople(people)}, not by the person who started the release`;
  if (record === '')
    return {
      given: false,
      summary: `${where} waits for a change approval, and no change record was given`,
      reason: how,
    };
  if (!new RegExp(`^(?:${pattern})$`, 'u').test(record))
    return {
      given: false,
      summary: `The change record ${JSON.stringify(record)} does not match the tier's change.recordPattern`,
      reason: how,
    };
  const starter = starterOf(p);
  if (starter === undefined)
    return {
      given: false,
      summary: `${where} waits for a change approval, and who started the release is not recorded`,
      reason:
        'a change approval must come from a second person, and this promotion does not say who started it; abort and start it again',
    };
  if (starter.toLowerCase() === who.approver.toLowerCase())
    return {
      given: false,
      summary: `${who.approver} started this release and may not give its change approval`,
      reason: `a change is approved by a second person: ${how}`,
    };
  if (!isListed) return notListed('the change approval');
  return {
    given: true,
    changeRecord: record,
    words: `${who.approver} gave the change approval of ${where} (change ${record})`,
  };
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
export function pendingApproval(
  p: PromotionState | undefined,
  method: ApprovalMethod,
  kind: StagePolicy['approval'] = 'required',
): string | undefined {
  if (!p) return undefined;
  if (p.phase === 'awaiting-approval')
    return `Waiting for approval before stage ${p.stage + 1}: ${HOW[method]}${kind === 'change' ? ' with a change record, not the person who started the release' : ''}`;
  const last = p.judgments.filter((j) => j.stage === p.stage).at(-1);
  if (p.phase === 'soaking' && last?.verdict === 'Marginal')
    return `Marginal judgment in stage ${p.stage + 1}: ${HOW[method]} with a reason to accept it, or it waits for a Pass`;
  return undefined;
}
