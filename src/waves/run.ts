/**
 * The execution of a waves rollout as a resumable reconcile: read the
 * rollout state from git, refresh the health of every region in flight from
 * its release manifest, decide the one next step (decide.ts), act on it, and
 * record the result compare-and-swap. Any run may be the next one: re-running
 * at the same time decides the same step and commits nothing new.
 */
import type { ContentStore } from '../gitops/content-store.js';
import { manifestPath, parseManifest } from '../gitops/manifest.js';
import type { ReleaseManifest } from '../gitops/manifest.js';
import { loadPolicySet, policyFor } from '../policy/set.js';
import type { RollbackPublisher } from '../rollback/publish.js';
import { runRollback } from '../rollback/run.js';
import type { Deps } from '../deps/deps.js';
import { errorMessage } from '../runtime/errors.js';
import { decideWaveStep } from './decide.js';
import { checkRegionHealth } from './health.js';
import type { HealthPolicy } from './health.js';
import type { WavesMatrix } from './matrix.js';
import { matrixOfStep } from './matrix.js';
import { planWaves } from './planner.js';
import { startRegionChange } from './start-region.js';
import type { RegionRollout, RolloutState } from './rollout-state.js';
import { wavesIncident } from './postmortem.js';
import type { Incident } from '../postmortem/incident.js';
import { parseRolloutState, regionStates, rolloutPath, updateRolloutState } from './rollout-state.js';
import type { PlannedRegion, WaveStep, WavesPlan } from './types.js';

export interface AdvanceInputs {
  readonly service: string;
  readonly environment: string;
  readonly version: string;
  /** Folder of release manifests. */
  readonly manifests: string;
  /** Policy file or folder; empty for the embedded defaults. */
  readonly policy?: string;
  /** The GitHub user who asked (the workflow's actor). */
  readonly actor: string;
  /**
   * Name the regions due in the matrix without starting them: each region's
   * own job starts it (startWaveRegion) in its protected GitHub environment.
   */
  readonly deferStarts?: boolean;
}

/** The effects of a rollout; `publisher` opens rollback pull requests, and without it no rollback is run. */
export type WavesDeps = Deps & { readonly publisher?: RollbackPublisher };

export interface AdvanceOutcome {
  readonly plan: WavesPlan;
  readonly step: WaveStep;
  /** The rollout state after this run. */
  readonly state: RolloutState;
  /** The regions this run started, one job each. */
  readonly matrix: WavesMatrix;
  /** Whether this run committed anything (state, manifests or rollbacks). */
  readonly committed: boolean;
  /** What happened, one line each, for logs and the summary. */
  readonly notes: readonly string[];
  /** The incident, when this run halted the rollout on a region it newly found failed. */
  readonly incident?: Incident;
}

