/**
 * The git side of the in-memory GitHub: commits as snapshots of files, refs
 * pointing at them, blob SHAs computed as git does, and fast-forward checks.
 */
import { createHash } from 'node:crypto';

/** One commit: a full snapshot of the files and its parent. */
export interface FakeCommit {
  readonly sha: string;
  readonly parent: string | null;
  readonly message: string;
  readonly files: ReadonlyMap<string, string>;
}

/** Git's blob SHA of `text`, so that the fake's SHAs look like GitHub's. */
export function blobSha(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Commits and refs of one repository. */
export class FakeRepository {
  private readonly commits = new Map<string, FakeCommit>();
  /** Keyed by short ref, such as `heads/main`. */
  readonly refs = new Map<string, string>();
  private counter = 0;

  /** Records a commit on top of `parent` with `files` changed, and returns it. */
  commit(parent: string | null, changes: Readonly<Record<string, string>>, message: string): FakeCommit {
    const base = parent ? this.commits.get(parent)?.files : undefined;
    const files = new Map(base ?? []);
    for (const [path, text] of Object.entries(changes)) files.set(path, text);
    this.counter += 1;
    const sha = createHash('sha1')
      .update(`${parent ?? ''}\n${message}\n${this.counter}\n${JSON.stringify([...files])}`)
      .digest('hex');
    const c: FakeCommit = { sha, parent, message, files };
    this.commits.set(sha, c);
    return c;
  }

  getCommit(sha: string): FakeCommit | undefined {
    return this.commits.get(sha);
  }

  /** A branch name, `heads/x`, `tags/x`, `refs/...` or a commit SHA, as a commit. */
  resolve(ref: string): FakeCommit | undefined {
    const short = ref.replace(/^refs\//, '');
    const sha = this.refs.get(short) ?? this.refs.get(`heads/${short}`) ?? this.refs.get(`tags/${short}`) ?? short;
    return this.commits.get(sha);
  }

  /** True when `descendant` is `ancestor` or has it in its history. */
  isAncestor(ancestor: string, descendant: string): boolean {
    let cur: string | null = descendant;
    while (cur) {
      if (cur === ancestor) return true;
      cur = this.commits.get(cur)?.parent ?? null;
    }
    return false;
  }
}
