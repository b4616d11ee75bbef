import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateDepsCommand } from '../../../src/cli/gate-command.js';
import { changesFromLockFiles } from '../../../src/gates/deps/fallback.js';
import { diffPackageLocks, LockfileError, readPackageLock } from '../../../src/gates/deps/lockfile.js';
import { InMemoryGitHub } from '../../../src/github/fake.js';
import { CommandGit } from '../../../src/gitops/git.js';
import { ManualClock } from '../../../src/runtime/clock.js';
import { nodeFiles } from '../../../src/runtime/files.js';

const LOCK_V3 = readFileSync(new URL('../../fixtures/deps/package-lock.json', import.meta.url), 'utf8');

function lockV3(packages: Record<string, Record<string, unknown>>): string {
  return JSON.stringify(
    { name: 'shop', lockfileVersion: 3, requires: true, packages: { '': { name: 'shop' }, ...packages } },
    null,
    2,
  );
}

describe('reading npm lock files', () => {
  it('reads version 3: install paths, nested copies, licenses', () => {
    expect(readPackageLock(LOCK_V3, 'package-lock.json')).toEqual([
      { name: '@acme/ui', version: '2.1.0', license: 'MIT', dev: false },
      { name: 'lodash', version: '3.10.1', license: 'MIT', dev: false },
      { name: 'lodash', version: '4.17.20', license: 'MIT', dev: false },
    ]);
  });

  it('skips workspace links and packages, and follows aliases to the real name', () => {
    const text = lockV3({
      'node_modules/app-a': { resolved: 'packages/a', link: true },
      'packages/a': { name: 'app-a', version: '0.0.0' },
      'node_modules/old-name': { name: 'new-name', version: '2.0.0', license: { type: 'ISC' } },
      'node_modules/jest': { version: '29.7.0', dev: true, license: 'MIT' },
      'node_modules/fsevents': { optional: true },
    });
    expect(readPackageLock(text, 'package-lock.json')).toEqual([
      { name: 'new-name', version: '2.0.0', license: 'ISC', dev: false },
      { name: 'jest', version: '29.7.0', license: 'MIT', dev: true },
    ]);
  });

  it('reads version 1: nested dependencies without licenses', () => {
    const text = JSON.stringify({
      lockfileVersion: 1,
      dependencies: { a: { version: '1.0.0', dependencies: { b: { version: '2.0.0', dev: true } } } },
    });
    expect(readPackageLock(text, 'npm-shrinkwrap.json')).toEqual([
      { name: 'a', version: '1.0.0', license: null, dev: false },
      { name: 'b', version: '2.0.0', license: null, dev: true },
    ]);
  });

  it.each([
    ['{"packages": ', 'web/package-lock.json: is not JSON'],
    ['[1, 2]', 'web/package-lock.json: is not an npm lock file: expected a JSON object'],
    ['{"name": "x"}', 'neither `packages` nor `dependencies`'],
  ])('rejects %j with the file named', (text, message) => {
    expect(() => readPackageLock(text, 'web/package-lock.json')).toThrow(LockfileError);
    expect(() => readPackageLock(text, 'web/package-lock.json')).toThrow(message);
  });

  it('diffs two versions into compare-endpoint changes', () => {
    const base = lockV3({
      'node_modules/lodash': { version: '4.17.20', license: 'MIT' },
      'node_modules/jest': { version: '29.0.0', dev: true },
    });
    const head = lockV3({
      'node_modules/lodash': { version: '4.17.21', license: 'MIT' },
      'node_modules/jest': { version: '29.0.0', dev: true },
      'node_modules/@acme/ui': { version: '2.1.0', license: 'GPL-3.0-only' },
    });
    expect(
      diffPackageLocks('package-lock.json', base, head).map((c) => [
        c.changeType,
        c.name,
        c.version,
        c.packageUrl,
        c.scope,
        c.license,
      ]),
    ).toEqual([
      ['added', 'lodash', '4.17.21', 'pkg:npm/lodash@4.17.21', 'runtime', 'MIT'],
      ['added', '@acme/ui', '2.1.0', 'pkg:npm/%40acme/ui@2.1.0', 'runtime', 'GPL-3.0-only'],
      ['removed', 'lodash', '4.17.20', 'pkg:npm/lodash@4.17.20', 'runtime', 'MIT'],
    ]);
    expect(diffPackageLocks('package-lock.json', undefined, base).filter((c) => c.changeType === 'added')).toHaveLength(
      2,
    );
    expect(diffPackageLocks('package-lock.json', base, undefined).every((c) => c.changeType === 'removed')).toBe(true);
  });

  it('counts a version installed for runtime and development as runtime', () => {
    const head = lockV3({
      'node_modules/a/node_modules/x': { version: '1.0.0', dev: true },
      'node_modules/x': { version: '1.0.0' },
    });
    expect(diffPackageLocks('package-lock.json', undefined, head).map((c) => c.scope)).toEqual(['runtime']);
  });
});

