/**
 * Where release manifests and other GitOps state are read and written:
 * compare-and-swap on the blob SHA, so two runs at once never both win.
 * A blob SHA is the same value in local git and in GitHub's contents API,
 * so callers work alike against either store.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ConflictError } from '../github/errors.js';
import type { GitHubPort } from '../github/port.js';
import type { Sleep } from '../runtime/clock.js';
import { processSecrets } from '../runtime/secrets.js';
import { realSleep } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';
import type { Checkout } from './checkout.js';
import { assertNoLocalEdits, bringUpToDate, catchUp, checkoutOf, readJournal, writeJournal } from './checkout.js';
import { acquireCheckoutLock } from './checkout-lock.js';
import type { GitPort } from './git.js';
import { GitError } from './git.js';
import {
  PRIVATE_INDEX_PREFIX,
  ageOf,
  freshLockError,
  gitSaid,
  lockNamedIn,
  removeIfStale,
  removeStaleLeftovers,
} from './git-locks.js';

const lockFileOf = (co: Checkout) => join(co.gitDir, 'bellwether-checkout.lock');

/** How long git itself waits for a ref lock that another git holds for its moment. */
const REF_LOCK_WAIT_MS = 5000;

export interface StoredText {
  readonly text: string;
  /** Blob SHA of what was read; pass it back to write. */
  readonly sha: string;
}

export interface WriteResult {
  readonly sha: string;
  readonly commitSha: string;
}

export interface ContentStore {
  /** The branch the store reads and commits to. */
  readonly branch: string;
  read(path: string): Promise<StoredText | null>;
  /**
   * Commits `text` at `path` if the file's blob is still `expectedSha`
   * (null: the file must not exist yet); otherwise throws ConflictError.
   */
  write(path: string, text: string, expectedSha: string | null, message: string): Promise<WriteResult>;
}

/**
 * What is committed never holds a secret of the process: a commit is
 * forever, and often public. Reasons are redacted where they are made; this
 * is the last exit before the history.
 */
function redacted(text: string, message: string): { text: string; message: string } {
  return { text: processSecrets.redact(text), message: processSecrets.redact(message) };
}

/** A store over GitHub's contents API. */
export class GitHubContentStore implements ContentStore {
  constructor(
    private readonly github: GitHubPort,
    readonly branch: string,
  ) {}
  async read(path: string): Promise<StoredText | null> {
    const got = await this.github.getContent(path, this.branch);
    return got ? { text: got.text, sha: got.sha } : null;
  }
  async write(path: string, raw: string, expectedSha: string | null, rawMessage: string): Promise<WriteResult> {
    const { text, message } = redacted(raw, rawMessage);
    const put = await this.github.putContent(path, { text, message, branch: this.branch, expectedSha });
    return { sha: put.sha, commitSha: put.commitSha };
  }
}

/** What a local store needs besides git: where to say what it recovered, and how to wait. */
export interface GitStoreOptions {
  readonly logger?: Logger;
  readonly sleep?: Sleep;
}

/**
 * A store over a local git repository's branch. Commits are made with git's
 * plumbing (a private index, commit-tree, and update-ref with the old value),
 * so the ref moves only if nobody else moved it first: the same guarantee
 * GitHub gives. When the branch is checked out, the checkout's index and work
 * tree follow each commit at the path written (see checkout.ts), one write at
 * a time. Lock files of killed runs are told apart from lost races (see
 * git-locks.ts).
 */
export class GitContentStore implements ContentStore {
  private readonly logger: Logger | undefined;
  private readonly sleep: Sleep;
  constructor(
    private readonly git: GitPort,
    readonly branch: string,
    options: GitStoreOptions = {},
  ) {
    this.logger = options.logger;
    this.sleep = options.sleep ?? realSleep;
  }

  // Lock files are dated by the file system's clock, so their ages are measured against the real one.
  private readonly now = () => Date.now();

  private async head(): Promise<string | null> {
    try {
      return (
        (await this.git.run(['rev-parse', '--verify', '--quiet', `refs/heads/${this.branch}`])).stdout.trim() || null
      );
    } catch (err) {
      if (err instanceof GitError) return null;
      throw err;
    }
  }

  private async blobAt(commit: string | null, path: string): Promise<string | null> {
    if (!commit) return null;
    try {
      return (await this.git.run(['rev-parse', '--verify', '--quiet', `${commit}:${path}`])).stdout.trim() || null;
    } catch (err) {
      if (err instanceof GitError) return null;
      throw err;
    }
  }

  private readonly tipOf = async (path: string) => this.blobAt(await this.head(), path);

