import { describe, expect, it } from 'vitest';
import { alphaSpentAtLook } from '../../src/canary/judge/classify-bellwether.js';
import { evaluateProfile } from '../../src/canary/judge/evaluation.js';
import { METRIC_KINDS, syntheticCanaries, syntheticConfig } from '../../src/canary/judge/synthetic.js';

// Fixed seeds: the set, and so every figure below, is the same on every run.
const config = syntheticConfig();
const canaries = syntheticCanaries({ seed: 20261122, canaries: 100, points: 360 });

describe('labelled synthetic canaries', () => {
  it('are deterministic and labelled: half unchanged, every kind regressed as often', () => {
    const again = syntheticCanaries({ seed: 20261122, canaries: 100, points: 360 });
    expect(again[7]?.input).toEqual(canaries[7]?.input);
    expect(canaries.filter((c) => c.regressed === null)).toHaveLength(50);
    for (const kind of METRIC_KINDS) expect(canaries.filter((c) => c.kind === kind)).toHaveLength(10);
  });

  it('the regressed metric is 20% worse on average', () => {
    const c = canaries.find((x) => x.kind === 'count');
    const s = c?.input[c.regressed ?? ''];
    const mean = (v: readonly (number | null)[]): number => v.reduce<number>((a, b) => a + (b ?? 0), 0) / v.length;
    expect(mean(s?.canary ?? []) / mean(s?.baseline ?? [])).toBeGreaterThan(1.1);
  });
});

describe('bellwether decides better than kayenta on labelled canaries', () => {
  const single = {
    kayenta: evaluateProfile(config, canaries, 'kayenta'),
    bellwether: evaluateProfile(config, canaries, 'bellwether'),
  };

  it('one look: catches at least as many regressions of every kind, and far more count regressions', () => {
    for (const kind of METRIC_KINDS)
      expect(single.bellwether.detection[kind]).toBeGreaterThanOrEqual(single.kayenta.detection[kind]);
    expect(single.bellwether.detection.count - single.kayenta.detection.count).toBeGreaterThanOrEqual(0.3);
    expect(single.bellwether.detectionOverall).toBeGreaterThanOrEqual(0.9);
    expect(single.bellwether.falseFailureRate).toBeLessThanOrEqual(single.kayenta.falseFailureRate);
  });

  it('six looks at a growing soak: kayenta fails unchanged canaries by chance, bellwether spends its budget', () => {
    const clean = canaries.filter((c) => c.regressed === null);
    const kayenta = evaluateProfile(config, clean, 'kayenta', 6);
    const bellwether = evaluateProfile(config, clean, 'bellwether', 6);
    expect(kayenta.falseFailureRate).toBeGreaterThanOrEqual(0.04);
    expect(bellwether.falseFailureRate).toBeLessThanOrEqual(0.02);
  });
});

describe('error budget spent across looks', () => {
  it('adds up to the budget, spends little early and most at the end', () => {
    const looks = 6;
    const spent = Array.from({ length: looks }, (_, i) => alphaSpentAtLook(0.01, { look: i + 1, looks }));
    const sum = spent.reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(0.01, 8);
    expect(spent[0]).toBeLessThan(1e-5);
    expect(spent[looks - 1]).toBeGreaterThan(spent[looks - 2] ?? 0);
    expect(alphaSpentAtLook(0.01, undefined)).toBe(0.01);
  });
});
