/**
 * Moving one region's traffic, and the verb a region's own job runs. The
 * reusable workflow's region job runs in the region's GitHub environment, so
 * its reviewers and wait timers come before this change, never after: the
 * advance run only names the regions due, and each is started here.
 */
import { runCanary } from '../canary/promotion/run.js';
import type { ContentStore } from '../gitops/content-store.js';
import { manifestPath, parseManifest, updateManifest, withStableVersion } from '../gitops/manifest.js';
import { loadPolicySet, policyFor } from '../policy/set.js';
import type { Deps } from '../deps/deps.js';
import { ConfigurationError } from '../runtime/errors.js';
import { decideWaveStep } from './decide.js';
import { planWaves } from './planner.js';
import type { RegionRollout, RolloutState } from './rollout-state.js';
import { parseRolloutState, regionStates, rolloutPath, updateRolloutState } from './rollout-state.js';
import type { PlannedRegion, WaveStep } from './types.js';

/** What moving a region's traffic needs to know. */
export interface RegionChangeContext {
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  readonly manifests: string;
  readonly policy?: string;
  readonly actor: string;
  /** The time of this run, RFC 3339. */
  readonly at: string;
}

/** What starting a region did: its new rollout record, one line for people, and whether anything was committed. */
export interface RegionChange {
  readonly record: RegionRollout;
  readonly note: string;
  readonly committed: boolean;
}

/**
 * Starts `region`: the canary in a canary wave, the stable version
 * otherwise, compare-and-swap on its release manifest. A canary already
 * started for this version is not started twice (the manifest is the truth).
 */
export async function startRegionChange(
  region: PlannedRegion,
  ctx: RegionChangeContext,
  deps: Deps,
  store: ContentStore,
): Promise<RegionChange> {
  const path = manifestPath(ctx.manifests, ctx.service, ctx.environment, region.region);
  const { at, version } = ctx;
  if (region.canary) {
    const started = await promotionOf(store, path, version);
    if (started) {
      return {
        record: {
          state: 'deploying',
          startedAt: started.startedAt ?? at,
          verdict: 'unknown',
          reason: `canary of ${version} ${started.phase}`,
        },
        note: `${region.region}: the canary of ${version} had already started (${started.phase})`,
        committed: false,
      };
    }
    const outcome = await runCanary(
      {
        service: ctx.service,
        environment: ctx.environment,
        region: region.region,
        command: 'start',
        version,
        actor: ctx.actor,
        manifests: ctx.manifests,
        ...(ctx.policy ? { policy: ctx.policy } : {}),
        waitWithinMs: 0,
      },
      deps,
      store,
    );
    const committed = outcome.results.some((r) => r.committed);
    if (outcome.failure) {
      return {
        record: { state: 'failed', startedAt: at, endedAt: at, verdict: 'fail', reason: outcome.failure },
        note: `${region.region}: the canary did not start: ${outcome.failure}`,
        committed,
      };
    }
    return {
      record: { state: 'deploying', startedAt: at, verdict: 'unknown', reason: `canary of ${version} started` },
      note: `${region.region}: canary of ${version} started at ${outcome.outputs.weight}%`,
      committed,
    };
  }
  const update = await updateManifest(
    store,
    path,
    (m) => withStableVersion(m, version, at),
    `${ctx.service}: deploy ${version} to ${ctx.environment}/${region.region} (wave ${region.wave})`,
  );
  return {
    record: { state: 'deploying', startedAt: at, verdict: 'unknown', reason: `${version} deployed directly` },
    note: `${region.region}: ${version} committed as the stable version${update.changed ? '' : ' (already in place)'}`,
    committed: update.changed,
  };
}

/** What the region job's run did. */
export interface StartRegionOutcome {
  /** `started` by this run, `already-started` by an earlier one, or `not-due` (nothing moved). */
  readonly status: 'started' | 'already-started' | 'not-due';
  /** The region's rollout state after this run (`pending` when not started). */
  readonly regionState: RegionRollout['state'];
  readonly committed: boolean;
  /** What happened, in one line. */
  readonly note: string;
}

