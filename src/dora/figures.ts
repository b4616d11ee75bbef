/**
 * The four DORA figures of a service in an environment over a period, from
 * its releases (`releases.ts`) and the commit times of each release's
 * changes. Pure; the period's end is an argument.
 *
 * - Deployment frequency: releases that became stable in the period (one per
 *   release, however many regions it reached), per week, and the band it
 *   falls in.
 * - Lead time for changes: for each commit of a deployed release (the commits
 *   after the version it replaced, up to its own), the time from the commit
 *   to the release becoming stable; median and 90th percentile over commits.
 * - Change failure rate: releases rolled back, over the releases that reached
 *   users and ended (deployed or rolled back) in the period. A canary stopped
 *   by hand is not counted either way.
 * - Time to restore: for each failure, from its first evidence (the first
 *   failing judgment recorded, else when the version went live) to the commit
 *   that took its traffic away in the last region.
 *
 * Where a figure has nothing to stand on, it is null and the reason is given:
 * never a zero that reads as a good result.
 */
import type { Release } from './releases.js';

/** What the commits of one release are, when its range could be resolved. */
export interface ReleaseCommits {
  readonly version: string;
  /** Committer times (ISO) of the commits after the replaced version, up to this one. */
  readonly commitTimes?: readonly string[];
  /** Why the range is unknown, when it is. */
  readonly unknown?: string;
}

/** A median and a 90th percentile in milliseconds over `count` values. */
export interface Spread {
  readonly count: number;
  readonly medianMs: number;
  readonly p90Ms: number;
}

/** How often DORA's bands say a team deploys. */
export type FrequencyBand =
  | 'on demand (several a day)'
  | 'between once a day and once a week'
  | 'between once a week and once a month'
  | 'between once a month and once every six months'
  | 'less than once every six months';

export interface DoraFigures {
  readonly since: string;
  readonly until: string;
  readonly deployments: {
    readonly count: number;
    readonly perWeek: number;
    /** Days of the period with at least one deployment. */
    readonly days: number;
    readonly band: FrequencyBand | null;
    /** Deployments per ISO week (Monday, UTC) of the period, oldest first. */
    readonly weekly: ReadonlyArray<{ readonly week: string; readonly count: number }>;
  };
  readonly leadTime: (Spread & { readonly releases: number }) | null;
  /** Releases whose change range could not be read, and why. */
  readonly leadTimeUnknown: ReadonlyArray<{ readonly version: string; readonly reason: string }>;
  readonly changeFailureRate: { readonly failed: number; readonly ended: number; readonly rate: number } | null;
  /** Failures caught while still a canary (never stable anywhere). */
  readonly caughtInCanary: number;
  readonly timeToRestore: (Spread & { readonly fromExposure: number }) | null;
  readonly aborted: number;
  /** Why a figure is null, in plain words. */
  readonly notes: readonly string[];
}

const DAY = 24 * 3600 * 1000;

function spread(values: readonly number[]): Spread | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => {
    const pos = (sorted.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
  };
  return { count: sorted.length, medianMs: at(0.5), p90Ms: at(0.9) };
}

/** DORA's deployment frequency bands, from deployments per day over the period. */
export function frequencyBand(count: number, periodDays: number): FrequencyBand | null {
  if (periodDays <= 0) return null;
  const perDay = count / periodDays;
  if (perDay > 1) return 'on demand (several a day)';
  if (perDay >= 1 / 7) return 'between once a day and once a week';
  if (perDay >= 1 / 30) return 'between once a week and once a month';
  if (perDay >= 1 / 182) return 'between once a month and once every six months';
  return 'less than once every six months';
}

/** Monday 00:00 UTC of the week holding `t`, as YYYY-MM-DD. */
export function weekOf(t: number): string {
  const d = new Date(t);
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - ((d.getUTCDay() + 6) % 7) * DAY;
  return new Date(monday).toISOString().slice(0, 10);
}

const within = (at: string | undefined, from: number, to: number): boolean =>
  at !== undefined && Date.parse(at) >= from && Date.parse(at) < to;

/** The DORA figures over [since, until). */
export function doraFigures(
  releases: readonly Release[],
  commits: readonly ReleaseCommits[],
  period: { readonly since: Date; readonly until: Date },
): DoraFigures {
  const from = period.since.getTime();
  const to = period.until.getTime();
  const notes: string[] = [];
  const deployed = releases.filter((r) => within(r.deployedAt, from, to));
  const days = new Set(deployed.map((r) => (r.deployedAt as string).slice(0, 10)));
  const periodDays = (to - from) / DAY;
  const weekly = new Map<string, number>();
  for (let w = Date.parse(weekOf(from)); w < to; w += 7 * DAY) weekly.set(weekOf(w), 0);
  for (const r of deployed) {
    const w = weekOf(Date.parse(r.deployedAt as string));
    weekly.set(w, (weekly.get(w) ?? 0) + 1);
  }

  const byVersion = new Map(commits.map((c) => [c.version, c]));
  const leads: number[] = [];
  const leadTimeUnknown: Array<{ version: string; reason: string }> = [];
  let leadReleases = 0;
  for (const r of deployed) {
    const c = byVersion.get(r.version);
    if (!c?.commitTimes) {
      leadTimeUnknown.push({ version: r.version, reason: c?.unknown ?? 'its commits were not looked up' });
      continue;
    }
    if (c.commitTimes.length === 0) {
      leadTimeUnknown.push({ version: r.version, reason: 'no commit lies between it and the version it replaced' });
      continue;
    }
    leadReleases++;
    const at = Date.parse(r.deployedAt as string);
    for (const t of c.commitTimes) leads.push(Math.max(0, at - Date.parse(t)));
  }
  const leadSpread = spread(leads);
  if (!leadSpread)
    notes.push(
      deployed.length === 0
        ? 'Lead time: no release was deployed in the period.'
        : 'Lead time: no deployed release could be traced to its commits.',
    );

  const failed = releases.filter((r) => r.failure && within(r.failure.restoredAt, from, to));
  const endedSet = new Set([...deployed, ...failed].map((r) => r.version));
  const changeFailureRate =
    endedSet.size > 0 ? { failed: failed.length, ended: endedSet.size, rate: failed.length / endedSet.size } : null;
  if (!changeFailureRate) notes.push('Change failure rate: no release reached users and ended in the period.');

  const restores = failed.map(
    (r) => Date.parse(r.failure?.restoredAt as string) - Date.parse(r.failure?.since as string),
  );
  const restoreSpread = spread(restores.map((ms) => Math.max(0, ms)));
  if (!restoreSpread) notes.push('Time to restore: no failure in the period.');

  return {
    since: period.since.toISOString(),
    until: period.until.toISOString(),
    deployments: {
      count: deployed.length,
      perWeek: periodDays > 0 ? (deployed.length / periodDays) * 7 : 0,
      days: days.size,
      band: deployed.length > 0 ? frequencyBand(deployed.length, periodDays) : null,
      weekly: [...weekly.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([week, count]) => ({ week, count })),
    },
    leadTime: leadSpread ? { ...leadSpread, releases: leadReleases } : null,
    leadTimeUnknown,
    changeFailureRate,
    caughtInCanary: failed.filter((r) => r.failure?.stage === 'canary').length,
    timeToRestore: restoreSpread
      ? { ...restoreSpread, fromExposure: failed.filter((r) => r.failure?.from === 'exposure').length }
      : null,
    aborted: releases.filter((r) => r.aborted && within(r.exposedAt, from, to)).length,
    notes,
  };
}
