import { describe, expect, it } from 'vitest';
import { isReference, isRepetitive, shannonEntropy, stopWordIn } from '../../../src/gates/secrets/entropy.js';
import { redact, secretDigest, secretFingerprint, visiblePrefixLength } from '../../../src/gates/secrets/redact.js';

describe('shannonEntropy', () => {
  it.each([
    ['', 0],
    ['aaaa', 0],
    ['abab', 1],
    ['abcd', 2],
    ['0123456789abcdef', 4],
  ])('%j has %d bits per character', (s, bits) => {
    expect(shannonEntropy(s)).toBeCloseTo(bits, 10);
  });
});

describe('placeholder tests', () => {
  it.each([
    ['aaaaaaaa', true],
    ['abcabcabcabc', true],
    ['abab', true],
    ['abc', true],
    ['a8Kd02jQ', false],
  ])('isRepetitive(%j) is %s', (s, want) => expect(isRepetitive(s)).toBe(want));

  it.each([
    ['${API_TOKEN}', true],
    ['$API_TOKEN', true],
    ['{{ .Values.token }}', true],
    ['<your-token>', true],
    ['%TOKEN%', true],
    ['$(cat /run/secrets/token)', true],
    ['a8Kd02jQ$x', false],
  ])('isReference(%j) is %s', (s, want) => expect(isReference(s)).toBe(want));

  it('finds stop words without regard to case', () => {
    expect(stopWordIn('MyEXAMPLEkey123')).toBe('example');
    expect(stopWordIn('q8Zr02jLmx')).toBeUndefined();
    expect(stopWordIn('q8Zr02jLmx', ['zr02'])).toBe('zr02');
  });
});

describe('redaction', () => {
  it.each([
    // A vendor prefix is shown as is; nothing else of the token.
    ['ghp_' + 'k'.repeat(36), 4, 'ghp_*** (40 chars)'],
    // Without a fixed prefix, one character in eight, at most four.
    ['p4ssw0rdp4ss', undefined, 'p*** (12 chars)'],
    ['x'.repeat(64), undefined, 'xxxx*** (64 chars)'],
    // Never fewer than eight hidden characters, even for a long fixed prefix.
    ['sk-ant-api03-abc', 13, 'sk-ant-a*** (16 chars)'],
    ['short', undefined, '*** (5 chars)'],
    ['secret-password', 0, '*** (15 chars)'],
  ])('redact(%j, %s) is %j', (secret, prefix, want) => {
    expect(redact(secret, prefix)).toBe(want);
    expect(visiblePrefixLength(secret, prefix)).toBe(want.indexOf('*'));
  });

  it('fingerprints depend on rule, file and secret, through its digest', () => {
    const fp = secretFingerprint('github-pat', 'a.ts', 'value-1');
    expect(fp).toMatch(/^[0-9a-f]{32}$/);
    expect(secretFingerprint('github-pat', 'a.ts', 'value-1')).toBe(fp);
    expect(secretFingerprint('github-pat', 'b.ts', 'value-1')).not.toBe(fp);
    expect(secretFingerprint('npm-access-token', 'a.ts', 'value-1')).not.toBe(fp);
    expect(secretFingerprint('github-pat', 'a.ts', 'value-2')).not.toBe(fp);
    expect(fp).not.toContain(secretDigest('value-1').slice(0, 32));
  });
});
