/**
 * The local verbs commit to the branch that is checked out: afterwards the
 * checkout must agree with the branch, or the person's next ordinary
 * `git commit` would quietly undo the canary. A manifest the person is
 * editing is never written under them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli-process.js';
import { MANIFEST, manifestCheckout, verbArgs } from '../helpers/manifest-repo.js';

const status = async (git: { run(a: string[]): Promise<{ stdout: string }> }) =>
  (await git.run(['status', '--porcelain'])).stdout;

describe('local canary verbs keep the checkout consistent with the branch', () => {
  it('leaves `git status` empty after every verb, and the work tree holds what the branch holds', async () => {
    const { dir, git } = await manifestCheckout();
    const verbs: string[][] = [
      ['start', '--version', '1.42.0'],
      ['tick'],
      ['pause'],
      ['resume'],
      ['promote'],
      ['abort'],
      ['start', '--version', '1.43.0'],
      ['rollback'],
    ];
    for (const verb of verbs) {
      const run = await runCliProcess(['canary', ...verb, ...verbArgs(dir)]);
      expect(run.code, `${verb.join(' ')}\n${run.stdout}\n${run.stderr}`).toBe(0);
      expect(await status(git), verb.join(' ')).toBe('');
      expect(readFileSync(join(dir, MANIFEST), 'utf8')).toBe((await git.run(['show', `main:${MANIFEST}`])).stdout);
    }
    // The next ordinary commit keeps the canary's history instead of undoing it.
    writeFileSync(join(dir, 'NOTES.md'), 'notes\n');
    await git.run(['add', 'NOTES.md']);
    await git.run(['commit', '-q', '-m', 'notes']);
    expect((await git.run(['diff', '--stat', 'HEAD~1', 'HEAD', '--', MANIFEST])).stdout).toBe('');
  });

  it('keeps the checkout consistent after a rollback of the stable version too', async () => {
    const { dir, git } = await manifestCheckout();
    expect((await runCliProcess(['canary', 'start', '--version', '1.42.0', ...verbArgs(dir)])).code).toBe(0);
    const policies = mkdtempSync(join(tmpdir(), 'bw-co-policy-'));
    writeFileSync(join(policies, 'rollback.yml'), 'kind: rollback\nemergencyDirectCommit: true\n');
    const out = mkdtempSync(join(tmpdir(), 'bw-co-out-'));
    const rb = await runCliProcess([
      'rollback',
      '--service',
      'checkout',
      '--region',
      'us-east-1',
      '--repo',
      dir,
      '--reason',
      'p99 page',
      '--by',
      'oncall',
      '--policy',
      policies,
      '--out',
      out,
    ]);
    expect(rb.code, rb.stdout + rb.stderr).toBe(0);
    expect(await status(git)).toBe('');
  });

  for (const how of ['in the work tree', 'staged'] as const) {
    it(`refuses before writing anything when the manifest has edits ${how}, and keeps them`, async () => {
      const { dir, git } = await manifestCheckout();
      expect((await runCliProcess(['canary', 'start', '--version', '1.42.0', ...verbArgs(dir)])).code).toBe(0);
      const before = (await git.run(['rev-parse', 'main'])).stdout;
      const edited = readFileSync(join(dir, MANIFEST), 'utf8').replace(
        '# Release manifest',
        '# Edited by hand: release manifest',
      );
      writeFileSync(join(dir, MANIFEST), edited);
      if (how === 'staged') await git.run(['add', MANIFEST]);
      const statusBefore = await status(git);

      const run = await runCliProcess(['canary', 'promote', ...verbArgs(dir)]);
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(run.stderr).toContain(`${MANIFEST}: the manifest has changes that are not committed`);
      expect(run.stderr).toContain('nothing was written');
      expect(run.stderr).not.toContain('internal error');
      expect((await git.run(['rev-parse', 'main'])).stdout).toBe(before);
      expect(readFileSync(join(dir, MANIFEST), 'utf8')).toBe(edited);
      expect(await status(git)).toBe(statusBefore);
    });
  }

  it('writes to a branch that is not checked out without touching the checkout', async () => {
    const { dir, git } = await manifestCheckout();
    await git.run(['branch', 'deploy-state']);
    writeFileSync(join(dir, 'scratch.txt'), 'work in progress\n');
    const run = await runCliProcess([
      'canary',
      'start',
      '--version',
      '1.42.0',
      ...verbArgs(dir),
      '--branch',
      'deploy-state',
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await status(git)).toBe('?? scratch.txt\n');
    expect((await git.run(['show', `deploy-state:${MANIFEST}`])).stdout).toContain('weight: 1');
  });

  it('writes to a bare repository', async () => {
    const { dir } = await manifestCheckout();
    const bare = mkdtempSync(join(tmpdir(), 'bw-bare-'));
    const { CommandGit } = await import('../../src/gitops/git.js');
    const git = new CommandGit(bare);
    await git.run(['clone', '-q', '--bare', dir, bare]);
    const run = await runCliProcess(['canary', 'start', '--version', '1.42.0', ...verbArgs(bare)]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect((await git.run(['show', `main:${MANIFEST}`])).stdout).toContain('weight: 1');
  });
});
