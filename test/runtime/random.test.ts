import { describe, expect, it } from 'vitest';
import { seededRandom, seedOf } from '../../src/runtime/random.js';

describe('seededRandom', () => {
  it('gives the same numbers for the same seed, in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    // Roughly uniform: the mean of 1,000 draws is near one half.
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length - 0.5)).toBeLessThan(0.05);
  });

  it('differs between seeds and between texts', () => {
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
    expect(seedOf('latency@a')).not.toBe(seedOf('latency@b'));
    expect(seedOf('x')).toBe(seedOf('x'));
  });
});
