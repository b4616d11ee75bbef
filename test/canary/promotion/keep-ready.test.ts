/**
 * The previous version kept ready: set in the manifest when the canary takes
 * all the traffic, given an end (the tier's bake) at the promotion to stable,
 * released by the first tick after that end, and gone at once when traffic
 * goes back to the stable version.
 */
import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/canary/promotion/decide.js';
import type { PromotionPolicy, Step } from '../../../src/canary/promotion/model.js';
import type { ReleaseManifest } from '../../../src/gitops/manifest.js';
import { parseManifest, renderManifest } from '../../../src/gitops/manifest.js';
import { MANIFEST_TEXT, MIN, at, facts, policy as base, stableManifest } from './fixtures.js';

const policy: PromotionPolicy = { ...base, bakeTime: 30 * MIN };

function applied(step: Step): ReleaseManifest {
  if (step.kind !== 'transition')
    throw new Error(`expected a transition, got ${step.kind}: ${JSON.stringify(step.explanation)}`);
  return step.manifest;
}

/** Ticks minute by minute, every judgment `verdict`, until `until` says stop; returns each manifest written. */
function drive(
  m: ReleaseManifest,
  p: PromotionPolicy,
  from: number,
  until: (m: ReleaseManifest) => boolean,
  verdict: 'Pass' | 'Fail' = 'Pass',
): { manifest: ReleaseManifest; minute: number } {
  let minute = from;
  while (!until(m) && minute < from + 300) {
    minute++;
    let step = decide(m, p, { kind: 'tick' }, facts(minute));
    if (step.kind === 'need-judgment')
      step = decide(m, p, { kind: 'tick' }, facts(minute, { judgment: { verdict, score: 100, reason: 'r' } }));
    if (step.kind === 'transition') m = step.manifest;
  }
  return { manifest: m, minute };
}

const started = applied(decide(stableManifest, policy, { kind: 'start', version: '1.42.0', by: 'alice' }, facts(0)));

describe('keepReady', () => {
  it('is not set while the stable version still takes traffic', () => {
    const at25 = drive(started, policy, 0, (m) => m.canary.weight === 25).manifest;
    expect(at25.keepReady).toBeUndefined();
  });

  it('keeps the stable version ready while the canary takes all the traffic, then for the bake after promotion, then releases it', () => {
    const at100 = drive(started, policy, 0, (m) => m.canary.weight === 100);
    expect(at100.manifest.keepReady).toEqual({ version: '1.41.0' });

    const promoted = drive(at100.manifest, policy, at100.minute, (m) => m.promotion?.phase === 'promoted');
    const until = new Date(at(promoted.minute).getTime() + 30 * MIN).toISOString();
    expect(promoted.manifest.stable.version).toBe('1.42.0');
    expect(promoted.manifest.keepReady).toEqual({ version: '1.41.0', until });

    const baking = decide(promoted.manifest, policy, { kind: 'tick' }, facts(promoted.minute + 29));
    expect(baking).toEqual({
      kind: 'wait',
      until: null,
      explanation: {
        summary: `No promotion in progress; 1.41.0 is kept ready until ${until}`,
        reason: '1.42.0 bakes until then, and a full rollback to 1.41.0 needs it deployable',
      },
    });

    const released = decide(promoted.manifest, policy, { kind: 'tick' }, facts(promoted.minute + 30));
    expect(applied(released).keepReady).toBeUndefined();
    expect(released.explanation.summary).toBe('1.41.0 is no longer kept ready');
    expect(decide(applied(released), policy, { kind: 'tick' }, facts(promoted.minute + 31)).kind).toBe('wait');
  });

  it('is not kept after the promotion when the tier bakes for no time', () => {
    const p: PromotionPolicy = { ...base, bakeTime: 0 };
    const promoted = drive(started, p, 0, (m) => m.promotion?.phase === 'promoted').manifest;
    expect(promoted.keepReady).toBeUndefined();
  });

  it.each([
    ['a failed judgment', 'Fail'],
    ['an abort', 'abort'],
  ] as const)('is released at once by %s at 100%, since traffic is back on it', (_name, how) => {
    const at100 = drive(started, policy, 0, (m) => m.canary.weight === 100);
    const ended =
      how === 'abort'
        ? applied(decide(at100.manifest, policy, { kind: 'abort', by: 'alice' }, facts(at100.minute + 1)))
        : drive(at100.manifest, policy, at100.minute, (m) => m.promotion?.phase === 'failed', 'Fail').manifest;
    expect(ended.canary.weight).toBe(0);
    expect(ended.keepReady).toBeUndefined();
  });
});

