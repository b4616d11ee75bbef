/**
 * Dependency changes from the lock files of a local checkout, for when
 * GitHub's dependency graph cannot answer. Like the compare endpoint, it
 * compares the head with the merge base of base and head.
 */
import { posix } from 'node:path';
import type { DependencyChange } from '../../github/port.js';
import { GitError, type GitPort } from '../../gitops/git.js';
import { ConfigurationError } from '../../runtime/errors.js';
import { diffPackageLocks, LockfileError, NPM_LOCK_FILES } from './lockfile.js';

export interface LockfileChanges {
  readonly changes: DependencyChange[];
  /** Lock files that changed between the two commits. */
  readonly lockFiles: readonly string[];
  readonly unreadable: ReadonlyArray<{ readonly file: string; readonly message: string }>;
}

async function show(git: GitPort, rev: string, path: string): Promise<string | undefined> {
  try {
    return (await git.run(['show', `${rev}:${path}`])).stdout;
  } catch (err) {
    // The file does not exist on that side: it was added or removed.
    if (err instanceof GitError) return undefined;
    throw err;
  }
}

/** Diffs every npm lock file that changed between the merge base of `base` and `head`, and `head`. */
export async function changesFromLockFiles(git: GitPort, base: string, head: string): Promise<LockfileChanges> {
  let from = base;
  let names: string[];
  try {
    try {
      from = (await git.run(['merge-base', base, head])).stdout.trim() || base;
    } catch (err) {
      // Unrelated histories have no merge base; compare with base itself.
      if (!(err instanceof GitError)) throw err;
    }
    names = (await git.run(['diff', '--name-only', '-z', from, head, '--'])).stdout
      .split('\u0000')
      .filter((n) => n !== '');
  } catch (err) {
    if (err instanceof GitError)
      throw new ConfigurationError(
        `cannot compare ${base}...${head} in ${git.cwd}: ${err.stderr.trim() || err.message}`,
      );
    throw err;
  }
  const lockFiles = names
    .filter((n) => NPM_LOCK_FILES.has(posix.basename(n)) && !n.split('/').includes('node_modules'))
    .sort();
  const changes: DependencyChange[] = [];
  const unreadable: Array<{ file: string; message: string }> = [];
  for (const file of lockFiles) {
    try {
      changes.push(...diffPackageLocks(file, await show(git, from, file), await show(git, head, file)));
    } catch (err) {
      if (!(err instanceof LockfileError)) throw err;
      unreadable.push({ file, message: err.message });
    }
  }
  return { changes, lockFiles, unreadable };
}
