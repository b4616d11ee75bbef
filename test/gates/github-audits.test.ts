import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeGateFs } from '../../src/gates/core/fs.js';
import { runWorkflowGate } from '../../src/gates/workflows/run.js';
import { findActionUses, GitHubLookups, inVulnerableRange } from '../../src/gates/workflows/github-audits.js';
import { renderJson, renderMarkdown, renderText } from '../../src/gates/workflows/render.js';
import { RestActionSources } from '../../src/github/rest-action-sources.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { useGitHubMock } from '../helpers/github-nock.js';
import { testClient } from '../github/fixtures.js';
import {
  expectActionWorld,
  expectVulnerable,
  GOOD,
  repo,
  STRAY,
  WORKFLOW,
  WORLD_CALLS,
} from './github-audits-fixtures.js';
import { nodeFiles } from '../../src/runtime/files.js';

const clock = new ManualClock('2026-06-15T12:00:00Z');
let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'bellwether-ghaudits-'));
  mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
  writeFileSync(join(root, '.github', 'workflows', 'ci.yml'), WORKFLOW);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const lookups = (retries = 0) => new GitHubLookups(new RestActionSources(testClient({ retries }).client));

describe('remote uses', () => {
  it('finds owner/repo@ref with its version comment, and leaves local, docker and expression references alone', () => {
    const uses = findActionUses(
      `steps:\n  - uses: a/b@${GOOD} # v1.2.3\n  - uses: "c/d/sub@v2"\n  - uses: ./x\n  - uses: docker://alpine:3\n  - uses: $/.github/actions/y\n  - uses: e/f@\${{ inputs.ref }}\n`,
    );
    expect(uses.map((u) => [u.name, u.ref, u.comment, u.line])).toEqual([
      ['a/b', GOOD, 'v1.2.3', 2],
      ['c/d/sub', 'v2', undefined, 3],
    ]);
  });

  it('reads uses: from the parsed YAML: a uses: line inside a run: script is not a step', () => {
    const text = [
      'on: push',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: |',
      '          cat > action-example.yml <<EOF',
      '          - uses: g/h@v9',
      '          EOF',
      `      - uses: 'a/b@${GOOD}' # v1.2.3`,
      '        with:',
      '          note: "uses: i/j@v1"',
      '  call:',
      '    uses: k/l/.github/workflows/w.yml@v3',
      '',
    ].join('\n');
    const uses = findActionUses(text);
    expect(uses.map((u) => [u.name, u.ref, u.comment, u.line, u.column])).toEqual([
      ['a/b', GOOD, 'v1.2.3', 10, 16],
      ['k/l/.github/workflows/w.yml', 'v3', undefined, 14, 11],
    ]);
    expect(uses.map((u) => text.split('\n')[u.line - 1]?.slice(u.column - 1, u.endColumn - 1))).toEqual([
      `a/b@${GOOD}`,
      'k/l/.github/workflows/w.yml@v3',
    ]);
    const action =
      'name: x\nruns:\n  using: composite\n  steps:\n    - run: echo "uses: m/n@v1"\n      shell: bash\n    - uses: o/p@v2\n';
    expect(findActionUses(action).map((u) => [u.name, u.line])).toEqual([['o/p', 7]]);
  });
});

describe('advisory ranges', () => {
  it.each([
    ['v3.0.1', '< 3.1.0', true],
    ['3.1.0', '< 3.1.0', false],
    ['v2.9', '>= 2.0.0, < 2.9.5', false],
    ['v2.9.4', '>= 2.0.0, < 2.9.5', true],
    ['v1.9.0', '>= 2.0.0, < 2.9.5', false],
    ['v1.0.0', '= 1.0.0', true],
    ['v4', '< 4.2.0', false],
    ['v4', '<= 4.0.0', false],
    ['v4', '>= 4.0.0', true],
    ['v1.0.0', 'garbage here', undefined],
    ['main', '< 1.0.0', undefined],
  ] as const)('%s in %s: %s', (version, range, expected) => {
    expect(inVulnerableRange(version, range)).toBe(expected);
  });
});

