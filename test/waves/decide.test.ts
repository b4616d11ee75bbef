import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { decideWaveStep } from '../../src/waves/decide.js';
import { planWaves } from '../../src/waves/planner.js';
import type { WavesSettings } from '../../src/waves/settings.js';
import type { RegionState, WaveStep } from '../../src/waves/types.js';
import { ALWAYS, SIX_REGIONS, wavesPolicy } from './helpers.js';

const healthy = (since: string): RegionState => ({ status: 'healthy', since, health: 'pass' });
const deploying = (since: string): RegionState => ({ status: 'deploying', since });

function settingsWith(fields: Record<string, unknown>): WavesSettings {
  return { policy: wavesPolicy({ waves: SIX_REGIONS, windows: ALWAYS, ...fields }) };
}

function decide(settings: WavesSettings, states: Record<string, RegionState>, now: string): WaveStep {
  const plan = planWaves(settings, {}, new Date('2026-11-23T09:00:00Z'));
  return decideWaveStep({ settings, plan, states, now: new Date(now) });
}

/** The step reduced to what a table compares. */
function summary(step: WaveStep) {
  switch (step.kind) {
    case 'start':
      return { kind: step.kind, wave: step.wave, regions: step.regions.map((r) => r.region) };
    case 'wait':
      return { kind: step.kind, wave: step.wave, until: step.until, waitingFor: step.waitingFor.map((r) => r.region) };
    case 'halt':
      return {
        kind: step.kind,
        wave: step.wave,
        rollback: step.rollback.map((r) => r.region),
        hold: step.hold.map((r) => r.region),
      };
    case 'done':
      return { kind: step.kind, at: step.at };
  }
}

/** One row of a decision table. */
interface Row {
  readonly name: string;
  readonly states: Record<string, RegionState>;
  readonly now: string;
  readonly expected: ReturnType<typeof summary>;
}

describe('decideWaveStep: fan-in and bake', () => {
  const settings = settingsWith({});
  it.each<Row>([
    {
      name: 'nothing started: the pilot starts',
      states: {},
      now: '2026-11-23T09:00:00Z',
      expected: { kind: 'start', wave: 1, regions: ['eu-west-1'] },
    },
    {
      name: 'pilot deploying: wait for it, no time to wake',
      states: { 'eu-west-1': deploying('2026-11-23T09:00:00Z') },
      now: '2026-11-23T09:20:00Z',
      expected: { kind: 'wait', wave: 1, until: undefined, waitingFor: ['eu-west-1'] },
    },
    {
      name: 'pilot healthy at 10:00, bake 1h: wait until 11:00',
      states: { 'eu-west-1': healthy('2026-11-23T10:00:00Z') },
      now: '2026-11-23T10:30:00Z',
      expected: { kind: 'wait', wave: 1, until: '2026-11-23T11:00:00Z', waitingFor: [] },
    },
    {
      name: 'pilot baked: wave 2 starts',
      states: { 'eu-west-1': healthy('2026-11-23T10:00:00Z') },
      now: '2026-11-23T11:00:00Z',
      expected: { kind: 'start', wave: 2, regions: ['us-east-2'] },
    },
    {
      name: 'one region of wave 3 healthy, the other deploying: no wave 4',
      states: {
        'eu-west-1': healthy('2026-11-23T10:00:00Z'),
        'us-east-2': healthy('2026-11-23T11:30:00Z'),
        'us-east-1': healthy('2026-11-23T13:00:00Z'),
        'us-west-2': deploying('2026-11-23T12:30:00Z'),
      },
      now: '2026-11-23T18:00:00Z',
      expected: { kind: 'wait', wave: 3, until: undefined, waitingFor: ['us-west-2'] },
    },
    {
      name: 'the bake counts from the last region of the wave to become healthy',
      states: {
        'eu-west-1': healthy('2026-11-23T10:00:00Z'),
        'us-east-2': healthy('2026-11-23T11:30:00Z'),
        'us-east-1': healthy('2026-11-23T13:00:00Z'),
        'us-west-2': healthy('2026-11-23T13:40:00Z'),
      },
      now: '2026-11-23T14:00:00Z',
      expected: { kind: 'wait', wave: 3, until: '2026-11-23T14:40:00Z', waitingFor: [] },
    },
    {
      name: 'wave 3 baked: both regions of wave 4 start',
      states: {
        'eu-west-1': healthy('2026-11-23T10:00:00Z'),
        'us-east-2': healthy('2026-11-23T11:30:00Z'),
        'us-east-1': healthy('2026-11-23T13:00:00Z'),
        'us-west-2': healthy('2026-11-23T13:40:00Z'),
      },
      now: '2026-11-23T14:40:00Z',
      expected: { kind: 'start', wave: 4, regions: ['eu-central-1', 'ap-northeast-1'] },
    },
    {
      name: 'every region healthy, the last wave still baking: wait',
      states: {
        'eu-west-1': healthy('2026-11-23T10:00:00Z'),
        'us-east-2': healthy('2026-11-23T11:30:00Z'),
        'us-east-1': healthy('2026-11-23T13:00:00Z'),
        'us-west-2': healthy('2026-11-23T13:40:00Z'),
        'eu-central-1': healthy('2026-11-23T15:10:00Z'),
        'ap-northeast-1': healthy('2026-11-23T15:20:00Z'),
      },
      now: '2026-11-23T16:00:00Z',
      expected: { kind: 'wait', wave: 4, until: '2026-11-23T16:20:00Z', waitingFor: [] },
    },
    {
      name: 'every wave healthy and baked: done',
      states: {
        'eu-west-1': healthy('2026-11-23T10:00:00Z'),
        'us-east-2': healthy('2026-11-23T11:30:00Z'),
        'us-east-1': healthy('2026-11-23T13:00:00Z'),
        'us-west-2': healthy('2026-11-23T13:40:00Z'),
        'eu-central-1': healthy('2026-11-23T15:10:00Z'),
        'ap-northeast-1': healthy('2026-11-23T15:20:00Z'),
      },
      now: '2026-11-23T16:20:00Z',
      expected: { kind: 'done', at: '2026-11-23T16:20:00Z' },
    },
  ])('$name', ({ states, now, expected }) => {
    expect(summary(decide(settings, states, now))).toEqual(expected);
  });
});

