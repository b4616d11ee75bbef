/**
 * A run killed between its commit and its checkout update leaves the branch
 * ahead of the checkout and its lock behind. The next run, even one that
 * only reads, takes the dead run's lock over and finishes the update; a
 * person's own edit at that path is never taken for such a leftover.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitContentStore } from '../../src/gitops/content-store.js';
import { CommandGit } from '../../src/gitops/git.js';
import { RecordingLogger } from '../../src/runtime/logger.js';

/** A process id that was just used and is gone. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout,
  );
}

/** A repository whose checkout of main lags one commit behind at a.yaml, as a killed run leaves it. */
async function killedMidway(): Promise<{ git: CommandGit; from: string; to: string }> {
  const git = new CommandGit(mkdtempSync(join(tmpdir(), 'bw-recover-')));
  await git.run(['init', '-q', '-b', 'main']);
  const first = await new GitContentStore(git, 'main').write('a.yaml', 'weight: 1\n', null, 'one');
  const blob = (await git.run(['hash-object', '-w', '--stdin'], { input: 'weight: 5\n' })).stdout.trim();
  const env = { GIT_INDEX_FILE: join(git.cwd, '.git', 'scratch-index') };
  await git.run(['read-tree', 'main'], { env });
  await git.run(['update-index', '--cacheinfo', `100644,${blob},a.yaml`], { env });
  const tree = (await git.run(['write-tree'], { env })).stdout.trim();
  const commit = (await git.run(['commit-tree', tree, '-p', 'main', '-m', 'two'])).stdout.trim();
  const gitDir = join(git.cwd, '.git');
  writeFileSync(
    join(gitDir, 'bellwether-checkout-journal.json'),
    JSON.stringify({ path: 'a.yaml', from: first.sha, to: blob, done: false }),
  );
  writeFileSync(
    join(gitDir, 'bellwether-checkout.lock'),
    JSON.stringify({ pid: deadPid(), host: hostname(), nonce: 'dead', at: new Date().toISOString() }),
  );
  await git.run(['update-ref', 'refs/heads/main', commit]);
  return { git, from: first.sha, to: blob };
}

describe('a checkout left behind by a killed run', () => {
  it('is brought up to the branch by the next read, which takes the dead lock over and says so', async () => {
    const { git } = await killedMidway();
    expect((await git.run(['status', '--porcelain'])).stdout).toBe('M  a.yaml\n');
    const logger = new RecordingLogger();
    const read = await new GitContentStore(git, 'main', { logger }).read('a.yaml');
    expect(read?.text).toBe('weight: 5\n');
    expect((await git.run(['status', '--porcelain'])).stdout).toBe('');
    expect(readFileSync(join(git.cwd, 'a.yaml'), 'utf8')).toBe('weight: 5\n');
    expect(existsSync(join(git.cwd, '.git', 'bellwether-checkout.lock'))).toBe(false);
    expect(logger.records.map((r) => r.message).join('\n')).toMatch(/took over the lock .* which is no longer running/);
  });

  it('keeps a person’s own edit at that path, and the next write refuses instead of losing it', async () => {
    const { git, to } = await killedMidway();
    writeFileSync(join(git.cwd, 'a.yaml'), 'weight: 1 # my note\n');
    const store = new GitContentStore(git, 'main');
    await store.read('a.yaml');
    expect(readFileSync(join(git.cwd, 'a.yaml'), 'utf8')).toBe('weight: 1 # my note\n');
    await expect(store.write('a.yaml', 'weight: 25\n', to, 'three')).rejects.toThrow(/changes that are not committed/);
    expect(readFileSync(join(git.cwd, 'a.yaml'), 'utf8')).toBe('weight: 1 # my note\n');
  });
});
