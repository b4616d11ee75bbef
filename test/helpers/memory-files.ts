/**
 * Files held in memory, for tests that read policies and SLOs without a
 * disk: paths are POSIX, folders are implied by the files below them.
 */
import { posix } from 'node:path';
import type { FileEntry, Files } from '../../src/runtime/files.js';

function notFound(path: string): Error {
  return Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
}

export function memoryFiles(files: Record<string, string>): Files & { readonly reads: string[] } {
  const reads: string[] = [];
  const isDir = (path: string): boolean => Object.keys(files).some((f) => f.startsWith(`${path.replace(/\/$/, '')}/`));
  return {
    reads,
    async read(path) {
      reads.push(path);
      const text = files[path];
      if (text === undefined)
        throw isDir(path) ? Object.assign(new Error('EISDIR'), { code: 'EISDIR' }) : notFound(path);
      return new TextEncoder().encode(text);
    },
    async stat(path) {
      const text = files[path];
      if (text !== undefined) return { dir: false, size: new TextEncoder().encode(text).length };
      return isDir(path) ? { dir: true, size: 0 } : undefined;
    },
    async list(dir, options) {
      const root = dir.replace(/\/$/, '');
      const seen = new Map<string, FileEntry>();
      for (const file of Object.keys(files)) {
        if (!file.startsWith(`${root}/`)) continue;
        const parts = file.slice(root.length + 1).split('/');
        const depth = options?.recursive ? parts.length : 1;
        for (let i = 1; i <= depth; i++) {
          const path = posix.join(root, ...parts.slice(0, i));
          seen.set(path, { path, name: parts[i - 1] as string, dir: i < parts.length });
        }
      }
      return [...seen.values()];
    },
  };
}
