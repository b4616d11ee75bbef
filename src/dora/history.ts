/**
 * Reads the history of a service's release manifests from git, and the
 * commits of each release from the repository its versions are built from.
 * Real git through the git port; two processes for the manifests whatever
 * the number of commits (a log, then one `cat-file --batch`).
 */
import type { GitPort } from '../gitops/git.js';
import { parseManifest } from '../gitops/manifest.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { ReleaseCommits } from './figures.js';
import type { ManifestSnapshot, Release } from './releases.js';

/** Every version of the manifests under `dir` (for example `deploy/checkout/production`) that the history of `ref` holds. */
export async function manifestSnapshots(git: GitPort, dir: string, ref = 'HEAD'): Promise<ManifestSnapshot[]> {
  const folder = dir.replace(/\/+$/, '');
  const log = await git.run(['log', '--format=%x00%H %cI', '--name-status', '--no-renames', ref, '--', folder]);
  const changes: Array<{ commit: string; at: string; path: string; deleted: boolean }> = [];
  for (const block of log.stdout.split('\0')) {
    const [head, ...files] = block.split('\n').filter((l) => l.trim() !== '');
    if (!head) continue;
    const [commit, at] = head.split(' ') as [string, string];
    for (const line of files) {
      const [status, path] = line.split('\t') as [string, string];
      if (!path || !/\.ya?ml$/.test(path) || path.slice(folder.length + 1).includes('/')) continue;
      changes.push({ commit, at: new Date(at).toISOString(), path, deleted: status.startsWith('D') });
    }
  }
  const wanted = changes.filter((c) => !c.deleted);
  const texts = await catFiles(
    git,
    wanted.map((c) => `${c.commit}:${c.path}`),
  );
  return changes.map((c) => {
    if (c.deleted) return { commit: c.commit, at: c.at, path: c.path, manifest: null };
    const text = texts.get(`${c.commit}:${c.path}`);
    if (text === undefined) throw new Error(`git cat-file gave nothing for ${c.commit}:${c.path}`);
    try {
      return {
        commit: c.commit,
        at: c.at,
        path: c.path,
        manifest: parseManifest(text, `${c.path} at ${c.commit.slice(0, 12)}`),
      };
    } catch (err) {
      if (err instanceof ConfigurationError)
        throw new ConfigurationError(`${err.message} (the manifest as commit ${c.commit.slice(0, 12)} left it)`);
      throw err;
    }
  });
}

/** The contents of `rev:path` objects, read in one `git cat-file --batch`. */
async function catFiles(git: GitPort, names: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (names.length === 0) return out;
  const { stdout } = await git.run(['cat-file', '--batch'], { input: `${names.join('\n')}\n` });
  const bytes = Buffer.from(stdout, 'utf8');
  let pos = 0;
  for (const name of names) {
    const nl = bytes.indexOf(10, pos);
    const header = bytes.subarray(pos, nl).toString('utf8');
    const size = Number(header.split(' ')[2]);
    if (header.endsWith(' missing') || !Number.isFinite(size)) throw new Error(`git has no ${name}`);
    out.set(name, bytes.subarray(nl + 1, nl + 1 + size).toString('utf8'));
    pos = nl + 1 + size + 1;
  }
  return out;
}

/** The names a version may have as a git revision: itself (a tag or a commit), or a tag with a `v`. */
const candidates = (version: string): string[] => [version, `v${version}`];

/** Resolves each version to a commit, or null; one `cat-file --batch-check`. */
async function resolveVersions(git: GitPort, versions: readonly string[]): Promise<Map<string, string | null>> {
  const asked = versions.flatMap((v) => candidates(v).map((c) => `${c}^{commit}`));
  const out = new Map<string, string | null>();
  if (asked.length === 0) return out;
  const { stdout } = await git.run(['cat-file', '--batch-check=%(objectname)'], { input: `${asked.join('\n')}\n` });
  const lines = stdout.split('\n');
  versions.forEach((v, i) => {
    const found = [lines[2 * i], lines[2 * i + 1]].find((l) => l !== undefined && /^[0-9a-f]{40,64}$/.test(l));
    out.set(v, found ?? null);
  });
  return out;
}

/**
 * The commits of each deployed release: those after the version it replaced,
 * up to its own, leaving out commits that touch only `exclude`. A version that is no tag or commit in the repository, or a
 * replaced version that is not, leaves the release's commits unknown, and says why.
 */
export async function releaseCommits(
  git: GitPort,
  releases: readonly Release[],
  /** A folder whose commits are not changes (the release manifests, when they share the repository). */
  exclude?: string,
): Promise<ReleaseCommits[]> {
  const deployed = releases.filter((r) => r.deployedAt);
  const versions = [...new Set(deployed.flatMap((r) => [r.version, ...(r.replaced ? [r.replaced] : [])]))];
  const commits = await resolveVersions(git, versions);
  const out: ReleaseCommits[] = [];
  for (const r of deployed) {
    const head = commits.get(r.version);
    const base = r.replaced ? commits.get(r.replaced) : undefined;
    if (!head) {
      out.push({ version: r.version, unknown: `${r.version} is neither a tag nor a commit in the source repository` });
      continue;
    }
    if (!base) {
      out.push({
        version: r.version,
        unknown: r.replaced
          ? `the version it replaced, ${r.replaced}, is neither a tag nor a commit in the source repository`
          : 'the version it replaced is not known',
      });
      continue;
    }
    // Commits that only move the manifests are deployments, not changes.
    const paths = exclude ? ['--', ':/', `:(top,exclude)${exclude.replace(/\/+$/, '')}`] : [];
    const { stdout } = await git.run(['log', '--format=%cI', `${base}..${head}`, ...paths]);
    const commitTimes = stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((t) => new Date(t).toISOString());
    out.push({ version: r.version, commitTimes });
  }
  return out;
}
