import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseUnifiedDiff, unquoteGitPath } from '../../../src/gates/core/diff.js';
import { TempRepo } from '../secrets/git-repo.js';

describe('parseUnifiedDiff on hand-written diffs', () => {
  it('reads added lines with their new line numbers across hunks', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      'index 1111111..2222222 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -1,2 +1,3 @@',
      ' keep',
      '-gone',
      '+new one',
      '+new two',
      '@@ -10 +11,2 @@',
      '-old',
      '+--- looks like a header but is content',
      '+++ also content',
      '',
    ].join('\n');
    const [file] = parseUnifiedDiff(diff);
    expect(file).toMatchObject({ path: 'src/a.ts', status: 'modified', binary: false });
    expect(file?.addedLines).toEqual([
      'new one',
      'new two',
      '--- looks like a header but is content',
      '++ also content',
    ]);
    expect(file?.lineNumbers).toEqual([2, 3, 11, 12]);
  });

  it('reads a plain diff -u of several files, CRLF line ends and the no-newline marker', () => {
    const diff = [
      '--- a/one.txt\t2026-01-01',
      '+++ b/one.txt\t2026-01-02',
      '@@ -1 +1 @@',
      '-x',
      '+y\r',
      '\\ No newline at end of file',
      '--- two.txt',
      '+++ two.txt',
      '@@ -0,0 +1 @@',
      '+z',
    ].join('\n');
    const files = parseUnifiedDiff(diff);
    expect(files.map((f) => [f.path, f.addedLines, f.lineNumbers])).toEqual([
      ['one.txt', ['y'], [1]],
      ['two.txt', ['z'], [1]],
    ]);
  });

  it.each([
    ['"a/caf\\303\\251.txt"', 'a/café.txt'],
    ['"tab\\there"', 'tab\there'],
    ['"quote\\"d"', 'quote"d'],
    ['plain.txt', 'plain.txt'],
  ])('unquotes %s', (raw, want) => {
    expect(unquoteGitPath(raw)).toBe(want);
  });

  it('reads new, deleted, renamed and binary files from headers alone', () => {
    const diff = [
      'diff --git a/new.env b/new.env',
      'new file mode 100644',
      'index 0000000..1111111',
      '--- /dev/null',
      '+++ b/new.env',
      '@@ -0,0 +1 @@',
      '+A=1',
      'diff --git a/old.txt b/old.txt',
      'deleted file mode 100644',
      '--- a/old.txt',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-bye',
      'diff --git a/from name.txt b/to name.txt',
      'similarity index 100%',
      'rename from from name.txt',
      'rename to to name.txt',
      'diff --git a/keys/app.p12 b/keys/app.p12',
      'new file mode 100644',
      'Binary files /dev/null and b/keys/app.p12 differ',
    ].join('\n');
    expect(
      parseUnifiedDiff(diff).map((f) => ({ path: f.path, oldPath: f.oldPath, status: f.status, binary: f.binary })),
    ).toEqual([
      { path: 'new.env', oldPath: undefined, status: 'added', binary: false },
      { path: 'old.txt', oldPath: undefined, status: 'deleted', binary: false },
      { path: 'to name.txt', oldPath: 'from name.txt', status: 'renamed', binary: false },
      { path: 'keys/app.p12', oldPath: undefined, status: 'added', binary: true },
    ]);
  });

  it('survives garbage', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
    expect(parseUnifiedDiff('not a diff\n@@ nonsense @@\n+x')).toEqual([]);
    expect(() => parseUnifiedDiff('diff --git\n@@ -1 +1 @@\n+x\n'.repeat(1000))).not.toThrow();
  });
});

