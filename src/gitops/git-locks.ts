/**
 * Lock files in a git directory, and when one left behind may be removed.
 *
 * git takes a lock by creating `<file>.lock` and never waits on a lock that
 * exists; a git killed at the wrong moment leaves the file, and every later
 * write fails until someone removes it. A lock in use is held for the length
 * of one git command over a few small files (milliseconds) or one Bellwether
 * write (a few seconds on a loaded runner). A lock older than ten minutes is
 * older than any run of either could be, so it was left by a process that
 * died: removing it is safe. A younger lock may belong to a run that is still
 * going, so Bellwether stops and names the file instead of guessing.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigurationError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';

/** How old a lock or private index must be to be taken for left behind. */
export const STALE_AFTER_MS = 10 * 60_000;

/** Prefix of the private index files a write makes in the git directory. */
export const PRIVATE_INDEX_PREFIX = 'bellwether-index-';

/** What a write leaves in the git directory when it is killed: private indexes, and lock records being written or moved aside. */
const LEFTOVER_PREFIXES = [PRIVATE_INDEX_PREFIX, 'bellwether-checkout.lock.', 'bellwether-checkout-journal.json.'];

/** A git lock that stopped a write: the user's to look at, never a lost race and never a bug. */
export class GitLockError extends ConfigurationError {
  constructor(
    /** Absolute path of the lock file. */
    readonly lockFile: string,
    message: string,
  ) {
    super(message, { file: lockFile });
  }
}

/** The lock file git names when it could not take a lock ("Unable to create '…/main.lock': File exists"). */
export function lockNamedIn(stderr: string): string | null {
  const m = /Unable to create '([^']+\.lock)': File exists/.exec(stderr);
  return m ? m[1]! : null;
}

/** The line of git's stderr that says what went wrong, for messages. */
export function gitSaid(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.find((l) => /Unable to create|fatal:|error:/.test(l)) ?? lines[0] ?? 'nothing';
}

/** Milliseconds since the file was last changed, or null when it is gone. */
export async function ageOf(file: string, now: number): Promise<number | null> {
  try {
    return Math.max(0, now - (await stat(file)).mtimeMs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/**
 * Removes `file` when it is stale and says so; returns whether the lock is
 * out of the way (gone now, or already gone). A fresh lock stays.
 */
export async function removeIfStale(file: string, now: number, logger?: Logger): Promise<boolean> {
  const age = await ageOf(file, now);
  if (age === null) return true;
  if (age < STALE_AFTER_MS) return false;
  await rm(file, { force: true });
  logger?.warning(
    `removed the lock ${file}, left ${minutes(age)} ago by a git process that did not finish (locks older than ${minutes(STALE_AFTER_MS)} are stale)`,
  );
  return true;
}

/** The error for a lock that is in the way and may still be in use. */
export function freshLockError(
  file: string,
  what: string,
  said: string,
  now: number,
  age: number | null,
): GitLockError {
  const when = age === null ? '' : ` (made ${Math.round(age / 1000)} s ago)`;
  return new GitLockError(
    file,
    `${what}: git said "${said}". The lock file ${file}${when} means another git process is working in this repository, or one was killed. ` +
      `If no git or Bellwether process is running there, remove ${file} and run again; Bellwether removes it by itself once it is ${minutes(STALE_AFTER_MS)} old.`,
  );
}

/** Removes private index files (and their locks) and lock records that killed runs left in `gitDir`, once they are stale. */
export async function removeStaleLeftovers(gitDir: string, now: number): Promise<void> {
  let names: string[];
  try {
    names = await readdir(gitDir);
  } catch {
    return;
  }
  for (const name of names.filter((n) => LEFTOVER_PREFIXES.some((p) => n.startsWith(p)))) {
    const file = join(gitDir, name);
    const age = await ageOf(file, now);
    if (age !== null && age >= STALE_AFTER_MS) await rm(file, { force: true });
  }
}
