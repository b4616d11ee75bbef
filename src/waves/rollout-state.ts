/**
 * The state of a waves rollout, kept in git beside the release manifests
 * (`<manifests>/<service>/<environment>/rollout.yaml`): which regions have
 * started, which are healthy and since when. Every change is a
 * compare-and-swap commit, so two runs at once never both apply and a
 * re-run after a crash converges on the same state.
 */
import { stringify } from 'yaml';
import * as z from 'zod';
import { isConflict } from '../github/errors.js';
import type { ContentStore } from '../gitops/content-store.js';
import { parsePolicyText } from '../policy/load.js';
import type { RegionState } from './types.js';

const instant = z.iso.datetime({ offset: true });

const regionRolloutSchema = z.strictObject({
  state: z.enum(['pending', 'deploying', 'healthy', 'failed', 'rolled-back']),
  /** When the region's deployment started. */
  startedAt: instant.optional(),
  /** When it became healthy: the wave's bake time counts from the last of these. */
  healthyAt: instant.optional(),
  /** When it failed or was rolled back. */
  endedAt: instant.optional(),
  verdict: z.enum(['pass', 'fail', 'unknown']).default('unknown'),
  /** Why it is in this state, in words. */
  reason: z.string().optional(),
});

export const rolloutStateSchema = z.strictObject({
  /** The version rolled out; a rollout of another version starts over. */
  version: z.string().min(1),
  startedAt: instant,
  regions: z.record(z.string().min(1), regionRolloutSchema).default({}),
});

export type RolloutState = z.output<typeof rolloutStateSchema>;
export type RegionRollout = z.output<typeof regionRolloutSchema>;

/** Where the rollout state of a service in an environment lives. */
export function rolloutPath(manifests: string, service: string, environment: string): string {
  return `${manifests.replace(/\/+$/, '')}/${service}/${environment}/rollout.yaml`;
}

/** Parses a rollout state file; errors name the file, line and field. */
export function parseRolloutState(text: string, file: string): RolloutState {
  return parsePolicyText(text, file, rolloutStateSchema);
}

/** The rollout state in the terms of the execution decision (decide.ts). */
export function regionStates(state: RolloutState): Record<string, RegionState> {
  const out: Record<string, RegionState> = {};
  for (const [region, r] of Object.entries(state.regions)) {
    const since =
      r.state === 'healthy'
        ? r.healthyAt
        : r.state === 'failed' || r.state === 'rolled-back'
          ? (r.endedAt ?? r.startedAt)
          : r.startedAt;
    out[region] = {
      status: r.state,
      ...(since === undefined ? {} : { since }),
      ...(r.verdict === 'unknown' ? {} : { health: r.verdict }),
      ...(r.reason === undefined ? {} : { detail: r.reason }),
    };
  }
  return out;
}

/** The outcome of an update: the state now, and whether this run wrote it. */
export interface RolloutUpdate {
  readonly state: RolloutState;
  readonly changed: boolean;
  readonly commitSha?: string;
}

/**
 * Applies `change` to the rollout state at `path` compare-and-swap (`null`:
 * no state yet). On a lost race it reads again and recomputes; a state
 * already in place is not written again.
 */
export async function updateRolloutState(
  store: ContentStore,
  path: string,
  change: (current: RolloutState | null) => RolloutState,
  message: string,
  maxAttempts = 5,
): Promise<RolloutUpdate> {
  let conflicts = 0;
  for (;;) {
    const stored = await store.read(path);
    const current = stored ? parseRolloutState(stored.text, path) : null;
    const next = rolloutStateSchema.parse(change(current));
    if (current && JSON.stringify(current) === JSON.stringify(next)) return { state: current, changed: false };
    try {
      const written = await store.write(path, renderRolloutState(next), stored?.sha ?? null, message);
      return { state: next, changed: true, commitSha: written.commitSha };
    } catch (err) {
      if (!isConflict(err) || ++conflicts >= maxAttempts) throw err;
    }
  }
}

/** The file's text; region order is kept as written so diffs stay small. */
export function renderRolloutState(state: RolloutState): string {
  return `# Waves rollout state, written by Bellwether: do not edit by hand while a rollout runs.\n${stringify(state)}`;
}