/** One reconcile of a rollout of `inputs.version` across the waves of the policy. */
export async function advanceWaves(
  inputs: AdvanceInputs,
  deps: WavesDeps,
  store: ContentStore,
): Promise<AdvanceOutcome> {
  const set = await loadPolicySet(inputs.policy || undefined, deps.files);
  const { policy } = policyFor(set, 'waves', inputs.service);
  const now = deps.clock.now();
  const at = now.toISOString();
  const plan = planWaves(
    { policy },
    { service: inputs.service, environment: inputs.environment, version: inputs.version },
    now,
  );
  const path = rolloutPath(inputs.manifests, inputs.service, inputs.environment);
  const stored = await store.read(path);
  const previous = stored ? parseRolloutState(stored.text, path) : null;
  // A rollout of another version starts over; the file is rewritten when this run records anything.
  const base: RolloutState =
    previous && previous.version === inputs.version
      ? previous
      : { version: inputs.version, startedAt: at, regions: {} };
  const regions = plan.waves.flatMap((w) => w.regions);
  const manifestOf = (region: string) => manifestPath(inputs.manifests, inputs.service, inputs.environment, region);

  // Changes of this run, region by region; applied to whatever state is current when they are written.
  const patch: Record<string, RegionRollout> = {};
  for (const region of regions) {
    const current = base.regions[region.region];
    if (current?.state !== 'deploying') continue;
    const refreshed = await refreshRegion(store, manifestOf(region.region), region, current, inputs.version, at, {
      health: policy.health,
      now,
      metrics: deps.metrics,
      scope: {
        service: inputs.service,
        environment: inputs.environment,
        region: region.region,
        version: inputs.version,
      },
    });
    if (refreshed) patch[region.region] = refreshed;
  }
  const refreshedState: RolloutState = { ...base, regions: { ...base.regions, ...patch } };
  const step = decideWaveStep({ settings: { policy }, plan, states: regionStates(refreshedState), now });
  const notes: string[] = [];
  let committed = false;
  let rollbackUrl: string | undefined;

  if (step.kind === 'start' && inputs.deferStarts) {
    // Each region's own job moves its traffic, after its environment's reviewers and wait timers.
    for (const region of step.regions)
      notes.push(`${region.region}: due in wave ${region.wave}; its region job starts it`);
  } else if (step.kind === 'start') {
    for (const region of step.regions) {
      const change = await startRegionChange(region, { ...inputs, at }, deps, store);
      committed ||= change.committed;
      patch[region.region] = change.record;
      notes.push(change.note);
    }
  }

  if (step.kind === 'halt') {
    for (const failed of step.failed) {
      const was = refreshedState.regions[failed.region];
      if (was?.state !== 'failed')
        patch[failed.region] = {
          ...(was ?? { verdict: 'fail' }),
          state: 'failed',
          endedAt: at,
          verdict: 'fail',
          reason: failed.reason,
        };
    }
    if (step.rollback.length > 0 && deps.publisher) {
      const rollbackPolicy = policyFor(set, 'rollback', inputs.service).policy;
      const rollback = await runRollback(
        {
          service: inputs.service,
          environment: inputs.environment,
          regions: step.rollback.map((r) => r.region),
          version: inputs.version,
          reason: `the waves rollout of ${inputs.version} halted in wave ${step.wave}: ${step.failed.map((r) => `${r.region} (${r.reason})`).join(', ')}`,
          actor: inputs.actor,
          trigger: 'verdict',
          links: [],
          manifests: inputs.manifests,
        },
        { ...rollbackPolicy, deployBranch: store.branch },
        { store, publisher: deps.publisher, github: deps.github, clock: deps.clock, logger: deps.logger },
      );
      committed ||= rollback.regions.some((r) => r.committed) || rollback.pullRequest.created;
      for (const r of step.rollback) {
        const was = patch[r.region] ?? refreshedState.regions[r.region];
        const outcome = rollback.regions.find((o) => o.region === r.region);
        // Without an emergency commit, traffic moves only when the pull request is merged: until then the region stays failed.
        const restored = outcome !== undefined && (outcome.committed || outcome.plan.kind === 'already-safe');
        if (restored)
          patch[r.region] = {
            ...(was ?? { verdict: 'fail' }),
            state: 'rolled-back',
            endedAt: at,
            reason: `${r.reason}; recorded in ${rollback.pullRequest.url}`,
          };
        else notes.push(`${r.region}: traffic returns when ${rollback.pullRequest.url} is merged`);
      }
      notes.push(`rolled back ${step.rollback.map((r) => r.region).join(', ')}: ${rollback.pullRequest.url}`);
      rollbackUrl = rollback.pullRequest.url;
    } else if (step.rollback.length > 0) {
      notes.push(
        `no rollback publisher: ${step.rollback.map((r) => r.region).join(', ')} must be rolled back with the rollback action`,
      );
    }
  }

  let state = refreshedState;
  if (Object.keys(patch).length > 0 || previous === null || previous.version !== inputs.version) {
    const update = await updateRolloutState(
      store,
      path,
      (current) => {
        const from = current && current.version === inputs.version ? current : base;
        return { ...from, regions: { ...from.regions, ...patch } };
      },
      `${inputs.service}: waves rollout of ${inputs.version} in ${inputs.environment}: ${step.kind}${step.kind === 'done' ? '' : ` wave ${step.wave}`}`,
    );
    committed ||= update.changed;
    state = update.state;
  }
  for (const note of notes) deps.logger.info(note);
  // A region found failed by this run is an incident; one already failed was reported by the run that found it.
  const newlyFailed =
    step.kind === 'halt' &&
    step.failed.some((f) => !['failed', 'rolled-back'].includes(base.regions[f.region]?.state ?? 'pending'));
  const incident =
    step.kind === 'halt' && newlyFailed
      ? wavesIncident(inputs, state, step, rollbackUrl ? { url: rollbackUrl } : undefined, now)
      : undefined;
  return { plan, step, state, matrix: matrixOfStep(plan, step), committed, notes, ...(incident ? { incident } : {}) };
}

