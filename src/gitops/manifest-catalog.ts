/**
 * When the release manifest a user asked for is not there (a region left
 * out, a service misspelled), the answer is a usage error that names the
 * manifests that do exist, so the next try is right.
 */
import { ConfigurationError } from '../runtime/errors.js';
import type { ContentStore } from './content-store.js';
import { manifestPath } from './manifest.js';

/** Lists the files below a folder of a branch; absent where listing is not cheap. */
export type ListFiles = (branch: string, dir: string) => Promise<readonly string[]>;

export interface ManifestTarget {
  readonly manifests: string;
  readonly service: string;
  readonly environment: string;
  readonly region?: string;
}

/**
 * Runs `work`; when it fails and one of the manifests it needed is missing,
 * the failure is the usage error that says which manifests exist. The
 * manifests are looked for only after a failure, so a run that succeeds
 * spends no extra reads (each is a GitHub request in an action).
 */
export async function explainMissingManifest<T>(
  work: () => Promise<T>,
  store: ContentStore,
  targets: readonly ManifestTarget[],
  list?: ListFiles,
): Promise<T> {
  try {
    return await work();
  } catch (err) {
    for (const target of targets) {
      const path = manifestPath(target.manifests, target.service, target.environment, target.region);
      // A store that cannot answer now says nothing about the manifest: the first failure stands.
      const found = await store.read(path).catch(() => undefined);
      if (found === null) throw await missingManifest(store.branch, target, list);
    }
    throw err;
  }
}

/**
 * The usage error for a missing manifest: the regions of the service in
 * the environment, or its environments, or the services there are.
 */
export async function missingManifest(
  branch: string,
  target: ManifestTarget,
  list?: ListFiles,
): Promise<ConfigurationError> {
  const root = target.manifests.replace(/\/+$/, '');
  const path = manifestPath(root, target.service, target.environment, target.region);
  const files = list ? await list(branch, root) : [];
  const manifests = files
    .map((f) => f.slice(root.length + 1).split('/'))
    .filter((p) => p.length === 3 && /\.ya?ml$/.test(p[2] ?? ''));
  const services = unique(manifests.map((p) => p[0]!));
  const mine = manifests.filter((p) => p[0] === target.service);
  const regions = unique(mine.filter((p) => p[1] === target.environment).map((p) => p[2]!.replace(/\.ya?ml$/, '')));
  const environments = unique(mine.map((p) => p[1]!));
  const named = (xs: readonly string[]) => xs.join(', ');
  let hint: string;
  if (regions.length > 0) {
    hint = target.region
      ? `${target.service} in ${target.environment} has the regions ${named(regions)}`
      : `${target.service} is regional in ${target.environment}: name one of its regions (${named(regions)}) with --region`;
  } else if (environments.length > 0) {
    hint = `${target.service} has manifests in ${named(environments)}, not in ${target.environment}`;
  } else if (services.length > 0) {
    hint = `no service named ${target.service} under ${root}/; the services are ${named(services)}`;
  } else {
    hint = list ? `${root}/ on ${branch} holds no release manifests` : 'check the service, environment and region';
  }
  const field =
    regions.length > 0
      ? 'region'
      : environments.length > 0
        ? 'environment'
        : services.length > 0
          ? 'service'
          : undefined;
  return new ConfigurationError(`no release manifest at ${path} on ${branch}: ${hint}`, field ? { field } : {});
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)].sort();
}

/** Throws a ConfigurationError naming the services there are when `service` has no manifests on the branch; does nothing without a listing. */
export async function requireService(
  branch: string,
  manifests: string,
  service: string,
  list?: ListFiles,
): Promise<void> {
  if (!list) return;
  const root = manifests.replace(/\/+$/, '');
  const files = await list(branch, root);
  const services = unique(
    files
      .map((f) => f.slice(root.length + 1).split('/'))
      .filter((p) => p.length >= 2)
      .map((p) => p[0]!),
  );
  if (services.includes(service)) return;
  const hint = services.length > 0 ? `the services are ${services.join(', ')}` : `${root}/ on ${branch} holds nothing`;
  throw new ConfigurationError(`no service named ${service} under ${root}/ on ${branch}: ${hint}`, {
    field: 'service',
  });
}
