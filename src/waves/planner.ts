/**
 * The waves planner: a pure function from the policy, the release and `now`
 * to the waves with their regions, batches and earliest start times. Later
 * waves are placed by the estimates of how long a region takes; the
 * execution decision (decide.ts) never trusts those estimates, only states.
 */
import { formatDuration } from '../policy/fields.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { AllowedStart } from './constraints.js';
import { earliestAllowed, localLabel, startRules } from './constraints.js';
import type { ReleaseWave, WavesRelease, WavesSettings } from './settings.js';
import { environmentName, estimatesOf, releaseWaves } from './settings.js';
import type { PlanEstimates, PlannedRegion, PlannedWave, Reason, WavesPlan } from './types.js';
import { formatUtc } from '../runtime/zone.js';

/**
 * Plan a rollout of `release` from `now`. Throws a ConfigurationError when
 * the release names unknown regions, the estimates are not positive, or the
 * rules leave a region no start time within two years.
 */
export function planWaves(settings: WavesSettings, release: WavesRelease, now: Date): WavesPlan {
  const { policy } = settings;
  const from = now.getTime();
  if (!Number.isFinite(from)) throw new RangeError('planWaves needs a valid `now`');
  const estimates = estimatesOf(settings);
  checkEstimates(estimates);
  const zone = policy.timeZone;
  let ready = from;
  let readyWhy: Reason[] = [
    { kind: 'requested', until: formatUtc(from), detail: `the rollout may start from ${localLabel(from, zone)}` },
  ];
  const waves: PlannedWave[] = [];
  for (const wave of releaseWaves(policy, release)) {
    const planned = planWave(settings, release, wave, estimates, ready, readyWhy);
    waves.push(planned);
    const healthyBy = Date.parse(planned.healthyBy.at);
    readyWhy = [
      {
        kind: 'previous-wave',
        until: planned.healthyBy.at,
        detail: `wave ${wave.index} (${wave.wave.name}) is expected healthy by ${localLabel(healthyBy, zone)}`,
      },
      ...planned.bakedBy.why,
    ];
    ready = Date.parse(planned.bakedBy.at);
  }
  const last = waves[waves.length - 1];
  return {
    ...(release.service === undefined ? {} : { service: release.service }),
    ...(release.environment === undefined ? {} : { environment: release.environment }),
    ...(release.version === undefined ? {} : { version: release.version }),
    plannedAt: formatUtc(from),
    timeZone: zone,
    estimates,
    onLaterWaveFailure: policy.onLaterWaveFailure,
    waves,
    doneBy: last ? last.bakedBy : { at: formatUtc(from), why: readyWhy },
  };
}

/** How long a region of `wave` is expected to take until it is healthy. */
export function regionDuration(wave: Pick<ReleaseWave, 'canary'>, estimates: PlanEstimates): number {
  return estimates.regionDeployMs + (wave.canary ? estimates.canaryMs : 0);
}

/**
 * One wave: at most `maxParallel` regions in flight; whenever a slot is free
 * the region that may start soonest goes, ties in policy order, so a region
 * waiting for its own earliest start does not hold back the others.
 */
