import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { planWaves } from '../../src/waves/planner.js';
import type { HolidayCalendar, WavesSettings } from '../../src/waves/settings.js';
import type { WavesPlan } from '../../src/waves/types.js';
import { ALWAYS, SIX_REGIONS, wavesPolicy } from './helpers.js';

const at = (iso: string) => new Date(iso);
/** Region → planned start, the shape most tables compare. */
const starts = (plan: WavesPlan) =>
  Object.fromEntries(plan.waves.flatMap((w) => w.regions.map((r) => [r.region, r.start.at])));
const kinds = (plan: WavesPlan, region: string) =>
  plan.waves
    .flatMap((w) => w.regions)
    .find((r) => r.region === region)
    ?.start.why.map((w) => w.kind);
const NO_CANARY = { regionDeployMs: 30 * 60_000, canaryMs: 0 };

describe('planWaves: business hours and a Friday afternoon', () => {
  const settings: WavesSettings = {
    policy: wavesPolicy({ timeZone: 'Europe/Berlin', waves: SIX_REGIONS }),
    estimates: { regionDeployMs: 30 * 60_000, canaryMs: 60 * 60_000 },
  };

  it('starts the pilot at once and pushes the next wave past the weekend to Monday 09:00 Berlin', () => {
    // Friday 15:30 CET: the pilot (canary) is healthy by 17:00 and baked by 18:00, after the window.
    const plan = planWaves(settings, { service: 'checkout', version: '2.4.0' }, at('2026-11-20T14:30:00Z'));
    expect(starts(plan)).toEqual({
      'eu-west-1': '2026-11-20T14:30:00Z',
      'us-east-2': '2026-11-23T08:00:00Z',
      'us-east-1': '2026-11-23T09:30:00Z',
      'us-west-2': '2026-11-23T09:30:00Z',
      'eu-central-1': '2026-11-23T11:00:00Z',
      'ap-northeast-1': '2026-11-23T11:00:00Z',
    });
    expect(plan.waves.map((w) => [w.healthyBy.at, w.bakedBy.at])).toEqual([
      ['2026-11-20T16:00:00Z', '2026-11-20T17:00:00Z'],
      ['2026-11-23T08:30:00Z', '2026-11-23T09:30:00Z'],
      ['2026-11-23T10:00:00Z', '2026-11-23T11:00:00Z'],
      ['2026-11-23T11:30:00Z', '2026-11-23T12:30:00Z'],
    ]);
    expect(plan.doneBy.at).toBe('2026-11-23T12:30:00Z');
    // Every planned time says why: the last wave's bake, after its last region's estimate.
    expect(plan.doneBy.why.map((r) => r.kind)).toEqual(['bake']);
    expect(plan.doneBy.why[0]?.detail).toBe(
      'wave 4 (rest) bakes 1h after ap-northeast-1, its last region, is expected healthy at 2026-11-23 12:30 GMT+1; until 2026-11-23 13:30 GMT+1',
    );
    expect(plan.waves[0]?.regions[0]?.healthyBy.why[0]?.detail).toBe(
      'eu-west-1 is estimated to take 30m to deploy and verify plus 1h of canary stages: healthy by 2026-11-20 17:00 GMT+1',
    );
    expect(kinds(plan, 'us-east-2')).toEqual(['previous-wave', 'bake', 'window']);
    const window = plan.waves[1]?.start.why.find((r) => r.kind === 'window');
    expect(window?.detail).toContain('mon-fri 09:00-17:00 Europe/Berlin');
    expect(window?.detail).toContain('2026-11-23 09:00 GMT+1');
    expect(window?.until).toBe('2026-11-23T08:00:00Z');
  });

  it('waits for Monday when asked on a Saturday', () => {
    const plan = planWaves(settings, {}, at('2026-11-21T10:00:00Z'));
    expect(plan.waves[0]?.start.at).toBe('2026-11-23T08:00:00Z');
    expect(kinds(plan, 'eu-west-1')).toEqual(['requested', 'window']);
  });

  it('only the first wave runs the canary unless the policy says all', () => {
    expect(planWaves(settings, {}, at('2026-11-23T09:00:00Z')).waves.map((w) => w.canary)).toEqual([
      true,
      false,
      false,
      false,
    ]);
    const all = { ...settings, policy: wavesPolicy({ timeZone: 'Europe/Berlin', waves: SIX_REGIONS, canary: 'all' }) };
    const plan = planWaves(all, {}, at('2026-11-23T09:00:00Z'));
    expect(plan.waves.map((w) => w.canary)).toEqual([true, true, true, true]);
    expect(plan.waves[1]?.healthyBy.at).toBe('2026-11-23T13:00:00Z');
  });
});

