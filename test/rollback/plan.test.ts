import { describe, expect, it } from 'vitest';
import type { ReleaseManifest } from '../../src/gitops/manifest.js';
import type { RollbackRequest } from '../../src/rollback/plan.js';
import { planRollback } from '../../src/rollback/plan.js';

const now = new Date('2026-11-22T12:00:00Z');
const base: ReleaseManifest = {
  service: 'checkout',
  environment: 'production',
  region: 'eu-west-1',
  stable: { version: '1.41.0' },
  canary: { version: null, weight: 0 },
  previous: [{ version: '1.40.2' }, { version: '1.40.1' }],
};
const req: RollbackRequest = {
  reason: 'p99 alert',
  by: 'pagerduty',
  now,
  irreversible: 'roll-forward',
  isQuarantined: () => false,
};
const canaryAt = (weight: number, extra: Partial<ReleaseManifest['canary']> = {}): ReleaseManifest => ({
  ...base,
  canary: { version: '1.42.0', weight, ...extra },
});

describe('planRollback', () => {
  it('sends a canary with traffic back to 0%', () => {
    const plan = planRollback(canaryAt(25), req);
    expect(plan).toMatchObject({
      kind: 'restore',
      bad: '1.42.0',
      good: '1.41.0',
      next: { canary: { version: null, weight: 0 }, stable: { version: '1.41.0' } },
    });
    expect(plan.summary).toBe(
      'canary 1.42.0 from 25% to 0% in checkout/production/eu-west-1; 1.41.0 serves all traffic',
    );
  });

  it('says a stopped canary is already safe', () => {
    expect(planRollback(base, { ...req, version: '1.42.0' })).toMatchObject({
      kind: 'already-safe',
      bad: '1.42.0',
      good: '1.41.0',
    });
  });

  it('rolls a bad stable back to the last earlier version that is not quarantined', () => {
    const plan = planRollback(base, { ...req, isQuarantined: (v) => v === '1.40.2' });
    expect(plan).toMatchObject({
      kind: 'restore',
      bad: '1.41.0',
      good: '1.40.1',
      next: { stable: { version: '1.40.1' }, previous: [{ version: '1.40.2' }] },
    });
  });

  it('goes to an explicit target', () => {
    expect(planRollback(base, { ...req, target: '1.40.2' })).toMatchObject({ kind: 'restore', good: '1.40.2' });
  });

  it.each([
    ['no earlier version', { ...base, previous: [] }, req, 'no earlier stable version is recorded'],
    [
      'every earlier version quarantined',
      base,
      { ...req, isQuarantined: () => true },
      'earlier versions are 1.40.2 (quarantined), 1.40.1 (quarantined)',
    ],
    [
      'the target is the bad version',
      base,
      { ...req, target: '1.41.0' },
      'the target 1.41.0 is the bad version itself',
    ],
  ])('refuses, writing nothing, with %s', (_n, m, r, text) => {
    const plan = planRollback(m, r);
    expect(plan.kind).toBe('no-good-version');
    expect(plan.summary).toContain(text);
  });

  it('holds an irreversible release where it is to roll forward, unless the policy says roll back', () => {
    const m = {
      ...canaryAt(5, { irreversible: true }),
      promotion: {
        id: 'x',
        version: '1.42.0',
        phase: 'soaking' as const,
        stage: 1,
        startedAt: now.toISOString(),
        stageStartedAt: now.toISOString(),
        failedIntervals: 0,
        judgments: [],
        history: [],
      },
    };
    const forward = planRollback(m, req);
    expect(forward).toMatchObject({
      kind: 'roll-forward',
      next: { canary: { weight: 5 }, promotion: { phase: 'paused' } },
    });
    expect(planRollback(m, { ...req, irreversible: 'rollback' })).toMatchObject({
      kind: 'restore',
      next: { canary: { weight: 0 }, promotion: { phase: 'rolled-back', outcome: 'p99 alert' } },
    });
    expect(planRollback({ ...base, stable: { version: '1.41.0', irreversible: true } }, req).kind).toBe('roll-forward');
  });
});
