/**
 * The plan as text for a terminal: a table per wave with local times in the
 * policy's zone beside UTC, and under each table why its regions wait.
 */
import { formatDuration } from '../policy/fields.js';
import type { PlannedWave, Reason, ReasonKind, WavesPlan } from './types.js';
import { formatLocal, wallTime, zoneAbbreviation } from '../runtime/zone.js';
import { textTable } from '../report/terminal.js';

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Reasons that delay a start, as opposed to where the start comes from. */
export const DELAY_KINDS: ReadonlySet<ReasonKind> = new Set([
  'window',
  'blocked-date',
  'holiday',
  'earliest-start',
  'parallel-limit',
]);

/** `Fri 2026-11-20 15:30 GMT+1`: a time as someone in the policy's zone reads it. */
export function localTime(iso: string, zone: string): string {
  const t = Date.parse(iso);
  return `${DAY_NAMES[wallTime(t, zone).weekday] ?? ''} ${formatLocal(t, zone)} ${zoneAbbreviation(t, zone)}`;
}

/** `Fri 2026-11-20 14:30Z`. */
export function utcTime(iso: string): string {
  const t = Date.parse(iso);
  return `${DAY_NAMES[wallTime(t, 'UTC').weekday] ?? ''} ${formatLocal(t, 'UTC')}Z`;
}

const UTC_ZONES = new Set([
  'UTC',
  'Etc/UTC',
  'Etc/UCT',
  'UCT',
  'GMT',
  'Etc/GMT',
  'Etc/GMT0',
  'Etc/GMT+0',
  'Etc/GMT-0',
  'Zulu',
  'Etc/Zulu',
  'Universal',
  'Etc/Universal',
]);

/** The policy's zone is UTC itself: local times would repeat the UTC ones. */
export function isUtc(zone: string): boolean {
  return UTC_ZONES.has(zone);
}

/** A time in the policy's zone and in UTC, or once when the zone is UTC: `Fri 2026-11-20 15:30 GMT+1 (Fri 2026-11-20 14:30Z)`. */
export function bothTimes(iso: string, zone: string): string {
  return isUtc(zone) ? utcTime(iso) : `${localTime(iso, zone)} (${utcTime(iso)})`;
}

/** One line naming the rollout. */
export function planTitle(plan: WavesPlan): string {
  const what = [plan.service, plan.version].filter((x) => x !== undefined).join(' ');
  return `${what === '' ? 'rollout' : what}${plan.environment ? ` to ${plan.environment}` : ''}`;
}

/** The delays of each region of a wave, each distinct delay said once. */
export function waveDelays(wave: PlannedWave): { regions: string[]; reason: Reason }[] {
  const out: { regions: string[]; reason: Reason }[] = [];
  for (const region of wave.regions) {
    for (const reason of region.start.why) {
      if (!DELAY_KINDS.has(reason.kind)) continue;
      const same = out.find((d) => d.reason.detail === reason.detail && d.reason.until === reason.until);
      if (same) same.regions.push(region.region);
      else out.push({ regions: [region.region], reason });
    }
  }
  return out;
}

/** The whole plan, for a terminal. */
export function renderPlanText(plan: WavesPlan): string {
  const zone = plan.timeZone;
  const lines: string[] = [];
  lines.push(`Waves plan for ${planTitle(plan)}`);
  const utc = isUtc(zone);
  lines.push(`planned at ${bothTimes(plan.plannedAt, zone)}; times in ${utc ? 'UTC' : `${zone} and UTC`}`);
  lines.push(
    `estimates: ${formatDuration(plan.estimates.regionDeployMs)} per region to deploy and verify` +
      (plan.estimates.canaryMs > 0
        ? `, plus ${formatDuration(plan.estimates.canaryMs)} of canary stages where they run`
        : ''),
  );
  lines.push(`a failure in a later wave: earlier waves ${plan.onLaterWaveFailure === 'hold' ? 'hold' : 'roll back'}`);
  for (const wave of plan.waves) {
    lines.push('');
    const traits = [
      wave.canary ? 'canary stages' : 'full traffic',
      `at most ${wave.maxParallel} at once`,
      `bake ${formatDuration(wave.bakeMs)}`,
    ];
    lines.push(`Wave ${wave.index}: ${wave.name} (${traits.join(', ')})`);
    const rows = [
      ['batch', 'region', 'environment', ...(utc ? [] : [`start (${zone})`]), 'start (UTC)', 'healthy by (UTC)'],
      ...wave.regions.map((r) => [
        String(r.batch),
        r.region,
        r.environment,
        ...(utc ? [] : [localTime(r.start.at, zone)]),
        utcTime(r.start.at),
        utcTime(r.healthyBy.at),
      ]),
    ];
    lines.push(...textTable(rows).map((l) => `  ${l}`));
    lines.push(`  baked by ${bothTimes(wave.bakedBy.at, zone)}`);
    for (const delay of waveDelays(wave)) {
      lines.push(`  waits: ${delay.regions.join(', ')}: ${delay.reason.detail}`);
    }
  }
  lines.push('');
  lines.push(`done by ${bothTimes(plan.doneBy.at, zone)} if every region is healthy`);
  return lines.join('\n');
}