describe('planWaves: windows across midnight', () => {
  const policy = wavesPolicy({
    waves: [
      { name: 'pilot', regions: ['eu-west-1'], bakeTime: '1h' },
      { name: 'rest', regions: ['us-east-1'], bakeTime: '1h' },
    ],
    windows: [
      { days: ['fri'], hours: '22:00-24:00' },
      { days: ['sat'], hours: '00:00-02:00' },
    ],
  });
  it.each([
    // The pilot takes 30m to deploy and bakes 1h: wave 2 is ready 1h30 after the pilot starts.
    ['2026-11-20T21:00:00Z', '2026-11-20T22:00:00Z', '2026-11-20T23:30:00Z', 'before the window: Friday 22:00'],
    [
      '2026-11-20T23:00:00Z',
      '2026-11-20T23:00:00Z',
      '2026-11-21T00:30:00Z',
      'inside: now; wave 2 after midnight, still inside',
    ],
    [
      '2026-11-21T00:15:00Z',
      '2026-11-21T00:15:00Z',
      '2026-11-21T01:45:00Z',
      'after midnight: now; wave 2 just before 02:00',
    ],
    [
      '2026-11-21T00:30:00Z',
      '2026-11-21T00:30:00Z',
      '2026-11-27T22:00:00Z',
      'after midnight: now; wave 2 ready at 02:00, the end: next Friday',
    ],
    ['2026-11-21T02:00:00Z', '2026-11-27T22:00:00Z', '2026-11-27T23:30:00Z', 'the window ends at 02:00: next Friday'],
  ])('at %s the pilot starts %s and wave 2 %s (%s)', (now, pilot, second) => {
    const plan = planWaves({ policy, estimates: NO_CANARY }, {}, at(now));
    expect(starts(plan)).toEqual({ 'eu-west-1': pilot, 'us-east-1': second });
  });
});

describe('planWaves: daylight-saving changes', () => {
  const twoWaves = [
    { name: 'pilot', regions: ['eu-west-1'], bakeTime: '1h' },
    { name: 'rest', regions: ['us-east-1'], bakeTime: '1h' },
  ];
  it.each([
    {
      name: 'New York business hours: Monday after spring forward opens at 13:00 UTC, not 14:00',
      zone: 'America/New_York',
      windows: undefined,
      now: '2026-03-06T21:00:00Z', // Friday 16:00 EST
      expected: { 'eu-west-1': '2026-03-06T21:00:00Z', 'us-east-1': '2026-03-09T13:00:00Z' },
    },
    {
      name: 'New York business hours: Monday after fall back opens at 14:00 UTC',
      zone: 'America/New_York',
      windows: undefined,
      now: '2026-10-30T20:00:00Z', // Friday 16:00 EDT
      expected: { 'eu-west-1': '2026-10-30T20:00:00Z', 'us-east-1': '2026-11-02T14:00:00Z' },
    },
    {
      name: 'New York window 02:30-04:00 on the spring-forward night opens at the change (03:00 EDT)',
      zone: 'America/New_York',
      windows: [{ days: ['sun'], hours: '02:30-04:00' }],
      now: '2026-03-08T05:00:00Z', // 00:00 EST
      expected: { 'eu-west-1': '2026-03-08T07:00:00Z', 'us-east-1': '2026-03-15T06:30:00Z' },
    },
    {
      name: 'New York window 02:00-03:00 does not exist on the spring-forward night: the next one',
      zone: 'America/New_York',
      windows: [{ days: ['sun'], hours: '02:00-03:00' }],
      now: '2026-03-08T05:00:00Z',
      expected: { 'eu-west-1': '2026-03-15T06:00:00Z', 'us-east-1': '2026-03-22T06:00:00Z' },
    },
    {
      name: 'New York window 01:00-02:00 on the fall-back night lasts two hours',
      zone: 'America/New_York',
      windows: [{ days: ['sun'], hours: '01:00-02:00' }],
      now: '2026-11-01T04:30:00Z', // 00:30 EDT; pilot 05:00Z (01:00 EDT), wave 2 ready 06:30Z = 01:30 EST, still inside
      expected: { 'eu-west-1': '2026-11-01T05:00:00Z', 'us-east-1': '2026-11-01T06:30:00Z' },
    },
    {
      name: 'Berlin business hours across spring forward: Monday 09:00 CEST is 07:00 UTC',
      zone: 'Europe/Berlin',
      windows: undefined,
      now: '2026-03-27T15:00:00Z', // Friday 16:00 CET
      expected: { 'eu-west-1': '2026-03-27T15:00:00Z', 'us-east-1': '2026-03-30T07:00:00Z' },
    },
    {
      name: 'Berlin every day 09:00-17:00 across fall back: Sunday 09:00 CET is 08:00 UTC',
      zone: 'Europe/Berlin',
      windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], hours: '09:00-17:00' }],
      now: '2026-10-24T14:00:00Z', // Saturday 16:00 CEST
      expected: { 'eu-west-1': '2026-10-24T14:00:00Z', 'us-east-1': '2026-10-25T08:00:00Z' },
    },
    {
      name: 'Berlin window 02:00-03:00 vanishes on the spring-forward night',
      zone: 'Europe/Berlin',
      windows: [{ days: ['sun'], hours: '02:00-03:00' }],
      now: '2026-03-28T23:00:00Z',
      expected: { 'eu-west-1': '2026-04-05T00:00:00Z', 'us-east-1': '2026-04-12T00:00:00Z' },
    },
    {
      name: 'New York window 01:15-01:30 on the fall-back night opens twice: asked at 01:00 EST, the second pass',
      zone: 'America/New_York',
      windows: [{ days: ['sun'], hours: '01:15-01:30' }],
      now: '2026-11-01T06:00:00Z', // 01:00 EST, an hour after 01:00 EDT
      expected: { 'eu-west-1': '2026-11-01T06:15:00Z', 'us-east-1': '2026-11-08T06:15:00Z' },
    },
  ])('$name', ({ zone, windows, now, expected }) => {
    const policy = wavesPolicy({ timeZone: zone, waves: twoWaves, ...(windows ? { windows } : {}) });
    expect(starts(planWaves({ policy, estimates: NO_CANARY }, {}, at(now)))).toEqual(expected);
  });
});

