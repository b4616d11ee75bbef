/**
 * The previous version kept ready. While a canary takes all the traffic, and
 * after its promotion to stable until it has baked, the version it replaces
 * must stay deployable for a full rollback: the manifest's `keepReady` says
 * which version and until when, so that a deploy step (Argo CD, Flux, a
 * script) does not scale it down early. Pure, like the decision that calls it.
 */
import type { ReleaseManifest } from '../../gitops/manifest.js';
import type { PromotionPolicy, Step } from './model.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** Entering a stage at `weight`: at 100% the stable version, which then serves nothing, is kept ready while the stage lasts. */
export function keepReadyAtFullTraffic(manifest: ReleaseManifest, weight: number): Pick<ReleaseManifest, 'keepReady'> {
  return weight >= 100 ? { keepReady: { version: manifest.stable.version } } : {};
}

/** After a promotion to stable: `previous` is kept ready for the policy's bake time (none: not kept). */
export function withKeepReadyAfter(
  m: ReleaseManifest,
  previous: string,
  policy: PromotionPolicy,
  now: Date,
): ReleaseManifest {
  const { keepReady: _earlier, ...rest } = m;
  const bake = policy.bakeTime ?? 0;
  if (bake <= 0) return rest;
  return { ...rest, keepReady: { version: previous, until: iso(now.getTime() + bake) } };
}

/**
 * A tick with no promotion in progress: a kept-ready version whose bake is
 * over is released (one commit), one still baking is waited for. The wait
 * has no wake-up time of its own, so a run never sleeps through a bake: a
 * later scheduled tick releases it.
 */
export function keptReadyTick(manifest: ReleaseManifest, now: Date): Step | undefined {
  const kept = manifest.keepReady;
  if (!kept) return undefined;
  if (kept.until !== undefined && Date.parse(kept.until) > now.getTime()) {
    return {
      kind: 'wait',
      until: null,
      explanation: {
        summary: `No promotion in progress; ${kept.version} is kept ready until ${kept.until}`,
        reason: `${manifest.stable.version} bakes until then, and a full rollback to ${kept.version} needs it deployable`,
      },
    };
  }
  const { keepReady: _released, ...rest } = manifest;
  return {
    kind: 'transition',
    manifest: rest,
    effects: [],
    explanation: {
      summary: `${kept.version} is no longer kept ready`,
      reason:
        kept.until !== undefined
          ? `${manifest.stable.version} baked until ${kept.until}; a deploy step may scale ${kept.version} down`
          : `no promotion is in progress to keep it ready for; a deploy step may scale ${kept.version} down`,
    },
  };
}
