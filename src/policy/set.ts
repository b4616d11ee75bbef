/**
 * A set of policy files (one file, or a folder of them) and the choice of
 * the policy that applies to a service: the first file, in path order, of
 * that kind whose `services` globs match; the embedded defaults otherwise.
 */
import { posix } from 'node:path';
import { ConfigurationError } from '../runtime/errors.js';
import type { Files } from '../runtime/files.js';
import { checkPolicyText } from './check.js';
import { deployPolicyKinds, POLICY_KIND_NAMES } from './deploy-kinds.js';
import type { DeployPolicyKind } from './deploy-kinds.js';
import type { AnyPolicy } from './kinds.js';
import { readPolicyText } from './load.js';

const POLICY_FILE = /\.ya?ml$/i;

export interface LoadedPolicy {
  readonly file: string;
  readonly policy: AnyPolicy;
}

type PolicyOf<K extends DeployPolicyKind> = Extract<AnyPolicy, { kind: K }>;

/**
 * The policy files a path names: itself, or the YAML files below a folder
 * (links to files included), sorted; null when the path does not exist.
 * `bellwether policy check` and the policy sets read files the same way.
 */
export async function policyFilesIn(path: string, files: Files): Promise<string[] | null> {
  const info = await files.stat(path);
  if (info === undefined) return null;
  if (!info.dir) return [path];
  const entries = await files.list(path, { recursive: true });
  return entries
    .filter((e) => !e.dir && POLICY_FILE.test(e.name))
    .map((e) => e.path)
    .sort();
}

/**
 * Loads every policy a path names. Files that are not Bellwether policies
 * (no `kind:` of ours, such as OpenSLO files kept beside them) are skipped;
 * a Bellwether policy with mistakes fails, naming every problem.
 */
export async function loadPolicySet(path: string | undefined, files: Files): Promise<LoadedPolicy[]> {
  if (!path) return [];
  const out: LoadedPolicy[] = [];
  const problems: ConfigurationError[] = [];
  const paths = await policyFilesIn(path, files);
  if (paths === null) throw new ConfigurationError('no such policy file or folder', { file: path });
  for (const file of paths) {
    const text = await readPolicyText(file, files);
    if (!isOurs(text)) continue;
    try {
      out.push({ file, policy: await parsePolicy(text, file) });
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      problems.push(...(err.problems.length ? err.problems : [err]));
    }
  }
  if (problems.length > 0) throw ConfigurationError.aggregate(problems);
  return out;
}

const KIND = /^kind:\s*["']?([\w-]+)/m;

/** A file is ours when its top-level `kind:` names one of Bellwether's policy kinds. */
function isOurs(text: string): boolean {
  const kind = KIND.exec(text)?.[1];
  return kind !== undefined && (POLICY_KIND_NAMES as readonly string[]).includes(kind);
}

/**
 * A deploy policy is checked against the deploy kinds; a gates policy kept
 * beside them loads every kind (the gates schema holds every secret and
 * workflow rule, which a deploy never needs otherwise).
 */
async function parsePolicy(text: string, file: string): Promise<AnyPolicy> {
  const kind = KIND.exec(text)?.[1];
  if (kind !== undefined && Object.hasOwn(deployPolicyKinds, kind)) {
    const check = checkPolicyText(text, file, deployPolicyKinds);
    if (check.problems.length === 0) return check.policy as AnyPolicy;
    // Problems with a deploy kind are the same against every kind; any other (the line read above was not the kind) are not.
    if (check.kind !== undefined) throw ConfigurationError.aggregate(check.problems);
  }
  return (await import('./kinds.js')).parseAnyPolicy(text, file);
}

/** The policy of `kind` that applies to `service`, or the embedded defaults, and where it came from. */
export function policyFor<K extends DeployPolicyKind>(
  set: readonly LoadedPolicy[],
  kind: K,
  service?: string,
): { policy: PolicyOf<K>; file: string | null } {
  for (const { file, policy } of set) {
    if (policy.kind !== kind) continue;
    const globs = 'services' in policy && Array.isArray(policy.services) ? (policy.services as string[]) : ['*'];
    if (service === undefined || globs.some((g) => posix.matchesGlob(service, g)))
      return { policy: policy as PolicyOf<K>, file };
  }
  const fallback = deployPolicyKinds[kind].safeParse({ kind });
  if (!fallback.success) {
    throw new ConfigurationError(
      `no ${kind} policy applies to ${service ?? 'this service'}, and a ${kind} policy has no defaults to fall back on: add one`,
    );
  }
  return { policy: fallback.data as PolicyOf<K>, file: null };
}
