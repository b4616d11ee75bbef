/**
 * Properties every rule must have for the scan to stay linear: sticky
 * patterns with only bounded quantifiers, lowercase keywords, and an id that
 * the policy can name.
 */
import { describe, expect, it } from 'vitest';
import { SECRET_RULE_IDS } from '../../../src/gates/secrets/policy.js';
import { SECRET_RULES } from '../../../src/gates/secrets/rules.js';

/** The pattern with escapes and character classes removed, leaving its structure. */
function structure(source: string): string {
  return source.replace(/\\./g, 'e').replace(/\[(?:[^\]\\]|\\.)*\]/g, 'c');
}

describe('rule shapes', () => {
  it.each(SECRET_RULES.map((r) => [r.id, r] as const))('%s is sticky, bounded and keyed', (_id, rule) => {
    expect(rule.pattern.sticky).toBe(true);
    const shape = structure(rule.pattern.source);
    // No `*`, no `+` and no `{n,}`: every match attempt is bounded by the pattern itself.
    expect(shape).not.toMatch(/[*+]|\{\d+,\}/);
    expect(rule.keywords.length).toBeGreaterThan(0);
    for (const k of rule.keywords) expect(k).toBe(k.toLowerCase());
    expect(rule.fix.length).toBeGreaterThan(20);
  });

  it('the structure helper sees through escapes and classes', () => {
    expect(structure(String.raw`a\+[+*]{1,2}`)).toBe('aec{1,2}');
    expect(structure('a+')).toMatch(/\+/);
  });

  it('ids are unique and all known to the policy', () => {
    const ids = SECRET_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(SECRET_RULE_IDS).toContain(id);
  });
});