describe('decideWaveStep: unknown health holds', () => {
  const settings = settingsWith({});
  it.each([
    [
      'a verdict of unknown',
      { status: 'healthy', since: '2026-11-23T10:00:00Z', health: 'unknown' } as RegionState,
      /health unknown/,
    ],
    ['no verdict at all', { status: 'healthy', since: '2026-11-23T10:00:00Z' } as RegionState, /health not reported/],
    [
      'a pass with no time it became healthy',
      { status: 'healthy', health: 'pass' } as RegionState,
      /since when is not recorded/,
    ],
    [
      'a pass with a time that has no zone',
      { status: 'healthy', health: 'pass', since: '2026-11-23T10:00:00' } as RegionState,
      /since when is not recorded/,
    ],
  ])('%s: the pilot never promotes, even days later', (_name, state, reason) => {
    const step = decide(settings, { 'eu-west-1': state }, '2026-11-30T10:00:00Z');
    expect(step.kind).toBe('wait');
    if (step.kind !== 'wait') return;
    expect(step.wave).toBe(1);
    expect(step.until).toBeUndefined();
    expect(step.waitingFor.map((r) => r.region)).toEqual(['eu-west-1']);
    expect(step.waitingFor[0]?.reason).toMatch(reason);
  });
});

describe('decideWaveStep: parallel limit, windows and earliest start', () => {
  const settings: WavesSettings = {
    policy: wavesPolicy({
      timeZone: 'Europe/Berlin',
      waves: [
        { name: 'pilot', regions: ['eu-west-1'], bakeTime: '1h' },
        { name: 'rest', regions: ['us-west-2', 'us-east-1', 'eu-central-1', 'ap-northeast-1'], maxParallel: 2 },
      ],
      earliestStart: { 'us-west-2': { time: '06:00', timeZone: 'America/Los_Angeles' } },
    }),
  };
  const pilotDone = { 'eu-west-1': healthy('2026-11-23T09:00:00Z') };
  it.each<Row>([
    {
      name: 'a region not yet at its earliest start lets the others take the slots',
      states: pilotDone,
      now: '2026-11-23T10:00:00Z',
      expected: { kind: 'start', wave: 2, regions: ['us-east-1', 'eu-central-1'] },
    },
    {
      name: 'two deploying fill the limit: wait for a slot',
      states: {
        ...pilotDone,
        'us-east-1': deploying('2026-11-23T10:00:00Z'),
        'eu-central-1': deploying('2026-11-23T10:00:00Z'),
      },
      now: '2026-11-23T10:10:00Z',
      expected: { kind: 'wait', wave: 2, until: undefined, waitingFor: ['us-east-1', 'eu-central-1'] },
    },
    {
      name: 'one slot frees: one more region starts',
      states: {
        ...pilotDone,
        'us-east-1': healthy('2026-11-23T10:30:00Z'),
        'eu-central-1': deploying('2026-11-23T10:00:00Z'),
      },
      now: '2026-11-23T10:40:00Z',
      expected: { kind: 'start', wave: 2, regions: ['ap-northeast-1'] },
    },
    {
      name: 'only us-west-2 is left: wait for 06:00 Los Angeles (14:00 UTC)',
      states: {
        ...pilotDone,
        'us-east-1': healthy('2026-11-23T10:30:00Z'),
        'eu-central-1': healthy('2026-11-23T10:35:00Z'),
        'ap-northeast-1': healthy('2026-11-23T11:10:00Z'),
      },
      now: '2026-11-23T11:15:00Z',
      expected: { kind: 'wait', wave: 2, until: '2026-11-23T14:00:00Z', waitingFor: [] },
    },
    {
      name: 'past the Berlin window (16:00 UTC): Tuesday 09:00 Berlin is 00:00 in Los Angeles, so 14:00 UTC Tuesday',
      states: {
        ...pilotDone,
        'us-east-1': healthy('2026-11-23T10:30:00Z'),
        'eu-central-1': healthy('2026-11-23T10:35:00Z'),
        'ap-northeast-1': healthy('2026-11-23T11:10:00Z'),
      },
      now: '2026-11-23T16:30:00Z',
      expected: { kind: 'wait', wave: 2, until: '2026-11-24T14:00:00Z', waitingFor: [] },
    },
  ])('$name', ({ states, now, expected }) => {
    expect(summary(decide(settings, states, now))).toEqual(expected);
  });

  it('a wave due outside its window waits for the window and says so', () => {
    const step = decide(settings, { 'eu-west-1': healthy('2026-11-20T14:00:00Z') }, '2026-11-20T16:30:00Z');
    expect(summary(step)).toEqual({ kind: 'wait', wave: 2, until: '2026-11-23T08:00:00Z', waitingFor: [] });
    if (step.kind === 'wait') expect(step.reasons.map((r) => r.kind)).toEqual(['window']);
  });

  it('says why each waiting region waits', () => {
    const step = decide(settings, { 'eu-west-1': healthy('2026-11-23T07:00:00Z') }, '2026-11-23T09:00:00Z');
    expect(step.kind).toBe('start');
    if (step.kind !== 'start') return;
    expect(step.notes).toEqual([
      'ap-northeast-1 waits for a slot (at most 2 at once)',
      expect.stringMatching(
        /^us-west-2 may start at 2026-11-23 15:00 GMT\+1: us-west-2 starts no earlier than 06:00 America\/Los_Angeles/,
      ),
    ]);
  });
});

