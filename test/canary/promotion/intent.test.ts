import { describe, expect, it } from 'vitest';
import { afterLostRace } from '../../../src/canary/promotion/intent.js';
import type { Command } from '../../../src/canary/promotion/model.js';
import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import type { PromotionState } from '../../../src/gitops/promotion-state.js';
import { stableManifest } from './fixtures.js';

const promotion = (over: Partial<PromotionState> = {}): PromotionState => ({
  id: 'checkout/production/us-east-1/1.42.0',
  version: '1.42.0',
  phase: 'soaking',
  stage: 0,
  startedAt: '2026-11-22T10:00:00.000Z',
  stageStartedAt: '2026-11-22T10:00:00.000Z',
  failedIntervals: 0,
  judgments: [],
  history: [],
  ...over,
});
const at = (weight: number, over: Partial<PromotionState> | null = {}): ReleaseManifest => ({
  ...stableManifest,
  canary: over === null ? { version: null, weight: 0 } : { version: '1.42.0', weight },
  ...(over === null ? {} : { promotion: promotion(over) }),
});

const alice = { by: 'alice' } as const;
const cases: Array<[string, ReleaseManifest, ReleaseManifest, Command, string]> = [
  ['a tick decides again whatever changed', at(1), at(5, { stage: 1 }), { kind: 'tick' }, 'decide-again'],
  [
    'promote: another run already left the stage',
    at(1),
    at(5, { stage: 1 }),
    { kind: 'promote', ...alice },
    'wait: Already promoted to 5% by another run',
  ],
  [
    'promote: another run approved the waiting stage',
    at(0, { phase: 'awaiting-approval' }),
    at(1, { phase: 'soaking' }),
    { kind: 'promote', ...alice },
    'wait: Already promoted to 1% by another run',
  ],
  [
    'promote: another run made it stable',
    at(100, { stage: 3 }),
    { ...at(0, { stage: 3, phase: 'promoted' }), stable: { version: '1.42.0' }, canary: { version: null, weight: 0 } },
    { kind: 'promote', ...alice },
    'wait: Already promoted 1.42.0 to stable by another run',
  ],
  [
    'promote: only a judgment was recorded, the stage stands',
    at(1),
    at(1, { judgments: [{ at: '2026-11-22T10:05:00.000Z', stage: 0, verdict: 'Fail', score: 10, reason: 'p99' }] }),
    { kind: 'promote', ...alice },
    'decide-again',
  ],
  [
    'promote: paused meanwhile, decided again (and refused there)',
    at(1),
    at(1, { phase: 'paused' }),
    { kind: 'promote', ...alice },
    'decide-again',
  ],
  [
    'promote: the promotion seen was replaced by another',
    at(1),
    at(1, { startedAt: '2026-11-22T11:00:00.000Z' }),
    { kind: 'promote', ...alice },
    'refuse: The promotion of 1.42.0 this command saw is over',
  ],
  [
    'pause: already paused',
    at(1),
    at(1, { phase: 'paused', pausedAt: '2026-11-22T10:01:00.000Z' }),
    { kind: 'pause', ...alice },
    'wait: Already paused at 1% by another run',
  ],
  ['pause: moved on, still running: pause it', at(1), at(5, { stage: 1 }), { kind: 'pause', ...alice }, 'decide-again'],
  [
    'resume: already resumed',
    at(1, { phase: 'paused' }),
    at(1),
    { kind: 'resume', ...alice },
    'wait: Already resumed by another run',
  ],
  [
    'abort: already aborted',
    at(1),
    at(0, { phase: 'aborted' }),
    { kind: 'abort', ...alice },
    'wait: Already aborted by another run',
  ],
  [
    'rollback: already failed',
    at(5, { stage: 1 }),
    at(0, { stage: 1, phase: 'failed' }),
    { kind: 'rollback', ...alice },
    'wait: Already failed by another run',
  ],
  [
    'abort: a new promotion is never aborted by an old click',
    at(1),
    at(1, { startedAt: '2026-11-22T11:00:00.000Z' }),
    { kind: 'abort', ...alice },
    'wait: The promotion of 1.42.0 had already ended',
  ],
  [
    'abort: promoted to stable meanwhile is refused, not called done',
    at(100, { stage: 3 }),
    at(0, { stage: 3, phase: 'promoted' }),
    { kind: 'abort', ...alice },
    'refuse: Cannot abort: 1.42.0 was promoted to stable by another run meanwhile',
  ],
  ['abort: moved on, still running: abort it', at(1), at(5, { stage: 1 }), { kind: 'abort', ...alice }, 'decide-again'],
  [
    'start: another run started the same version',
    at(0, null),
    at(1),
    { kind: 'start', version: '1.42.0', ...alice },
    'wait: Already started 1.42.0 by another run',
  ],
  [
    'start: started and aborted meanwhile is not started again',
    at(0, null),
    at(0, { phase: 'aborted' }),
    { kind: 'start', version: '1.42.0', ...alice },
    'wait: Already started 1.42.0 by another run',
  ],
  [
    'start: another version was started',
    at(0, null),
    { ...at(1), promotion: promotion({ version: '1.43.0', id: 'x/1.43.0' }) },
    { kind: 'start', version: '1.42.0', ...alice },
    'refuse: Cannot start 1.42.0',
  ],
];

describe('afterLostRace: a command that lost the race acts on the intent it was given', () => {
  it.each(cases)('%s', (_name, seen, now, command, expected) => {
    const got = afterLostRace(seen, now, command);
    expect(got.kind === 'decide-again' ? 'decide-again' : `${got.step.kind}: ${got.step.explanation.summary}`).toBe(
      expected,
    );
  });
});
