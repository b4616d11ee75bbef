/**
 * The file reading the gate families need, behind one seam: tests pass an
 * in-memory one, the CLI and the action the real file system.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { ConfigurationError, errorMessage } from '../../runtime/errors.js';

/** The file system operations the gate needs; tests may pass an in-memory one. */
export interface GateFs {
  readFile(path: string): Promise<Uint8Array>;
  /** `dir`, `file`, or undefined when the path does not exist. */
  kind(path: string): Promise<'dir' | 'file' | undefined>;
  list(dir: string): Promise<Array<{ name: string; dir: boolean }>>;
}

/** The real file system. */
export const nodeGateFs: GateFs = {
  readFile: (p) => readFile(p),
  async kind(p) {
    try {
      const s = await stat(p);
      return s.isDirectory() ? 'dir' : 'file';
    } catch {
      return undefined;
    }
  },
  async list(dir) {
    const ents = await readdir(dir, { withFileTypes: true });
    return ents.map((e) => ({ name: e.name, dir: e.isDirectory() }));
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
