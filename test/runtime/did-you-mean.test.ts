import { describe, expect, it } from 'vitest';
import { closestMatch, didYouMean, editDistance } from '../../src/runtime/did-you-mean.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['soakTime', 'soakTime', 0],
    ['soakTim', 'soakTime', 1], // deletion
    ['soakTimee', 'soakTime', 1], // insertion
    ['soakTima', 'soakTime', 1], // substitution
    ['sokaTime', 'soakTime', 1], // neighbours swapped count once
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3], // optimal string alignment, not unrestricted Damerau
  ])('%j → %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closestMatch', () => {
  const keys = ['weight', 'soakTime', 'approval'];
  it.each([
    ['soakTim', 'soakTime'],
    ['SoakTime', 'soakTime'],
    ['wieght', 'weight'],
    ['aproval', 'approval'],
    ['w', undefined], // one letter is too little to guess from
    ['colour', undefined],
    ['soak', 'soakTime'], // cut short
    ['so', undefined], // too short to be cut short
    ['approvals', 'approval'],
  ])('%j suggests %j', (word, expected) => {
    expect(closestMatch(word, keys)).toBe(expected);
  });

  it('prefers the closest of several candidates', () => {
    expect(closestMatch('canari', ['canary', 'waves', 'freeze'])).toBe('canary');
    expect(closestMatch('rollbak', ['rollback', 'postmortem'])).toBe('rollback');
  });

  it('words the hint, or says nothing', () => {
    expect(didYouMean('holdd', ['hold', 'fail'])).toBe('; did you mean "hold"?');
    expect(didYouMean('zzz', ['hold', 'fail'])).toBe('');
  });
});
