import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandGit } from '../../src/gitops/git.js';
import { commentReply, example } from '../github/fixtures.js';
import { runBundledAction } from '../helpers/action-runner.js';
import { GitHubExpectations, startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';
import { webhookPayload } from '../helpers/payloads.js';
import { expectActionWorld, WORKFLOW as WORLD_WORKFLOW, WORLD_CALLS } from '../gates/github-audits-fixtures.js';

const CLEAN = `name: ci
on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: echo ok
`;

const INJECTABLE = `name: greet
on: pull_request_target
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - run: echo "Thanks for \${{ github.event.pull_request.title }}"
`;

let server: GitHubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function workspace(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'bw-gate-ws-'));
  const git = new CommandGit(dir);
  await git.run(['init', '-q', '-b', 'main']);
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  writeFileSync(join(dir, '.github/workflows/ci.yml'), CLEAN);
  await git.run(['add', '.']);
  await git.run(['commit', '-q', '-m', 'base']);
  const base = (await git.run(['rev-parse', 'HEAD'])).stdout.trim();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  await git.run(['add', '.']);
  await git.run(['commit', '-q', '-m', 'head']);
  const head = (await git.run(['rev-parse', 'HEAD'])).stdout.trim();
  return { dir, base, head };
}

function github() {
  const gh = new GitHubExpectations();
  const comments: string[] = [];
  const checks: Array<{ conclusion: string; annotations: number }> = [];
  gh.expect('GET /repos/{owner}/{repo}/dependency-graph/compare/{basehead}', {
    times: Infinity,
    reply: { status: 200, body: [] },
  });
  gh.expect('POST /repos/{owner}/{repo}/check-runs', {
    times: Infinity,
    reply: (r) => {
      const body = r.body as { conclusion: string; output: { annotations?: unknown[] } };
      checks.push({ conclusion: body.conclusion, annotations: body.output.annotations?.length ?? 0 });
      return {
        status: 201,
        body: example('POST /repos/{owner}/{repo}/check-runs', 201, { id: 7, conclusion: body.conclusion }),
      };
    },
  });
  gh.expect('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    times: Infinity,
    reply: { status: 200, body: [] },
  });
  gh.expect('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
    times: Infinity,
    reply: (r) => {
      comments.push((r.body as { body: string }).body);
      return {
        status: 201,
        body: commentReply(
          'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
          201,
          99,
          (r.body as { body: string }).body,
        ),
      };
    },
  });
  return { gh, comments, checks };
}

function prPayload(base: string, head: string) {
  const payload = webhookPayload('pull_request', 'opened');
  const pr = payload['pull_request'] as { base: { sha: string }; head: { sha: string }; number: number };
  pr.base.sha = base;
  pr.head.sha = head;
  return { payload, number: pr.number };
}

