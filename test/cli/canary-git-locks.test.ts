/**
 * git's lock files left behind by a killed process. A fresh lock may belong
 * to a git that is still running, so Bellwether stops and names the file; a
 * lock older than any run could be is stale, so it is removed and said.
 * Neither is a lost race, and neither is an internal error.
 */
import { existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli-process.js';
import { manifestCheckout, verbArgs, weightHistory } from '../helpers/manifest-repo.js';

const HOUR_AGO = () => (Date.now() - 3_600_000) / 1000;

describe('git lock files left by a killed run', () => {
  for (const lock of ['refs/heads/main.lock', 'HEAD.lock']) {
    it(`names a fresh .git/${lock} and writes nothing; removes it once it is stale and continues`, async () => {
      const { dir, git } = await manifestCheckout();
      const file = join(dir, '.git', lock);
      writeFileSync(file, '');

      const fresh = await runCliProcess(['canary', 'start', '--version', '1.42.0', ...verbArgs(dir)]);
      expect(fresh.code, fresh.stdout + fresh.stderr).toBe(2);
      expect(fresh.stderr).toContain(file);
      expect(fresh.stderr).toContain('File exists');
      expect(fresh.stderr).not.toContain('internal error');
      expect(fresh.stderr).not.toContain('changed while this run decided');
      expect(await weightHistory(git)).toEqual([0]);
      expect((await git.run(['status', '--porcelain'])).stdout).toBe('');

      utimesSync(file, HOUR_AGO(), HOUR_AGO());
      const stale = await runCliProcess(['canary', 'start', '--version', '1.42.0', ...verbArgs(dir)]);
      expect(stale.code, stale.stdout + stale.stderr).toBe(0);
      expect(stale.stderr).toMatch(new RegExp(`removed .*${lock.replace('.', '\\.')}`));
      expect(existsSync(file)).toBe(false);
      expect(await weightHistory(git)).toEqual([0, 1]);
      expect((await git.run(['status', '--porcelain'])).stdout).toBe('');
    });
  }

  it('removes private index files that killed runs left behind, once they are old', async () => {
    const { dir } = await manifestCheckout();
    const gitDir = join(dir, '.git');
    const old = join(gitDir, 'bellwether-index-4242-1700000000000');
    const recent = join(gitDir, `bellwether-index-4243-${Date.now()}`);
    writeFileSync(old, 'left by a killed run');
    utimesSync(old, HOUR_AGO(), HOUR_AGO());
    writeFileSync(recent, 'maybe a run that is still writing');
    const run = await runCliProcess(['canary', 'start', '--version', '1.42.0', ...verbArgs(dir)]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const left = readdirSync(gitDir).filter((f) => f.startsWith('bellwether-index-'));
    expect(left).toEqual(['bellwether-index-4243-' + recent.split('-').at(-1)]);
  });
});
