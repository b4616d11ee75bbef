/**
 * Quarantined versions of a service, kept in git beside its manifests
 * (`<manifests>/<service>/quarantine.yaml`). A quarantined version is
 * refused by every promotion until someone lifts it with a reason; both
 * are recorded, with who and when.
 */
import * as z from 'zod';
import { stringify } from 'yaml';
import { isConflict } from '../github/errors.js';
import type { ContentStore } from '../gitops/content-store.js';
import { parsePolicyText } from '../policy/load.js';

const entry = z.strictObject({
  version: z.string().min(1),
  reason: z.string().min(1),
  at: z.iso.datetime(),
  by: z.string().min(1),
  link: z.string().optional(),
});

export const quarantineSchema = z.strictObject({
  service: z.string().min(1),
  versions: z.array(entry).default([]),
  lifted: z.array(entry).default([]),
});

export type Quarantine = z.output<typeof quarantineSchema>;
export type QuarantineEntry = z.output<typeof entry>;

export function quarantinePath(manifests: string, service: string): string {
  return `${manifests.replace(/\/+$/, '')}/${service}/quarantine.yaml`;
}

/** The entry that quarantines `version`, unless it was lifted after it. */
export function quarantined(q: Quarantine, version: string): QuarantineEntry | undefined {
  const put = q.versions.filter((e) => e.version === version).at(-1);
  if (!put) return undefined;
  const lift = q.lifted.filter((e) => e.version === version).at(-1);
  return lift && Date.parse(lift.at) >= Date.parse(put.at) ? undefined : put;
}

export async function readQuarantine(
  store: ContentStore,
  manifests: string,
  service: string,
): Promise<{ quarantine: Quarantine; sha: string | null }> {
  const path = quarantinePath(manifests, service);
  const stored = await store.read(path);
  if (!stored) return { quarantine: { service, versions: [], lifted: [] }, sha: null };
  return { quarantine: parsePolicyText(stored.text, path, quarantineSchema), sha: stored.sha };
}

const HEADER =
  '# Versions Bellwether refuses to promote, and quarantines lifted by people. Edit with `bellwether rollback` or by pull request.\n';

/**
 * Adds (`put`) or lifts a quarantine, compare-and-swap; re-running with the
 * same state already in place writes nothing.
 */
export async function changeQuarantine(
  store: ContentStore,
  manifests: string,
  service: string,
  change: { kind: 'put' | 'lift'; entry: QuarantineEntry },
  maxAttempts = 5,
): Promise<{ changed: boolean; quarantine: Quarantine }> {
  const path = quarantinePath(manifests, service);
  for (let attempt = 1; ; attempt++) {
    const { quarantine, sha } = await readQuarantine(store, manifests, service);
    const isIn = quarantined(quarantine, change.entry.version) !== undefined;
    if ((change.kind === 'put' && isIn) || (change.kind === 'lift' && !isIn)) return { changed: false, quarantine };
    const next: Quarantine =
      change.kind === 'put'
        ? { ...quarantine, versions: [...quarantine.versions, change.entry] }
        : { ...quarantine, lifted: [...quarantine.lifted, change.entry] };
    const verb = change.kind === 'put' ? 'quarantine' : 'lift the quarantine of';
    try {
      await store.write(
        path,
        HEADER + stringify(next),
        sha,
        `${service}: ${verb} ${change.entry.version}\n\n${change.entry.reason}`,
      );
      return { changed: true, quarantine: next };
    } catch (err) {
      if (!isConflict(err) || attempt >= maxAttempts) throw err;
    }
  }
}
