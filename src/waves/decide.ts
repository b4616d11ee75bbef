/**
 * The execution decision of a waves rollout: from the plan, what is known of
 * each region and `now`, the one next step. It is pure and depends only on
 * recorded states, never on the plan's estimates, so any run may make it
 * again and reach the same step: start regions, wait, halt, or done.
 *
 * Fan-in: a wave starts only when every region of the wave before is healthy
 * with a passing verdict and that wave's bake time has passed. A region whose
 * health is unknown is not healthy; it holds the rollout where it is.
 */
import { formatDuration } from '../policy/fields.js';
import { ConfigurationError } from '../runtime/errors.js';
import { earliestAllowed, localLabel, startRules } from './constraints.js';
import type { WavesSettings } from './settings.js';
import type { HaltStep, PlannedRegion, PlannedWave, RegionState, StepRegion, WaveStep, WavesPlan } from './types.js';
import { formatUtc, parseInstant } from '../runtime/zone.js';

/** What the decision reads. */
export interface WaveStepInput {
  readonly settings: WavesSettings;
  /** The plan of this release: which regions are in which wave, with their environments. */
  readonly plan: WavesPlan;
  /** Region → what is known; a region left out is pending. */
  readonly states: Readonly<Record<string, RegionState>>;
  readonly now: Date;
}

const PENDING: RegionState = { status: 'pending' };

/** The next step of a rollout. Throws a ConfigurationError for states of regions the plan lacks. */
export function decideWaveStep(input: WaveStepInput): WaveStep {
  const { plan, states } = input;
  const now = input.now.getTime();
  if (!Number.isFinite(now)) throw new RangeError('decideWaveStep needs a valid `now`');
  const waveOf = new Map(plan.waves.flatMap((w) => w.regions.map((r) => [r.region, w.index] as const)));
  for (const region of Object.keys(states)) {
    if (!waveOf.has(region)) {
      throw new ConfigurationError(`state for region ${JSON.stringify(region)}, which is in no wave of the plan`, {
        field: `states.${region}`,
      });
    }
  }
  const stateOf = (region: string): RegionState => states[region] ?? PENDING;
  const halted = plan.waves
    .flatMap((w) => w.regions)
    .some((r) => isFailing(stateOf(r.region)) || stateOf(r.region).status === 'rolled-back');
  if (halted) return haltStep(plan, stateOf);

  let lastBaked = Number.NEGATIVE_INFINITY;
  for (const wave of plan.waves) {
    const regions = wave.regions.map((r) => ({ planned: r, state: stateOf(r.region) }));
    if (regions.every((r) => r.state.status === 'healthy' && r.state.health === 'pass')) {
      const since = regions.map((r) => timeOf(r.state.since));
      const unknown = regions.filter((_, i) => since[i] === undefined);
      if (unknown.length > 0) {
        return {
          kind: 'wait',
          wave: wave.index,
          reasons: [],
          waitingFor: unknown.map((r) =>
            stepRegion(r.planned, 'healthy, but since when is not recorded: its bake time cannot be counted'),
          ),
          notes: [`wave ${wave.index} (${wave.name}) holds until every region records when it became healthy`],
        };
      }
      const healthyAt = Math.max(...since.map((t) => t ?? Number.POSITIVE_INFINITY));
      const bakedBy = healthyAt + wave.bakeMs;
      if (now < bakedBy) {
        const detail = `wave ${wave.index} (${wave.name}) bakes ${formatDuration(wave.bakeMs)} after its last region became healthy at ${localLabel(healthyAt, plan.timeZone)}`;
        return {
          kind: 'wait',
          wave: wave.index,
          until: formatUtc(bakedBy),
          reasons: [{ kind: 'bake', until: formatUtc(bakedBy), detail }],
          waitingFor: [],
          notes: [],
        };
      }
      lastBaked = bakedBy;
      continue;
    }
    const step = advanceWave(input, wave, now);
    // Only someone acting by hand gets a later wave going first; say so rather than stay silent.
    const ahead = plan.waves
      .filter((w) => w.index > wave.index)
      .flatMap((w) => w.regions)
      .filter((r) => stateOf(r.region).status !== 'pending')
      .map((r) => `${r.region} of wave ${r.wave} is ${stateOf(r.region).status} before wave ${wave.index} completed`);
    return ahead.length === 0 ? step : { ...step, notes: [...step.notes, ...ahead] };
  }
  return {
    kind: 'done',
    at: formatUtc(Number.isFinite(lastBaked) ? lastBaked : now),
    notes: [`all ${plan.waves.length} waves healthy and baked`],
  };
}