describe('parseUnifiedDiff on real git output', () => {
  let repo: TempRepo;
  let base: string;
  let head: string;

  beforeAll(async () => {
    repo = await TempRepo.create();
    repo.write('src/app.ts', ['line 1', 'line 2', 'line 3', 'line 4'].join('\n') + '\n');
    repo.write('docs/old.md', 'old\n');
    repo.write('moved/before.txt', 'same content\nthat is moved\n');
    base = await repo.commit('base');
    await repo.run('checkout', '-q', '-b', 'feature');
    repo.write('src/app.ts', ['line 1', 'added A', 'line 2', 'line 3', 'line 4', 'added B'].join('\n') + '\n');
    repo.write('café dir/naïve name.txt', 'unicode path\n');
    repo.write('bin/blob.bin', new Uint8Array([0, 1, 2, 3, 0, 255]));
    await repo.run('rm', '-q', 'docs/old.md');
    await repo.run('mv', 'moved/before.txt', 'moved/after.txt');
    head = await repo.commit('feature');
  });
  afterAll(() => repo.remove());

  it('gives what the change adds, where it adds it', async () => {
    const text = await repo.run(
      '-c',
      'core.quotepath=off',
      'diff',
      '--no-color',
      '--no-ext-diff',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      '-M',
      '-U0',
      `${base}...${head}`,
      '--',
    );
    const files = new Map(parseUnifiedDiff(text).map((f) => [f.path, f]));
    expect(files.get('src/app.ts')).toMatchObject({
      status: 'modified',
      addedLines: ['added A', 'added B'],
      lineNumbers: [2, 6],
    });
    expect(files.get('café dir/naïve name.txt')).toMatchObject({
      status: 'added',
      addedLines: ['unicode path'],
      lineNumbers: [1],
    });
    expect(files.get('bin/blob.bin')).toMatchObject({ status: 'added', binary: true, addedLines: [] });
    expect(files.get('docs/old.md')).toMatchObject({ status: 'deleted', addedLines: [] });
    expect(files.get('moved/after.txt')).toMatchObject({
      status: 'renamed',
      oldPath: 'moved/before.txt',
      addedLines: [],
    });
  });

  it('reads quoted paths when git quotes them', async () => {
    const text = await repo.run('diff', '--no-color', '--src-prefix=a/', '--dst-prefix=b/', `${base}...${head}`, '--');
    expect(text).toContain('"b/caf\\303\\251 dir/na\\303\\257ve name.txt"');
    expect(parseUnifiedDiff(text).map((f) => f.path)).toContain('café dir/naïve name.txt');
  });
});

describe('parseUnifiedDiff agrees with git on random edits', () => {
  it.each([1, 2, 3, 4, 5, 6])('seed %i: every added line is the new file line it claims to be', async (seed) => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { Fake } = await import('../secrets/fake-secrets.js');
    const f = new Fake(seed);
    const vocabulary = [
      'alpha',
      'beta',
      '+plus',
      '-minus',
      ' space',
      '',
      '@@ -1 +1 @@',
      '--- x',
      '+++ y',
      '\\ backslash',
      'token = 1',
    ];
    const pick = (): string =>
      vocabulary[Math.floor((Number.parseInt(f.hex(4), 16) / 65536) * vocabulary.length)] as string;
    const oldLines = Array.from({ length: 60 }, pick);
    const newLines = oldLines.flatMap((l) => {
      const r = Number.parseInt(f.hex(2), 16);
      if (r < 40) return [];
      if (r < 90) return [l, pick(), pick()];
      if (r < 120) return [pick()];
      return [l];
    });
    const dir = mkdtempSync(join(tmpdir(), 'bw-diff-prop-'));
    writeFileSync(join(dir, 'old.txt'), oldLines.join('\n') + '\n');
    writeFileSync(join(dir, 'new.txt'), newLines.join('\n') + '\n');
    for (const context of ['-U0', '-U3']) {
      const out = spawnSync('git', ['diff', '--no-index', '--no-color', context, 'old.txt', 'new.txt'], {
        cwd: dir,
        encoding: 'utf8',
      });
      const [file] = parseUnifiedDiff(out.stdout);
      expect(file).toBeDefined();
      file?.addedLines.forEach((text, i) => expect(text).toBe(newLines[(file.lineNumbers[i] as number) - 1]));
      // Every line of the new file that is not in the old one in order must be among the added lines.
      expect(file?.addedLines.length).toBeGreaterThanOrEqual(newLines.length - oldLines.length);
    }
  });
});
