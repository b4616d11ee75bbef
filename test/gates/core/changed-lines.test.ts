import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changedLinesFromDiff } from '../../../src/gates/core/diff.js';

const lines = (m: Map<string, Set<number>>) =>
  Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort((a, b) => a - b)]));

describe('changedLinesFromDiff', () => {
  it('reads the new-side line numbers of added lines in every file', () => {
    const diff = [
      'diff --git a/.github/workflows/ci.yml b/.github/workflows/ci.yml',
      'index 1111111..2222222 100644',
      '--- a/.github/workflows/ci.yml',
      '+++ b/.github/workflows/ci.yml',
      '@@ -3,3 +3,4 @@ on:',
      ' jobs:',
      '-  old:',
      '+  new:',
      '+    runs-on: ubuntu-latest',
      '     steps:',
      '@@ -20,2 +21,3 @@',
      '       - run: a',
      '+      - run: b',
      '       - run: c',
      'diff --git a/gone.yml b/gone.yml',
      'deleted file mode 100644',
      '--- a/gone.yml',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '-on: push',
      '-jobs: {}',
      'diff --git a/action.yml b/action.yml',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/action.yml',
      '@@ -0,0 +1,2 @@',
      '+name: a',
      '+runs: {using: node24, main: x.js}',
      '\\ No newline at end of file',
      '',
    ].join('\n');
    expect(lines(changedLinesFromDiff(diff))).toEqual({
      '.github/workflows/ci.yml': [4, 5, 22],
      'action.yml': [1, 2],
    });
  });

  it('reads a single file patch as the pulls API gives it', () => {
    const patch = '@@ -1,3 +1,3 @@\n on: push\n-permissions: write-all\n+permissions: {}\n jobs:';
    expect(lines(changedLinesFromDiff(patch, '.github/workflows/x.yml'))).toEqual({ '.github/workflows/x.yml': [2] });
  });

  it('ends each hunk by its line counts, so files of a plain diff -u follow one another', () => {
    const diff = [
      '--- a/one.yml',
      '+++ b/one.yml',
      '@@ -1 +1 @@',
      '-a',
      '+b',
      '--- a/two.yml',
      '+++ b/two.yml',
      '@@ -5,0 +6,1 @@',
      '+c',
    ].join('\n');
    expect(lines(changedLinesFromDiff(diff))).toEqual({ 'one.yml': [1], 'two.yml': [6] });
  });

  it('handles CRLF diffs and a line that looks like a header inside a hunk', () => {
    const diff = '--- a/w.yml\r\n+++ b/w.yml\r\n@@ -1,1 +1,2 @@\r\n a\r\n+++ not a header\r\n';
    expect(lines(changedLinesFromDiff(diff))).toEqual({ 'w.yml': [2] });
  });
});

describe('changedLinesFromDiff on any text', () => {
  it('never throws and reports no negative line numbers', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 20 }),
            fc.constantFrom('+++ b/x', '@@ -1,2 +1,3 @@', '+a', '-b', ' c', '@@ -0,0 +1 @@', 'diff --git a/x b/x'),
          ),
          { maxLength: 30 },
        ),
        (parts) => {
          for (const set of changedLinesFromDiff(parts.join('\n')).values())
            for (const n of set) expect(n).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