describe('planWaves: blocked dates and holiday calendars', () => {
  const waves = [
    { name: 'pilot', regions: ['eu-west-1'], bakeTime: '1h' },
    { name: 'rest', regions: ['us-east-1', 'ap-northeast-1'], bakeTime: '1h' },
  ];
  it('skips a blocked range and says so', () => {
    const policy = wavesPolicy({
      waves,
      blockedDates: [{ from: '2026-12-24', to: '2026-12-26', reason: 'year-end freeze' }],
    });
    const plan = planWaves({ policy, estimates: NO_CANARY }, {}, at('2026-12-23T16:00:00Z'));
    expect(plan.waves[1]?.start.at).toBe('2026-12-28T09:00:00Z');
    const blocked = plan.waves[1]?.start.why.find((r) => r.kind === 'blocked-date');
    expect(blocked?.detail).toContain('2026-12-24 to 2026-12-26 blocked (year-end freeze)');
    // The window opens Thursday 09:00, which is blocked; the next open window is Monday's.
    expect(kinds(plan, 'us-east-1')).toEqual(['previous-wave', 'bake', 'window', 'blocked-date', 'window']);
  });

  it('a blocked date in the policy zone starts at that zone midnight', () => {
    const policy = wavesPolicy({
      waves,
      timeZone: 'Asia/Tokyo',
      windows: ALWAYS,
      blockedDates: [{ from: '2026-11-23' }],
    });
    // 2026-11-22T16:00Z is Monday 01:00 in Tokyo: blocked until Tuesday 00:00 JST.
    const plan = planWaves({ policy, estimates: NO_CANARY }, {}, at('2026-11-22T16:00:00Z'));
    expect(plan.waves[0]?.start.at).toBe('2026-11-23T15:00:00Z');
  });

  it('a regional holiday calendar delays only its regions', () => {
    const policy = wavesPolicy({ waves: [{ name: 'all', regions: ['eu-west-1', 'us-east-1', 'ap-northeast-1'] }] });
    const calendars: HolidayCalendar[] = [
      { name: 'us', regions: ['us-east-1'], holidays: [{ date: '2026-11-26', name: 'Thanksgiving Day' }] },
      {
        name: 'jp',
        regions: ['ap-northeast-1'],
        timeZone: 'Asia/Tokyo',
        holidays: [{ date: '2026-11-27', name: 'test holiday' }],
      },
    ];
    const plan = planWaves({ policy, calendars, estimates: NO_CANARY }, {}, at('2026-11-26T10:00:00Z'));
    expect(starts(plan)).toEqual({
      'eu-west-1': '2026-11-26T10:00:00Z',
      // Friday 09:00 UTC is inside the UTC window and no longer Thanksgiving.
      'us-east-1': '2026-11-27T09:00:00Z',
      // Thursday 10:00 UTC is 19:00 Thursday in Tokyo: not yet the Japanese holiday.
      'ap-northeast-1': '2026-11-26T10:00:00Z',
    });
    expect(kinds(plan, 'us-east-1')).toEqual(['requested', 'holiday', 'window']);
    expect(plan.waves[0]?.regions.find((r) => r.region === 'us-east-1')?.start.why[1]?.detail).toContain(
      'holiday in the us calendar (Thanksgiving Day)',
    );
  });

  it('a holiday in the calendar zone blocks that zone day', () => {
    const policy = wavesPolicy({ waves: [{ name: 'all', regions: ['ap-northeast-1'] }], windows: ALWAYS });
    const calendars: HolidayCalendar[] = [
      { name: 'jp', timeZone: 'Asia/Tokyo', holidays: [{ date: '2026-11-27', name: 'test holiday' }] },
    ];
    // 2026-11-26T16:00Z is Friday 01:00 in Tokyo.
    const plan = planWaves({ policy, calendars, estimates: NO_CANARY }, {}, at('2026-11-26T16:00:00Z'));
    expect(plan.waves[0]?.start.at).toBe('2026-11-27T15:00:00Z');
  });
});

