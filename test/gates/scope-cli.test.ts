/**
 * What the gates examine, as a person runs them: any folder is walked and
 * its workflows, actions and Dependabot configurations are recognised by
 * name and content; a run that finds nothing it was asked to examine is an
 * error naming where it looked, never a pass; every output says how many
 * files and lines it read; a pathological expression is a finding, not a
 * crash.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandGit } from '../../src/gitops/git.js';
import { runCliProcess } from '../helpers/cli-process.js';

function folder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-gate-scope-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const lines = (text: string): number => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

const BUILD = `name: build
on: [push]
permissions:
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/setup@v2
`;
const COMPOSITE = `name: setup
description: sets up
runs:
  using: composite
  steps:
    - run: echo "\${{ github.event.issue.title }}"
      shell: bash
`;
const JAVASCRIPT = `name: js
description: a JavaScript action
runs:
  using: node24
  main: index.js
`;
const DEPENDABOT = `version: 2
updates:
  - package-ecosystem: npm
    directory: /
    schedule:
      interval: weekly
`;
const NOT_A_WORKFLOW = `replicas: 3
image: app:1.2.3
jobs: 4
`;

/** A repository laid out nothing like `.github/workflows`: every kind of file the audit reads, and some it must not. */
function oddLayout(): { dir: string; expectedLines: number } {
  const dir = folder({
    'ci/build.yaml': BUILD,
    'tools/setup/action.yml': COMPOSITE,
    'tools/js/action.yaml': JAVASCRIPT,
    'config/dependabot.yml': DEPENDABOT,
    'deploy/values.yml': NOT_A_WORKFLOW,
    'README.md': '# odd\n',
    'node_modules/dep/action.yml': JAVASCRIPT,
  });
  return { dir, expectedLines: lines(BUILD) + lines(COMPOSITE) + lines(JAVASCRIPT) + lines(DEPENDABOT) };
}

describe('gate workflows DIR walks any folder', () => {
  it('recognises workflows by content, actions and dependabot.yml by name, and counts files and lines in every format', async () => {
    const { dir, expectedLines } = oddLayout();
    const json = await runCliProcess(['gate', 'workflows', '.', '--format', 'json'], { cwd: dir });
    expect(json.stderr).toBe('');
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      filesAudited: number;
      linesAudited: number;
      findings: Array<{ file: string; ruleId: string }>;
    };
    expect(report.filesAudited).toBe(4);
    expect(report.linesAudited).toBe(expectedLines);
    const files = new Set(report.findings.map((f) => f.file));
    expect(files.has('ci/build.yaml')).toBe(true);
    expect(files.has('tools/setup/action.yml')).toBe(true);
    expect([...files].some((f) => f.startsWith('deploy/') || f.startsWith('node_modules/'))).toBe(false);

    const text = await runCliProcess(['gate', 'workflows', dir], { cwd: dir });
    expect(text.stdout).toContain(`in 4 file(s) of ${expectedLines} line(s)`);

    const sarif = JSON.parse(
      (await runCliProcess(['gate', 'workflows', '.', '--format', 'sarif'], { cwd: dir })).stdout,
    ) as { runs: Array<{ properties: unknown }> };
    expect(sarif.runs[0]?.properties).toEqual({ examined: { files: 4, lines: expectedLines } });
  });

  it('passes a clean folder saying what it read', async () => {
    const dir = folder({
      'pipelines/ci.yml': BUILD.replace(
        'someone/setup@v2',
        'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2',
      ),
    });
    const out = await runCliProcess(['gate', 'workflows', 'pipelines'], { cwd: dir });
    expect(out.stdout).toMatch(/^PASS: \d+ findings in 1 file\(s\) of 9 line\(s\)/m);
    expect(out.code).toBe(0);
  });

  it.each([
    [
      'an empty folder',
      {},
      /nothing to audit: no workflow, action\.yml or dependabot\.yml was found \(0 file\(s\) in 1 folder\(s\) under \./,
    ],
    [
      'a folder of other YAML',
      { 'deploy/values.yml': NOT_A_WORKFLOW, 'notes.txt': 'x\n' },
      /2 file\(s\) in 2 folder\(s\) under \.; 1 of them YAML; none named action\.yml/,
    ],
    ['actions only under node_modules', { 'node_modules/dep/action.yml': JAVASCRIPT }, /not entered: node_modules/],
  ])('refuses %s with exit 2, naming where it looked, never a pass', async (_, files, message) => {
    const dir = folder(files);
    for (const args of [
      ['gate', 'workflows', '.'],
      ['gate', 'workflows', '.', '--format', 'json'],
      ['gate', '.'],
    ]) {
      const out = await runCliProcess(args, { cwd: dir });
      expect(out.code).toBe(2);
      expect(`${out.stdout}${out.stderr}`).toMatch(message);
      expect(out.stdout).not.toMatch(/PASS|"verdict"/);
    }
  });

  it('refuses a named file that is not of the kind', async () => {
    const dir = folder({ 'values.yml': 'replicas: 3\nimage: app:1.2.3\n' });
    const out = await runCliProcess(['gate', 'workflows', 'values.yml'], { cwd: dir });
    expect(out.code).toBe(2);
    expect(out.stdout).toContain('values.yml is not recognizably a workflow');
  });
});

