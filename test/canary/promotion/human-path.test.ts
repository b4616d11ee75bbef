/**
 * The decisions a person takes part in: accepting a Marginal judgment, the
 * approval method a `promote` must satisfy, and what a failed irreversible
 * release gets. Tables over the pure decision.
 */
import { describe, expect, it } from 'vitest';
import { pendingApproval } from '../../../src/canary/promotion/approval.js';
import { approvalCounts, decide } from '../../../src/canary/promotion/decide.js';
import type {
  ApprovalMethod,
  Command,
  CommandOrigin,
  PromotionPolicy,
  Step,
} from '../../../src/canary/promotion/model.js';
import { APPROVAL_METHODS } from '../../../src/policy/schemas/canary.js';
import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import { facts, policy, stableManifest } from './fixtures.js';

function applied(step: Step): ReleaseManifest {
  if (step.kind !== 'transition')
    throw new Error(`expected a transition, got ${step.kind}: ${JSON.stringify(step.explanation)}`);
  return step.manifest;
}

const tick: Command = { kind: 'tick' };
const started = applied(decide(stableManifest, policy, { kind: 'start', version: '1.42.0', by: 'alice' }, facts(0)));
const judgedAs = (verdict: 'Marginal' | 'Fail' | 'NoData', p: PromotionPolicy = policy) =>
  applied(
    decide(
      started,
      p,
      tick,
      facts(5, { judgment: { verdict, score: verdict === 'NoData' ? null : 80, reason: 'latency p99 High' } }),
    ),
  );

describe('a Marginal judgment goes to a person', () => {
  const marginal = judgedAs('Marginal');

  it('holds the stage and says a permitted user may accept it', () => {
    expect(marginal.canary.weight).toBe(1);
    expect(decide(marginal, policy, tick, facts(6))).toMatchObject({ kind: 'wait' });
  });

  it('is refused without a reason, saying a reason is needed', () => {
    const step = decide(marginal, policy, { kind: 'promote', by: 'alice' }, facts(6));
    expect(step).toMatchObject({
      kind: 'refuse',
      explanation: { summary: 'Accepting a Marginal judgment needs a reason' },
    });
  });

  it('moves exactly one stage with a reason, recorded with who accepted it', () => {
    const step = decide(
      marginal,
      policy,
      { kind: 'promote', by: 'alice', reason: 'latency is the new cache warming up' },
      facts(6),
    );
    const m = applied(step);
    expect(m.canary.weight).toBe(5);
    expect(m.promotion?.stage).toBe(1);
    expect(m.promotion?.history.at(-1)).toMatchObject({
      event: 'stage 2 at 5%',
      by: 'alice',
      detail: 'latency is the new cache warming up',
    });
    expect(step.explanation.reason).toContain(
      'alice accepted a Marginal judgment (score 80): latency is the new cache warming up',
    );
  });

  it('is not accepted when the policy counts a Marginal judgment as a failure', () => {
    const failing = { ...policy, marginal: 'fail' as const, maxFailedIntervals: 1 };
    const m = judgedAs('Marginal', failing);
    expect(decide(m, failing, { kind: 'promote', by: 'alice', reason: 'looks fine' }, facts(6))).toMatchObject({
      kind: 'refuse',
      explanation: { summary: 'Cannot promote past a Marginal judgment' },
    });
  });

  it('a Fail is never promotable by a person, reason or not', () => {
    const tolerant = { ...policy, maxFailedIntervals: 1 };
    const failed = judgedAs('Fail', tolerant);
    expect(failed.promotion?.phase).toBe('soaking');
    const step = decide(failed, tolerant, { kind: 'promote', by: 'alice', reason: 'I am sure' }, facts(6));
    expect(step).toMatchObject({ kind: 'refuse', explanation: { summary: 'Cannot promote past a Fail judgment' } });
    expect(step.explanation.reason).toContain('abort or roll back');
  });

  it('NoData is not accepted either: missing data never promotes', () => {
    const step = decide(
      judgedAs('NoData'),
      policy,
      { kind: 'promote', by: 'alice', reason: 'dashboards look fine' },
      facts(6),
    );
    expect(step).toMatchObject({ kind: 'refuse', explanation: { summary: 'Cannot promote past a NoData judgment' } });
    expect(step.explanation.reason).toContain('missing data never promotes');
  });

  it('accepting a Marginal judgment in the last stage promotes to stable and records the reason', () => {
    const last: ReleaseManifest = {
      ...started,
      canary: { version: '1.42.0', weight: 100 },
      promotion: { ...started.promotion!, stage: 3 },
    };
    const m = applied(
      decide(last, policy, tick, facts(5, { judgment: { verdict: 'Marginal', score: 80, reason: 'r' } })),
    );
    const done = applied(decide(m, policy, { kind: 'promote', by: 'alice', reason: 'accepted by the team' }, facts(6)));
    expect(done.stable.version).toBe('1.42.0');
    expect(done.promotion?.history.at(-1)).toMatchObject({
      event: 'promoted',
      by: 'alice',
      detail: 'accepted by the team',
    });
  });
});

