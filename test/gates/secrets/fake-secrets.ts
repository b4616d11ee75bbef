/**
 * Fake credentials of the right shapes, built at test time from a seeded
 * generator so that the repository itself holds no string that a secret
 * scanner would report, and runs are reproducible.
 */
import { seededRandom } from '../../../src/runtime/random.js';

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;
export const HEX = '0123456789abcdef';
export const BASE64 = ALNUM + '+/';
export const URLSAFE = ALNUM + '_-';

/** The shared seeded generator (mulberry32), so fake secrets are the same every run. */
export const seeded: (seed: number) => () => number = seededRandom;

/** A generator of random strings over alphabets. */
export class Fake {
  private readonly next: () => number;
  constructor(seed = 1) {
    this.next = seeded(seed);
  }
  /** `n` characters drawn from `alphabet`. */
  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet.charAt(Math.floor(this.next() * alphabet.length));
    return s;
  }
  alnum(n: number): string {
    return this.chars(ALNUM, n);
  }
  hex(n: number): string {
    return this.chars(HEX, n);
  }
  /** Random mixed-case alphanumerics that always hold a digit, as the generic rule expects of a secret. */
  password(n: number): string {
    return this.chars(ALNUM, n - 2) + this.chars(DIGITS, 1) + this.chars(LOWER, 1);
  }
  /** A PEM block with a random body of `bodyChars` base64 characters in lines of 64. */
  pem(kind: string, bodyChars = 1600): string {
    const body = this.chars(BASE64, bodyChars);
    const lines = body.match(/.{1,64}/g) ?? [];
    return [`-----BEGIN ${kind}-----`, ...lines, `-----END ${kind}-----`].join('\n');
  }
}

/** The middle of a secret: if it appears in an output, the secret leaked. */
export function secretCore(secret: string): string {
  const start = Math.floor(secret.length / 4);
  return secret.slice(start, start + Math.max(8, Math.floor(secret.length / 2)));
}
