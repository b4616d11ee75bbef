/**
 * The checkout of the branch a local store commits to. A commit made with
 * plumbing moves the branch but not the index or the work tree; when that
 * branch is the one checked out, `git status` would then show the manifest
 * changed back to its old content, and the person's next `git commit` would
 * quietly undo the canary. So a write first makes sure the person has no
 * edits of their own at the path (refusing before it writes anything), and
 * after its commit brings the index and the work tree at that path up to
 * the branch. A bare repository, or a branch checked out nowhere, needs none
 * of this.
 */
import { lstat, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sleep } from '../runtime/clock.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { GitPort } from './git.js';
import { GitError } from './git.js';
import { ageOf, freshLockError, gitSaid, lockNamedIn, removeIfStale } from './git-locks.js';

/** A work tree that has the branch checked out. */
export interface Checkout {
  readonly dir: string;
  /** Its own git directory (where its index and lock live). */
  readonly gitDir: string;
}

/** What the checkout holds at one path: the blob in the index and the blob the work tree's file would be. */
export interface PathState {
  /** null: not in the index; 'other': unmerged, or a folder there. */
  readonly index: string | null | 'other';
  /** null: no file; 'other': not a plain file. */
  readonly work: string | null | 'other';
}

/** The work tree where `branch` is checked out, if any. */
export async function checkoutOf(git: GitPort, branch: string): Promise<Checkout | null> {
  let listing: string;
  try {
    listing = (await git.run(['worktree', 'list', '--porcelain'])).stdout;
  } catch (err) {
    if (err instanceof GitError) return null;
    throw err;
  }
  for (const block of listing.split('\n\n')) {
    const lines = block.split('\n');
    const dir = lines.find((l) => l.startsWith('worktree '))?.slice('worktree '.length);
    if (!dir || lines.includes('bare') || !lines.includes(`branch refs/heads/${branch}`)) continue;
    const gitDir = (await git.run(['-C', dir, 'rev-parse', '--absolute-git-dir'])).stdout.trim();
    return { dir, gitDir };
  }
  return null;
}

/** The index entry and the work-tree file at `path`, as blob SHAs. */
export async function pathState(git: GitPort, co: Checkout, path: string): Promise<PathState> {
  const entries = (await git.run(['-C', co.dir, 'ls-files', '-s', '--', `:(literal)${path}`])).stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [meta = '', name = ''] = line.split('\t');
      const [, sha = '', stage = ''] = meta.split(' ');
      return { sha, stage, name };
    });
  const index =
    entries.length === 0
      ? null
      : entries.length === 1 && entries[0]!.stage === '0' && entries[0]!.name === path
        ? entries[0]!.sha
        : 'other';
  let work: PathState['work'];
  try {
    const st = await lstat(join(co.dir, path));
    work = st.isFile()
      ? (await git.run(['-C', co.dir, 'hash-object', `--path=${path}`, '--', join(co.dir, path)])).stdout.trim()
      : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    work = null;
  }
  return { index, work };
}

/**
 * Refuses, before anything is written, when the person has changes of their
 * own at `path`: staged, in the work tree, or an untracked file where a new
 * one would go. `committed` is the path's blob on the branch (null: none).
 */
export async function assertNoLocalEdits(
  git: GitPort,
  co: Checkout,
  branch: string,
  path: string,
  committed: string | null,
): Promise<void> {
  const state = await pathState(git, co, path);
  if (state.index === committed && state.work === committed) return;
  const what =
    state.index !== committed
      ? 'staged changes'
      : committed === null
        ? 'an untracked file in its place'
        : 'changes in the work tree';
  throw new ConfigurationError(
    `the manifest has changes that are not committed (${what}) in ${co.dir}, where ${branch} is checked out. ` +
      `Bellwether commits to ${branch} and then updates this file in the checkout, which would lose them, so nothing was written. ` +
      `Commit them, or set them aside (git stash push -- ${path}), and run again.`,
    { file: path },
  );
}