describe('the bundled gate action on a real pull_request payload', () => {
  it('fails a pull request that adds an injectable workflow and a token: SARIF, a check run with annotations, one comment', async () => {
    const token = 'ghp_' + 'Zx7Qm2Lk9Vb4Np6Rt8Yw3Hs5Jd1Fg0Ca2Eu4';
    const ws = await workspace({
      '.github/workflows/greet.yml': INJECTABLE,
      'src/config.js': `export const token = "${token}";\n`,
    });
    const mock = github();
    server = await startGitHubServer(mock.gh);
    const { payload } = prPayload(ws.base, ws.head);
    const run = await runBundledAction('gate', {
      eventName: 'pull_request',
      payload,
      apiUrl: server.url,
      workspace: ws.dir,
      inputs: { paths: '.github/workflows' },
    });
    server.done();
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(Number(run.outputs.findings)).toBeGreaterThan(0);
    const sarif = JSON.parse(readFileSync(run.outputs['sarif-file']!, 'utf8')) as {
      runs: Array<{
        results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
      }>;
    };
    expect(
      sarif.runs[0]!.results.some((r) => r.locations[0]!.physicalLocation.artifactLocation.uri.endsWith('greet.yml')),
    ).toBe(true);
    expect(mock.checks).toHaveLength(1);
    expect(mock.checks[0]).toMatchObject({ conclusion: 'failure' });
    expect(mock.checks[0]!.annotations).toBeGreaterThan(0);
    expect(mock.comments).toHaveLength(1);
    expect(mock.comments[0]).toContain('Bellwether gates failed');
    expect(run.summary).toContain('secrets');
    for (const text of [run.stdout, run.summary, ...mock.comments]) expect(text).not.toContain(token);
  });

  it('passes a clean pull request', async () => {
    const ws = await workspace({ 'README.md': 'docs only\n' });
    const mock = github();
    server = await startGitHubServer(mock.gh);
    const { payload } = prPayload(ws.base, ws.head);
    const run = await runBundledAction('gate', {
      eventName: 'pull_request',
      payload,
      apiUrl: server.url,
      workspace: ws.dir,
      inputs: { paths: '.github/workflows' },
    });
    server.done();
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ verdict: 'pass', findings: '0' });
    expect(mock.checks[0]).toMatchObject({ conclusion: 'success' });
    // What each family read: the one workflow, and the one line the change adds.
    const examined = JSON.parse(run.outputs.examined!) as Record<string, { files?: number; lines?: number }>;
    expect(examined['workflows']).toEqual({ files: 1, lines: CLEAN.split('\n').length - 1 });
    expect(examined['secrets']).toMatchObject({ files: 1, lines: 1 });
    expect(run.summary).toMatch(/\| workflows \| ✅ pass \| 0 \| 0 \| 1 file\(s\), 9 line\(s\) \|/);
  });

  it('fails, and says why, when the paths it was given hold nothing to audit', async () => {
    const ws = await workspace({ 'docs/guide.md': 'no workflows here\n' });
    const mock = github();
    server = await startGitHubServer(mock.gh);
    const { payload } = prPayload(ws.base, ws.head);
    const run = await runBundledAction('gate', {
      eventName: 'pull_request',
      payload,
      apiUrl: server.url,
      workspace: ws.dir,
      inputs: { paths: 'docs\nnot-there' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    expect(run.summary).toContain(
      'workflows: could not run (nothing to audit: no workflow, action.yml or dependabot.yml was found (1 file(s) in 1 folder(s) under docs; 0 of them YAML; absent: not-there))',
    );
    expect(mock.checks[0]).toMatchObject({ conclusion: 'failure' });
    expect(JSON.parse(run.outputs.examined!)).not.toHaveProperty('workflows');
  });

  it('on a fork pull request (read-only token) keeps the verdict and warns instead of failing on the check run and comment', async () => {
    const ws = await workspace({ '.github/workflows/greet.yml': INJECTABLE });
    const gh = new GitHubExpectations();
    const refused = {
      status: 403,
      body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' },
    };
    gh.expect('GET /repos/{owner}/{repo}/dependency-graph/compare/{basehead}', {
      times: Infinity,
      reply: { status: 200, body: [] },
    });
    gh.expect('POST /repos/{owner}/{repo}/check-runs', { times: Infinity, reply: refused });
    gh.expect('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', {
      times: Infinity,
      reply: { status: 200, body: [] },
    });
    gh.expect('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', { times: Infinity, reply: refused });
    server = await startGitHubServer(gh);
    const { payload } = prPayload(ws.base, ws.head);
    const run = await runBundledAction('gate', {
      eventName: 'pull_request',
      payload,
      apiUrl: server.url,
      workspace: ws.dir,
      inputs: { paths: '.github/workflows' },
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs.verdict).toBe('fail');
    const warnings = run.commands.filter((c) => c.command === 'warning').map((c) => c.message);
    expect(warnings.some((w) => w.includes('could not write the check run: the token is read-only'))).toBe(true);
    expect(warnings.some((w) => w.includes('could not write the pull request comment'))).toBe(true);
    expect(run.commands.find((c) => c.command === 'error')?.message).toMatch(/^Bellwether gates failed/);
  });
});

const UNPINNED = `name: release
on: push
permissions:
  contents: read
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: someone/publish@v1
`;

/** A repository whose base already has one risky workflow and whose head adds another. */
async function inheritedAndNew(baseFiles: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bw-gate-mode-'));
  const git = new CommandGit(dir);
  await git.run(['init', '-q', '-b', 'main']);
  mkdirSync(join(dir, '.github/workflows'), { recursive: true });
  writeFileSync(join(dir, '.github/workflows/greet.yml'), INJECTABLE);
  for (const [path, text] of Object.entries(baseFiles)) writeFileSync(join(dir, path), text);
  await git.run(['add', '.']);
  await git.run(['commit', '-q', '-m', 'base']);
  const base = (await git.run(['rev-parse', 'HEAD'])).stdout.trim();
  writeFileSync(join(dir, '.github/workflows/release.yml'), UNPINNED);
  await git.run(['add', '.']);
  await git.run(['commit', '-q', '-m', 'head']);
  const head = (await git.run(['rev-parse', 'HEAD'])).stdout.trim();
  return { dir, base, head };
}

type SarifLog = {
  runs: Array<{
    tool: { driver: { name: string } };
    results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
  }>;
};
const filesIn = (sarifFile: string) =>
  new Set(
    (JSON.parse(readFileSync(sarifFile, 'utf8')) as SarifLog).runs.flatMap((r) =>
      r.results.map((x) =>
        x.locations[0]!.physicalLocation.artifactLocation.uri.replace(/^.*\.github\/workflows\//, ''),
      ),
    ),
  );

describe("the gate action's mode", () => {
  it('diff (the default) counts only what the pull request introduces and says how many findings the base already had', async () => {
    const ws = await inheritedAndNew();
    const mock = github();
    server = await startGitHubServer(mock.gh);
    const { payload } = prPayload(ws.base, ws.head);
    const run = await runBundledAction('gate', {
      eventName: 'pull_request',
      payload,
      apiUrl: server.url,
      workspace: ws.dir,
      inputs: { paths: '.github/workflows' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(1);
    expect([...filesIn(run.outputs['sarif-file']!)]).toEqual(['release.yml']);
    expect(run.summary).toMatch(/already on the base commit/);
  });

  it('full reports every finding of the audited files, inherited ones included, and scans whole files for secrets', async () => {
    const token = 'ghp_' + 'Zx7Qm2Lk9Vb4Np6Rt8Yw3Hs5Jd1Fg0Ca2Eu4';
    // A secret committed long ago: no diff shows it, a full scan does; a file git does not track is not the repository's.
    const ws = await inheritedAndNew({ 'old-config.js': `export const token = "${token}";\n` });
    mkdirSync(join(ws.dir, '.bellwether/action'), { recursive: true });
    writeFileSync(join(ws.dir, '.bellwether/action/fixture.js'), `export const token = "${token}";\n`);
    const mock = github();
    server = await startGitHubServer(mock.gh);
    const { payload } = prPayload(ws.base, ws.head);
    const run = await runBundledAction('gate', {
      eventName: 'pull_request',
      payload,
      apiUrl: server.url,
      workspace: ws.dir,
      inputs: { paths: '.github/workflows', mode: 'full' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(1);
    const files = filesIn(run.outputs['sarif-file']!);
    expect(files.has('greet.yml') && files.has('release.yml')).toBe(true);
    expect([...files].some((f) => f.endsWith('old-config.js'))).toBe(true);
    expect([...files].some((f) => f.includes('.bellwether'))).toBe(false);
    for (const text of [run.stdout, run.summary, ...mock.comments]) expect(text).not.toContain(token);
  });

  it('diff outside a pull request has nothing to compare with: every finding counts, and the summary says so', async () => {
    const ws = await inheritedAndNew();
    const mock = github();
    server = await startGitHubServer(mock.gh);
    const run = await runBundledAction('gate', {
      eventName: 'push',
      payload: {},
      sha: ws.head,
      apiUrl: server.url,
      workspace: ws.dir,
      inputs: { paths: '.github/workflows' },
    });
    expect(run.exitCode).toBe(1);
    expect([...filesIn(run.outputs['sarif-file']!)].sort()).toEqual(['greet.yml', 'release.yml']);
    expect(run.summary).toMatch(/no pull request to compare with/);
  });

  it('diff on a checkout without the base commit (a shallow clone) counts every finding and says why', async () => {
    const ws = await inheritedAndNew();
    const mock = github();
    server = await startGitHubServer(mock.gh);
    const { payload } = prPayload('1'.repeat(40), ws.head);
    const run = await runBundledAction('gate', {
      eventName: 'pull_request',
      payload,
      apiUrl: server.url,
      workspace: ws.dir,
      inputs: { paths: '.github/workflows' },
    });
    expect(run.exitCode).toBe(1);
    expect([...filesIn(run.outputs['sarif-file']!)].sort()).toEqual(['greet.yml', 'release.yml']);
    expect(run.summary).toMatch(/the base commit 111111111111 could not be read .*fetch-depth: 0/);
  });
});

describe("the gate action's audits that ask GitHub", () => {
  it('with its token, reports an impostor commit from the action repositories GitHub knows, and counts the requests', async () => {
    const ws = await workspace({ '.github/workflows/build.yml': WORLD_WORKFLOW });
    const mock = github();
    expectActionWorld(mock.gh);
    server = await startGitHubServer(mock.gh);
    const run = await runBundledAction('gate', {
      eventName: 'push',
      payload: {},
      apiUrl: server.url,
      workspace: ws.dir,
      inputs: { paths: '.github/workflows', mode: 'full' },
    });
    server.done();
    expect(run.outputs.verdict).toBe('fail');
    expect(run.summary).toContain('impostor-commit');
    expect(run.summary).toContain(
      `GitHub audits: 3 action reference(s) checked with ${WORLD_CALLS} request(s); 0 could not be checked.`,
    );
  });
});
