/**
 * Invariants of the planner and the decision over random policies and
 * states: no wave before the previous one has baked, never more than
 * maxParallel regions in flight, every start allowed by its rules, and no
 * start after a failure or past a region whose health is not a pass.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { earliestAllowed, startRules } from '../../src/waves/constraints.js';
import { decideWaveStep } from '../../src/waves/decide.js';
import { planWaves } from '../../src/waves/planner.js';
import type { HealthVerdict, RegionState, RegionStatus } from '../../src/waves/types.js';
import { ALWAYS, wavesPolicy } from './helpers.js';

const REGIONS = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7'];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'];

/** Waves cut from the regions at random points, each with its own limit and bake; earliest starts before 17:00 so that business hours always leave a time. */
const policyArb = fc
  .record({
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: REGIONS.length - 1 }), { maxLength: 4 }),
    limits: fc.array(fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), { minLength: 5, maxLength: 5 }),
    bakes: fc.array(fc.constantFrom('0s', '30m', '1h', '4h'), { minLength: 5, maxLength: 5 }),
    zone: fc.constantFrom(...ZONES),
    businessHours: fc.boolean(),
    earliest: fc.option(fc.record({ region: fc.constantFrom(...REGIONS), hour: fc.integer({ min: 0, max: 16 }) }), {
      nil: undefined,
    }),
    canary: fc.constantFrom('all', 'first-wave-only'),
  })
  .map(({ cuts, limits, bakes, zone, businessHours, earliest, canary }) => {
    const bounds = [0, ...[...cuts].sort((a, b) => a - b), REGIONS.length];
    const waves = bounds.slice(1).map((end, i) => ({
      name: `w${i + 1}`,
      regions: REGIONS.slice(bounds[i], end),
      ...(limits[i] === undefined ? {} : { maxParallel: limits[i] }),
      bakeTime: bakes[i] ?? '1h',
    }));
    return wavesPolicy({
      waves,
      timeZone: zone,
      canary,
      ...(businessHours ? {} : { windows: ALWAYS }),
      ...(earliest
        ? { earliestStart: { [earliest.region]: { time: `${String(earliest.hour).padStart(2, '0')}:00` } } }
        : {}),
    });
  });

const nowArb = fc
  .integer({ min: Date.parse('2026-01-01T00:00:00Z') / 60_000, max: Date.parse('2026-12-31T00:00:00Z') / 60_000 })
  .map((m) => new Date(m * 60_000));

describe('planner invariants', () => {
  it('waves wait for the bake, batches respect maxParallel, every start is allowed', () => {
    fc.assert(
      fc.property(policyArb, nowArb, fc.integer({ min: 1, max: 120 }), (policy, now, deployMinutes) => {
        const settings = { policy, estimates: { regionDeployMs: deployMinutes * 60_000, canaryMs: 45 * 60_000 } };
        const plan = planWaves(settings, {}, now);
        expect(plan.waves.flatMap((w) => w.regions.map((r) => r.region)).sort()).toEqual([...REGIONS].sort());
        let previousBaked = now.getTime();
        for (const wave of plan.waves) {
          const starts = wave.regions.map((r) => Date.parse(r.start.at));
          expect(Math.min(...starts)).toBeGreaterThanOrEqual(previousBaked);
          for (const batch of wave.batches) expect(batch.length).toBeLessThanOrEqual(wave.maxParallel);
          for (const s of starts) {
            const inFlight = wave.regions.filter((r) => Date.parse(r.start.at) <= s && s < Date.parse(r.healthyBy.at));
            expect(inFlight.length).toBeLessThanOrEqual(wave.maxParallel);
          }
          for (const region of wave.regions) {
            const start = Date.parse(region.start.at);
            expect(earliestAllowed(startRules(policy, [], region.region), start).at).toBe(start);
          }
          previousBaked = Date.parse(wave.bakedBy.at);
        }
        expect(plan.doneBy).toEqual(plan.waves[plan.waves.length - 1]?.bakedBy);
      }),
      { numRuns: 150, seed: 20261122 },
    );
  });
});

const stateArb: fc.Arbitrary<RegionState | undefined> = fc
  .option(
    fc.record({
      status: fc.constantFrom<RegionStatus>(
        'pending',
        'deploying',
        'healthy',
        'healthy',
        'healthy',
        'failed',
        'rolled-back',
      ),
      health: fc.option(fc.constantFrom<HealthVerdict>('pass', 'pass', 'pass', 'fail', 'unknown'), { nil: undefined }),
      sinceMinutes: fc.integer({ min: 0, max: 24 * 60 }),
    }),
    { nil: undefined, freq: 3 },
  )
  .map((s) =>
    s === undefined
      ? undefined
      : {
          status: s.status,
          since: new Date(Date.parse('2026-11-23T00:00:00Z') + s.sinceMinutes * 60_000).toISOString(),
          ...(s.health ? { health: s.health } : {}),
        },
  );

describe('decision invariants', () => {
  it('a start never passes a wave that is not all healthy, passing and baked, and nothing starts after a failure', () => {
    fc.assert(
      fc.property(
        policyArb,
        fc.array(stateArb, { minLength: REGIONS.length, maxLength: REGIONS.length }),
        fc.integer({ min: 0, max: 48 * 60 }),
        (policy, drawn, nowMinutes) => {
          const settings = { policy };
          const plan = planWaves(settings, {}, new Date('2026-11-23T00:00:00Z'));
          const states: Record<string, RegionState> = {};
          REGIONS.forEach((r, i) => {
            const s = drawn[i];
            if (s) states[r] = s;
          });
          const now = Date.parse('2026-11-23T00:00:00Z') + nowMinutes * 60_000;
          const step = decideWaveStep({ settings, plan, states, now: new Date(now) });
          const failedOrRolledBack = Object.values(states).some(
            (s) =>
              s.status === 'failed' ||
              s.status === 'rolled-back' ||
              (s.health === 'fail' && (s.status === 'deploying' || s.status === 'healthy')),
          );
          if (failedOrRolledBack) {
            expect(step.kind).toBe('halt');
            return;
          }
          if (step.kind !== 'start') return;
          for (const wave of plan.waves.filter((w) => w.index < step.wave)) {
            const healthyAt = wave.regions.map((r) => {
              const s = states[r.region];
              expect(s?.status).toBe('healthy');
              expect(s?.health).toBe('pass');
              return Date.parse(s?.since ?? '');
            });
            expect(Math.max(...healthyAt) + wave.bakeMs).toBeLessThanOrEqual(now);
          }
          const wave = plan.waves.find((w) => w.index === step.wave);
          const busy = wave?.regions.filter((r) => {
            const s = states[r.region];
            return s?.status === 'deploying' || (s?.status === 'healthy' && s.health !== 'pass');
          }).length;
          expect((busy ?? 0) + step.regions.length).toBeLessThanOrEqual(wave?.maxParallel ?? 0);
          for (const region of step.regions) {
            expect(states[region.region]?.status ?? 'pending').toBe('pending');
            expect(earliestAllowed(startRules(policy, [], region.region), now).at).toBe(now);
          }
        },
      ),
      { numRuns: 300, seed: 20261122 },
    );
  });
});
