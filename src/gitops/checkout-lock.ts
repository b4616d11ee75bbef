/**
 * One Bellwether write at a time into a checkout. Committing to the branch
 * that is checked out and then bringing the index and work tree up to it
 * are separate git commands; done by two runs at once, the slower run could
 * put an older manifest back into the work tree. The lock is a file in the
 * checkout's git directory that names its holder (process and host), so
 * that a lock left by a killed run is known for one at once: its process is
 * gone.
 */
import { randomUUID } from 'node:crypto';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { Sleep } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import { GitLockError, STALE_AFTER_MS, ageOf } from './git-locks.js';

/** Who holds a checkout lock. */
export interface LockRecord {
  readonly pid: number;
  readonly host: string;
  readonly nonce: string;
  readonly at: string;
}

/** How long a run waits for a live holder before it stops and names the lock. */
export const LIVE_HOLDER_WAIT_MS = 120_000;

/** A held lock. */
export interface HeldLock {
  release(): Promise<void>;
}

function alive(r: LockRecord): boolean | 'unknown' {
  if (r.host !== hostname()) return 'unknown';
  try {
    process.kill(r.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readRecord(file: string): Promise<LockRecord | null | 'unreadable'> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockRecord;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? null : 'unreadable';
  }
}

/** Takes the lock at `file`, waiting for a live holder and taking over from a dead or stale one. */
export async function acquireCheckoutLock(
  file: string,
  deps: { logger?: Logger; sleep: Sleep; now: () => number },
): Promise<HeldLock> {
  const mine: LockRecord = {
    pid: process.pid,
    host: hostname(),
    nonce: randomUUID(),
    at: new Date(deps.now()).toISOString(),
  };
  // The record is written beside the lock and then linked into place, so nobody reads half of one.
  const tmp = `${file}.${mine.nonce}`;
  const waitedSince = deps.now();
  for (let attempt = 0; ; attempt++) {
    await writeFile(tmp, JSON.stringify(mine));
    try {
      await link(tmp, file);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      await rm(tmp, { force: true });
    }
    const holder = await readRecord(file);
    if (holder === null) continue;
    const age = (await ageOf(file, deps.now())) ?? 0;
    const dead = holder !== 'unreadable' && alive(holder) === false;
    if (dead || age >= STALE_AFTER_MS) {
      if (await takeOver(file, holder)) {
        const who =
          holder === 'unreadable' ? 'an unknown process' : `Bellwether process ${holder.pid} on ${holder.host}`;
        deps.logger?.warning(
          `took over the lock ${file} from ${who}, which ${dead ? 'is no longer running' : `left it ${Math.round(age / 60_000)} min ago`}`,
        );
      }
      continue;
    }
    if (deps.now() - waitedSince >= LIVE_HOLDER_WAIT_MS) {
      const who =
        holder === 'unreadable'
          ? 'another process'
          : `Bellwether process ${holder.pid} on ${holder.host} (since ${holder.at})`;
      throw new GitLockError(
        file,
        `${who} holds the lock ${file} and has not let go for ${Math.round(LIVE_HOLDER_WAIT_MS / 1000)} s. If it is not running, remove the file and run again. Nothing was written.`,
      );
    }
    await deps.sleep(Math.min(1000, 20 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
  }
  return {
    async release() {
      const now = await readRecord(file);
      if (now !== null && now !== 'unreadable' && now.nonce === mine.nonce) await rm(file, { force: true });
      else deps.logger?.warning(`the lock ${file} was taken from this run before it let go`);
    },
  };
}

/**
 * Moves a dead holder's lock out of the way. The lock is renamed first and
 * checked after: if another run replaced it meanwhile, the live lock is put
 * back and this run tries again.
 */
async function takeOver(file: string, judged: LockRecord | 'unreadable'): Promise<boolean> {
  const aside = `${file}.dead-${randomUUID()}`;
  try {
    await rename(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const moved = await readRecord(aside);
  const same =
    judged === 'unreadable'
      ? moved === 'unreadable'
      : moved !== null && moved !== 'unreadable' && moved.nonce === judged.nonce;
  if (!same) await link(aside, file).catch(() => undefined);
  await rm(aside, { force: true });
  return same;
}