describe('planWaves: waves larger than the parallel limit', () => {
  it('runs at most maxParallel regions at once, in batches', () => {
    const policy = wavesPolicy({
      windows: ALWAYS,
      waves: [{ name: 'big', regions: ['a', 'b', 'c', 'd', 'e'], maxParallel: 2, bakeTime: '30m' }],
    });
    const plan = planWaves({ policy, estimates: NO_CANARY }, {}, at('2026-11-23T10:00:00Z'));
    const wave = plan.waves[0];
    expect(wave?.batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(wave?.regions.map((r) => [r.region, r.batch, r.start.at])).toEqual([
      ['a', 1, '2026-11-23T10:00:00Z'],
      ['b', 1, '2026-11-23T10:00:00Z'],
      ['c', 2, '2026-11-23T10:30:00Z'],
      ['d', 2, '2026-11-23T10:30:00Z'],
      ['e', 3, '2026-11-23T11:00:00Z'],
    ]);
    expect(wave?.healthyBy.at).toBe('2026-11-23T11:30:00Z');
    expect(wave?.bakedBy.at).toBe('2026-11-23T12:00:00Z');
    expect(kinds(plan, 'c')).toEqual(['requested', 'parallel-limit']);
    expect(wave?.regions[2]?.start.why[1]?.detail).toContain('at most 2 regions at once');
  });

  it('a batch that would run past the window waits for the next window', () => {
    const policy = wavesPolicy({ waves: [{ name: 'big', regions: ['a', 'b', 'c'], maxParallel: 1 }] });
    const plan = planWaves({ policy, estimates: NO_CANARY }, {}, at('2026-11-20T16:00:00Z'));
    expect(starts(plan)).toEqual({ a: '2026-11-20T16:00:00Z', b: '2026-11-20T16:30:00Z', c: '2026-11-23T09:00:00Z' });
    expect(kinds(plan, 'c')).toEqual(['requested', 'parallel-limit', 'window']);
    expect(plan.waves[0]?.batches.every((b) => b.length <= 1)).toBe(true);
  });
});

describe('planWaves: per-region earliest start', () => {
  it('a region waits for its own local time without holding back the others', () => {
    const policy = wavesPolicy({
      windows: ALWAYS,
      waves: [{ name: 'all', regions: ['us-west-2', 'eu-west-1', 'ap-southeast-1'], maxParallel: 1 }],
      earliestStart: { 'us-west-2': { time: '09:00', timeZone: 'America/Los_Angeles' } },
    });
    const plan = planWaves({ policy, estimates: NO_CANARY }, {}, at('2026-11-20T10:00:00Z'));
    expect(plan.waves[0]?.regions.map((r) => [r.region, r.start.at])).toEqual([
      ['eu-west-1', '2026-11-20T10:00:00Z'],
      ['ap-southeast-1', '2026-11-20T10:30:00Z'],
      // 09:00 PST is 17:00 UTC.
      ['us-west-2', '2026-11-20T17:00:00Z'],
    ]);
    const reason = plan.waves[0]?.regions[2]?.start.why.find((r) => r.kind === 'earliest-start');
    expect(reason?.detail).toContain('us-west-2 starts no earlier than 09:00 America/Los_Angeles');
  });

  it('an earliest start repeated by a fall-back night is honoured on its second pass', () => {
    const policy = wavesPolicy({
      windows: ALWAYS,
      waves: [{ name: 'all', regions: ['us-east-1'] }],
      earliestStart: { 'us-east-1': { time: '01:30', timeZone: 'America/New_York' } },
    });
    // 06:00Z is 01:00 EST, after the first 01:30 (05:30Z, EDT) but before the second.
    expect(planWaves({ policy, estimates: NO_CANARY }, {}, at('2026-11-01T06:00:00Z')).waves[0]?.start.at).toBe(
      '2026-11-01T06:30:00Z',
    );
  });

  it('an earliest start in the policy zone combines with the window', () => {
    const policy = wavesPolicy({
      timeZone: 'Europe/Berlin',
      waves: [{ name: 'all', regions: ['eu-central-1'] }],
      earliestStart: { 'eu-central-1': { time: '14:00' } },
    });
    // Monday 08:00 CET: the window opens at 09:00, the region at 14:00.
    const plan = planWaves({ policy, estimates: NO_CANARY }, {}, at('2026-11-23T07:00:00Z'));
    expect(plan.waves[0]?.start.at).toBe('2026-11-23T13:00:00Z');
    expect(kinds(plan, 'eu-central-1')).toEqual(['requested', 'window', 'earliest-start']);
  });

  it('a region the windows never allow is a configuration error naming the field', () => {
    const policy = wavesPolicy({
      waves: [{ name: 'all', regions: ['eu-west-1'] }],
      windows: [{ days: ['mon'], hours: '09:00-10:00' }],
      earliestStart: { 'eu-west-1': { time: '12:00' } },
    });
    expect(() => planWaves({ policy }, {}, at('2026-11-23T07:00:00Z'))).toThrow(ConfigurationError);
    expect(() => planWaves({ policy }, {}, at('2026-11-23T07:00:00Z'))).toThrow(/eu-west-1.*can never start/);
  });
});

describe('planWaves: the release', () => {
  const policy = wavesPolicy({ waves: SIX_REGIONS, windows: ALWAYS, environment: '{environment}/{region}' });
  it('plans only the release regions, drops empty waves, and names environments from the pattern', () => {
    const plan = planWaves(
      { policy },
      { environment: 'staging', regions: ['us-east-1', 'ap-northeast-1'] },
      at('2026-11-23T10:00:00Z'),
    );
    expect(plan.waves.map((w) => [w.index, w.name, w.regions.map((r) => r.environment)])).toEqual([
      [1, 'two', ['staging/us-east-1']],
      [2, 'rest', ['staging/ap-northeast-1']],
    ]);
    // The release's first wave leads with the canary even though it is not the policy's first.
    expect(plan.waves[0]?.canary).toBe(true);
  });
  it.each([
    [{ environment: 'staging', regions: ['mars-1'] }, /mars-1.*in no wave/],
    [{ regions: ['us-east-1'] }, /uses \{environment\}, but the release has no environment/],
    [{ environment: 'staging', regions: [] }, /names no region/],
  ])('refuses %j', (release, message) => {
    expect(() => planWaves({ policy }, release, at('2026-11-23T10:00:00Z'))).toThrow(message);
  });
  it('refuses a deploy estimate under a minute', () => {
    expect(() =>
      planWaves({ policy, estimates: { regionDeployMs: 0 } }, { environment: 'x' }, at('2026-11-23T10:00:00Z')),
    ).toThrow(/at least 1m/);
  });
  it('is the same plan for the same inputs', () => {
    const a = planWaves({ policy }, { environment: 'p' }, at('2026-11-23T10:00:00Z'));
    expect(planWaves({ policy }, { environment: 'p' }, at('2026-11-23T10:00:00Z'))).toEqual(a);
  });
});