function planWave(
  settings: WavesSettings,
  release: WavesRelease,
  wave: ReleaseWave,
  estimates: PlanEstimates,
  ready: number,
  readyWhy: readonly Reason[],
): PlannedWave {
  const { policy } = settings;
  const zone = policy.timeZone;
  const duration = regionDuration(wave, estimates);
  const calendars = settings.calendars ?? [];
  const rules = new Map(wave.regions.map((r) => [r, startRules(policy, calendars, r)]));
  // Regions without rules of their own share answers, which keeps big waves fast.
  const ownRules = (r: string) =>
    policy.earliestStart[r] !== undefined ||
    policy.regionTimeZones[r] !== undefined ||
    [...policy.calendars, ...calendars].some((c) => c.regions?.includes(r));
  const memo = new Map<string, AllowedStart>();
  const allowedFrom = (region: string, from: number): AllowedStart => {
    const key = `${ownRules(region) ? region : ''}@${from}`;
    let allowed = memo.get(key);
    if (!allowed) {
      allowed = earliestAllowed(rules.get(region) ?? [], from);
      memo.set(key, allowed);
    }
    return allowed;
  };
  const pending = [...wave.regions];
  let inFlight: { region: string; until: number }[] = [];
  let lastStart = ready;
  const regions: PlannedRegion[] = [];
  const batches: string[][] = [];
  let limitReason: Reason | undefined;
  while (pending.length > 0) {
    // A slot frees when the region expected healthy first is; until then none starts.
    let floor = lastStart;
    if (inFlight.length >= wave.maxParallel) {
      const first = inFlight.reduce((a, b) => (b.until < a.until ? b : a));
      floor = first.until;
      limitReason = {
        kind: 'parallel-limit',
        until: formatUtc(floor),
        detail: `wave ${wave.index} runs at most ${wave.maxParallel} region${wave.maxParallel === 1 ? '' : 's'} at once; ${first.region} is expected healthy by ${localLabel(floor, zone)}`,
      };
    }
    let best: { region: string; at: number; reasons: readonly Reason[] } | undefined;
    for (const region of pending) {
      // Reasons are told from the wave's own start, so each region says why it waits.
      let allowed = allowedFrom(region, ready);
      let reasons: Reason[] = [...readyWhy];
      if (allowed.at !== undefined && allowed.at < floor) {
        allowed = allowedFrom(region, floor);
        if (limitReason) reasons.push(limitReason);
      }
      if (allowed.at === undefined) {
        const last = allowed.reasons[allowed.reasons.length - 1];
        throw new ConfigurationError(
          `region ${JSON.stringify(region)} can never start: no time within two years satisfies the windows, blocked dates and earliest start${last ? ` (${last.detail})` : ''}`,
          { field: 'windows' },
        );
      }
      reasons = [...reasons, ...allowed.reasons];
      if (best === undefined || allowed.at < best.at) best = { region, at: allowed.at, reasons };
    }
    if (!best) break;
    const start = best.at;
    pending.splice(pending.indexOf(best.region), 1);
    inFlight = inFlight.filter((f) => f.until > start);
    inFlight.push({ region: best.region, until: start + duration });
    const previous = regions[regions.length - 1];
    const lastBatch = batches[batches.length - 1];
    if (previous && lastBatch && previous.start.at === formatUtc(start)) lastBatch.push(best.region);
    else batches.push([best.region]);
    regions.push({
      region: best.region,
      environment: environmentName(policy, release, best.region),
      wave: wave.index,
      batch: batches.length,
      canary: wave.canary,
      start: { at: formatUtc(start), why: best.reasons },
      healthyBy: {
        at: formatUtc(start + duration),
        why: [estimateReason(wave, estimates, best.region, start + duration, zone)],
      },
    });
    lastStart = start;
  }
  const lastHealthy = regions.reduce<PlannedRegion | undefined>(
    (a, r) => (a === undefined || r.healthyBy.at >= a.healthyBy.at ? r : a),
    undefined,
  );
  const first = regions[0];
  if (!first || !lastHealthy) throw new Error(`wave ${wave.wave.name} has no regions`);
  const healthyBy = Date.parse(lastHealthy.healthyBy.at);
  const bakedBy = healthyBy + wave.wave.bakeTime;
  return {
    index: wave.index,
    name: wave.wave.name,
    maxParallel: wave.maxParallel,
    bakeMs: wave.wave.bakeTime,
    canary: wave.canary,
    regions,
    batches,
    start: first.start,
    healthyBy: lastHealthy.healthyBy,
    bakedBy: {
      at: formatUtc(bakedBy),
      why: [
        {
          kind: 'bake',
          until: formatUtc(bakedBy),
          detail: `wave ${wave.index} (${wave.wave.name}) bakes ${formatDuration(wave.wave.bakeTime)} after ${lastHealthy.region}, its last region, is expected healthy at ${localLabel(healthyBy, zone)}; until ${localLabel(bakedBy, zone)}`,
        },
      ],
    },
  };
}

/** Why a region is expected healthy when it is: its start and the estimates. */
function estimateReason(
  wave: ReleaseWave,
  estimates: PlanEstimates,
  region: string,
  healthyBy: number,
  zone: string,
): Reason {
  const parts = [`${formatDuration(estimates.regionDeployMs)} to deploy and verify`];
  if (wave.canary && estimates.canaryMs > 0) parts.push(`${formatDuration(estimates.canaryMs)} of canary stages`);
  return {
    kind: 'deploy-estimate',
    until: formatUtc(healthyBy),
    detail: `${region} is estimated to take ${parts.join(' plus ')}: healthy by ${localLabel(healthyBy, zone)}`,
  };
}

function checkEstimates(estimates: PlanEstimates): void {
  if (!(estimates.regionDeployMs >= 60_000)) {
    throw new ConfigurationError(
      `expected a region deploy estimate of at least 1m, got ${estimates.regionDeployMs} ms`,
      { field: 'deployTime' },
    );
  }
  if (!(estimates.canaryMs >= 0)) {
    throw new ConfigurationError(`expected a canary estimate of 0 or more, got ${estimates.canaryMs} ms`, {
      field: 'canaryTime',
    });
  }
}
