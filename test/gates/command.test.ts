import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateWorkflowsCommand } from '../../src/cli/gate-command.js';
import { nodeGateFs } from '../../src/gates/core/fs.js';
import { displayPath, runWorkflowGate } from '../../src/gates/workflows/run.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { nodeFiles } from '../../src/runtime/files.js';

const deps = { fs: nodeGateFs, clock: new ManualClock('2026-06-15T12:00:00Z'), files: nodeFiles, cwd: process.cwd() };
let root: string;
const p = (...parts: string[]) => join(root, ...parts);

const CLEAN = `name: ci
on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
      - run: npm test
`;
const UNPINNED = CLEAN.replace('      - run: npm test', '      - uses: someone/tool@v1\n      - run: npm test');

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'bellwether-gates-'));
  mkdirSync(p('repo', '.github', 'workflows'), { recursive: true });
  mkdirSync(p('repo', 'actions', 'greet'), { recursive: true });
  mkdirSync(p('repo', 'node_modules', 'x'), { recursive: true });
  writeFileSync(p('repo', '.github', 'workflows', 'ci.yml'), CLEAN);
  writeFileSync(p('repo', '.github', 'workflows', 'notes.txt'), 'not yaml');
  writeFileSync(
    p('repo', 'actions', 'greet', 'action.yml'),
    'name: g\ndescription: d\nruns:\n  using: node24\n  main: index.js\n',
  );
  writeFileSync(p('repo', 'node_modules', 'x', 'action.yml'), 'runs: {using: nope}\n');
  writeFileSync(p('repo', 'config.yml'), 'not: a workflow\n');
  writeFileSync(p('unpinned.yml'), UNPINNED);
  writeFileSync(p('broken.yml'), 'on: push\njobs:\n  a: [\n');
  writeFileSync(p('binary.yml'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0xff, 0xfe]));
  writeFileSync(p('huge.yml'), `on: push\n# ${'x'.repeat(2 * 1024 * 1024)}\n`);
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++)
    laughs.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(',')}]`,
    );
  writeFileSync(
    p('laughs.yml'),
    `on: push\npermissions: {}\n${laughs.join('\n')}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n`,
  );
  writeFileSync(p('empty.yml'), '');
  writeFileSync(p('policy.yml'), 'kind: gates\nfailOn: critical\n');
  writeFileSync(p('bad-policy.yml'), 'kind: gates\nfailOn: sometimes\n');
  writeFileSync(p('not-json.json'), '{');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('gateWorkflowsCommand', () => {
  it('passes a clean repository, finding workflows and action.yml files but not node_modules', async () => {
    const out = await gateWorkflowsCommand({ paths: [p('repo')], format: 'json' }, deps);
    expect(out.exitCode).toBe(0);
    const json = JSON.parse(out.stdout);
    expect(json).toMatchObject({ verdict: 'pass', filesAudited: 2, findings: [] });
  });

  it('finds workflows when given .github or .github/workflows itself', async () => {
    for (const dir of [p('repo', '.github'), p('repo', '.github', 'workflows')]) {
      const out = await gateWorkflowsCommand({ paths: [dir], format: 'json' }, deps);
      expect(JSON.parse(out.stdout).filesAudited).toBe(1);
    }
  });

  it('skips missing paths when asked to, for lists of usual places', async () => {
    const result = await runWorkflowGate(
      { paths: [p('repo'), p('repo', '.github', 'actions')], missing: 'skip' },
      deps,
    );
    expect(result.decision.filesAudited).toBe(2);
  });

  it('names files relative to the working directory, however they were given', async () => {
    const here = { ...deps, cwd: p('repo') };
    const inside = await runWorkflowGate({ paths: [p('repo', '.github')] }, here);
    expect(inside.audits.map((a) => a.file)).toEqual(['.github/workflows/ci.yml']);
    const outside = await runWorkflowGate({ paths: [p('unpinned.yml')] }, here);
    expect(outside.audits.map((a) => a.file)).toEqual([p('unpinned.yml')]);
  });

  it('exits 1 when a finding reaches the threshold, 0 under a laxer policy', async () => {
    const strict = await gateWorkflowsCommand({ paths: [p('unpinned.yml')], format: 'text' }, deps);
    expect(strict.exitCode).toBe(1);
    expect(strict.stdout).toContain('[unpinned-uses]');
    const lax = await gateWorkflowsCommand(
      { paths: [p('unpinned.yml')], format: 'text', policy: p('policy.yml') },
      deps,
    );
    expect(lax.exitCode).toBe(0);
  });

  it('writes SARIF', async () => {
    const out = await gateWorkflowsCommand({ paths: [p('unpinned.yml')], format: 'sarif' }, deps);
    const log = JSON.parse(out.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId)).toEqual(['unpinned-uses']);
  });

  it('in diff mode fails only on findings missing from the baseline', async () => {
    const base = await gateWorkflowsCommand({ paths: [p('unpinned.yml')], format: 'json' }, deps);
    writeFileSync(p('baseline.json'), base.stdout);
    const same = await gateWorkflowsCommand(
      { paths: [p('unpinned.yml')], format: 'json', baseline: p('baseline.json') },
      deps,
    );
    expect(same.exitCode).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ mode: 'diff', findings: [] });
    writeFileSync(p('unpinned.yml'), UNPINNED.replace('npm test', 'npm test\n      - uses: other/tool@v2'));
    const more = await gateWorkflowsCommand(
      { paths: [p('unpinned.yml')], format: 'json', baseline: p('baseline.json') },
      deps,
    );
    expect(more.exitCode).toBe(1);
    expect(JSON.parse(more.stdout).findings.map((f: { snippet: string }) => f.snippet)).toEqual(['other/tool@v2']);
    writeFileSync(p('unpinned.yml'), UNPINNED);
  });

  it.each([
    ['broken.yml', /broken\.yml cannot be audited: .*/, 4],
    ['binary.yml', /binary\.yml cannot be audited: file is not UTF-8 text/, 1],
    ['huge.yml', /huge\.yml cannot be audited: file is \d+ bytes, more than the limit of 1048576/, 1],
  ])('turns %s into a finding naming the file', async (name, message, line) => {
    const out = await gateWorkflowsCommand({ paths: [p(name)], format: 'json' }, deps);
    const [finding, ...rest] = JSON.parse(out.stdout).findings;
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ ruleId: 'yaml-syntax', line });
    expect(finding.message).toMatch(message);
  });

  it('refuses a lone empty file: a pass would say it audited something', async () => {
    const out = await gateWorkflowsCommand({ paths: [p('empty.yml')], format: 'json' }, deps);
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toMatch(/^nothing to audit: .*empty\.yml cannot be audited: file holds no YAML document/);
  });

  it('audits a file of nested aliases without expanding them, and says it uses anchors', async () => {
    const out = await gateWorkflowsCommand({ paths: [p('laughs.yml')], format: 'json' }, deps);
    const json = JSON.parse(out.stdout);
    expect(json.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual([
      'yaml-anchors',
      'invalid-workflow',
      'invalid-workflow',
      'invalid-workflow',
      'invalid-workflow',
      'invalid-workflow',
      'invalid-workflow',
      'invalid-workflow',
      'invalid-workflow',
      'invalid-workflow',
    ]);
  });

  it.each([
    [{ paths: ['/definitely/not/here'] }, '/definitely/not/here: no such file or directory'],
    [{ paths: [] }, 'name at least one file or directory to audit'],
    [{ paths: ['.'], policy: '/no/policy.yml' }, '/no/policy.yml: no such policy file'],
    [{ paths: ['.'], baseline: '/no/baseline.json' }, '/no/baseline.json: cannot read the baseline'],
  ])('exits 2 on usage errors: %j', async (args, message) => {
    const out = await gateWorkflowsCommand({ format: 'text', ...args }, deps);
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toContain(message);
  });

  it('exits 2 naming file, line and field of a bad policy, or a baseline that is not JSON', async () => {
    const bad = await gateWorkflowsCommand(
      { paths: [p('unpinned.yml')], format: 'text', policy: p('bad-policy.yml') },
      deps,
    );
    expect(bad).toEqual({
      exitCode: 2,
      stdout: `${p('bad-policy.yml')}:2: failOn: expected one of info, low, medium, high, critical, got "sometimes"\n`,
    });
    const notJson = await gateWorkflowsCommand(
      { paths: [p('unpinned.yml')], format: 'text', baseline: p('not-json.json') },
      deps,
    );
    expect(notJson.exitCode).toBe(2);
    expect(notJson.stdout).toContain('not-json.json: cannot read the baseline');
  });

  it('exits 2 on an unknown format', async () => {
    const out = await gateWorkflowsCommand({ paths: [p('unpinned.yml')], format: 'xml' as 'text' }, deps);
    expect(out.exitCode).toBe(2);
  });
});

describe('displayPath', () => {
  it.each([
    ['/repo/.github/workflows/a.yml', '/repo', '.github/workflows/a.yml'],
    ['.github/workflows/a.yml', '/repo', '.github/workflows/a.yml'],
    ['./action.yml', '/repo', 'action.yml'],
    ['/elsewhere/a.yml', '/repo', '/elsewhere/a.yml'],
    ['../sibling/a.yml', '/repo', '../sibling/a.yml'],
  ])('%s from %s → %s', (file, cwd, expected) => {
    expect(displayPath(file, cwd)).toBe(expected);
  });
});
