/**
 * Releases from the history of release manifests. Every promotion and every
 * rollback is a commit to a manifest, so the manifests' history in git is the
 * record of what reached users and when. Pure: the snapshots are read by
 * `history.ts`.
 *
 * What counts, per service and environment (regions are folded together):
 * - a release is *exposed* when a commit first gives it traffic in a region
 *   (a canary with weight above 0, or the stable version);
 * - it is *deployed* when it first becomes the stable version of a region;
 * - it *failed* when a commit takes its traffic away without it becoming
 *   stable (a canary rolled back or failed), or when the stable version goes
 *   back to an earlier one (a rollback of the stable version). A canary
 *   aborted by hand is neither deployed nor failed: it is counted apart.
 */
import type { ReleaseManifest } from '../gitops/manifest.js';

/** One manifest file as one commit left it; `manifest` is null where the commit deleted it. */
export interface ManifestSnapshot {
  readonly commit: string;
  /** The commit's committer time, ISO 8601. */
  readonly at: string;
  readonly path: string;
  readonly manifest: ReleaseManifest | null;
}

/** Where the time to restore starts: the first failing judgment recorded, or (without one) when the version went live. */
export type RestoreFrom = 'judgment' | 'exposure';

/** One release of the service in the environment, as the manifests' history tells it. */
export interface Release {
  readonly version: string;
  /** First commit that gave it traffic in any region. */
  readonly exposedAt: string;
  readonly exposedCommit: string;
  /** First time it became stable in a region; absent when it never did. */
  readonly deployedAt?: string;
  readonly deployedCommit?: string;
  /** Regions where it became stable. */
  readonly regions: readonly string[];
  /** The failure, when it was rolled back. */
  readonly failure?: {
    /** Where the failure is first seen: the first failing judgment, else when the version went live. */
    readonly since: string;
    readonly from: RestoreFrom;
    /** The commit that took its traffic away in the last region that still had it. */
    readonly restoredAt: string;
    readonly restoredCommit: string;
    /** Rolled back as a canary (never stable anywhere) or after it was stable. */
    readonly stage: 'canary' | 'stable';
  };
  /** Stopped by hand before it was stable, without a failure. */
  readonly aborted?: boolean;
  /** The stable version it replaced where it was first deployed (the start of its change range). */
  readonly replaced?: string;
}

interface Building {
  version: string;
  exposedAt: string;
  exposedCommit: string;
  deployedAt?: string;
  deployedCommit?: string;
  regions: Set<string>;
  failure?: Release['failure'];
  failedJudgmentAt?: string;
  aborted?: boolean;
  replaced?: string;
}

const exposedIn = (m: ReleaseManifest | null): Set<string> => {
  const out = new Set<string>();
  if (!m) return out;
  out.add(m.stable.version);
  if (m.canary.version !== null && m.canary.weight > 0) out.add(m.canary.version);
  return out;
};

const regionOf = (path: string): string => (path.split('/').pop() ?? path).replace(/\.ya?ml$/, '');

/** The first failing judgment the manifest records for the version's promotion, if any. */
function firstFailingJudgment(m: ReleaseManifest | null, version: string): string | undefined {
  const p = m?.promotion;
  if (!p || p.version !== version) return undefined;
  return p.judgments.filter((j) => j.verdict === 'Fail').sort((a, b) => a.at.localeCompare(b.at))[0]?.at;
}

/**
 * The releases the snapshots record, oldest first. Snapshots may come in any
 * order; each file's first snapshot is where its history starts, so the
 * versions it already holds are not releases of the period.
 */
export function releasesOf(snapshots: readonly ManifestSnapshot[]): Release[] {
  const ordered = [...snapshots].sort((a, b) => a.at.localeCompare(b.at) || a.path.localeCompare(b.path));
  const byVersion = new Map<string, Building>();
  const last = new Map<string, ManifestSnapshot>();
  for (const s of ordered) {
    const prev = last.get(s.path);
    last.set(s.path, s);
    if (!prev) continue;
    const region = regionOf(s.path);
    const before = exposedIn(prev.manifest);
    const now = exposedIn(s.manifest);
    for (const v of now) {
      if (before.has(v)) continue;
      if (!byVersion.has(v))
        byVersion.set(v, { version: v, exposedAt: s.at, exposedCommit: s.commit, regions: new Set() });
    }
    const m = s.manifest;
    const p = prev.manifest;
    if (m && p && m.stable.version !== p.stable.version) {
      const back = p.previous.some((e) => e.version === m.stable.version) && p.canary.version !== m.stable.version;
      if (back) {
        // The stable version went back to an earlier one: a rollback of the stable version.
        const r = byVersion.get(p.stable.version);
        if (r) markFailed(r, s, 'stable');
      } else {
        const r = byVersion.get(m.stable.version);
        if (r) {
          r.regions.add(region);
          if (!r.deployedAt) {
            r.deployedAt = s.at;
            r.deployedCommit = s.commit;
            r.replaced = p.stable.version;
          }
        }
      }
    }
    // A canary whose traffic is gone and which did not become stable here.
    if (p && p.canary.version !== null && p.canary.weight > 0 && !now.has(p.canary.version)) {
      const r = byVersion.get(p.canary.version);
      if (r) {
        const phase = m?.promotion?.version === p.canary.version ? m.promotion.phase : undefined;
        r.failedJudgmentAt ??= firstFailingJudgment(m, p.canary.version) ?? firstFailingJudgment(p, p.canary.version);
        if (phase === 'aborted') r.aborted = true;
        else markFailed(r, s, r.deployedAt ? 'stable' : 'canary');
      }
    }
  }
  return [...byVersion.values()]
    .sort((a, b) => a.exposedAt.localeCompare(b.exposedAt))
    .map((r) => ({
      version: r.version,
      exposedAt: r.exposedAt,
      exposedCommit: r.exposedCommit,
      ...(r.deployedAt ? { deployedAt: r.deployedAt, deployedCommit: r.deployedCommit as string } : {}),
      regions: [...r.regions].sort(),
      ...(r.failure ? { failure: r.failure } : {}),
      ...(r.aborted && !r.failure ? { aborted: true } : {}),
      ...(r.replaced ? { replaced: r.replaced } : {}),
    }));
}

function markFailed(r: Building, s: ManifestSnapshot, stage: 'canary' | 'stable'): void {
  const since = r.failedJudgmentAt;
  // The last region's rollback is when the service was whole again.
  if (r.failure && r.failure.restoredAt >= s.at) return;
  r.failure = {
    since: since ?? r.failure?.since ?? r.exposedAt,
    from: since ? 'judgment' : (r.failure?.from ?? 'exposure'),
    restoredAt: s.at,
    restoredCommit: s.commit,
    stage: r.failure?.stage === 'stable' || stage === 'stable' ? 'stable' : 'canary',
  };
}
