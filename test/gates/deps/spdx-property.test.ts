import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allowedChoice,
  formatSpdx,
  listAtoms,
  parseSpdx,
  unavoidableDenied,
  type SpdxNode,
} from '../../../src/gates/deps/spdx.js';

const LICENSES = ['MIT', 'ISC', 'Apache-2.0', 'BSD-3-Clause', 'MPL-2.0', 'Zlib'];

const tree: fc.Arbitrary<SpdxNode> = fc.letrec<{ node: SpdxNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...LICENSES).map((id): SpdxNode => ({ kind: 'license', id, plus: false })),
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('node'), right: tie('node') }),
  ),
})).node;

/** The expression as a boolean formula over "this license is acceptable". */
function holds(node: SpdxNode, ok: (id: string) => boolean): boolean {
  if (node.kind === 'license') return ok(node.id);
  return node.kind === 'and'
    ? holds(node.left, ok) && holds(node.right, ok)
    : holds(node.left, ok) || holds(node.right, ok);
}

describe('SPDX evaluation agrees with boolean logic', () => {
  it('printing and parsing again gives the same expression', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const printed = formatSpdx(t);
        expect(formatSpdx(parseSpdx(printed))).toBe(printed);
        expect(holds(parseSpdx(printed), (id) => id === 'MIT')).toBe(holds(t, (id) => id === 'MIT'));
      }),
    );
  });

  it('an allow list is met exactly when the formula holds with allowed licenses true', () => {
    fc.assert(
      fc.property(tree, fc.subarray(LICENSES), (t, allow) => {
        const expected = holds(t, (id) => allow.includes(id));
        expect(allowedChoice(t, listAtoms(allow)) !== undefined).toBe(expected);
      }),
    );
  });

  it('a deny list bites exactly when the formula fails with denied licenses false', () => {
    fc.assert(
      fc.property(tree, fc.subarray(LICENSES), (t, deny) => {
        const avoidable = holds(t, (id) => !deny.includes(id));
        expect(unavoidableDenied(t, listAtoms(deny)).length > 0).toBe(!avoidable);
      }),
    );
  });
});