/** A wave not yet all healthy: start what may start, or say what it waits for. */
function advanceWave(input: WaveStepInput, wave: PlannedWave, now: number): WaveStep {
  const stateOf = (r: PlannedRegion): RegionState => input.states[r.region] ?? PENDING;
  const deploying = wave.regions.filter((r) => stateOf(r).status === 'deploying');
  const unverified = wave.regions.filter((r) => stateOf(r).status === 'healthy' && stateOf(r).health !== 'pass');
  const pending = wave.regions.filter((r) => stateOf(r).status === 'pending');
  const waitingFor: StepRegion[] = [
    ...deploying.map((r) => stepRegion(r, `deploying${sinceText(stateOf(r), input.plan.timeZone)}`)),
    // Unknown health is not healthy: the region keeps its slot and the wave does not move on.
    ...unverified.map((r) =>
      stepRegion(r, `health ${stateOf(r).health ?? 'not reported'}: holding until its verdict passes`),
    ),
  ];
  const free = wave.maxParallel - deploying.length - unverified.length;
  const notes: string[] = [];
  if (pending.length > 0 && free <= 0) {
    notes.push(
      `wave ${wave.index} runs at most ${wave.maxParallel} region${wave.maxParallel === 1 ? '' : 's'} at once; ${pending.map((r) => r.region).join(', ')} wait${pending.length === 1 ? 's' : ''} for a slot`,
    );
    return { kind: 'wait', wave: wave.index, reasons: [], waitingFor, notes };
  }
  const { policy, calendars = [] } = input.settings;
  const due: PlannedRegion[] = [];
  let soonest:
    { at: number; region: PlannedRegion; reasons: ReturnType<typeof earliestAllowed>['reasons'] } | undefined;
  for (const region of pending) {
    const allowed = earliestAllowed(startRules(policy, calendars, region.region), now);
    if (allowed.at === now) {
      due.push(region);
      continue;
    }
    const last = allowed.reasons[allowed.reasons.length - 1];
    notes.push(
      allowed.at === undefined
        ? `${region.region} can never start under the policy's windows and dates${last ? `: ${last.detail}` : ''}`
        : `${region.region} may start at ${localLabel(allowed.at, input.plan.timeZone)}${last ? `: ${last.detail}` : ''}`,
    );
    if (allowed.at !== undefined && (soonest === undefined || allowed.at < soonest.at))
      soonest = { at: allowed.at, region, reasons: allowed.reasons };
  }
  const starting = due.slice(0, Math.max(free, 0));
  if (starting.length > 0) {
    const queued = due.slice(starting.length);
    if (queued.length > 0)
      notes.unshift(
        `${queued.map((r) => r.region).join(', ')} wait${queued.length === 1 ? 's' : ''} for a slot (at most ${wave.maxParallel} at once)`,
      );
    return {
      kind: 'start',
      wave: wave.index,
      regions: starting,
      notes: [...waitingFor.map((w) => `${w.region}: ${w.reason}`), ...notes],
    };
  }
  if (soonest) {
    return {
      kind: 'wait',
      wave: wave.index,
      until: formatUtc(soonest.at),
      reasons: soonest.reasons,
      waitingFor,
      notes,
    };
  }
  return { kind: 'wait', wave: wave.index, reasons: [], waitingFor, notes };
}

/** A failure halts everything: the failing regions roll back, the policy decides for earlier waves. */
function haltStep(plan: WavesPlan, stateOf: (region: string) => RegionState): HaltStep {
  const all = plan.waves.flatMap((w) => w.regions);
  const failing = all.filter((r) => isFailing(stateOf(r.region)));
  const rolledBackRegions = all.filter((r) => stateOf(r.region).status === 'rolled-back');
  // Once every failing region is rolled back, the latest rolled-back wave is where it failed.
  const failedWave =
    failing.length > 0 ? Math.min(...failing.map((r) => r.wave)) : Math.max(...rolledBackRegions.map((r) => r.wave));
  const failedNames = failing.map((r) => r.region);
  const cause = `${failedNames.length > 0 ? failedNames.join(', ') : 'a region'} failed in wave ${failedWave}`;
  const step = {
    failed: [] as StepRegion[],
    rollback: [] as StepRegion[],
    hold: [] as StepRegion[],
    rolledBack: [] as StepRegion[],
    notStarted: [] as StepRegion[],
  };
  for (const region of all) {
    const state = stateOf(region.region);
    if (isFailing(state)) {
      const why = state.detail ?? (state.status === 'failed' ? 'failed' : 'its health check failed');
      step.failed.push(stepRegion(region, why));
      step.rollback.push(stepRegion(region, `failed (${why}): rolled back on its own`));
    } else if (state.status === 'rolled-back') {
      step.rolledBack.push(
        stepRegion(region, `rolled back${sinceText(state, plan.timeZone)}${state.detail ? ` (${state.detail})` : ''}`),
      );
    } else if (state.status === 'pending') {
      step.notStarted.push(stepRegion(region, `not started: the rollout halted because ${cause}`));
    } else if (region.wave < failedWave && plan.onLaterWaveFailure === 'rollback') {
      step.rollback.push(stepRegion(region, `onLaterWaveFailure is rollback and ${cause}`));
    } else if (region.wave < failedWave) {
      step.hold.push(stepRegion(region, `onLaterWaveFailure is hold: stays on the new version while ${cause}`));
    } else {
      step.hold.push(
        stepRegion(region, `in the failing wave but healthy so far: only failing regions roll back on their own`),
      );
    }
  }
  const notes = [`rollout halted: ${cause}`];
  if (step.rollback.length === 0) notes.push('nothing left to roll back');
  return { kind: 'halt', wave: failedWave, ...step, notes };
}

function isFailing(state: RegionState): boolean {
  return (
    state.status === 'failed' ||
    ((state.status === 'deploying' || state.status === 'healthy') && state.health === 'fail')
  );
}

function stepRegion(region: PlannedRegion, reason: string): StepRegion {
  return { region: region.region, wave: region.wave, reason };
}

/** A recorded time; one that is not RFC 3339 with a zone counts as unknown. */
function timeOf(value: string | undefined): number | undefined {
  return value === undefined ? undefined : parseInstant(value);
}

function sinceText(state: RegionState, zone: string): string {
  const t = timeOf(state.since);
  return t === undefined ? '' : ` since ${localLabel(t, zone)}`;
}