describe('the audits that ask GitHub', () => {
  const gh = useGitHubMock();

  it('reports impostor commits, lying version comments, archived and vulnerable actions, asking each thing once', async () => {
    expectActionWorld(gh);
    const { decision } = await runWorkflowGate(
      { paths: [root] },
      { fs: nodeGateFs, clock, files: nodeFiles, cwd: root, github: { lookups: lookups() } },
    );
    const ours = decision.findings.filter((f) =>
      ['impostor-commit', 'ref-version-mismatch', 'archived-uses', 'known-vulnerable-actions'].includes(f.ruleId),
    );
    expect(ours.map((f) => [f.ruleId, f.line, f.severity])).toEqual([
      ['impostor-commit', 10, 'critical'],
      ['ref-version-mismatch', 10, 'medium'],
      ['archived-uses', 11, 'medium'],
      ['known-vulnerable-actions', 11, 'high'],
    ]);
    expect(ours[0]?.message).toContain(STRAY);
    expect(ours[0]?.equivalents.zizmor).toBe('impostor-commit');
    expect(ours[3]?.message).toContain('GHSA-abcd-efgh-ijkl');
    expect(decision.github).toEqual({ status: 'ran', actions: 3, calls: WORLD_CALLS, couldNotCheck: [] });
    expect(renderText(decision)).toContain(
      `GitHub audits: 3 action reference(s) checked with ${WORLD_CALLS} request(s); 0 could not be checked.`,
    );
  });

  it('honours zizmor ignore comments for them', async () => {
    expectActionWorld(gh);
    const dir = mkdtempSync(join(tmpdir(), 'bellwether-ghaudits-ignore-'));
    writeFileSync(join(dir, 'ci.yml'), WORKFLOW.replace('# v2.0.0', '# v2.0.0 # zizmor: ignore[impostor-commit]'));
    try {
      const { decision } = await runWorkflowGate(
        { paths: [join(dir, 'ci.yml')] },
        { fs: nodeGateFs, clock, files: nodeFiles, cwd: dir, github: { lookups: lookups() } },
      );
      expect(decision.findings.some((f) => f.ruleId === 'impostor-commit')).toBe(false);
      expect(decision.suppressed.find((s) => s.finding.ruleId === 'impostor-commit')?.by).toBe('inline-ignore');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says "could not check" for an action GitHub cannot answer about, and goes on with the others', async () => {
    gh.expect('GET /repos/{owner}/{repo}', {
      params: { owner: 'flaky', repo: 'act' },
      reply: { status: 500, body: { message: 'Server Error' } },
      times: Infinity,
    });
    gh.expect('GET /advisories', {
      query: { affects: 'flaky/act' },
      reply: { status: 403, body: { message: 'Forbidden', documentation_url: 'https://docs.github.com' } },
    });
    gh.expect('GET /repos/{owner}/{repo}', {
      params: { owner: 'gone', repo: 'act' },
      reply: { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com' } },
    });
    gh.expect('GET /advisories', { query: { affects: 'gone/act' }, reply: { status: 200, body: [] } });
    const dir = mkdtempSync(join(tmpdir(), 'bellwether-ghaudits-err-'));
    writeFileSync(
      join(dir, 'ci.yml'),
      `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: flaky/act@v1\n      - uses: gone/act@${GOOD} # v1.0.0\n`,
    );
    try {
      const { decision } = await runWorkflowGate(
        { paths: [join(dir, 'ci.yml')] },
        { fs: nodeGateFs, clock, files: nodeFiles, cwd: dir, github: { lookups: lookups() } },
      );
      const note = decision.github;
      expect(note?.status).toBe('ran');
      const unsure = note?.status === 'ran' ? note.couldNotCheck : [];
      expect(unsure.map((c) => [c.action, c.audits])).toEqual([
        ['flaky/act@v1', ['archived-uses']],
        ['flaky/act@v1', ['known-vulnerable-actions']],
        [`gone/act@${GOOD}`, ['archived-uses', 'impostor-commit', 'ref-version-mismatch']],
      ]);
      expect(unsure[0]?.reason).toMatch(/GitHub could not answer.*500/);
      expect(unsure[2]?.reason).toContain('not found');
      const text = renderText(decision);
      expect(text).toContain('3 could not be checked');
      expect(text).toContain(`ci.yml:7: could not check flaky/act@v1`);
      expect(renderMarkdown(decision)).toContain('could not check gone/act@');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds the version of a bare SHA from the tag at it, and says when a branch reference has no version to compare', async () => {
    expectVulnerable(gh);
    const dir = mkdtempSync(join(tmpdir(), 'bellwether-ghaudits-vuln-'));
    writeFileSync(
      join(dir, 'ci.yml'),
      `on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: vuln/act@${GOOD}\n      - uses: vuln/act@main\n`,
    );
    try {
      const { decision } = await runWorkflowGate(
        { paths: [join(dir, 'ci.yml')] },
        { fs: nodeGateFs, clock, files: nodeFiles, cwd: dir, github: { lookups: lookups() } },
      );
      const hit = decision.findings.find((f) => f.ruleId === 'known-vulnerable-actions');
      expect(hit?.line).toBe(7);
      expect(hit?.message).toContain('v1.2.0');
      const note = decision.github;
      expect(note?.status === 'ran' ? note.couldNotCheck.map((c) => [c.action, c.audits]) : []).toEqual([
        ['vuln/act@main', ['known-vulnerable-actions']],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops at the request budget and lists what it left unchecked', async () => {
    gh.expect('GET /repos/{owner}/{repo}', {
      params: { owner: 'good', repo: 'setup' },
      reply: { status: 200, body: repo('good', 'setup') },
    });
    const { decision } = await runWorkflowGate(
      { paths: [root] },
      {
        fs: nodeGateFs,
        clock,
        files: nodeFiles,
        cwd: root,
        github: { lookups: new GitHubLookups(new RestActionSources(testClient({ retries: 0 }).client), 1) },
      },
    );
    const note = decision.github;
    expect(note?.status === 'ran' && note.calls).toBe(1);
    const reasons = note?.status === 'ran' ? note.couldNotCheck.map((c) => c.reason) : [];
    expect(reasons.length).toBeGreaterThan(0);
    expect(reasons.every((r) => r.includes('budget of 1 GitHub requests'))).toBe(true);
  });

  it('without a token, says once that they were skipped and why, in text, JSON and Markdown', async () => {
    const { decision } = await runWorkflowGate(
      { paths: [root] },
      { fs: nodeGateFs, clock, files: nodeFiles, cwd: root },
    );
    expect(decision.github).toMatchObject({ status: 'skipped', actions: 3 });
    const text = renderText(decision);
    expect(text.match(/skipped/g)).toHaveLength(1);
    expect(text).toContain('GITHUB_TOKEN');
    expect(text).toContain('3 action reference(s) left unchecked');
    expect(JSON.parse(renderJson(decision)).github).toMatchObject({ status: 'skipped' });
    expect(renderMarkdown(decision).match(/skipped/g)).toHaveLength(1);
  });
});
