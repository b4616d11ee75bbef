/**
 * A tier's approvals: who approves a stage that waits for a person (the
 * tier's approvers, else the policy's), and what a change approval needs (a
 * change record matching the tier's pattern, from a change approver who did
 * not start the release). Each answer is a decision of its own, with a
 * reason that says what was missing.
 */
import { describe, expect, it } from 'vitest';
import { pendingApproval } from '../../../src/canary/promotion/approval.js';
import { decide } from '../../../src/canary/promotion/decide.js';
import type { Command, Facts, PromotionPolicy, Step } from '../../../src/canary/promotion/model.js';
import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import { MIN, facts, policy as base, stableManifest } from './fixtures.js';

const NOBODY = { users: [], teams: [] };

function applied(step: Step): ReleaseManifest {
  if (step.kind !== 'transition')
    throw new Error(`expected a transition, got ${step.kind}: ${JSON.stringify(step.explanation)}`);
  return step.manifest;
}

/** A policy whose 100% stage waits for `approval`, with the tier's approvers and change approvers given. */
function tierPolicy(approval: 'required' | 'change', more: Partial<PromotionPolicy> = {}): PromotionPolicy {
  return {
    ...base,
    stages: base.stages.map((s) => (s.weight === 100 ? { ...s, approval } : s)),
    change: { approvers: NOBODY, recordPattern: 'CHG[0-9]+' },
    bakeTime: 30 * MIN,
    ...more,
  };
}

/** Started by alice and driven, all judgments passing, to the stage that waits at 100%. */
function waitingAt100(policy: PromotionPolicy): ReleaseManifest {
  let m = applied(decide(stableManifest, policy, { kind: 'start', version: '1.42.0', by: 'alice' }, facts(0)));
  for (let minute = 1; minute <= 200 && m.promotion?.phase !== 'awaiting-approval'; minute++) {
    let step = decide(m, policy, { kind: 'tick' }, facts(minute));
    if (step.kind === 'need-judgment')
      step = decide(
        m,
        policy,
        { kind: 'tick' },
        facts(minute, { judgment: { verdict: 'Pass', score: 100, reason: 'r' } }),
      );
    if (step.kind === 'transition') m = step.manifest;
  }
  expect(m.promotion).toMatchObject({ phase: 'awaiting-approval', stage: 3 });
  return m;
}

const promote = (by: string, changeRecord?: string): Command => ({
  kind: 'promote',
  by,
  ...(changeRecord ? { changeRecord } : {}),
});

type Case = readonly [
  name: string,
  policy: PromotionPolicy,
  command: Command,
  facts: Partial<Facts>,
  outcome: 'enters 100%' | string,
];