describe('approvers.method changes what counts as an approval', () => {
  const twoStage: PromotionPolicy = {
    ...policy,
    stages: [policy.stages[0]!, { ...policy.stages[3]!, approval: 'required' }],
  };
  const waiting = applied(
    decide(
      applied(decide(stableManifest, twoStage, { kind: 'start', version: '1.42.0', by: 'alice' }, facts(0))),
      twoStage,
      tick,
      facts(15, { judgment: { verdict: 'Pass', score: 100, reason: 'ok' } }),
    ),
  );
  const marginal = judgedAs('Marginal');
  const origins: Record<string, CommandOrigin> = {
    terminal: { kind: 'terminal' },
    dispatch: { kind: 'workflow', event: 'workflow_dispatch' },
    schedule: { kind: 'workflow', event: 'schedule' },
    'issue comment': { kind: 'workflow', event: 'issue_comment' },
    'environment-approved push': { kind: 'workflow', event: 'push', environmentApprovers: ['carol'] },
  };
  // method → origin → whether a promote counts
  const table: Record<ApprovalMethod, Record<string, boolean>> = {
    status: {
      terminal: true,
      dispatch: true,
      schedule: true,
      'issue comment': true,
      'environment-approved push': true,
    },
    dispatch: {
      terminal: true,
      dispatch: true,
      schedule: false,
      'issue comment': false,
      'environment-approved push': false,
    },
    environment: {
      terminal: true,
      dispatch: false,
      schedule: false,
      'issue comment': false,
      'environment-approved push': true,
    },
  };

  it('every method of the schema is in the table', () => {
    expect(Object.keys(table).sort()).toEqual([...APPROVAL_METHODS].sort());
  });

  for (const method of APPROVAL_METHODS) {
    for (const [name, origin] of Object.entries(origins)) {
      const counts = table[method][name]!;
      it(`${method}: a promote from ${name} ${counts ? 'approves' : 'is refused'}, for a waiting stage and for a Marginal accepted`, () => {
        const p = { ...twoStage, approvalMethod: method };
        const approve = decide(waiting, p, { kind: 'promote', by: 'alice' }, facts(16, { origin }));
        const accept = decide(
          marginal,
          { ...policy, approvalMethod: method },
          { kind: 'promote', by: 'alice', reason: 'fine' },
          facts(6, { origin }),
        );
        expect(approve.kind).toBe(counts ? 'transition' : 'refuse');
        expect(accept.kind).toBe(counts ? 'transition' : 'refuse');
        if (!counts) expect(approve.explanation.reason).toContain(`approvers.method is ${method}`);
      });
    }
  }

  it('each value changes at least one decision against every other', () => {
    for (const a of APPROVAL_METHODS)
      for (const b of APPROVAL_METHODS) if (a !== b) expect(table[a]).not.toEqual(table[b]);
    for (const method of APPROVAL_METHODS)
      for (const [name, origin] of Object.entries(origins))
        expect(approvalCounts(method, origin).counts).toBe(table[method][name]);
  });

  it('environment: the reviewer who approved the job is recorded as the approver', () => {
    const p = { ...twoStage, approvalMethod: 'environment' as const };
    const m = applied(
      decide(
        waiting,
        p,
        { kind: 'promote', by: 'alice' },
        facts(16, { origin: origins['environment-approved push']! }),
      ),
    );
    expect(m.promotion?.history.at(-1)).toMatchObject({ by: 'carol' });
  });
});

