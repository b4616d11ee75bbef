import { describe, expect, it } from 'vitest';
import { decideWaveStep } from '../../src/waves/decide.js';
import { planWaves } from '../../src/waves/planner.js';
import { renderStepMarkdown, renderStepText, stepHeadline } from '../../src/waves/render-step.js';
import type { RegionState } from '../../src/waves/types.js';
import { ALWAYS, SIX_REGIONS, wavesPolicy } from './helpers.js';

const settings = {
  policy: wavesPolicy({
    waves: SIX_REGIONS,
    windows: ALWAYS,
    timeZone: 'Europe/Berlin',
    onLaterWaveFailure: 'rollback',
  }),
};
const plan = planWaves(settings, { service: 'checkout', version: '2.4.0' }, new Date('2026-11-23T09:00:00Z'));
const healthy = (since: string): RegionState => ({ status: 'healthy', since, health: 'pass' });

describe('step renderers', () => {
  it.each([
    [{}, '2026-11-23T09:00:00Z', 'start wave 1 (pilot): eu-west-1'],
    [
      { 'eu-west-1': { status: 'deploying', since: '2026-11-23T09:00:00Z' } },
      '2026-11-23T09:10:00Z',
      'wave 1 (pilot) waits for eu-west-1',
    ],
    [
      { 'eu-west-1': healthy('2026-11-23T10:00:00Z') },
      '2026-11-23T10:10:00Z',
      'wave 1 (pilot) waits until Mon 2026-11-23 12:00 GMT+1',
    ],
  ] as [Record<string, RegionState>, string, string][])('headline %#: %s', (states, now, headline) => {
    expect(stepHeadline(plan, decideWaveStep({ settings, plan, states, now: new Date(now) }))).toBe(headline);
  });

  it('a halt names the failure, the rollbacks and the regions that never start', () => {
    const states: Record<string, RegionState> = {
      'eu-west-1': healthy('2026-11-23T10:00:00Z'),
      'us-east-2': healthy('2026-11-23T11:30:00Z'),
      'us-east-1': healthy('2026-11-23T13:00:00Z'),
      'us-west-2': { status: 'failed', since: '2026-11-23T13:10:00Z', health: 'fail', detail: 'error rate 4.1% > 1%' },
    };
    const step = decideWaveStep({ settings, plan, states, now: new Date('2026-11-23T13:15:00Z') });
    const text = renderStepText(plan, step);
    expect(text.split('\n')).toEqual([
      'halted in wave 3 (two): us-west-2',
      '  note: rollout halted: us-west-2 failed in wave 3',
      '  failed: us-west-2: error rate 4.1% > 1%',
      '  roll back: eu-west-1: onLaterWaveFailure is rollback and us-west-2 failed in wave 3',
      '  roll back: us-east-2: onLaterWaveFailure is rollback and us-west-2 failed in wave 3',
      '  roll back: us-west-2: failed (error rate 4.1% > 1%): rolled back on its own',
      '  hold: us-east-1: in the failing wave but healthy so far: only failing regions roll back on their own',
      '  not started: eu-central-1: not started: the rollout halted because us-west-2 failed in wave 3',
      '  not started: ap-northeast-1: not started: the rollout halted because us-west-2 failed in wave 3',
    ]);
    const md = renderStepMarkdown(plan, step, states);
    expect(md).toContain('### Waves: halted in wave 3 (two): us-west-2');
    expect(md).toContain(
      '| 3 two | `us-west-2` | `production/us-west-2` | failed | Mon 2026-11-23 14:10 GMT+1 | fail | **roll back** |',
    );
    expect(md).toContain(
      '| 3 two | `us-east-1` | `production/us-east-1` | healthy | Mon 2026-11-23 14:00 GMT+1 | pass | hold |',
    );
    expect(md).toContain('| 4 rest | `ap-northeast-1` | `production/ap-northeast-1` | pending |  |  | not started |');
  });
});
