/**
 * The matrix for fan-out jobs: one job per region due now, each with the
 * GitHub environment of its region, so GitHub keeps a deployment history per
 * region. Feed it to `strategy.matrix` and set
 * `environment: ${{ matrix.environment }}` on the job.
 *
 * GitHub refuses a matrix with an empty `include`; guard the job with
 * `if: fromJSON(needs.<job>.outputs.matrix).include[0] != null`.
 */
import type { PlannedRegion, WaveStep, WavesPlan } from './types.js';

/** One job of the fan-out. */
export interface MatrixEntry {
  readonly region: string;
  /** The GitHub environment, such as `production/us-east-1`. */
  readonly environment: string;
  /** 1-based wave index. */
  readonly wave: number;
  readonly waveName: string;
  /** Whether the job runs the canary stages for this region. */
  readonly canary: boolean;
  readonly service?: string;
  readonly version?: string;
}

/** The value for `strategy.matrix`. */
export interface WavesMatrix {
  readonly include: readonly MatrixEntry[];
}

/** The matrix of `regions` of `plan`. */
export function matrixOf(plan: WavesPlan, regions: readonly PlannedRegion[]): WavesMatrix {
  const names = new Map(plan.waves.map((w) => [w.index, w.name]));
  return {
    include: regions.map((r) => ({
      region: r.region,
      environment: r.environment,
      wave: r.wave,
      waveName: names.get(r.wave) ?? String(r.wave),
      canary: r.canary,
      ...(plan.service === undefined ? {} : { service: plan.service }),
      ...(plan.version === undefined ? {} : { version: plan.version }),
    })),
  };
}

/** The regions a fresh plan starts at once: those planned for the moment it was made. */
export function dueAtPlanTime(plan: WavesPlan): PlannedRegion[] {
  return plan.waves.flatMap((w) => w.regions).filter((r) => r.start.at === plan.plannedAt);
}

/** The matrix of a step: its regions when it starts some, otherwise empty. */
export function matrixOfStep(plan: WavesPlan, step: WaveStep): WavesMatrix {
  return step.kind === 'start' ? matrixOf(plan, step.regions) : { include: [] };
}

/** What the waves action sets as outputs: the fan-out matrix, the wave due, and when to look again. */
export interface WavesOutputs {
  readonly matrix: WavesMatrix;
  /** 1-based index of the wave the matrix belongs to, or of the wave waited for. */
  readonly wave: number;
  /** RFC 3339: when the next wave (or, with nothing due, this one) may start; missing when none is known. */
  readonly nextStart?: string;
}

/** Outputs of a fresh plan: the regions due at once and when the next wave starts by the plan. */
export function planOutputs(plan: WavesPlan): WavesOutputs {
  const due = dueAtPlanTime(plan);
  const first = plan.waves[0];
  const dueWave = due[0]?.wave;
  const next = dueWave === undefined ? first : plan.waves.find((w) => w.index === dueWave + 1);
  return {
    matrix: matrixOf(plan, due),
    wave: dueWave ?? first?.index ?? 1,
    ...(next === undefined ? {} : { nextStart: next.start.at }),
  };
}

/** Outputs of a decision step: its matrix, its wave, and the time a wait names. */
export function stepOutputs(plan: WavesPlan, step: WaveStep): WavesOutputs {
  const wave = step.kind === 'done' ? (plan.waves[plan.waves.length - 1]?.index ?? 1) : step.wave;
  return {
    matrix: matrixOfStep(plan, step),
    wave,
    ...(step.kind === 'wait' && step.until !== undefined ? { nextStart: step.until } : {}),
  };
}