/** A repository with `main` and a `feature` branch that changes lock files. */
function repo(): { dir: string; git: CommandGit } {
  const dir = mkdtempSync(join(tmpdir(), 'bellwether-lock-'));
  const run = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    });
  run('init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'web'));
  writeFileSync(
    join(dir, 'package-lock.json'),
    lockV3({ 'node_modules/lodash': { version: '4.17.20', license: 'MIT' } }),
  );
  writeFileSync(join(dir, 'web/package-lock.json'), lockV3({}));
  run('add', '.');
  run('commit', '-qm', 'base');
  run('checkout', '-qb', 'feature');
  writeFileSync(
    join(dir, 'package-lock.json'),
    lockV3({
      'node_modules/lodash': { version: '4.17.21', license: 'MIT' },
      'node_modules/gpl-thing': { version: '1.0.0', license: 'GPL-3.0-only' },
    }),
  );
  writeFileSync(join(dir, 'web/package-lock.json'), '{"packages": {');
  writeFileSync(join(dir, 'README.md'), 'hello\n');
  run('add', '.');
  run('commit', '-qm', 'head');
  return { dir, git: new CommandGit(dir) };
}

describe('falling back to lock files', () => {
  it('diffs every changed lock file of the checkout; an unreadable one is reported', async () => {
    const { git } = repo();
    const diff = await changesFromLockFiles(git, 'main', 'feature');
    expect(diff.lockFiles).toEqual(['package-lock.json', 'web/package-lock.json']);
    expect(diff.changes.map((c) => `${c.changeType} ${c.name}@${c.version}`)).toEqual([
      'added lodash@4.17.21',
      'added gpl-thing@1.0.0',
      'removed lodash@4.17.20',
    ]);
    expect(diff.unreadable).toEqual([
      { file: 'web/package-lock.json', message: expect.stringContaining('web/package-lock.json: is not JSON') },
    ]);
  });

  it('an unknown ref is a usage error', async () => {
    const { git } = repo();
    await expect(changesFromLockFiles(git, 'main', 'no-such-branch')).rejects.toThrow(
      /cannot compare main\.\.\.no-such-branch/,
    );
  });

  it("is used when GitHub's dependency graph answers 404, and says so", async () => {
    const { dir, git } = repo();
    const policy = join(dir, 'gates.yml');
    writeFileSync(policy, 'dependencies:\n  licenses:\n    deny: [GPL-3.0-only]\n');
    const github = new InMemoryGitHub();
    const out = await gateDepsCommand(
      { base: 'main', head: 'feature', format: 'json', policy },
      {
        clock: new ManualClock('2026-11-22T00:00:00Z'),
        files: nodeFiles,
        readText: async () => undefined,
        github,
        git,
      },
    );
    expect(out.exitCode).toBe(1);
    const d = JSON.parse(out.stdout).decisions[0];
    expect(
      d.findings.map(
        (f: { ruleId: string; subject: string; blocking: boolean }) => `${f.ruleId} ${f.subject} ${f.blocking}`,
      ),
    ).toEqual([
      'dependency-license-denied pkg:npm/gpl-thing@1.0.0 true',
      'dependency-lockfile-unreadable web/package-lock.json true',
      'dependency-review-fallback dependency-graph false',
    ]);
    expect(d.findings[2].message).toContain(
      "GitHub's dependency graph could not answer (GitHub answered 404); Bellwether diffed 2 lock file(s) (package-lock.json, web/package-lock.json) instead, so advisories were not checked.",
    );
    expect(d.notes[0]).toBe('2 added and 1 removed dependencies from lock files (main...feature)');
  });

  it('is not used when the policy says to fail', async () => {
    const { dir, git } = repo();
    const policy = join(dir, 'gates.yml');
    writeFileSync(policy, 'dependencies:\n  fallback: fail\n');
    const out = await gateDepsCommand(
      { base: 'main', head: 'feature', format: 'text', policy },
      {
        clock: new ManualClock('2026-11-22T00:00:00Z'),
        files: nodeFiles,
        readText: async () => undefined,
        github: new InMemoryGitHub(),
        git,
      },
    );
    expect(out.exitCode).toBe(1);
    expect(out.stdout).toContain('the dependency review could not run: GitHub compareDependencies failed with 404');
  });

  it('is used offline when there is no GitHub connection', async () => {
    const { git } = repo();
    const out = await gateDepsCommand(
      { base: 'main', head: 'feature', format: 'text' },
      { clock: new ManualClock('2026-11-22T00:00:00Z'), files: nodeFiles, readText: async () => undefined, git },
    );
    expect(out.stdout).toContain('could not answer (no GitHub connection)');
    expect(out.exitCode).toBe(1);
  });
});
