import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isScalar, parseDocument, visit } from 'yaml';
import type { Scalar } from 'yaml';
import { checkPolicyText } from '../../src/policy/kinds.js';

const junk = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: false }),
  fc.boolean(),
  fc.constant(null),
);

describe('any mistake in a shipped policy', () => {
  for (const name of ['canary', 'waves', 'freeze', 'rollback', 'postmortem']) {
    const text = readFileSync(`policies/${name}.yml`, 'utf8');

    it(`in ${name}.yml is reported at a real line, never thrown`, () => {
      const scalarCount = (() => {
        let n = 0;
        visit(parseDocument(text), { Scalar: () => void n++ });
        return n;
      })();
      let withProblems = 0;
      fc.assert(
        fc.property(fc.nat({ max: scalarCount - 1 }), junk, (target, value) => {
          const doc = parseDocument(text);
          let i = 0;
          visit(doc, {
            Scalar(_, node) {
              if (i++ === target && isScalar(node)) (node as Scalar).value = value;
            },
          });
          const mutated = doc.toString();
          const lines = mutated.split('\n').length;
          const check = checkPolicyText(mutated, 'p.yml');
          for (const problem of check.problems) {
            expect(problem.location.file).toBe('p.yml');
            expect(problem.location.line).toBeGreaterThanOrEqual(1);
            expect(problem.location.line).toBeLessThanOrEqual(lines);
            expect(problem.message.startsWith('p.yml:')).toBe(true);
            expect(problem.detail.length).toBeGreaterThan(0);
          }
          const sorted = [...check.problems].sort((a, b) => (a.location.line ?? 0) - (b.location.line ?? 0));
          expect(check.problems).toEqual(sorted);
          if (check.problems.length > 0) withProblems++;
        }),
        { numRuns: 150 },
      );
      // The mutations really do break policies; otherwise this test proves nothing.
      expect(withProblems).toBeGreaterThan(30);
    });
  }
});

describe('canary stages', () => {
  it('accept every strictly rising list of weights that ends at 100', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 8 }), (weights) => {
        const all = [...weights.sort((a, b) => a - b), 100];
        const yaml = `kind: canary\nstages:\n${all.map((w) => `  - weight: ${w}`).join('\n')}\n`;
        expect(checkPolicyText(yaml, 'p.yml').problems).toEqual([]);
      }),
    );
  });

  it('refuse every list that does not rise or does not end at 100', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }), (weights) => {
        const rises = weights.every((w, i) => i === 0 || w > (weights[i - 1] ?? 0));
        fc.pre(!(rises && weights[weights.length - 1] === 100));
        const yaml = `kind: canary\nstages:\n${weights.map((w) => `  - weight: ${w}`).join('\n')}\n`;
        const problems = checkPolicyText(yaml, 'p.yml').problems;
        expect(problems.length).toBeGreaterThan(0);
        for (const p of problems) expect(p.location.field).toMatch(/^stages\[\d+\]\.weight$/);
      }),
    );
  });
});