describe('decideWaveStep: a regression halts the rollout', () => {
  const promoted = {
    'eu-west-1': healthy('2026-11-23T10:00:00Z'),
    'us-east-2': healthy('2026-11-23T11:30:00Z'),
  };
  const names = (regions: readonly { region: string }[]) => regions.map((r) => r.region);

  it.each([
    {
      policy: 'hold',
      expected: { rollback: ['us-west-2'], hold: ['eu-west-1', 'us-east-2', 'us-east-1'] },
    },
    {
      policy: 'rollback',
      expected: { rollback: ['eu-west-1', 'us-east-2', 'us-west-2'], hold: ['us-east-1'] },
    },
  ])('wave 3 fails under onLaterWaveFailure: $policy', ({ policy, expected }) => {
    const settings = settingsWith({ onLaterWaveFailure: policy });
    const states = {
      ...promoted,
      'us-east-1': healthy('2026-11-23T13:00:00Z'),
      'us-west-2': {
        status: 'failed',
        since: '2026-11-23T13:10:00Z',
        health: 'fail',
        detail: 'error rate 4.1% > 1%',
      } as RegionState,
    };
    const step = decide(settings, states, '2026-11-23T13:15:00Z');
    expect(step.kind).toBe('halt');
    if (step.kind !== 'halt') return;
    expect(step.wave).toBe(3);
    expect(names(step.failed)).toEqual(['us-west-2']);
    expect(step.failed[0]?.reason).toBe('error rate 4.1% > 1%');
    expect(names(step.rollback)).toEqual(expected.rollback);
    expect(names(step.hold)).toEqual(expected.hold);
    expect(names(step.notStarted)).toEqual(['eu-central-1', 'ap-northeast-1']);
    expect(step.notes[0]).toBe('rollout halted: us-west-2 failed in wave 3');
    expect(step.rollback.find((r) => r.region === 'us-west-2')?.reason).toContain('rolled back on its own');
  });

  it('a failing verdict during deployment is a failure', () => {
    const step = decide(
      settingsWith({}),
      { 'eu-west-1': { status: 'deploying', since: '2026-11-23T09:00:00Z', health: 'fail' } },
      '2026-11-23T09:10:00Z',
    );
    expect(summary(step)).toEqual({ kind: 'halt', wave: 1, rollback: ['eu-west-1'], hold: [] });
  });

  it('stays halted once the rollbacks are done, and never starts the next wave', () => {
    const settings = settingsWith({ onLaterWaveFailure: 'rollback' });
    const states: Record<string, RegionState> = {
      'eu-west-1': { status: 'rolled-back', since: '2026-11-23T13:20:00Z' },
      'us-east-2': { status: 'rolled-back', since: '2026-11-23T13:20:00Z' },
      'us-east-1': healthy('2026-11-23T13:00:00Z'),
      'us-west-2': { status: 'rolled-back', since: '2026-11-23T13:16:00Z', detail: 'rollback PR #42' },
    };
    const step = decide(settings, states, '2026-11-24T09:00:00Z');
    expect(step.kind).toBe('halt');
    if (step.kind !== 'halt') return;
    expect(step.wave).toBe(3);
    expect(step.rollback).toEqual([]);
    expect(names(step.rolledBack)).toEqual(['eu-west-1', 'us-east-2', 'us-west-2']);
    expect(step.rolledBack[2]?.reason).toContain('rollback PR #42');
    expect(names(step.notStarted)).toEqual(['eu-central-1', 'ap-northeast-1']);
    expect(step.notes).toContain('nothing left to roll back');
  });

  it('refuses states of regions the plan does not hold', () => {
    expect(() =>
      decide(settingsWith({}), { 'mars-1': healthy('2026-11-23T10:00:00Z') }, '2026-11-23T10:00:00Z'),
    ).toThrow(ConfigurationError);
  });
});

