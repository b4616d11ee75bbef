import { describe, expect, it } from 'vitest';
import {
  allowedChoice,
  choicesOf,
  formatSpdx,
  isUnknownLicense,
  listAtoms,
  parseSpdx,
  SpdxSyntaxError,
  unavoidableDenied,
} from '../../../src/gates/deps/spdx.js';

const ids = (expr: string): string[][] =>
  choicesOf(parseSpdx(expr)).map((c) => c.map((a) => a.id + (a.exception ? ` WITH ${a.exception}` : '')));

describe('parseSpdx: the grammar of SPDX 2.3 Annex D', () => {
  it.each([
    ['MIT', 'MIT'],
    ['(MIT)', 'MIT'],
    ['MIT OR Apache-2.0', 'MIT OR Apache-2.0'],
    ['MIT AND BSD-3-Clause OR Apache-2.0', 'MIT AND BSD-3-Clause OR Apache-2.0'],
    ['MIT AND (BSD-3-Clause OR Apache-2.0)', 'MIT AND (BSD-3-Clause OR Apache-2.0)'],
    ['(MIT AND BSD-3-Clause) OR Apache-2.0', 'MIT AND BSD-3-Clause OR Apache-2.0'],
    ['GPL-2.0+', 'GPL-2.0+'],
    ['GPL-2.0-or-later WITH Classpath-exception-2.0', 'GPL-2.0-or-later WITH Classpath-exception-2.0'],
    ['Apache-2.0 WITH LLVM-exception OR MIT', 'Apache-2.0 WITH LLVM-exception OR MIT'],
    ['mit or apache-2.0', 'mit OR apache-2.0'],
    ['LicenseRef-Acme-Proprietary', 'LicenseRef-Acme-Proprietary'],
    ['DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2', 'DocumentRef-spdx-tool-1.2:LicenseRef-MIT-Style-2'],
    ['((MIT))  OR\t(ISC)', 'MIT OR ISC'],
    [
      '(Apache-2.0 OR MIT) AND (BSD-2-Clause OR ISC) AND Unicode-DFS-2016',
      '(Apache-2.0 OR MIT) AND (BSD-2-Clause OR ISC) AND Unicode-DFS-2016',
    ],
  ])('%s parses and prints back as %s', (text, printed) => {
    expect(formatSpdx(parseSpdx(text))).toBe(printed);
  });

  it('binds WITH tighter than AND, and AND tighter than OR', () => {
    expect(parseSpdx('A OR B AND C WITH X')).toEqual({
      kind: 'or',
      left: { kind: 'license', id: 'A', plus: false },
      right: {
        kind: 'and',
        left: { kind: 'license', id: 'B', plus: false },
        right: { kind: 'license', id: 'C', plus: false, exception: 'X' },
      },
    });
  });

  it.each([
    ['', 'empty expression'],
    ['   ', 'empty expression'],
    ['MIT OR', 'expected a license'],
    ['OR MIT', "expected a license, got 'OR'"],
    ['(MIT', "expected ')'"],
    ['MIT)', "unexpected ')'"],
    ['MIT ISC', "unexpected 'ISC'"],
    ['MIT WITH', 'expected an exception identifier'],
    ['(MIT OR ISC) WITH Classpath-exception-2.0', 'WITH applies to a single license'],
    ['MIT AND AND ISC', "got 'AND'"],
    ['M@T', 'is not a license identifier'],
    ['()', "expected a license, got ')'"],
  ])('rejects %j: %s', (text, message) => {
    const err = (() => {
      try {
        parseSpdx(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SpdxSyntaxError);
    expect((err as Error).message).toContain(message);
  });
});

describe('choicesOf: ways to comply, with or-later ranges and deprecated ids', () => {
  it.each([
    ['MIT', [['MIT']]],
    ['MIT OR Apache-2.0', [['MIT'], ['Apache-2.0']]],
    [
      'MIT AND (ISC OR BSD-2-Clause)',
      [
        ['MIT', 'ISC'],
        ['MIT', 'BSD-2-Clause'],
      ],
    ],
    ['GPL-2.0', [['GPL-2.0-only']]],
    ['GPL-2.0+', [['GPL-2.0-only'], ['GPL-3.0-only']]],
    ['GPL-2.0-or-later', [['GPL-2.0-only'], ['GPL-3.0-only']]],
    ['gpl-3.0-or-later', [['GPL-3.0-only']]],
    ['LGPL-2.1+', [['LGPL-2.1-only'], ['LGPL-3.0-only']]],
    ['AGPL-1.0-or-later', [['AGPL-1.0-only'], ['AGPL-3.0-only']]],
    ['Apache-1.1+', [['Apache-1.1'], ['Apache-2.0']]],
    ['MPL-1.1+', [['MPL-1.1'], ['MPL-2.0']]],
    ['EPL-1.0+', [['EPL-1.0'], ['EPL-2.0']]],
    ['MIT+', [['MIT']]],
    ['GPL-2.0-with-classpath-exception', [['GPL-2.0-only WITH Classpath-exception-2.0']]],
    [
      'GPL-2.0+ WITH Classpath-exception-2.0',
      [['GPL-2.0-only WITH Classpath-exception-2.0'], ['GPL-3.0-only WITH Classpath-exception-2.0']],
    ],
    [
      '(MIT OR ISC) AND (Apache-2.0 OR BSD-3-Clause)',
      [
        ['MIT', 'Apache-2.0'],
        ['MIT', 'BSD-3-Clause'],
        ['ISC', 'Apache-2.0'],
        ['ISC', 'BSD-3-Clause'],
      ],
    ],
  ])('%s', (expr, expected) => {
    expect(ids(expr)).toEqual(expected);
  });

  it('refuses parentheses nested beyond the limit instead of exhausting the stack', () => {
    expect(() => parseSpdx(`${'('.repeat(100000)}MIT${')'.repeat(100000)}`)).toThrow(/nested deeper than 64/);
    expect(formatSpdx(parseSpdx(`${'('.repeat(64)}MIT${')'.repeat(64)}`))).toBe('MIT');
  });

  it('refuses an expression that expands beyond the limit instead of hanging', () => {
    const huge = Array.from({ length: 13 }, (_, i) => `(A${i} OR B${i})`).join(' AND ');
    expect(() => choicesOf(parseSpdx(huge))).toThrow(RangeError);
  });
});

describe('allow lists: usable under allowed licenses alone', () => {
  const allow = listAtoms([
    'MIT',
    'Apache-2.0',
    'BSD-3-Clause',
    'ISC',
    'GPL-2.0+',
    'LGPL-2.1-only WITH LLVM-exception',
  ]);
  it.each([
    ['MIT', true],
    ['mit', true],
    ['MIT OR GPL-3.0-only', true],
    ['MIT AND ISC', true],
    ['MIT AND WTFPL', false],
    ['WTFPL OR (Apache-2.0 AND BSD-3-Clause)', true],
    ['WTFPL OR (Apache-2.0 AND CC-BY-4.0)', false],
    ['GPL-3.0-only', true],
    ['GPL-2.0', true],
    ['GPL-1.0-only', false],
    ['GPL-1.0+', true],
    ['GPL-2.0-only WITH Classpath-exception-2.0', true],
    ['LGPL-2.1-only', false],
    ['LGPL-2.1-only WITH LLVM-exception', true],
    ['AGPL-3.0-only', false],
    ['LicenseRef-Acme', false],
  ])('%s → %s', (expr, ok) => {
    expect(allowedChoice(parseSpdx(expr), allow) !== undefined).toBe(ok);
  });
});

describe('deny lists: every way to use the package accepts a denied license', () => {
  const deny = listAtoms(['GPL-3.0-only', 'AGPL-3.0+', 'LGPL-2.1-only WITH LLVM-exception']);
  it.each([
    ['MIT', []],
    ['GPL-3.0-only', ['GPL-3.0-only']],
    ['GPL-3.0', ['GPL-3.0-only']],
    ['MIT OR GPL-3.0-only', []],
    ['MIT AND GPL-3.0-only', ['GPL-3.0-only']],
    ['GPL-2.0+', []],
    ['GPL-3.0+', ['GPL-3.0-only']],
    ['AGPL-3.0-only OR GPL-3.0-or-later', ['AGPL-3.0-only', 'GPL-3.0-only']],
    ['GPL-3.0-only WITH GCC-exception-3.1', ['GPL-3.0-only']],
    ['LGPL-2.1-only', []],
    ['LGPL-2.1-only WITH LLVM-exception', ['LGPL-2.1-only']],
  ])('%s → %j', (expr, hits) => {
    expect(unavoidableDenied(parseSpdx(expr), deny).map((a) => a.id)).toEqual(hits);
  });
});

describe('list entries and unknown licenses', () => {
  it('accepts single licenses only in a list', () => {
    expect(listAtoms(['MIT', 'GPL-2.0+']).map((a) => a.id)).toEqual(['MIT', 'GPL-2.0-only', 'GPL-3.0-only']);
    expect(() => listAtoms(['MIT OR ISC'])).toThrow(/one license, not an expression/);
  });

  it.each([
    [null, true],
    ['NOASSERTION', true],
    ['noassertion', true],
    ['NONE', true],
    ['Other', true],
    ['', true],
    ['MIT', false],
  ])('%j is unknown: %s', (license, unknown) => {
    expect(isUnknownLicense(license)).toBe(unknown);
  });
});
