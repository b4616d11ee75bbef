import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gatePostureCommand } from '../../../src/cli/gate-command.js';
import type { PostureGateDeps } from '../../../src/gates/posture/run.js';
import { GitHubError } from '../../../src/github/errors.js';
import { InMemoryGitHub } from '../../../src/github/fake.js';
import { ManualClock } from '../../../src/runtime/clock.js';
import { nodeFiles } from '../../../src/runtime/files.js';

const SNAPSHOT = readFileSync(new URL('../../fixtures/deps/posture-snapshot.json', import.meta.url), 'utf8');
const deps = (files: Record<string, string>): PostureGateDeps => ({
  clock: new ManualClock('2026-11-22T12:00:00Z'),
  files: nodeFiles,
  readText: async (p) => files[p],
});

function policyFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bellwether-posture-')), 'gates.yml');
  writeFileSync(file, text);
  return file;
}

describe('gate posture', () => {
  it('reports posture findings and passes while posture is advisory', async () => {
    const out = await gatePostureCommand({ snapshot: 'snap.json', format: 'text' }, deps({ 'snap.json': SNAPSHOT }));
    expect(out.exitCode).toBe(0);
    for (const rule of [
      'posture-code-owner-reviews-not-required',
      'posture-security-policy-missing',
      'posture-workflow-token-writable',
      'posture-binary-added',
    ])
      expect(out.stdout).toContain(`[${rule}]`);
    // policies/gates.yml is covered by `*`; the release workflow by /.github/.
    expect(out.stdout).not.toContain('posture-sensitive-change-unowned');
    expect(out.stdout).toContain('PASS: Repository posture');
  });

  it('fails under a policy that enforces posture and requires checks and environments', async () => {
    const policy = policyFile(
      'posture:\n  failOn: medium\n  requiredStatusChecks: [bellwether/gate]\n  environments:\n    - name: production\n      minWaitMinutes: 15\n',
    );
    const out = await gatePostureCommand(
      { snapshot: 'snap.json', format: 'json', policy },
      deps({ 'snap.json': SNAPSHOT }),
    );
    expect(out.exitCode).toBe(1);
    const d = JSON.parse(out.stdout).decisions[0];
    expect(
      d.findings
        .filter((f: { blocking: boolean }) => f.blocking)
        .map((f: { ruleId: string }) => f.ruleId)
        .sort(),
    ).toEqual([
      'posture-binary-added',
      'posture-code-owner-reviews-not-required',
      'posture-environment-unprotected',
      'posture-required-check-missing',
      'posture-workflow-token-writable',
    ]);
  });

  it('writes SARIF for the findings that have a file', async () => {
    const out = await gatePostureCommand({ snapshot: 'snap.json', format: 'sarif' }, deps({ 'snap.json': SNAPSHOT }));
    const results = JSON.parse(out.stdout).runs[0].results as Array<{ ruleId: string }>;
    expect(results.map((r) => r.ruleId)).toEqual(['posture-binary-added']);
  });

  it.each([
    [{}, 'snap.json: no such snapshot file'],
    [{ 'snap.json': '{' }, 'snap.json: is not JSON'],
    [
      { 'snap.json': '{"defaultBranch": "main", "files": {"codeowner": null}}' },
      "snap.json: files.codeowner: unknown key 'codeowner'",
    ],
    [{ 'snap.json': '{"branchProtection": null}' }, 'snap.json: defaultBranch:'],
  ])('a bad snapshot %j exits 2: %s', async (files, message) => {
    const out = await gatePostureCommand({ snapshot: 'snap.json', format: 'text' }, deps(files));
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toContain(message);
  });
});

describe('gate posture through GitHub', () => {
  it('gathers what the port can answer and reports the rest as not checked', async () => {
    const github = new InMemoryGitHub();
    github.seedBranch('main', { '.github/dependabot.yml': 'version: 2\n' });
    const out = await gatePostureCommand({ defaultBranch: 'main', format: 'text' }, { ...deps({}), github });
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('[posture-branch-unprotected] the default branch main has no branch protection.');
    expect(out.stdout).toContain('[posture-codeowners-missing]');
    expect(out.stdout).toContain("[posture-not-checked] the repository's default workflow permissions are not known.");
  });

  it.each([
    [{ format: 'text' as const }, {}, 'give a snapshot file (--snapshot), or run with a GitHub token'],
    [{ format: 'text' as const }, { github: new InMemoryGitHub() }, 'give the default branch to check'],
  ])('usage errors exit 2: %j', async (args, extra, message) => {
    const out = await gatePostureCommand(args, { ...deps({}), ...extra });
    expect(out.exitCode).toBe(2);
    expect(out.stdout).toContain(message);
  });

  it('a GitHub failure fails the gate and says why', async () => {
    const github = new InMemoryGitHub();
    github.failNext(
      'listEnvironments',
      new GitHubError('listEnvironments', 403, 'Resource not accessible by integration'),
    );
    const out = await gatePostureCommand({ defaultBranch: 'main', format: 'text' }, { ...deps({}), github });
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain(
      'the posture checks could not run: GitHub listEnvironments failed with 403: Resource not accessible by integration',
    );
  });
});
