/**
 * A content store that answers the next read of a path from what this run
 * has just read, once. The rollback reads every manifest to plan, then
 * writes it through a flow that reads again: priming saves one GitHub
 * request per file on the path where every second counts. Writes stay
 * compare-and-swap on the primed blob SHA, so a file that moved in between
 * is a conflict, and the retry reads it fresh.
 */
import type { ContentStore, StoredText, WriteResult } from '../gitops/content-store.js';

export class PrimedStore implements ContentStore {
  private readonly primed = new Map<string, StoredText | null>();

  constructor(private readonly inner: ContentStore) {}

  get branch(): string {
    return this.inner.branch;
  }

  /** The next read of `path` answers `stored` (null: the file does not exist) without asking. */
  prime(path: string, stored: StoredText | null): void {
    this.primed.set(path, stored);
  }

  async read(path: string): Promise<StoredText | null> {
    if (this.primed.has(path)) {
      const stored = this.primed.get(path) ?? null;
      this.primed.delete(path);
      return stored;
    }
    return this.inner.read(path);
  }

  async write(path: string, text: string, expectedSha: string | null, message: string): Promise<WriteResult> {
    this.primed.delete(path);
    return this.inner.write(path, text, expectedSha, message);
  }
}
