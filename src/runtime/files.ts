/**
 * Reading files: the one port through which policies, SLOs and other inputs
 * are read from disk. The entrypoint builds the Node one into Deps; tests may
 * hand in files held in memory.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** What is at a path. */
export interface FileInfo {
  readonly dir: boolean;
  /** Bytes; 0 for a folder. */
  readonly size: number;
}

/** One entry of a folder. */
export interface FileEntry {
  /** The folder's path joined with the entry's. */
  readonly path: string;
  readonly name: string;
  readonly dir: boolean;
}

export interface Files {
  /**
   * The bytes of a file. Failures are Node's errors with their codes
   * (ENOENT for a missing file, EACCES, EISDIR), so callers can name them.
   */
  read(path: string): Promise<Uint8Array>;
  /** What is at `path`, or undefined when nothing is. */
  stat(path: string): Promise<FileInfo | undefined>;
  /**
   * The entries directly inside `dir`, or with `recursive` every entry below
   * it. A link is listed as a file, whatever it points to.
   */
  list(dir: string, options?: { readonly recursive?: boolean }): Promise<FileEntry[]>;
}

/** The real file system. */
export const nodeFiles: Files = {
  read: (path) => readFile(path),
  async stat(path) {
    try {
      const info = await stat(path);
      return { dir: info.isDirectory(), size: info.isDirectory() ? 0 : info.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  async list(dir, options) {
    const entries = await readdir(dir, { recursive: options?.recursive === true, withFileTypes: true });
    return entries.map((e) => ({ path: join(e.parentPath, e.name), name: e.name, dir: e.isDirectory() }));
  },
};