describe('keepReady in the manifest file', () => {
  it('is written beside the versions, and removed again, leaving the rest of the text alone', () => {
    const m = parseManifest(MANIFEST_TEXT, 'm.yaml');
    const kept = renderManifest(MANIFEST_TEXT, {
      ...m,
      keepReady: { version: '1.40.0', until: '2026-11-22T12:00:00.000Z' },
    });
    expect(kept).toContain('keepReady:\n  version: 1.40.0\n  until: 2026-11-22T12:00:00.000Z\n');
    expect(parseManifest(kept, 'm.yaml').keepReady).toEqual({ version: '1.40.0', until: '2026-11-22T12:00:00.000Z' });
    expect(renderManifest(kept, m)).toBe(MANIFEST_TEXT);
  });

  it('keeps the stable version while the canary takes its traffic, through the file', () => {
    const at100 = drive(started, policy, 0, (m) => m.canary.weight === 100).manifest;
    const text = renderManifest(MANIFEST_TEXT, at100);
    expect(parseManifest(text, 'm.yaml').keepReady).toEqual({ version: '1.41.0' });
  });

  it('drops a stable version that takes all the traffic: a rollback that makes it stable again leaves nothing to keep ready', () => {
    const text = `${MANIFEST_TEXT}keepReady:\n  version: 1.41.0\n  until: 2026-11-22T12:00:00.000Z\n`;
    expect(parseManifest(text, 'm.yaml').keepReady).toBeUndefined();
  });

  it('refuses a keepReady that is not a version and a time, naming the line', () => {
    expect(() => parseManifest(`${MANIFEST_TEXT}keepReady:\n  version: 1.40.0\n  until: tomorrow\n`, 'm.yaml')).toThrow(
      /m\.yaml:12: keepReady\.until/,
    );
  });
});

describe('the watch after promotion', () => {
  const watching: PromotionPolicy = { ...policy, watch: true };
  const promoted = drive(
    drive(started, watching, 0, (m) => m.canary.weight === 100).manifest,
    watching,
    0,
    (m) => m.promotion?.phase === 'promoted',
  );
  const judged = (minute: number, verdict: 'Pass' | 'Fail' | 'NoData', reason: string) =>
    decide(
      promoted.manifest,
      watching,
      { kind: 'tick' },
      facts(minute, { judgment: { verdict, score: null, reason } }),
    );

  it('asks for a judgment of the gates on the new stable version over the lookback, never from before the promotion', () => {
    const step = decide(promoted.manifest, watching, { kind: 'tick' }, facts(promoted.minute + 3));
    expect(step).toMatchObject({
      kind: 'need-judgment',
      watch: true,
      start: at(promoted.minute),
      end: at(promoted.minute + 3),
    });
    const later = decide(promoted.manifest, watching, { kind: 'tick' }, facts(promoted.minute + 20));
    expect(later).toMatchObject({
      kind: 'need-judgment',
      start: new Date(at(promoted.minute + 20).getTime() - watching.lookback),
    });
  });

  it('waits without judging at the very minute of the promotion: there is no window yet', () => {
    expect(decide(promoted.manifest, watching, { kind: 'tick' }, facts(promoted.minute)).kind).toBe('wait');
  });

  it('fails the promotion on a breach, so that the rollback flow takes the version back to the kept-ready one', () => {
    const step = judged(promoted.minute + 5, 'Fail', 'health gate p99 breached: p99 reached 0.3 s');
    const m = applied(step);
    expect(step.kind === 'transition' && step.effects).toEqual([{ kind: 'failed' }]);
    expect(m.promotion).toMatchObject({ version: '1.42.0', phase: 'failed' });
    expect(m.promotion!.history.at(-1)).toMatchObject({ event: 'failed: watched after promotion' });
    expect(step.explanation.summary).toBe(
      'Watch failed: 1.42.0 breached its health gates after promotion; rolling back to 1.41.0',
    );
    // Once failed, nothing is watched again: the next tick only waits for the kept-ready time.
    expect(decide(m, watching, { kind: 'tick' }, facts(promoted.minute + 6)).kind).toBe('wait');
  });

  it('says "watched: healthy" with the values on a pass, and keeps watching on no data, writing nothing', () => {
    const pass = judged(
      promoted.minute + 5,
      'Pass',
      'health gates within bounds: p99 stayed within ≤ 0.2 s (0.1…0.15)',
    );
    expect(pass.kind).toBe('wait');
    expect(pass.explanation.summary).toMatch(/^watched: healthy \(1\.42\.0, until /);
    expect(pass.explanation.reason).toContain('0.1…0.15');
    const none = judged(promoted.minute + 5, 'NoData', 'health gate p99 cannot be checked: no data');
    expect(none.kind).toBe('wait');
    expect(none.explanation.summary).toMatch(/no verdict, still watching until/);
    expect(none.explanation.reason).toContain('no data');
  });

  it('watches nothing without health gates, nor once the kept-ready time is over', () => {
    expect(decide(promoted.manifest, policy, { kind: 'tick' }, facts(promoted.minute + 5)).kind).toBe('wait');
    const released = decide(promoted.manifest, watching, { kind: 'tick' }, facts(promoted.minute + 30));
    expect(applied(released).keepReady).toBeUndefined();
  });
});