/** What the health of a directly deployed region is checked with. */
interface HealthContext {
  readonly health: HealthPolicy | undefined;
  readonly now: Date;
  readonly metrics: Deps['metrics'];
  readonly scope: { service: string; environment: string; region: string; version: string };
}

/**
 * What a deploying region's release manifest and metrics say of it. A canary
 * region is as healthy as its promotion; a region deployed directly is
 * healthy once its stable version is the release and, when the policy has
 * health checks, its own metrics stayed within bounds for the watch time
 * (no data holds). Returns undefined when nothing changed.
 */
async function refreshRegion(
  store: ContentStore,
  path: string,
  region: PlannedRegion,
  current: RegionRollout,
  version: string,
  at: string,
  ctx: HealthContext,
): Promise<RegionRollout | undefined> {
  const stored = await store.read(path);
  if (!stored)
    return { ...current, state: 'failed', endedAt: at, verdict: 'fail', reason: `no release manifest at ${path}` };
  let manifest: ReleaseManifest;
  try {
    manifest = parseManifest(stored.text, path);
  } catch (err) {
    // An unreadable manifest is unknown health: the region holds, it is neither healthy nor failed.
    return current.reason === errorMessage(err)
      ? undefined
      : { ...current, verdict: 'unknown', reason: errorMessage(err) };
  }
  if (region.canary) {
    const promotion = manifest.promotion;
    if (!promotion || promotion.version !== version) return undefined;
    if (promotion.phase === 'promoted')
      return { ...current, state: 'healthy', healthyAt: at, verdict: 'pass', reason: `canary of ${version} promoted` };
    if (promotion.phase === 'failed' || promotion.phase === 'rolled-back' || promotion.phase === 'aborted') {
      return {
        ...current,
        state: 'failed',
        endedAt: at,
        verdict: 'fail',
        reason: `canary of ${version} ${promotion.phase}`,
      };
    }
    return undefined;
  }
  if (manifest.stable.version !== version) return undefined;
  if (!ctx.health)
    return { ...current, state: 'healthy', healthyAt: at, verdict: 'pass', reason: `${version} is the stable version` };
  const since = Date.parse(current.startedAt ?? at);
  if (ctx.now.getTime() < since + ctx.health.watch) return undefined;
  const health = await checkRegionHealth(
    ctx.health,
    ctx.scope,
    { from: new Date(since), to: ctx.now },
    ctx.metrics.get(ctx.health.provider),
  );
  if (health.verdict === 'pass')
    return { ...current, state: 'healthy', healthyAt: at, verdict: 'pass', reason: health.reason };
  if (health.verdict === 'fail')
    return { ...current, state: 'failed', endedAt: at, verdict: 'fail', reason: health.reason };
  return current.reason === health.reason ? undefined : { ...current, verdict: 'unknown', reason: health.reason };
}