describe('an expression nested 10,000 deep', () => {
  const workflow = (expr: string) => `on: pull_request_target
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ ${expr} }}"
`;
  const n = 10_000;

  it('is a finding at its file and line, and the audit of the other files goes on', async () => {
    const dir = folder({
      'wf/parens.yml': workflow(`${'('.repeat(n)}github.event.issue.title${')'.repeat(n)}`),
      'wf/nots.yml': workflow(`${'!'.repeat(n)}github.event.issue.title`),
      // 2,000 calls: 10,000 would pass GitHub's length limit first.
      'wf/calls.yml': workflow(`${'format('.repeat(2000)}github.sha${')'.repeat(2000)}`),
      'wf/chain.yml': workflow(Array.from({ length: n }, () => 'github.sha').join(' == ')),
      'wf/plain.yml': BUILD,
    });
    const out = await runCliProcess(['gate', 'workflows', 'wf', '--format', 'json'], { cwd: dir });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(1);
    const report = JSON.parse(out.stdout) as {
      filesAudited: number;
      findings: Array<{ file: string; line: number; ruleId: string; message: string }>;
    };
    expect(report.filesAudited).toBe(5);
    const at = (file: string) => report.findings.filter((f) => f.file === file).map((f) => `${f.line}:${f.ruleId}`);
    // GitHub does not count parentheses: the title flows into the script.
    expect(at('wf/parens.yml')).toContain('7:template-injection');
    for (const file of ['wf/nots.yml', 'wf/calls.yml']) {
      expect(at(file)).toContain('7:malformed-expression');
      expect(report.findings.find((f) => f.file === file && f.ruleId === 'malformed-expression')?.message).toMatch(
        /nests deeper than GitHub's limit of 50 levels/,
      );
    }
    expect(
      report.findings.find((f) => f.file === 'wf/chain.yml' && f.ruleId === 'malformed-expression')?.message,
    ).toMatch(/more than GitHub's limit of 21000/);
    expect(at('wf/plain.yml')).toContain('9:unpinned-uses');
    // The message quotes a pathological expression in part, not whole.
    for (const f of report.findings) expect(f.message.length).toBeLessThan(1000);
  });
});

describe('gate secrets examines something or says it could not', () => {
  it.each([
    [
      'a diff of binary garbage',
      new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)),
      /nothing to scan: the diff input\.diff is not a unified diff \(\d+ bytes, no `diff --git`/,
    ],
    ['an empty diff', '', /nothing to scan: the diff input\.diff is empty/],
    ['text that is not a diff', 'hello\nworld\n', /is not a unified diff/],
  ])('refuses %s with exit 2', async (_, content, message) => {
    const dir = folder({ 'input.diff': content });
    for (const format of ['text', 'json', 'sarif']) {
      const out = await runCliProcess(['gate', 'secrets', '--diff', 'input.diff', '--format', format], { cwd: dir });
      expect(out.code).toBe(2);
      expect(out.stdout).toMatch(message);
    }
  });

  it.each([
    ['an empty folder', {}, /nothing to scan: no file under \./],
    [
      'only binary files',
      { 'a.bin': new Uint8Array([0, 1, 2, 3, 0, 255]) },
      /nothing to scan: the 1 file\(s\) under \. hold no text/,
    ],
  ])('refuses a path scan of %s with exit 2', async (_, files, message) => {
    const dir = folder(files);
    const out = await runCliProcess(['gate', 'secrets', '.'], { cwd: dir });
    expect(out.code).toBe(2);
    expect(out.stdout).toMatch(message);
  });

  it('refuses a range that changes nothing', async () => {
    const dir = folder({ 'a.txt': 'a\n' });
    const git = new CommandGit(dir);
    await git.run(['init', '-q', '-b', 'main']);
    await git.run(['add', '.']);
    await git.run(['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'one']);
    const out = await runCliProcess(['gate', 'secrets', '--base', 'HEAD'], { cwd: dir });
    expect(out.code).toBe(2);
    expect(out.stdout).toContain('nothing to scan: git diff HEAD...HEAD is empty');
  });

  it('counts files and lines in text, JSON and SARIF', async () => {
    const dir = folder({ 'src/a.ts': 'export const a = 1;\nexport const b = 2;\n', 'src/b.ts': 'export {};\n' });
    const text = await runCliProcess(['gate', 'secrets', 'src'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/2 files, \d+ lines/);
    const json = JSON.parse(
      (await runCliProcess(['gate', 'secrets', 'src', '--format', 'json'], { cwd: dir })).stdout,
    ) as { scanned: { files: number; lines: number } };
    expect(json.scanned.files).toBe(2);
    const sarif = JSON.parse(
      (await runCliProcess(['gate', 'secrets', 'src', '--format', 'sarif'], { cwd: dir })).stdout,
    ) as { runs: Array<{ properties: { examined: { files: number; lines: number } } }> };
    expect(sarif.runs[0]?.properties.examined).toMatchObject({ files: 2, lines: json.scanned.lines });
  });
});

describe('gate (every family) says what each family examined', () => {
  it('in text and JSON', async () => {
    const { dir, expectedLines } = oddLayout();
    const text = await runCliProcess(['gate', '.'], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`(examined 4 file(s), ${expectedLines} line(s))`);
    const json = JSON.parse((await runCliProcess(['gate', '.', '--format', 'json'], { cwd: dir })).stdout) as {
      families: Array<{ family: string; examined?: unknown }>;
    };
    expect(json.families.find((f) => f.family === 'workflows')?.examined).toEqual({ files: 4, lines: expectedLines });
  });
});

describe('gate deps says what it reviewed', () => {
  it('in SARIF too, where an empty result list would otherwise read as all clear', async () => {
    const dir = folder({ 'snapshot.json': '[]\n' });
    const out = await runCliProcess(
      ['gate', 'deps', '--base', 'main', '--head', 'feature', '--snapshot', 'snapshot.json', '--format', 'sarif'],
      { cwd: dir },
    );
    expect(out.code).toBe(0);
    const sarif = JSON.parse(out.stdout) as {
      runs: Array<{ results: unknown[]; properties: { examined: Record<string, string> } }>;
    };
    expect(sarif.runs[0]?.results).toEqual([]);
    expect(sarif.runs[0]?.properties.examined['dependencies']).toBe(
      '0 added and 0 removed dependencies from the snapshot snapshot.json',
    );
  });
});
