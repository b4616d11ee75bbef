/**
 * What the planner and the execution decision both read: the waves policy,
 * the holiday calendars and the estimates, and the release being rolled out.
 * Both lay the release out over the waves the same way, here.
 */
import type { Wave, WavesPolicy } from '../policy/schemas/waves.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { PlanEstimates } from './types.js';

/**
 * A named list of holidays, such as a country's public holidays: from the
 * policy's `calendars`, or from a calendar file passed beside it.
 */
export interface HolidayCalendar {
  readonly name: string;
  /** Zone whose dates these are; the region's (or the policy's) when left out. */
  readonly timeZone?: string;
  /** Regions it applies to; every region when left out. */
  readonly regions?: readonly string[];
  readonly holidays: readonly { readonly date: string; readonly name: string }[];
}

/** Estimates used when no others are given: a plan needs durations to place later waves. */
export const DEFAULT_ESTIMATES: PlanEstimates = { regionDeployMs: 30 * 60_000, canaryMs: 60 * 60_000 };

/** The policy and what goes with it. */
export interface WavesSettings {
  readonly policy: WavesPolicy;
  readonly calendars?: readonly HolidayCalendar[];
  readonly estimates?: Partial<PlanEstimates>;
}

/** The release being rolled out. */
export interface WavesRelease {
  readonly service?: string;
  /** Such as `production`; fills `{environment}` in the policy's environment pattern. */
  readonly environment?: string;
  readonly version?: string;
  /** The regions to roll out to, a subset of the policy's; all of them when left out. */
  readonly regions?: readonly string[];
}

/** A wave as this release sees it: only the release's regions, waves left empty dropped. */
export interface ReleaseWave {
  /** 1-based index among the release's waves. */
  readonly index: number;
  readonly wave: Wave;
  readonly regions: readonly string[];
  readonly maxParallel: number;
  readonly canary: boolean;
}

/**
 * The release's waves, in policy order. A region the release names that no
 * wave holds is a ConfigurationError: it would never be deployed.
 */
export function releaseWaves(policy: WavesPolicy, release: WavesRelease): ReleaseWave[] {
  const known = new Set(policy.waves.flatMap((w) => w.regions));
  const wanted = release.regions === undefined ? undefined : new Set(release.regions);
  for (const region of wanted ?? []) {
    if (!known.has(region)) {
      throw new ConfigurationError(
        `region ${JSON.stringify(region)} is in no wave of the policy; known regions: ${[...known].join(', ')}`,
        {
          field: 'regions',
        },
      );
    }
  }
  const out: ReleaseWave[] = [];
  for (const wave of policy.waves) {
    const regions = wave.regions.filter((r) => wanted === undefined || wanted.has(r));
    if (regions.length === 0) continue;
    out.push({
      index: out.length + 1,
      wave,
      regions,
      maxParallel: Math.min(wave.maxParallel ?? regions.length, regions.length),
      // The first wave of this release leads, even when the policy's first wave is left out.
      canary: policy.canary === 'all' || out.length === 0,
    });
  }
  if (out.length === 0)
    throw new ConfigurationError('the release names no region to roll out to', { field: 'regions' });
  return out;
}

/** The GitHub environment of a region: the policy's pattern with its placeholders filled. */
export function environmentName(policy: WavesPolicy, release: WavesRelease, region: string): string {
  return policy.environment.replace(/\{(region|environment|service)\}/g, (whole, key: string) => {
    const value = key === 'region' ? region : key === 'environment' ? release.environment : release.service;
    if (value === undefined) {
      throw new ConfigurationError(
        `the environment pattern ${JSON.stringify(policy.environment)} uses ${whole}, but the release has no ${key}`,
        {
          field: 'environment',
        },
      );
    }
    return value;
  });
}

/** The estimates with their defaults filled in. */
export function estimatesOf(settings: WavesSettings): PlanEstimates {
  return { ...DEFAULT_ESTIMATES, ...settings.estimates };
}
