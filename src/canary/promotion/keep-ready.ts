/**
 * The previous version kept ready. While a canary takes all the traffic, and
 * after its promotion to stable until it has baked, the version it replaces
 * must stay deployable for a full rollback: the manifest's `keepReady` says
 * which version and until when, so that a deploy step (Argo CD, Flux, a
 * script) does not scale it down early. Pure, like the decision that calls it.
 */
import type { ReleaseManifest } from '../../gitops/manifest.js';
import { KEEP_HISTORY } from '../../gitops/promotion-state.js';
import type { Facts, PromotionPolicy, Step } from './model.js';

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

/**
 * The watch after promotion: while the previous version is kept ready and
 * the policy has health gates on its last stage, each tick judges the new
 * stable version on those gates over the last lookback (never from before
 * its promotion). A breach fails the promotion, which hands the version to
 * the rollback flow (back to the kept-ready version); no data keeps
 * watching and says why; within bounds says "watched: healthy" with the
 * values. Undefined when there is nothing to watch: a promotion that was not
 * the last one, no health gates, or a kept-ready time that is over.
 */
export function watchTick(
  manifest: ReleaseManifest,
  policy: PromotionPolicy,
  facts: Pick<Facts, 'now' | 'judgment'>,
): Step | undefined {
  const kept = manifest.keepReady;
  const p = manifest.promotion;
  const now = facts.now.getTime();
  if (!policy.watch || !kept?.until || Date.parse(kept.until) <= now) return undefined;
  if (!p || p.phase !== 'promoted' || p.version !== manifest.stable.version) return undefined;
  const promotedAt = p.history.findLast((h) => h.event === 'promoted')?.at;
  const from = Math.max(promotedAt ? Date.parse(promotedAt) : now, now - policy.lookback);
  const version = manifest.stable.version;
  if (!facts.judgment) {
    if (from >= now)
      return {
        kind: 'wait',
        until: null,
        explanation: {
          summary: `Watching ${version} until ${kept.until}`,
          reason: `it was promoted just now: there is no window to judge yet; ${kept.version} is kept ready`,
        },
      };
    return {
      kind: 'need-judgment',
      start: new Date(from),
      end: facts.now,
      look: 1,
      looks: 1,
      watch: true,
      explanation: {
        summary: `Watching ${version} after its promotion`,
        reason: `its health gates are judged until ${kept.until}, while ${kept.version} is kept ready`,
      },
    };
  }
  const j = facts.judgment;
  if (j.verdict === 'Fail') {
    const reason = `watched after promotion: ${j.reason}`;
    return {
      kind: 'transition',
      manifest: {
        ...manifest,
        promotion: {
          ...p,
          phase: 'failed',
          outcome: reason,
          history: [...p.history, { at: iso(now), event: 'failed: watched after promotion', detail: j.reason }].slice(
            -KEEP_HISTORY,
          ),
        },
      },
      effects: [{ kind: 'failed' }],
      explanation: {
        summary: `Watch failed: ${version} breached its health gates after promotion; rolling back to ${kept.version}`,
        reason,
      },
    };
  }
  if (j.verdict === 'Pass')
    return {
      kind: 'wait',
      until: null,
      explanation: {
        summary: `watched: healthy (${version}, until ${kept.until})`,
        reason: j.reason,
      },
    };
  return {
    kind: 'wait',
    until: null,
    explanation: {
      summary: `Watching ${version}: no verdict, still watching until ${kept.until}`,
      reason: `${j.verdict}: ${j.reason}; ${kept.version} stays kept ready`,
    },
  };
}
