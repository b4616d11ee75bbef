/**
 * The file reading the gate families need, behind one seam: tests pass an
 * in-memory one, the CLI and the action the real file system.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { ConfigurationError, errorMessage } from '../../runtime/errors.js';

/** The file system operations the gate needs; tests may pass an in-memory one. */
export interface GateFs {
  readFile(path: string): Promise<Uint8Array>;
  /** `dir`, `file`, or undefined when the path does not exist. */
  kind(path: string): Promise<'dir' | 'file' | undefined>;
  list(dir: string): Promise<Array<{ name: string; dir: boolean }>>;
}

/**
 * The real file system. The gate reads its files one after another, so the
 * synchronous calls are used: each skips a round through the thread pool,
 * which over a thousand small workflows cost more than reading them.
 */
export const nodeGateFs: GateFs = {
  readFile: async (p) => readFileSync(p),
  async kind(p) {
    try {
      return statSync(p).isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  },
  async list(dir) {
    return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
  },
};

/** Manifests larger than this are not read to locate lines; findings point at the file. */
const MAX_MANIFEST_BYTES = 20 * 1024 * 1024;

/** Reads UTF-8 files from disk; missing and oversized files are undefined. */
export async function readTextFile(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_MANIFEST_BYTES) return undefined;
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigurationError(`cannot read: ${errorMessage(err)}`, { file: path });
  }
}
