/**
 * Measures a profile on labelled canaries: how many regressions of each kind
 * it catches (the canary does not pass), and how many unchanged canaries it
 * fails (does not pass). Also the same over several looks at a growing soak,
 * where a canary counts as failed at its first look that does not pass.
 */

import { judge } from './judge.js';
import type { LabelledCanary, MetricKind } from './synthetic.js';
import { METRIC_KINDS } from './synthetic.js';
import type { JudgeConfig, JudgeInput, JudgeProfile } from './types.js';

/** What a profile achieved on a labelled set. */
export interface ProfileEvaluation {
  readonly profile: JudgeProfile;
  /** Caught regressions over regressions, per kind of the regressed metric. */
  readonly detection: Readonly<Record<MetricKind, number>>;
  /** Caught over all regressions. */
  readonly detectionOverall: number;
  /** Unchanged canaries that did not pass, over unchanged canaries. */
  readonly falseFailureRate: number;
  readonly regressed: number;
  readonly unchanged: number;
}

/** Judges every canary with the profile (one look at the whole soak, or `looks` looks at a growing one). */
export function evaluateProfile(
  config: JudgeConfig,
  canaries: readonly LabelledCanary[],
  profile: JudgeProfile,
  looks = 1,
): ProfileEvaluation {
  const caught: Record<MetricKind, number> = { latency: 0, heavyTail: 0, count: 0, rate: 0, gauge: 0 };
  const total: Record<MetricKind, number> = { latency: 0, heavyTail: 0, count: 0, rate: 0, gauge: 0 };
  let falseFailures = 0;
  let unchanged = 0;
  for (const canary of canaries) {
    const failed = failsAnyLook(config, canary.input, profile, looks);
    if (canary.kind === null) {
      unchanged++;
      if (failed) falseFailures++;
    } else {
      total[canary.kind]++;
      if (failed) caught[canary.kind]++;
    }
  }
  const detection = Object.fromEntries(
    METRIC_KINDS.map((k) => [k, total[k] === 0 ? 0 : caught[k] / total[k]]),
  ) as Record<MetricKind, number>;
  const regressed = METRIC_KINDS.reduce((a, k) => a + total[k], 0);
  return {
    profile,
    detection,
    detectionOverall: regressed === 0 ? 0 : METRIC_KINDS.reduce((a, k) => a + caught[k], 0) / regressed,
    falseFailureRate: unchanged === 0 ? 0 : falseFailures / unchanged,
    regressed,
    unchanged,
  };
}

/**
 * Looks at the soak `looks` times, each time with all the points so far. The
 * bellwether profile is told which look it is, so that it spends its error
 * budget across looks; the kayenta profile has no notion of looks and judges
 * each one afresh.
 */
function failsAnyLook(config: JudgeConfig, input: JudgeInput, profile: JudgeProfile, looks: number): boolean {
  for (let look = 1; look <= looks; look++) {
    const upTo: Record<string, { baseline: (number | null)[]; canary: (number | null)[] }> = {};
    for (const [name, s] of Object.entries(input)) {
      upTo[name] = {
        baseline: s.baseline.slice(0, Math.round((s.baseline.length * look) / looks)),
        canary: s.canary.slice(0, Math.round((s.canary.length * look) / looks)),
      };
    }
    const options = looks > 1 && profile === 'bellwether' ? { profile, sequential: { look, looks } } : { profile };
    if (judge(config, upTo, options).verdict !== 'Pass') return true;
  }
  return false;
}
