import { describe, expect, it } from 'vitest';
import { decide, permitted } from '../../../src/canary/promotion/decide.js';
import type { Command, Step } from '../../../src/canary/promotion/model.js';
import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import { MIN, T0, facts, policy, stableManifest } from './fixtures.js';

const start: Command = { kind: 'start', version: '1.42.0', by: 'alice' };
const tick: Command = { kind: 'tick' };

function applied(step: Step): ReleaseManifest {
  if (step.kind !== 'transition')
    throw new Error(`expected a transition, got ${step.kind}: ${JSON.stringify(step.explanation)}`);
  return step.manifest;
}

/** Started at T0 and soaking in stage 0 at 1%. */
const started = applied(decide(stableManifest, policy, start, facts(0)));

describe('start', () => {
  it('starts at the first stage weight', () => {
    expect(started.canary).toEqual({ version: '1.42.0', weight: 1 });
    expect(started.promotion).toMatchObject({
      phase: 'soaking',
      stage: 0,
      version: '1.42.0',
      startedAt: T0.toISOString(),
      id: 'checkout/production/us-east-1/1.42.0',
    });
  });

  it.each([
    [
      'a quarantined version',
      stableManifest,
      start,
      facts(0, { quarantine: { allow: false, reason: '1.42.0 failed its canary' } }),
      'Cannot start 1.42.0: it is quarantined',
    ],
    [
      'a freeze',
      stableManifest,
      start,
      facts(0, { freeze: { allow: false, reason: 'error budget exhausted' } }),
      'Cannot start 1.42.0: deploys are frozen',
    ],
    ['the stable version', stableManifest, { ...start, version: '1.41.0' }, facts(0), 'Cannot start 1.41.0'],
    ['another promotion in progress', started, { ...start, version: '1.43.0' }, facts(1), 'Cannot start 1.43.0'],
  ] as const)('refuses %s', (_n, manifest, command, f, summary) => {
    const step = decide(manifest, policy, command, f);
    expect(step.kind).toBe('refuse');
    expect(step.explanation.summary).toBe(summary);
  });

  it('is idempotent for the version already in progress', () => {
    expect(decide(started, policy, start, facts(1)).kind).toBe('wait');
  });

  it('waits for approval first when the first stage needs it', () => {
    const p = {
      ...policy,
      stages: [{ ...policy.stages[0]!, approval: 'required' as const }, ...policy.stages.slice(1)],
    };
    const m = applied(decide(stableManifest, p, start, facts(0)));
    expect(m.canary.weight).toBe(0);
    expect(m.promotion?.phase).toBe('awaiting-approval');
  });
});

describe('soaking', () => {
  it('waits until the first interval, then asks for a judgment over the stage so far', () => {
    const w = decide(started, policy, tick, facts(2));
    expect(w).toMatchObject({ kind: 'wait', until: new Date(T0.getTime() + 5 * MIN) });
    expect(decide(started, policy, tick, facts(5))).toMatchObject({
      kind: 'need-judgment',
      start: T0,
      look: 1,
      looks: 3,
    });
  });

  it('reads at most the lookback', () => {
    const p = {
      ...policy,
      stages: [{ weight: 1, soakTime: 60 * MIN, approval: 'none' as const }, policy.stages[3]!],
      lookback: 10 * MIN,
      interval: 30 * MIN,
    };
    const m = applied(decide(stableManifest, p, start, facts(0)));
    expect(decide(m, p, tick, facts(30))).toMatchObject({
      kind: 'need-judgment',
      start: new Date(T0.getTime() + 20 * MIN),
    });
  });

  it.each([
    ['Pass', 'judged', 1, 'soaking'],
    ['NoData', 'held', 1, 'soaking'],
    ['Marginal', 'held', 1, 'soaking'],
    ['Fail', 'failed', 0, 'failed'],
  ] as const)('a %s judgment before the soak ends: %s', (verdict, effect, weight, phase) => {
    const step = decide(started, policy, tick, facts(5, { judgment: { verdict, score: 50, reason: 'r' } }));
    const m = applied(step);
    expect(step.kind === 'transition' && step.effects.map((e) => e.kind)).toContain(effect);
    expect(m.canary.weight).toBe(weight);
    expect(m.promotion?.phase).toBe(phase);
  });

  it('a Marginal fails when the policy says so, after the tolerated number of failed intervals', () => {
    const p = { ...policy, marginal: 'fail' as const, maxFailedIntervals: 1 };
    const once = applied(
      decide(started, p, tick, facts(5, { judgment: { verdict: 'Marginal', score: 80, reason: 'r' } })),
    );
    expect(once.promotion).toMatchObject({ phase: 'soaking', failedIntervals: 1 });
    const twice = applied(
      decide(once, p, tick, facts(10, { judgment: { verdict: 'Marginal', score: 80, reason: 'r' } })),
    );
    expect(twice.promotion?.phase).toBe('failed');
    expect(twice.canary).toEqual({ version: null, weight: 0 });
  });

  it('moves to the next stage only when the soak is over and the last judgment passed', () => {
    let m = started;
    for (const minute of [5, 10])
      m = applied(decide(m, policy, tick, facts(minute, { judgment: { verdict: 'Pass', score: 100, reason: 'ok' } })));
    expect(decide(m, policy, tick, facts(14))).toMatchObject({
      kind: 'wait',
      until: new Date(T0.getTime() + 15 * MIN),
    });
    const next = decide(m, policy, tick, facts(15, { judgment: { verdict: 'Pass', score: 100, reason: 'ok' } }));
    expect(applied(next).canary.weight).toBe(5);
    expect(next.kind === 'transition' && next.effects).toEqual([
      { kind: 'stage-started' },
      { kind: 'traffic', from: 1, to: 5 },
    ]);
  });

  it('holds past the soak on NoData, judging again each interval, and never moves on without a Pass', () => {
    let m = started;
    m = applied(
      decide(m, policy, tick, facts(15, { judgment: { verdict: 'NoData', score: null, reason: 'no samples' } })),
    );
    expect(m.canary.weight).toBe(1);
    expect(decide(m, policy, tick, facts(16))).toMatchObject({
      kind: 'wait',
      until: new Date(T0.getTime() + 20 * MIN),
    });
    expect(decide(m, policy, tick, facts(20)).kind).toBe('need-judgment');
  });

  it('holds at the stage boundary while deploys are frozen, and says why', () => {
    const m = applied(
      decide(
        started,
        policy,
        tick,
        facts(15, {
          judgment: { verdict: 'Pass', score: 100, reason: 'ok' },
          freeze: { allow: false, reason: 'budget gone' },
        }),
      ),
    );
    expect(m.canary.weight).toBe(1);
    const held = decide(m, policy, tick, facts(16, { freeze: { allow: false, reason: 'budget gone' } }));
    expect(held).toMatchObject({
      kind: 'wait',
      explanation: { summary: 'Holding at 1%: deploys are frozen', reason: 'budget gone' },
    });
    expect(applied(decide(m, policy, tick, facts(17))).canary.weight).toBe(5);
  });

  it('promotes to stable after the last stage', () => {
    const last: ReleaseManifest = {
      ...started,
      canary: { version: '1.42.0', weight: 100 },
      promotion: { ...started.promotion!, stage: 3, stageStartedAt: T0.toISOString() },
    };
    const m = applied(
      decide(last, policy, tick, facts(15, { judgment: { verdict: 'Pass', score: 100, reason: 'ok' } })),
    );
    expect(m.stable.version).toBe('1.42.0');
    expect(m.canary).toEqual({ version: null, weight: 0 });
    expect(m.promotion?.phase).toBe('promoted');
    // The old stable is remembered: a later rollback of 1.42.0 goes back to it.
    expect(m.previous).toEqual([{ version: '1.41.0', until: new Date(T0.getTime() + 15 * MIN).toISOString() }]);
  });
});