describe('a rollout of six regions in four waves, driven step by step', () => {
  /**
   * Each region deploys in 20 minutes and then reports its verdict; us-west-2
   * (wave 3) regresses. The loop applies each step as a runner would: starts
   * deployments, moves the clock to the time a wait names or to the next
   * report, and rolls back what the halt names.
   */
  function drive(onLaterWaveFailure: 'hold' | 'rollback') {
    const settings = settingsWith({ onLaterWaveFailure });
    const plan = planWaves(settings, { service: 'checkout', version: '2.4.0' }, new Date('2026-11-23T09:00:00Z'));
    const states: Record<string, RegionState> = {};
    const started: string[][] = [];
    let now = Date.parse('2026-11-23T09:00:00Z');
    const iso = (t: number) => new Date(t).toISOString();
    for (let i = 0; i < 50; i++) {
      const step = decideWaveStep({ settings, plan, states, now: new Date(now) });
      if (step.kind === 'start') {
        started.push(step.regions.map((r) => r.region));
        for (const r of step.regions) states[r.region] = { status: 'deploying', since: iso(now) };
      } else if (step.kind === 'wait' && step.until !== undefined) {
        now = Date.parse(step.until);
      } else if (step.kind === 'wait') {
        // Deployments report 20 minutes after they start.
        now += 20 * 60_000;
        for (const r of step.waitingFor) {
          states[r.region] =
            r.region === 'us-west-2'
              ? { status: 'failed', since: iso(now), health: 'fail', detail: 'p99 latency regressed' }
              : { status: 'healthy', since: iso(now), health: 'pass' };
        }
      } else if (step.kind === 'halt') {
        if (step.rollback.length === 0) return { step, started, states, now };
        for (const r of step.rollback) states[r.region] = { status: 'rolled-back', since: iso(now) };
      } else {
        return { step, started, states, now };
      }
    }
    throw new Error('the rollout did not settle in 50 steps');
  }

  it.each([
    { policy: 'hold' as const, earlier: 'healthy' },
    { policy: 'rollback' as const, earlier: 'rolled-back' },
  ])(
    'under $policy: wave 3 regresses, us-west-2 rolls back, waves 1 and 2 end $earlier, wave 4 never starts',
    ({ policy, earlier }) => {
      const { step, started, states, now } = drive(policy);
      expect(started).toEqual([['eu-west-1'], ['us-east-2'], ['us-east-1', 'us-west-2']]);
      expect(step.kind).toBe('halt');
      expect(Object.fromEntries(Object.entries(states).map(([r, s]) => [r, s.status]))).toEqual({
        'eu-west-1': earlier,
        'us-east-2': earlier,
        'us-east-1': 'healthy',
        'us-west-2': 'rolled-back',
      });
      expect(states['eu-central-1']).toBeUndefined();
      expect(states['ap-northeast-1']).toBeUndefined();
      // Pilot 09:00-09:20 + 1h bake, wave 2 10:20-10:40 + 1h bake, wave 3 from 11:40, its verdicts at 12:00.
      expect(new Date(now).toISOString()).toBe('2026-11-23T12:00:00.000Z');
    },
  );
});

describe('decideWaveStep: a later wave started out of order', () => {
  it('carries on with the earlier wave and says what is ahead of it', () => {
    const step = decide(
      settingsWith({}),
      { 'eu-central-1': deploying('2026-11-23T09:00:00Z') },
      '2026-11-23T09:00:00Z',
    );
    expect(summary(step)).toEqual({ kind: 'start', wave: 1, regions: ['eu-west-1'] });
    expect(step.notes).toContain('eu-central-1 of wave 4 is deploying before wave 1 completed');
  });
});
