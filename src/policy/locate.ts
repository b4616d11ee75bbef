/**
 * Where Bellwether looks for a repository's policies and metrics providers
 * when it is not told: `.github/bellwether/` from the repository root (the
 * CLI's `--repo`, an action's workspace). Every verb and every action asks
 * here, so one folder serves them all; a path the user names is taken as a
 * file or a folder alike.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '../runtime/errors.js';
import type { Files } from '../runtime/files.js';
import type { PolicyKind } from './kinds.js';
import { METRICS_FILE, POLICY_DIR } from './paths.js';
import { policyFilesIn } from './set.js';

export { METRICS_FILE, POLICY_DIR } from './paths.js';

/** Where the policies of a run come from. */
export interface PolicyLocation {
  /** The file or folder to load; undefined when there is none (the embedded defaults apply). */
  readonly path: string | undefined;
  /** Where Bellwether looked, for the message that says the embedded defaults were used. */
  readonly searched: string;
}

/**
 * The policy file or folder of a run: the one named (relative to `base`,
 * where the user typed it), else `.github/bellwether/` under `root` when it
 * exists, else none. A named path that does not exist is the user's mistake.
 */
export function locatePolicies(named: string | undefined, root: string, base: string = root): PolicyLocation {
  if (named) {
    const path = resolve(base, named);
    if (!existsSync(path))
      throw new ConfigurationError('no such policy file or folder', { file: named, field: 'policy' });
    return { path, searched: path };
  }
  const path = join(resolve(root), POLICY_DIR);
  return { path: existsSync(path) ? path : undefined, searched: path };
}

/** One line that says which policy of `kind` applied, or that the embedded defaults did and where Bellwether looked. */
export function describePolicySource(
  kind: PolicyKind,
  file: string | null,
  location: PolicyLocation,
  service?: string,
): string {
  if (file) return `${kind} policy: ${file}`;
  const where = location.path
    ? `no ${kind} policy${service ? ` for ${service}` : ''} in ${location.searched}`
    : `nothing at ${location.searched}`;
  return `${kind} policy: the embedded defaults (${where})`;
}

/**
 * The metrics providers file of a run: the one named (a file, or a folder
 * holding `metrics.yml` or `metrics.yaml`), else `.github/bellwether/metrics.yml`
 * under `root` when it exists, else undefined (no providers: judgments hold
 * for lack of data).
 */
export function locateMetricsFile(named: string | undefined, root: string, base: string = root): string | undefined {
  if (named) {
    const path = resolve(base, named);
    if (!existsSync(path))
      throw new ConfigurationError('no such metrics file or folder', { file: named, field: 'metrics' });
    if (!statSync(path).isDirectory()) return path;
    const inside = ['metrics.yml', 'metrics.yaml'].map((f) => join(path, f)).find((f) => existsSync(f));
    if (!inside) throw new ConfigurationError('the folder holds no metrics.yml', { file: named, field: 'metrics' });
    return inside;
  }
  const path = join(resolve(root), METRICS_FILE);
  return existsSync(path) ? path : undefined;
}

/**
 * For readers of one policy file (the gates, the freeze gate): the file
 * named, or the first file of `kind` in the folder named (default
 * `.github/bellwether/` under `root`); undefined when there is none, so the
 * embedded defaults apply.
 */
export async function locatePolicyFile(
  named: string | undefined,
  kind: PolicyKind,
  root: string,
  files: Files,
  base: string = root,
): Promise<string | undefined> {
  const { path } = locatePolicies(named, root, base);
  if (!path) return undefined;
  // A file keeps the name the user gave it, so problems are reported under that name.
  if (!statSync(path).isDirectory()) return named ?? path;
  for (const file of (await policyFilesIn(path, files)) ?? []) {
    if (kindOf(Buffer.from(await files.read(file)).toString('utf8')) === kind) return file;
  }
  return undefined;
}

/** The top-level `kind:` of a policy text, if any. */
function kindOf(text: string): string | undefined {
  return /^kind:\s*["']?([\w-]+)/m.exec(text)?.[1];
}
