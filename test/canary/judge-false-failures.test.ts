/**
 * The bellwether profile's promise on unchanged canaries: over a whole soak
 * judged in several looks, at most `falseFailureRate` (1% by default) of A/A
 * canaries fail. Measured on 2,000 labelled unchanged canaries of ten metrics
 * of five kinds (lognormal latency, heavy tail, Poisson counts, binomial
 * rates, a two-sided gauge), 360 points a side, seeds fixed so that the
 * figure is the same on every run. A canary counts as falsely failed when any
 * look's verdict is not Pass (Marginal included).
 */
import { describe, expect, it } from 'vitest';
import { evaluateProfile } from '../../src/canary/judge/evaluation.js';
import { syntheticCanaries, syntheticConfig } from '../../src/canary/judge/synthetic.js';

const config = syntheticConfig();
const unchanged = [20261207, 20261208].flatMap((seed) =>
  syntheticCanaries({ seed, canaries: 2000, points: 360 }).filter((c) => c.regressed === null),
);

describe('false failures of unchanged canaries over a soak', () => {
  it('stay at or below 1% with six looks (bellwether)', () => {
    expect(unchanged).toHaveLength(2000);
    const six = evaluateProfile(config, unchanged, 'bellwether', 6);
    expect(six.falseFailureRate).toBeLessThanOrEqual(0.01);
  });
});
