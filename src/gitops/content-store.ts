/**
 * Where release manifests and other GitOps state are read and written:
 * compare-and-swap on the blob SHA, so two runs at once never both win.
 * A blob SHA is the same value in local git and in GitHub's contents API,
 * so callers work alike against either store.
 */
import { rm } from 'node:fs/promises';
import { ConflictError } from '../github/errors.js';
import type { GitHubPort } from '../github/port.js';
import { processSecrets } from '../runtime/secrets.js';
import type { GitPort } from './git.js';
import { GitError } from './git.js';

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

/**
 * A store over a local git repository's branch. Commits are made with git's
 * plumbing (a private index, commit-tree, and update-ref with the old value),
 * so the working tree is never touched and the ref moves only if nobody else
 * moved it first: the same guarantee GitHub gives.
 */
export class GitContentStore implements ContentStore {
  constructor(
    private readonly git: GitPort,
    readonly branch: string,
  ) {}

  private async head(): Promise<string | null> {
    try {
      return (await this.git.run(['rev-parse', '--verify', '--quiet', `refs/heads/${this.branch}`])).stdout.trim() || null;
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

  async read(path: string): Promise<StoredText | null> {
    const sha = await this.blobAt(await this.head(), path);
    if (!sha) return null;
    const text = (await this.git.run(['cat-file', 'blob', sha])).stdout;
    return { text, sha };
  }

  async write(path: string, raw: string, expectedSha: string | null, rawMessage: string): Promise<WriteResult> {
    const { text, message } = redacted(raw, rawMessage);
    const parent = await this.head();
    const current = await this.blobAt(parent, path);
    if (current !== expectedSha) {
      throw new ConflictError('write', 409, `${path} on ${this.branch} is at ${current ?? 'nothing'}, expected ${expectedSha ?? 'nothing'}`, 'git');
    }
    const blob = (await this.git.run(['hash-object', '-w', '--stdin'], { input: text })).stdout.trim();
    const index = `${(await this.git.run(['rev-parse', '--absolute-git-dir'])).stdout.trim()}/bellwether-index-${process.pid}-${Date.now()}`;
    const env = { GIT_INDEX_FILE: index };
    try {
      if (parent) await this.git.run(['read-tree', parent], { env });
      else await this.git.run(['read-tree', '--empty'], { env });
      await this.git.run(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`], { env });
      const tree = (await this.git.run(['write-tree'], { env })).stdout.trim();
      const commitArgs = ['commit-tree', tree, '-m', message, ...(parent ? ['-p', parent] : [])];
      const commit = (await this.git.run(commitArgs)).stdout.trim();
      try {
        // The old value makes this a compare-and-swap on the branch itself.
        await this.git.run(['update-ref', `refs/heads/${this.branch}`, commit, parent ?? '0'.repeat(40)]);
      } catch (err) {
        if (err instanceof GitError) throw new ConflictError('write', 409, `${this.branch} moved while ${path} was being written`, 'git');
        throw err;
      }
      return { sha: blob, commitSha: commit };
    } finally {
      await rm(index, { force: true });
    }
  }
}