/**
 * Makes the index and the work tree hold `blob` at `path`. Taking git's
 * index lock is retried for a while: a person's `git status` or `git add`
 * holds it for a moment. The commit has been made by now, so a lock that
 * stays is reported with what to run to finish by hand.
 */
export async function bringUpToDate(
  git: GitPort,
  co: Checkout,
  path: string,
  blob: string,
  deps: { logger?: Logger; sleep: Sleep; now: () => number },
): Promise<void> {
  const steps = [
    ['-C', co.dir, 'update-index', '--add', '--cacheinfo', `100644,${blob},${path}`],
    // From the index, so git's own filters and line endings apply, and the file's stat is recorded.
    ['-C', co.dir, 'checkout-index', '-f', '-u', '--', path],
  ];
  for (const step of steps) {
    for (let attempt = 0; ; attempt++) {
      try {
        await git.run(step);
        break;
      } catch (err) {
        const lock = err instanceof GitError ? lockNamedIn(err.stderr) : null;
        if (!lock) throw err;
        if (await removeIfStale(lock, deps.now(), deps.logger)) continue;
        if (attempt >= 40) {
          const e = freshLockError(
            lock,
            `the commit to ${path} is made, but the checkout in ${co.dir} could not be updated`,
            gitSaid((err as GitError).stderr),
            deps.now(),
            await ageOf(lock, deps.now()),
          );
          throw new ConfigurationError(`${e.message} Then run: git -C ${co.dir} checkout HEAD -- ${path}`, {
            file: lock,
          });
        }
        await deps.sleep(250);
      }
    }
  }
}

/**
 * The last write into a checkout: the path, the blob the branch held there
 * before (`from`) and the one committed (`to`), and whether the checkout has
 * been brought up to it. It is written before the branch moves and marked
 * done after, so that a run killed in between (or whose git finishes after
 * it died) leaves a note the next run acts on.
 */
export interface JournalEntry {
  readonly path: string;
  readonly from: string | null;
  readonly to: string;
  readonly done: boolean;
}

const journalFile = (co: Checkout) => join(co.gitDir, 'bellwether-checkout-journal.json');

export async function readJournal(co: Checkout): Promise<JournalEntry | null> {
  try {
    return JSON.parse(await readFile(journalFile(co), 'utf8')) as JournalEntry;
  } catch {
    return null;
  }
}

export async function writeJournal(co: Checkout, entry: JournalEntry): Promise<void> {
  const tmp = `${journalFile(co)}.${process.pid}`;
  await writeFile(tmp, JSON.stringify(entry));
  await rename(tmp, journalFile(co));
}

/**
 * Finishes the last write's checkout update when its run died before it
 * could: only when the checkout still holds exactly what that write moved
 * between, so a person's own edit there is never touched. Call it holding
 * the checkout lock. `tip` is the path's blob on the branch now.
 */
export async function catchUp(
  git: GitPort,
  co: Checkout,
  tipOf: (path: string) => Promise<string | null>,
  deps: Parameters<typeof bringUpToDate>[4],
): Promise<void> {
  const last = await readJournal(co);
  if (!last || last.done) return;
  const tip = await tipOf(last.path);
  if (!tip) return;
  const state = await pathState(git, co, last.path);
  const moved = [last.from, last.to];
  if (state.index !== tip || state.work !== tip) {
    if (!moved.includes(state.index as string | null) || !moved.includes(state.work as string | null)) return;
    await bringUpToDate(git, co, last.path, tip, deps);
    deps.logger?.info(
      `${last.path}: brought the checkout in ${co.dir} up to the branch, which a run that was killed had committed to`,
    );
  }
  // Done only once the branch holds what the write committed: a git that outlived its run may still move it.
  if (tip === last.to) await writeJournal(co, { ...last, done: true });
}