/**
 * The region job's verb: starts `region` when the rollout's own decision,
 * made again now from the recorded state, says it is due; a region already
 * started is left as it is. Approvals can come long after the advance run
 * that named the region, so its windows and the waves before it are checked
 * at the moment traffic would move.
 */
export async function startWaveRegion(
  inputs: Omit<RegionChangeContext, 'at'> & { readonly region: string },
  deps: Deps,
  store: ContentStore,
): Promise<StartRegionOutcome> {
  const set = await loadPolicySet(inputs.policy || undefined, deps.files);
  const { policy } = policyFor(set, 'waves', inputs.service);
  const now = deps.clock.now();
  const at = now.toISOString();
  const plan = planWaves(
    { policy },
    { service: inputs.service, environment: inputs.environment, version: inputs.version },
    now,
  );
  const planned = plan.waves.flatMap((w) => w.regions).find((r) => r.region === inputs.region);
  if (!planned)
    throw new ConfigurationError(`region ${JSON.stringify(inputs.region)} is in no wave of the waves policy`, {
      field: 'inputs.region',
    });
  const path = rolloutPath(inputs.manifests, inputs.service, inputs.environment);
  const stored = await store.read(path);
  const previous = stored ? parseRolloutState(stored.text, path) : null;
  const base: RolloutState =
    previous && previous.version === inputs.version
      ? previous
      : { version: inputs.version, startedAt: at, regions: {} };
  const recorded = base.regions[inputs.region];
  if (recorded && recorded.state !== 'pending') {
    return {
      status: 'already-started',
      regionState: recorded.state,
      committed: false,
      note: `${inputs.region} was already started (${recorded.state}); nothing to do`,
    };
  }
  const step = decideWaveStep({ settings: { policy }, plan, states: regionStates(base), now });
  if (step.kind !== 'start' || !step.regions.some((r) => r.region === inputs.region)) {
    return {
      status: 'not-due',
      regionState: 'pending',
      committed: false,
      note: `${inputs.region} is not due: ${whyNot(step)}`,
    };
  }
  const change = await startRegionChange(planned, { ...inputs, at }, deps, store);
  const update = await updateRolloutState(
    store,
    path,
    (current) => {
      const from = current && current.version === inputs.version ? current : base;
      // Another job that started this region first keeps its record.
      const existing = from.regions[inputs.region];
      if (existing && existing.state !== 'pending') return from;
      return { ...from, regions: { ...from.regions, [inputs.region]: change.record } };
    },
    `${inputs.service}: waves rollout of ${inputs.version} in ${inputs.environment}: start ${inputs.region} (wave ${planned.wave})`,
  );
  deps.logger.info(change.note);
  return {
    status: 'started',
    regionState: update.state.regions[inputs.region]?.state ?? change.record.state,
    committed: change.committed || update.changed,
    note: change.note,
  };
}

/** Why a step does not start a region, in words. */
function whyNot(step: WaveStep): string {
  switch (step.kind) {
    case 'done':
      return 'the rollout is done';
    case 'halt':
      return `the rollout halted in wave ${step.wave}: ${step.notes.join('; ')}`;
    case 'start':
      return `wave ${step.wave} starts ${step.regions.map((r) => r.region).join(', ')} now`;
    case 'wait': {
      const reasons = [
        ...step.reasons.map((r) => r.detail),
        ...step.waitingFor.map((r) => `${r.region} ${r.reason}`),
        ...step.notes,
      ];
      return `wave ${step.wave} waits${step.until ? ` until ${step.until}` : ''}${reasons.length > 0 ? `: ${reasons.join('; ')}` : ''}`;
    }
  }
}

/** The promotion of `version` recorded in a region's manifest, if one was started. */
async function promotionOf(
  store: ContentStore,
  path: string,
  version: string,
): Promise<{ phase: string; startedAt?: string } | undefined> {
  const stored = await store.read(path);
  if (!stored) return undefined;
  const promotion = parseManifest(stored.text, path).promotion;
  if (!promotion || promotion.version !== version) return undefined;
  const first = promotion.history[0]?.at;
  return { phase: promotion.phase, ...(first === undefined ? {} : { startedAt: first }) };
}