  private checkoutFound: Promise<Checkout | null> | undefined;
  /** Where the branch is checked out; looked up once per store, which lives for one command. */
  private checkout(): Promise<Checkout | null> {
    return (this.checkoutFound ??= checkoutOf(this.git, this.branch));
  }

  private timing() {
    return { sleep: this.sleep, now: this.now, ...(this.logger ? { logger: this.logger } : {}) };
  }

  /** Finishes a killed run's checkout update before reading, so that even a command that only reads leaves the checkout consistent. */
  private async catchUpBeforeRead(): Promise<void> {
    const co = await this.checkout();
    if (!co) return;
    const last = await readJournal(co);
    if (!last || last.done) return;
    const lock = await acquireCheckoutLock(lockFileOf(co), this.timing());
    try {
      await catchUp(this.git, co, this.tipOf, this.timing());
    } finally {
      await lock.release();
    }
  }

  async read(path: string): Promise<StoredText | null> {
    await this.catchUpBeforeRead();
    const sha = await this.blobAt(await this.head(), path);
    if (!sha) return null;
    const text = (await this.git.run(['cat-file', 'blob', sha])).stdout;
    return { text, sha };
  }

  async write(path: string, raw: string, expectedSha: string | null, rawMessage: string): Promise<WriteResult> {
    const { text, message } = redacted(raw, rawMessage);
    const gitDir = (await this.git.run(['rev-parse', '--absolute-git-dir'])).stdout.trim();
    await removeStaleLeftovers(gitDir, this.now());
    const co = await this.checkout();
    const timing = this.timing();
    const lock = co ? await acquireCheckoutLock(lockFileOf(co), timing) : null;
    const index = join(gitDir, `${PRIVATE_INDEX_PREFIX}${process.pid}-${Date.now()}-${randomUUID().slice(0, 8)}`);
    try {
      if (co) await catchUp(this.git, co, this.tipOf, timing);
      const parent = await this.head();
      const current = await this.blobAt(parent, path);
      if (current !== expectedSha) {
        throw new ConflictError(
          'write',
          409,
          `${path} on ${this.branch} is at ${current ?? 'nothing'}, expected ${expectedSha ?? 'nothing'}`,
          'git',
        );
      }
      if (co) await assertNoLocalEdits(this.git, co, this.branch, path, current);
      const blob = (await this.git.run(['hash-object', '-w', '--stdin'], { input: text })).stdout.trim();
      const env = { GIT_INDEX_FILE: index };
      if (parent) await this.git.run(['read-tree', parent], { env });
      else await this.git.run(['read-tree', '--empty'], { env });
      await this.git.run(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], { env });
      const tree = (await this.git.run(['write-tree'], { env })).stdout.trim();
      const commitArgs = ['commit-tree', tree, '-m', message, ...(parent ? ['-p', parent] : [])];
      const commit = (await this.git.run(commitArgs)).stdout.trim();
      // Noted before the branch moves, so that a run killed after it is finished by the next.
      if (co) await writeJournal(co, { path, from: current, to: blob, done: false });
      await this.moveBranch(commit, parent, path);
      if (co) {
        await bringUpToDate(this.git, co, path, blob, timing);
        await writeJournal(co, { path, from: current, to: blob, done: true });
      }
      return { sha: blob, commitSha: commit };
    } finally {
      await rm(index, { force: true });
      await rm(`${index}.lock`, { force: true });
      await lock?.release();
    }
  }

  /** update-ref with the old value: a compare-and-swap on the branch itself. */
  private async moveBranch(commit: string, parent: string | null, path: string): Promise<void> {
    const args = [
      '-c',
      `core.filesRefLockTimeout=${REF_LOCK_WAIT_MS}`,
      'update-ref',
      `refs/heads/${this.branch}`,
      commit,
      parent ?? '0'.repeat(40),
    ];
    for (let removed = false; ; removed = true) {
      try {
        await this.git.run(args);
        return;
      } catch (err) {
        if (!(err instanceof GitError)) throw err;
        const lock = lockNamedIn(err.stderr);
        if (lock) {
          if (!removed && (await removeIfStale(lock, this.now(), this.logger))) continue;
          throw freshLockError(
            lock,
            `git could not move ${this.branch} to the commit for ${path}, so nothing was written`,
            gitSaid(err.stderr),
            this.now(),
            await ageOf(lock, this.now()),
          );
        }
        if (/but expected|already exists|unable to resolve reference/.test(err.stderr)) {
          throw new ConflictError('write', 409, `${this.branch} moved while ${path} was being written`, 'git');
        }
        throw err;
      }
    }
  }
}
