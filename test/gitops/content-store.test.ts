import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { isConflict } from '../../src/github/errors.js';
import { GitContentStore } from '../../src/gitops/content-store.js';
import { CommandGit } from '../../src/gitops/git.js';

let git: CommandGit;

beforeEach(async () => {
  git = new CommandGit(mkdtempSync(join(tmpdir(), 'bw-store-')));
  await git.run(['init', '-q', '-b', 'main']);
});

describe('GitContentStore (real git)', () => {
  it('creates, reads and updates a file with compare-and-swap on the blob SHA', async () => {
    const store = new GitContentStore(git, 'main');
    expect(await store.read('deploy/a.yaml')).toBeNull();
    const first = await store.write('deploy/a.yaml', 'weight: 1\n', null, 'canary to 1%');
    const read = await store.read('deploy/a.yaml');
    expect(read).toEqual({ text: 'weight: 1\n', sha: first.sha });
    // The blob SHA is git's own, the value GitHub's contents API returns too.
    expect((await git.run(['hash-object', '--stdin'], { input: 'weight: 1\n' })).stdout.trim()).toBe(first.sha);
    const second = await store.write('deploy/a.yaml', 'weight: 5\n', first.sha, 'canary to 5%');
    expect((await git.run(['log', '--format=%s', 'main'])).stdout).toBe('canary to 5%\ncanary to 1%\n');
    expect((await git.run(['rev-parse', 'main'])).stdout.trim()).toBe(second.commitSha);
  });

  it('refuses a stale write instead of overwriting', async () => {
    const store = new GitContentStore(git, 'main');
    const first = await store.write('a.yaml', 'v: 1\n', null, 'one');
    await store.write('a.yaml', 'v: 2\n', first.sha, 'two');
    const stale = store.write('a.yaml', 'v: 3\n', first.sha, 'three');
    await expect(stale).rejects.toSatisfy(isConflict);
    await expect(store.write('a.yaml', 'v: 0\n', null, 'create again')).rejects.toThrow(/expected nothing/);
    expect((await store.read('a.yaml'))?.text).toBe('v: 2\n');
  });

  it('lets exactly one of two concurrent writers win', async () => {
    const store = new GitContentStore(git, 'main');
    const base = await store.write('a.yaml', 'v: 0\n', null, 'base');
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => store.write('a.yaml', `v: ${i + 1}\n`, base.sha, `writer ${i + 1}`)),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').every((r) => isConflict((r as PromiseRejectedResult).reason)),
    ).toBe(true);
    expect((await git.run(['rev-list', '--count', 'main'])).stdout.trim()).toBe('2');
  });

  it('keeps other files, and the checkout of the branch follows each commit', async () => {
    const store = new GitContentStore(git, 'main');
    await store.write('a.yaml', 'a\n', null, 'a');
    const c = await store.write('b/c.yaml', 'c\n', null, 'c');
    await store.write('b/c.yaml', 'c2\n', c.sha, 'c2');
    expect((await git.run(['ls-tree', '-r', '--name-only', 'main'])).stdout).toBe('a.yaml\nb/c.yaml\n');
    expect(readdirSync(git.cwd).sort()).toEqual(['.git', 'a.yaml', 'b']);
    expect(readFileSync(join(git.cwd, 'b/c.yaml'), 'utf8')).toBe('c2\n');
    expect((await git.run(['status', '--porcelain'])).stdout).toBe('');
  });

  it('leaves the work tree alone when the branch is not the one checked out', async () => {
    await git.run(['commit', '-q', '--allow-empty', '-m', 'start']);
    await git.run(['branch', 'state']);
    const store = new GitContentStore(git, 'state');
    await store.write('a.yaml', 'a\n', null, 'a');
    expect(readdirSync(git.cwd)).toEqual(['.git']);
    expect((await git.run(['status', '--porcelain'])).stdout).toBe('');
  });
});