describe('manual controls', () => {
  it('pause stops the soak clock; resume moves it on by the pause', () => {
    const paused = applied(decide(started, policy, { kind: 'pause', by: 'alice' }, facts(3)));
    expect(decide(paused, policy, tick, facts(30))).toMatchObject({ kind: 'wait', until: null });
    const resumed = applied(decide(paused, policy, { kind: 'resume', by: 'alice' }, facts(33)));
    expect(resumed.promotion).toMatchObject({
      phase: 'soaking',
      stageStartedAt: new Date(T0.getTime() + 30 * MIN).toISOString(),
    });
    expect(resumed.promotion?.pausedAt).toBeUndefined();
  });

  it('promote skips the rest of the soak but never past a failing judgment', () => {
    expect(applied(decide(started, policy, { kind: 'promote', by: 'alice' }, facts(2))).canary.weight).toBe(5);
    const marginal = applied(
      decide(
        started,
        policy,
        tick,
        facts(5, { judgment: { verdict: 'Marginal', score: 80, reason: 'latency p99 High' } }),
      ),
    );
    expect(decide(marginal, policy, { kind: 'promote', by: 'alice' }, facts(6))).toMatchObject({
      kind: 'refuse',
      explanation: { summary: 'Accepting a Marginal judgment needs a reason' },
    });
  });

  it('promote approves a stage that waits for approval', () => {
    const p = { ...policy, stages: [policy.stages[0]!, { ...policy.stages[3]!, approval: 'required' as const }] };
    const s = applied(decide(stableManifest, p, start, facts(0)));
    const waiting = applied(decide(s, p, tick, facts(15, { judgment: { verdict: 'Pass', score: 100, reason: 'ok' } })));
    expect(waiting.promotion).toMatchObject({ phase: 'awaiting-approval', stage: 1 });
    expect(waiting.canary.weight).toBe(1);
    expect(decide(waiting, p, tick, facts(60)).kind).toBe('wait');
    expect(applied(decide(waiting, p, { kind: 'promote', by: 'alice' }, facts(61))).canary.weight).toBe(100);
  });

  it.each(['abort', 'rollback'] as const)('%s sends traffic back to stable', (kind) => {
    const m = applied(decide(started, policy, { kind, by: 'alice', reason: 'pager' }, facts(4)));
    expect(m.canary).toEqual({ version: null, weight: 0 });
    expect(m.promotion?.phase).toBe(kind === 'abort' ? 'aborted' : 'rolled-back');
    expect(m.promotion?.outcome).toBe('pager');
  });

  it('refuses commands from people the policy does not name', () => {
    const p = { ...policy, approvers: { users: ['alice'], teams: ['acme/sre'] } };
    expect(decide(started, p, { kind: 'promote', by: 'mallory' }, facts(2))).toMatchObject({
      kind: 'refuse',
      explanation: { summary: 'mallory may not promote this promotion' },
    });
    expect(decide(started, p, { kind: 'pause', by: 'bob' }, facts(2, { actorTeams: ['acme/sre'] })).kind).toBe(
      'transition',
    );
    expect(permitted(p, 'ALICE', {})).toBe(true);
  });

  it('refuses controls when nothing is in progress', () => {
    expect(decide(stableManifest, policy, { kind: 'pause', by: 'alice' }, facts(0))).toMatchObject({ kind: 'refuse' });
    expect(decide(stableManifest, policy, tick, facts(0))).toMatchObject({ kind: 'wait', until: null });
  });
});