const CASES: readonly Case[] = [
  [
    'a tier approver approves',
    tierPolicy('required', { stageApprovers: { users: ['amy'], teams: [] } }),
    promote('amy'),
    {},
    'enters 100%',
  ],
  [
    'someone the tier does not name may not, though the policy lets anyone act',
    tierPolicy('required', { stageApprovers: { users: ['amy'], teams: [] } }),
    promote('bob'),
    {},
    'bob may not give the approval of stage 4 (100%): stage 4 (100%) waits for the approval from @amy',
  ],
  [
    'a member of a tier approver team approves',
    tierPolicy('required', { stageApprovers: { users: [], teams: ['acme/sre'] } }),
    promote('bob'),
    { actorTeams: ['acme/sre'] },
    'enters 100%',
  ],
  [
    'a team that cannot be read grants nothing, and says so',
    tierPolicy('required', { stageApprovers: { users: [], teams: ['acme/sre'] } }),
    promote('bob'),
    { teamsUnknown: ['acme/sre: the token cannot read the team'] },
    'bob may not give the approval of stage 4 (100%): stage 4 (100%) waits for the approval from @acme/sre; team membership could not be checked (acme/sre: the token cannot read the team)',
  ],
  [
    'under approvers.method environment, a commanding user of a tier approver team approves through a reviewer',
    tierPolicy('required', { stageApprovers: { users: [], teams: ['acme/sre'] }, approvalMethod: 'environment' }),
    promote('bob'),
    {
      actorTeams: ['acme/sre'],
      origin: { kind: 'workflow', event: 'workflow_dispatch', environmentApprovers: ['rev'] },
    },
    'enters 100%',
  ],
  [
    'under approvers.method environment, a reviewer listed by name approves for anyone',
    tierPolicy('required', { stageApprovers: { users: ['rev'], teams: [] }, approvalMethod: 'environment' }),
    promote('bob'),
    { origin: { kind: 'workflow', event: 'workflow_dispatch', environmentApprovers: ['rev'] } },
    'enters 100%',
  ],
  [
    'under approvers.method environment, neither the user nor the reviewer listed: refused, naming the reviewer',
    tierPolicy('required', { stageApprovers: { users: [], teams: ['acme/sre'] }, approvalMethod: 'environment' }),
    promote('bob'),
    {
      actorTeams: ['acme/web'],
      origin: { kind: 'workflow', event: 'workflow_dispatch', environmentApprovers: ['rev'] },
    },
    'rev may not give the approval of stage 4 (100%): stage 4 (100%) waits for the approval from @acme/sre',
  ],
  [
    "without tier approvers, the policy's approvers approve",
    tierPolicy('required', { approvers: { users: ['alice', 'carol'], teams: [] } }),
    promote('carol'),
    {},
    'enters 100%',
  ],
  [
    'without tier approvers, someone the policy does not name may not',
    tierPolicy('required', { approvers: { users: ['alice', 'carol'], teams: [] } }),
    promote('bob'),
    {},
    'bob may not give the approval of stage 4 (100%): stage 4 (100%) waits for the approval from @alice, @carol',
  ],
  [
    'a change approval with a change record, from a second person',
    tierPolicy('change'),
    promote('bob', 'CHG0031234'),
    {},
    'enters 100%',
  ],
  [
    'a change approval without a change record',
    tierPolicy('change'),
    promote('bob'),
    {},
    'stage 4 (100%) waits for a change approval, and no change record was given: promote with a change record matching CHG[0-9]+ (the change-record input, or --change-record), given by anyone who may run the workflow, not by the person who started the release',
  ],
  [
    'a change record that does not match the pattern in full',
    tierPolicy('change'),
    promote('bob', 'see CHG0031234'),
    {},
    'The change record "see CHG0031234" does not match the tier\'s change.recordPattern: promote with a change record matching CHG[0-9]+ (the change-record input, or --change-record), given by anyone who may run the workflow, not by the person who started the release',
  ],
  [
    'a change approval from the person who started the release',
    tierPolicy('change'),
    promote('Alice', 'CHG0031234'),
    {},
    'Alice started this release and may not give its change approval: a change is approved by a second person: promote with a change record matching CHG[0-9]+ (the change-record input, or --change-record), given by anyone who may run the workflow, not by the person who started the release',
  ],
  [
    'a change approval from someone not among the change approvers',
    tierPolicy('change', { change: { approvers: { users: ['cab-chair'], teams: [] }, recordPattern: 'CHG[0-9]+' } }),
    promote('bob', 'CHG0031234'),
    {},
    'bob may not give the change approval of stage 4 (100%): stage 4 (100%) waits for the change approval from @cab-chair',
  ],
  [
    'a change approver gives it',
    tierPolicy('change', { change: { approvers: { users: ['cab-chair'], teams: [] }, recordPattern: 'CHG[0-9]+' } }),
    promote('cab-chair', 'CHG0031234'),
    {},
    'enters 100%',
  ],
  [
    "without change approvers, the tier's approvers give it",
    tierPolicy('change', { stageApprovers: { users: ['amy'], teams: [] } }),
    promote('bob', 'CHG0031234'),
    {},
    'bob may not give the change approval of stage 4 (100%): stage 4 (100%) waits for the change approval from @amy',
  ],
  [
    'a member of a change approver team gives it',
    tierPolicy('change', { change: { approvers: { users: [], teams: ['acme/cab'] }, recordPattern: 'CHG[0-9]+' } }),
    promote('bob', 'CHG1'),
    { actorTeams: ['acme/cab'] },
    'enters 100%',
  ],
];

