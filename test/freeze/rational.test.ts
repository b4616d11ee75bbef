import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rational } from '../../src/freeze/rational.js';

describe('Rational', () => {
  it.each([
    ['0.999', 999n, 1000n],
    ['99.9', 999n, 10n],
    ['90', 90n, 1n],
    ['-1.5e-3', -3n, 2000n],
    ['.5', 1n, 2n],
    ['1E2', 100n, 1n],
    ['0.9990', 999n, 1000n],
  ])('reads %s exactly', (text, num, den) => {
    const r = Rational.parseDecimal(text);
    expect(r?.num).toBe(num);
    expect(r?.den).toBe(den);
  });

  it.each(['', 'abc', '1.2.3', '0x10', '1e', '--1'])('refuses %j', (text) => {
    expect(Rational.parseDecimal(text)).toBeUndefined();
  });

  it('keeps 1 − 0.999 at exactly 1/1000, where doubles drift', () => {
    expect(1 - 0.999).not.toBe(0.001);
    const budget = Rational.ONE.sub(Rational.fromWritten(0.999));
    expect(budget.toString()).toBe('1/1000');
    expect(budget.toNumber()).toBe(0.001);
  });

  it('reads a written number as its decimal and a measured double as its exact binary value', () => {
    expect(Rational.fromWritten(0.1).toString()).toBe('1/10');
    expect(Rational.fromDouble(0.1).toString()).toBe('3602879701896397/36028797018963968');
    expect(Rational.fromDouble(-2.5).toString()).toBe('-5/2');
    expect(Rational.fromDouble(5e-324).den).toBe(2n ** 1074n);
  });

  it('round-trips every normal double through fromDouble and toNumber', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        // Subnormals may round twice on the way back; metric values are never that small.
        if (x !== 0 && Math.abs(x) < 2 ** -1000) return;
        expect(Rational.fromDouble(x).toNumber()).toBe(x === 0 ? 0 : x);
      }),
    );
  });

  it('orders like the exact values, including at equality', () => {
    const a = Rational.of(144, 10);
    expect(a.eq(Rational.fromWritten(14.4))).toBe(true);
    expect(a.gt(Rational.fromWritten(14.4))).toBe(false);
    expect(Rational.fromDouble(14.4).eq(a)).toBe(false);
    expect(Rational.of(1, 3).compare(Rational.of(2, 6))).toBe(0);
    expect(Rational.of(-1, 3).lt(Rational.ZERO)).toBe(true);
  });

  it('refuses a zero denominator and division by zero', () => {
    expect(() => Rational.of(1, 0)).toThrow(RangeError);
    expect(() => Rational.ONE.div(Rational.ZERO)).toThrow(RangeError);
  });

  it('field operations agree with each other', () => {
    const small = fc.bigInt({ min: -1000n, max: 1000n });
    const pos = fc.bigInt({ min: 1n, max: 1000n });
    fc.assert(
      fc.property(small, pos, small, pos, (an, ad, bn, bd) => {
        const a = Rational.of(an, ad);
        const b = Rational.of(bn, bd);
        expect(a.add(b).sub(b).eq(a)).toBe(true);
        if (!b.isZero()) expect(a.mul(b).div(b).eq(a)).toBe(true);
      }),
    );
  });
});
