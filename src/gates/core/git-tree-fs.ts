/**
 * The files of one commit, read through git, in the shape the workflow audit
 * reads a checkout (GateFs). The gate's diff mode audits the pull request's
 * base this way, without a second checkout, so that findings already there
 * can be told apart from the ones the pull request introduces.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { GitError, type GitPort } from '../../gitops/git.js';
import type { GateFs } from './fs.js';

/**
 * Throws GitError when `commit` is not in the clone (a shallow checkout):
 * without this, every path would look absent and the commit empty.
 */
export async function requireCommit(git: GitPort, commit: string): Promise<void> {
  await git.run(['cat-file', '-e', `${commit}^{commit}`]);
}

/**
 * A read-only GateFs over `commit`: paths are those of the checkout at
 * `root` (absolute, or relative to the process's directory as the audit
 * passes them) and are looked up in the commit's tree. A path outside the
 * repository, or absent from the commit, does not exist.
 */
export function gitTreeFs(git: GitPort, commit: string, root: string): GateFs {
  const treePath = (path: string): string | undefined => {
    const rel = relative(root, resolve(path));
    if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
    return rel.split(/[\\/]/).filter(Boolean).join('/');
  };
  const spec = (path: string): string => {
    const inTree = treePath(path);
    if (inTree === undefined) throw new Error(`${path} is outside the repository at ${root}`);
    return `${commit}:${inTree}`;
  };
  return {
    async readFile(path) {
      const { stdout } = await git.run(['cat-file', 'blob', spec(path)]);
      return new TextEncoder().encode(stdout);
    },
    async kind(path) {
      if (treePath(path) === undefined) return undefined;
      try {
        const type = (await git.run(['cat-file', '-t', spec(path)])).stdout.trim();
        return type === 'tree' ? 'dir' : type === 'blob' ? 'file' : undefined;
      } catch (err) {
        // Absent from the commit: git says so by failing, which is an answer, not an error.
        if (err instanceof GitError) return undefined;
        throw err;
      }
    },
    async list(dir) {
      const { stdout } = await git.run(['ls-tree', '-z', spec(dir)]);
      return stdout
        .split('\0')
        .filter(Boolean)
        .map((entry) => {
          const [meta = '', name = ''] = entry.split('\t');
          return { name, dir: meta.split(' ')[1] === 'tree' };
        });
    },
  };
}
