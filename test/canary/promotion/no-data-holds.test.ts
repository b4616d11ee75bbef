/**
 * A NoData judgment (too few points, infinite values, no data) holds the
 * stage: traffic stays where it is, it is not a failed interval, the stage
 * does not move on, and a later Pass takes it forward as usual.
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/canary/promotion/decide.js';
import type { Step } from '../../../src/canary/promotion/model.js';
import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import { facts, policy, stableManifest } from './fixtures.js';

function applied(step: Step): ReleaseManifest {
  if (step.kind !== 'transition')
    throw new Error(`expected a transition, got ${step.kind}: ${JSON.stringify(step.explanation)}`);
  return step.manifest;
}

const started = applied(decide(stableManifest, policy, { kind: 'start', version: '1.42.0', by: 'alice' }, facts(0)));
const noData = {
  verdict: 'NoData' as const,
  score: null,
  reason: 'latency-p99: too few points: canary 6 of 10 points, baseline 6 of 10 points',
};

describe('a NoData judgment', () => {
  it('holds at every look of a stage, at its end too, without counting a failed interval', () => {
    let m = started;
    for (const minute of [5, 10, 15, 20]) {
      const step = decide(m, policy, { kind: 'tick' }, facts(minute, { judgment: noData }));
      m = applied(step);
      expect(step.kind === 'transition' && step.effects.map((e) => e.kind)).toEqual(['held']);
      expect(m.canary).toEqual({ version: '1.42.0', weight: 1 });
      expect(m.promotion).toMatchObject({ phase: 'soaking', stage: 0, failedIntervals: 0 });
    }
    // past the soak, the next Pass moves it on
    const passed = applied(
      decide(
        m,
        policy,
        { kind: 'tick' },
        facts(25, { judgment: { verdict: 'Pass', score: 100, reason: 'all 2 metrics pass' } }),
      ),
    );
    expect(passed.canary.weight).toBe(5);
  });
});