describe('an irreversible release', () => {
  const irreversible = applied(
    decide(stableManifest, policy, { kind: 'start', version: '1.42.0', by: 'alice', irreversible: true }, facts(0)),
  );

  it('keeps its mark through start, every stage, pause, resume and promotion to stable', () => {
    expect(irreversible.canary).toEqual({ version: '1.42.0', weight: 1, irreversible: true });
    let m = applied(decide(irreversible, policy, { kind: 'promote', by: 'alice' }, facts(1)));
    expect(m.canary).toEqual({ version: '1.42.0', weight: 5, irreversible: true });
    m = applied(decide(m, policy, { kind: 'pause', by: 'alice' }, facts(2)));
    expect(m.canary.irreversible).toBe(true);
    m = applied(decide(m, policy, { kind: 'resume', by: 'alice' }, facts(3)));
    expect(m.canary.irreversible).toBe(true);
    m = applied(decide(m, policy, tick, facts(8, { judgment: { verdict: 'Pass', score: 100, reason: 'ok' } })));
    m = applied(decide(m, policy, tick, facts(18, { judgment: { verdict: 'Pass', score: 100, reason: 'ok' } })));
    expect(m.canary).toEqual({ version: '1.42.0', weight: 25, irreversible: true });
    m = applied(decide(m, policy, { kind: 'promote', by: 'alice' }, facts(19)));
    m = applied(decide(m, policy, { kind: 'promote', by: 'alice' }, facts(20)));
    expect(m.stable).toEqual({ version: '1.42.0', irreversible: true });
  });

  it('a mark written on the manifest before the start is kept', () => {
    const marked: ReleaseManifest = { ...stableManifest, canary: { version: null, weight: 0, irreversible: true } };
    expect(
      applied(decide(marked, policy, { kind: 'start', version: '1.42.0', by: 'alice' }, facts(0))).canary.irreversible,
    ).toBe(true);
  });

  it.each([
    ['roll-forward', 'paused', 1, true, ['roll-forward', 'paused']],
    ['rollback', 'failed', 0, undefined, ['traffic', 'failed']],
  ] as const)(
    'a failed judgment under irreversible: %s is %s with %i%% traffic',
    (rule, phase, weight, mark, effects) => {
      const p = { ...policy, irreversible: rule };
      const step = decide(
        irreversible,
        p,
        tick,
        facts(5, { judgment: { verdict: 'Fail', score: 20, reason: 'errors doubled' } }),
      );
      const m = applied(step);
      expect(m.promotion?.phase).toBe(phase);
      expect(m.canary.weight).toBe(weight);
      expect(m.canary.irreversible).toBe(mark);
      if (step.kind === 'transition') expect(step.effects.map((e) => e.kind)).toEqual(effects);
      if (rule === 'roll-forward') {
        expect(step.explanation.summary).toContain('roll forward');
        // A tick does not resume it, and says why it waits.
        expect(decide(m, p, tick, facts(30))).toMatchObject({
          kind: 'wait',
          until: null,
          explanation: { reason: expect.stringContaining('roll forward') },
        });
      }
    },
  );

  it('a reversible release fails and goes back to stable whatever the rule', () => {
    const m = applied(
      decide(started, policy, tick, facts(5, { judgment: { verdict: 'Fail', score: 20, reason: 'errors doubled' } })),
    );
    expect(m.promotion?.phase).toBe('failed');
    expect(m.canary.weight).toBe(0);
  });
});

describe('the pending approval a commit status shows', () => {
  it('is pending for a stage awaiting approval and for a Marginal awaiting acceptance, and says how under each method', () => {
    expect(pendingApproval(started.promotion, 'status')).toBeUndefined();
    expect(pendingApproval(judgedAs('Marginal').promotion, 'status')).toBe(
      'Marginal judgment in stage 1: a permitted user runs promote with a reason to accept it, or it waits for a Pass',
    );
    expect(pendingApproval(judgedAs('Marginal').promotion, 'dispatch')).toContain(
      'from a manual workflow_dispatch run',
    );
    expect(pendingApproval(judgedAs('NoData').promotion, 'status')).toBeUndefined();
    expect(pendingApproval({ ...started.promotion!, phase: 'awaiting-approval' }, 'environment')).toBe(
      'Waiting for approval before stage 1: a permitted user runs promote in a job an environment reviewer approves',
    );
  });
});