describe('tier approvals of a stage waiting at 100%', () => {
  it.each(CASES)('%s', (_name, policy, command, more, outcome) => {
    const m = waitingAt100(policy);
    const step = decide(m, policy, command, facts(200, more));
    if (outcome === 'enters 100%') {
      expect(applied(step).canary.weight).toBe(100);
      return;
    }
    expect(step.kind).toBe('refuse');
    expect(`${step.explanation.summary}: ${step.explanation.reason}`).toContain(outcome);
  });

  it('records the change record and who gave the change approval, in the history and the reason', () => {
    const policy = tierPolicy('change');
    const step = decide(waitingAt100(policy), policy, promote('bob', 'CHG0031234'), facts(200));
    expect(applied(step).promotion?.history.at(-1)).toMatchObject({
      event: 'stage 4 at 100%',
      by: 'bob',
      change: 'CHG0031234',
    });
    expect(step.explanation.reason).toContain('bob gave the change approval of stage 4 (100%) (change CHG0031234)');
    expect(applied(step).promotion?.startedBy).toBe('alice');
  });

  it('asks the same of a promote that skips the soak into a stage waiting for a change approval', () => {
    const policy = tierPolicy('change');
    let m = applied(decide(stableManifest, policy, { kind: 'start', version: '1.42.0', by: 'alice' }, facts(0)));
    m = applied(decide(m, policy, promote('bob'), facts(1)));
    m = applied(decide(m, policy, promote('bob'), facts(2)));
    expect(m.promotion?.stage).toBe(2);
    const refused = decide(m, policy, promote('bob'), facts(3));
    expect(refused.explanation.summary).toBe(
      'stage 4 (100%) waits for a change approval, and no change record was given',
    );
    const given = applied(decide(m, policy, promote('bob', 'CHG7'), facts(3)));
    expect(given.canary.weight).toBe(100);
    expect(given.promotion?.history.at(-1)).toMatchObject({ by: 'bob', change: 'CHG7' });
  });

  it("lets a tier approver who is not among the policy's approvers approve the stage, and nothing else", () => {
    const policy = tierPolicy('required', {
      approvers: { users: ['alice'], teams: [] },
      stageApprovers: { users: ['amy'], teams: [] },
    });
    const waiting = waitingAt100(policy);
    expect(applied(decide(waiting, policy, promote('amy'), facts(200))).canary.weight).toBe(100);
    expect(decide(waiting, policy, promote('alice'), facts(200)).explanation.summary).toBe(
      'alice may not give the approval of stage 4 (100%)',
    );
    expect(decide(waiting, policy, { kind: 'pause', by: 'amy' }, facts(200)).explanation.summary).toBe(
      'amy may not pause this promotion',
    );
  });

  it('refuses a promote past a Fail for the Fail, before asking for the change approval', () => {
    const policy = tierPolicy('change');
    let m = applied(decide(stableManifest, policy, { kind: 'start', version: '1.42.0', by: 'alice' }, facts(0)));
    m = applied(decide(m, policy, promote('bob'), facts(1)));
    m = applied(decide(m, policy, promote('bob'), facts(2)));
    m = applied(
      decide(
        m,
        { ...policy, maxFailedIntervals: 1 },
        { kind: 'tick' },
        facts(7, { judgment: { verdict: 'Fail', score: 10, reason: 'errors High' } }),
      ),
    );
    expect(decide(m, policy, promote('bob'), facts(8)).explanation.summary).toBe('Cannot promote past a Fail judgment');
  });

  it('says in the pending approval status what a change approval needs', () => {
    const waiting = waitingAt100(tierPolicy('change')).promotion;
    expect(pendingApproval(waiting, 'status', 'change')).toBe(
      'Waiting for approval before stage 4: a permitted user runs promote with a change record, not the person who started the release',
    );
    expect(pendingApproval(waiting, 'status', 'required')).toBe(
      'Waiting for approval before stage 4: a permitted user runs promote',
    );
  });

  it('says who it waits for while a stage waits', () => {
    const policy = tierPolicy('required', { stageApprovers: { users: ['amy'], teams: ['acme/sre'] } });
    const step = decide(waitingAt100(policy), policy, { kind: 'tick' }, facts(200));
    expect(step.explanation).toEqual({
      summary: 'Waiting for approval to enter stage 4 (100%)',
      reason: 'approvers: @amy, @acme/sre',
    });
  });
});
