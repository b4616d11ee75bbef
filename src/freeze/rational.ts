/**
 * Exact rational numbers for error-budget arithmetic.
 *
 * An objective of 99.9% is 999/1000, and its budget 1 − 999/1000 is exactly
 * 1/1000; in floating point it is 0.0009999999999999432, and a burn rate that
 * sits exactly on a threshold then fires or not by accident. Every value here
 * is a reduced fraction of BigInts, and every double that comes from a metric
 * is converted exactly (a double is a dyadic rational), so comparisons at a
 * threshold are decided by the numbers, not by rounding.
 */

/** A reduced fraction with a positive denominator. */
export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  /** num/den, reduced; throws on a zero denominator. */
  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    let n = BigInt(num);
    let d = BigInt(den);
    if (d === 0n) throw new RangeError('a rational number cannot have a zero denominator');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = gcd(n < 0n ? -n : n, d);
    return new Rational(n / g, d / g);
  }

  static readonly ZERO = Rational.of(0n);
  static readonly ONE = Rational.of(1n);

  /**
   * The exact value of a decimal string such as `99.9`, `0.999`, `-1.5e-3`,
   * or undefined when the text is not a plain decimal number.
   */
  static parseDecimal(text: string): Rational | undefined {
    const m =
      /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim()) ??
      /^([+-])?()\.(\d+)(?:[eE]([+-]?\d+))?$/.exec(text.trim());
    if (!m) return undefined;
    const [, sign, whole = '', frac = '', exp = '0'] = m;
    const digits = BigInt((whole || '0') + frac);
    const scale = Number(exp) - frac.length;
    if (Math.abs(scale) > 400) return undefined;
    const value = scale >= 0 ? Rational.of(digits * 10n ** BigInt(scale)) : Rational.of(digits, 10n ** BigInt(-scale));
    return sign === '-' ? value.neg() : value;
  }

  /**
   * The decimal a person wrote, read from a JavaScript number. YAML hands us
   * `0.999` as a double; its shortest round-trip text is `0.999` again, which
   * is what the author meant, so that text is parsed exactly.
   */
  static fromWritten(value: number): Rational {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    const parsed = Rational.parseDecimal(String(value));
    if (!parsed) throw new RangeError(`cannot read ${value} as a decimal`);
    return parsed;
  }

  /**
   * The exact value of a double as measured (a metric sample), with no
   * decimal reinterpretation: 0.1 becomes 3602879701896397/36028797018963968.
   */
  static fromDouble(value: number): Rational {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    if (value === 0) return Rational.ZERO;
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, value);
    const bits = view.getBigUint64(0);
    const negative = bits >> 63n === 1n;
    const exponentBits = Number((bits >> 52n) & 0x7ffn);
    const fraction = bits & 0xfffffffffffffn;
    const mantissa = exponentBits === 0 ? fraction : fraction | (1n << 52n);
    const exponent = (exponentBits === 0 ? 1 : exponentBits) - 1075;
    const magnitude =
      exponent >= 0 ? Rational.of(mantissa << BigInt(exponent)) : Rational.of(mantissa, 1n << BigInt(-exponent));
    return negative ? magnitude.neg() : magnitude;
  }

  add(o: Rational): Rational {
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return Rational.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Rational): Rational {
    return Rational.of(this.num * o.num, this.den * o.den);
  }
  /** Throws a RangeError when `o` is zero. */
  div(o: Rational): Rational {
    if (o.num === 0n) throw new RangeError('division by zero');
    return Rational.of(this.num * o.den, this.den * o.num);
  }
  neg(): Rational {
    return new Rational(-this.num, this.den);
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `o`. */
  compare(o: Rational): -1 | 0 | 1 {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  gt(o: Rational): boolean {
    return this.compare(o) > 0;
  }
  gte(o: Rational): boolean {
    return this.compare(o) >= 0;
  }
  lt(o: Rational): boolean {
    return this.compare(o) < 0;
  }
  lte(o: Rational): boolean {
    return this.compare(o) <= 0;
  }
  eq(o: Rational): boolean {
    return this.compare(o) === 0;
  }
  isZero(): boolean {
    return this.num === 0n;
  }

  /** The nearest double, for display and JSON. */
  toNumber(): number {
    // Dividing after scaling keeps precision for the huge numerators that
    // exact metric values produce.
    const sign = this.num < 0n ? -1 : 1;
    const n = this.num < 0n ? -this.num : this.num;
    const shift = BigInt(Math.max(0, bitLength(this.den) - bitLength(n) + 64));
    const shifted = n << shift;
    // A sticky low bit for a non-zero remainder keeps the final rounding correct.
    const scaled = (shifted / this.den) | (shifted % this.den === 0n ? 0n : 1n);
    // Two steps, so that a large shift does not underflow 2 ** -shift to zero.
    const half = Math.floor(Number(shift) / 2);
    return sign * Number(scaled) * 2 ** -half * 2 ** -(Number(shift) - half);
  }

  /** `999/1000`, or `3` for a whole number. */
  toString(): string {
    return this.den === 1n ? String(this.num) : `${this.num}/${this.den}`;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}
