import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywordAutomaton } from '../../../src/gates/secrets/aho-corasick.js';

function naive(keywords: readonly string[], text: string): string[] {
  const out: string[] = [];
  const lower = text.toLowerCase();
  keywords.forEach((k, i) => {
    const kl = k.toLowerCase();
    for (let at = lower.indexOf(kl); at !== -1; at = lower.indexOf(kl, at + 1)) out.push(`${i}@${at}`);
  });
  return out.sort();
}

const found = (a: KeywordAutomaton, text: string): string[] =>
  a
    .findAll(text)
    .map((h) => `${h.keyword}@${h.start}`)
    .sort();

describe('KeywordAutomaton', () => {
  it.each([
    {
      name: 'classic overlapping set',
      keywords: ['he', 'she', 'his', 'hers'],
      text: 'ushers',
      want: ['0@2', '1@1', '3@2'],
    },
    { name: 'case is ignored', keywords: ['ghp_', 'Token'], text: 'GHP_x TOKEN token', want: ['0@0', '1@6', '1@12'] },
    {
      name: 'keyword inside another',
      keywords: ['key', 'apikey', 'api'],
      text: 'my_apikey',
      want: ['0@6', '1@3', '2@3'],
    },
    { name: 'repeated overlapping occurrences', keywords: ['aa'], text: 'aaaa', want: ['0@0', '0@1', '0@2'] },
    { name: 'non-ASCII text resets the automaton', keywords: ['ab'], text: 'aéb ab', want: ['0@4'] },
    {
      name: 'punctuation in keywords',
      keywords: ['://', '-----begin'],
      text: 'x://y -----BEGIN',
      want: ['0@1', '1@6'],
    },
    { name: 'no hit', keywords: ['secret'], text: 'nothing here', want: [] },
  ])('$name', ({ keywords, text, want }) => {
    expect(found(new KeywordAutomaton(keywords), text)).toEqual([...want].sort());
  });

  it('reports the end of each hit and honours from/to bounds', () => {
    const a = new KeywordAutomaton(['key']);
    const hits: Array<[number, number, number]> = [];
    a.scan('key key key', (k, s, e) => hits.push([k, s, e]), 1, 9);
    expect(hits).toEqual([[0, 4, 7]]);
  });

  it('agrees with a naive search on random texts and keyword sets', () => {
    const alphabet = fc.constantFrom('a', 'b', 'A', 'B', '_', '-', 'é', ' ');
    const word = fc.string({ unit: alphabet, minLength: 1, maxLength: 4 }).filter((s) => !s.includes('é'));
    fc.assert(
      fc.property(
        fc.uniqueArray(word, { minLength: 1, maxLength: 8, selector: (s) => s.toLowerCase() }),
        fc.string({ unit: alphabet, maxLength: 60 }),
        (keywords, text) => {
          expect(found(new KeywordAutomaton(keywords), text)).toEqual(naive(keywords, text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses keywords it cannot match', () => {
    expect(() => new KeywordAutomaton([''])).toThrow(/empty/);
    expect(() => new KeywordAutomaton(['clé'])).toThrow(/ASCII/);
  });

  it('keeps one state per distinct prefix', () => {
    expect(new KeywordAutomaton(['abc', 'abd', 'x']).stateCount).toBe(1 + 3 + 1 + 1);
  });
});
