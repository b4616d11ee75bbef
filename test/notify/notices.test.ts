import { describe, expect, it } from 'vitest';
import { freezeChange } from '../../src/freeze/run.js';
import type { IssuePlan } from '../../src/freeze/surfaces.js';
import {
  freezeBlockedNotice,
  freezeChangeNotice,
  postmortemNotice,
  rollbackNotice,
  wavesNotice,
} from '../../src/notify/notices.js';
import type { RollbackOutcome } from '../../src/rollback/run.js';
import type { WaveStep, WavesPlan } from '../../src/waves/types.js';

const plan = (kind: IssuePlan['kind']): IssuePlan =>
  kind === 'open'
    ? { kind, title: 't', body: 'b' }
    : kind === 'close'
      ? { kind, number: 1, body: 'b' }
      : kind === 'none'
        ? { kind, reason: 'r' }
        : { kind, number: 1, title: 't', body: 'b' };

describe('freezeChange: what a scheduled run changed', () => {
  it.each([
    ['open', true, false, 'frozen'],
    ['open', false, false, 'notice'],
    ['reopen', true, false, 'frozen'],
    ['update', true, false, 'frozen'],
    ['update', false, true, 'notice'],
    ['update', true, true, undefined],
    ['update', false, false, undefined],
    ['close', false, true, 'lifted'],
    ['none', false, false, undefined],
  ] as const)('%s, frozen %s, frozen before %s: %s', (kind, frozen, was, expected) => {
    expect(freezeChange(plan(kind), frozen, was)).toBe(expected);
  });
});

describe('notices', () => {
  it('freeze: a blocked deployment is bad news with the gate’s reason; an allowed one is no news', () => {
    expect(freezeBlockedNotice('The gate blocks this feature: spent', 'checkout')).toEqual({
      kind: 'freeze',
      action: 'blocked',
      tone: 'bad',
      headline: 'The gate blocks this feature: spent',
      service: 'checkout',
    });
    expect(freezeBlockedNotice(undefined, 'checkout')).toBeUndefined();
    expect(freezeChangeNotice('lifted', 'nothing spent', undefined)).toMatchObject({ action: 'lifted', tone: 'good' });
    expect(freezeChangeNotice('frozen', 'spent 200%', 'checkout')).toMatchObject({
      headline: 'Features frozen: spent 200%',
      tone: 'bad',
    });
    expect(freezeChangeNotice(undefined, 'x', undefined)).toBeUndefined();
  });

  it('rollback: what went back to what, where and why, with the pull request', () => {
    const outcome = {
      bad: '1.4.0',
      good: '1.3.9',
      regions: [
        { region: 'eu-west-1', committed: true },
        { region: 'us-east-1', committed: false },
      ],
      pullRequest: { number: 7, url: 'https://github.com/acme/shop/pull/7', created: true, notes: [] },
    } as unknown as RollbackOutcome;
    expect(rollbackNotice(outcome, { service: 'checkout', environment: 'production', reason: 'alert' })).toEqual({
      kind: 'rollback',
      action: 'rolled-back',
      tone: 'bad',
      headline: '1.4.0 rolled back to 1.3.9 in eu-west-1: alert',
      service: 'checkout',
      environment: 'production',
      region: 'eu-west-1',
      version: '1.4.0',
      links: [{ label: 'Rollback pull request', url: 'https://github.com/acme/shop/pull/7' }],
    });
    const nothing = { ...outcome, regions: [], pullRequest: { ...outcome.pullRequest, url: '' } } as RollbackOutcome;
    expect(rollbackNotice(nothing, { service: 'checkout', environment: 'production', reason: 'x' })).toBeUndefined();
  });

  it('postmortem: only an issue this run opened', () => {
    const issue = { number: 5, url: 'https://github.com/acme/shop/issues/5' };
    const incident = { title: 'checkout errors', severity: 'sev2' };
    expect(postmortemNotice('created', issue, incident)?.headline).toBe('Postmortem #5 opened (sev2): checkout errors');
    expect(postmortemNotice('updated', issue, incident)).toBeUndefined();
  });

  it('waves: a run that committed nothing, or only waits, is no news', () => {
    const subject = { service: 'checkout', environment: 'production', version: '1.4.0' };
    const wait = { kind: 'wait' } as unknown as WaveStep;
    const done = { kind: 'done', at: '2026-11-22T09:30:00Z', notes: [] } as WaveStep;
    const p = { timeZone: 'UTC' } as unknown as WavesPlan;
    expect(wavesNotice(p, wait, true, subject)).toBeUndefined();
    expect(wavesNotice(p, done, false, subject)).toBeUndefined();
    expect(wavesNotice(p, done, true, subject)).toMatchObject({ kind: 'region', action: 'completed', tone: 'good' });
  });
});
