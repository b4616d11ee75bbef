/**
 * The values the waves planner and the execution decision return. Every
 * planned time carries the reasons it is what it is, so a plan explains
 * itself in text, JSON and the job summary alike. Times are RFC 3339 in UTC.
 */

/** Why a time is later than it could have been, or where it comes from. */
export type ReasonKind =
  /** The rollout was asked to start at this time. */
  | 'requested'
  /** The previous wave had to be healthy and baked first. */
  | 'previous-wave'
  /** The wave's bake time after its last region became healthy. */
  | 'bake'
  /** The wave's `maxParallel` regions were all busy. */
  | 'parallel-limit'
  /** Outside every start window of the policy. */
  | 'window'
  /** A blocked date of the policy. */
  | 'blocked-date'
  /** A holiday of a holiday calendar. */
  | 'holiday'
  /** The region's own earliest local start time. */
  | 'earliest-start'
  /** The estimated time of a deployment and its verification. */
  | 'deploy-estimate';

/** One reason, with the time it leads to. */
export interface Reason {
  readonly kind: ReasonKind;
  /** The time this reason leads to, RFC 3339 in UTC. */
  readonly until: string;
  /** The reason in words, with local times in the zone that matters. */
  readonly detail: string;
}

/** A planned time and why it is what it is. */
export interface PlannedTime {
  /** RFC 3339 in UTC. */
  readonly at: string;
  /** In order: where the time starts from, then every delay that moved it. */
  readonly why: readonly Reason[];
}

/** One region in a plan. */
export interface PlannedRegion {
  readonly region: string;
  /** The GitHub environment of its deployment, such as `production/us-east-1`. */
  readonly environment: string;
  /** 1-based index of the wave. */
  readonly wave: number;
  /** 1-based batch within the wave: the regions that start together. */
  readonly batch: number;
  /** Whether this region runs the canary stages before full traffic. */
  readonly canary: boolean;
  readonly start: PlannedTime;
  /** When it is expected to be deployed and healthy, by the estimates. */
  readonly healthyBy: PlannedTime;
}

/** One wave in a plan. */
export interface PlannedWave {
  /** 1-based, in policy order. */
  readonly index: number;
  readonly name: string;
  readonly maxParallel: number;
  /** Bake time in milliseconds. */
  readonly bakeMs: number;
  readonly canary: boolean;
  /** Regions in start order. */
  readonly regions: readonly PlannedRegion[];
  /** Region names per batch, in start order; no batch is larger than maxParallel. */
  readonly batches: readonly (readonly string[])[];
  /** When its first region starts. */
  readonly start: PlannedTime;
  /** When its last region is expected to be healthy. */
  readonly healthyBy: PlannedTime;
  /** When its bake time ends: the earliest the next wave may start. */
  readonly bakedBy: PlannedTime;
}

/** How long things are assumed to take when the plan is made. */
export interface PlanEstimates {
  /** A region's deployment until its health is verified, in milliseconds. */
  readonly regionDeployMs: number;
  /** The canary stages of a region that runs them, in milliseconds, on top of the deployment. */
  readonly canaryMs: number;
}

/** The plan of one rollout across waves of regions. */
export interface WavesPlan {
  readonly service?: string;
  readonly environment?: string;
  readonly version?: string;
  /** The time the plan was made for, RFC 3339 in UTC. */
  readonly plannedAt: string;
  /** Zone of the windows and of the local times shown. */
  readonly timeZone: string;
  readonly estimates: PlanEstimates;
  readonly onLaterWaveFailure: 'hold' | 'rollback';
  readonly waves: readonly PlannedWave[];
  /** When the last wave is expected to have baked: the rollout done. */
  readonly doneBy: PlannedTime;
}

/** Lifecycle of one region in a rollout. */
export type RegionStatus = 'pending' | 'deploying' | 'healthy' | 'failed' | 'rolled-back';

/** The verdict of a region's own health check after its deployment. */
export type HealthVerdict = 'pass' | 'fail' | 'unknown';

/** What is known about one region of a rollout. */
export interface RegionState {
  readonly status: RegionStatus;
  /** When it entered this status, RFC 3339; bake time counts from `healthy`'s. */
  readonly since?: string;
  /** The latest verdict of its health check; missing means unknown. */
  readonly health?: HealthVerdict;
  /** Why, in words (a failed check, the rollback pull request). */
  readonly detail?: string;
}

/** A region in a step, with why it is there. */
export interface StepRegion {
  readonly region: string;
  readonly wave: number;
  readonly reason: string;
}

/** Start these regions now: the fan-out. */
export interface StartStep {
  readonly kind: 'start';
  readonly wave: number;
  readonly regions: readonly PlannedRegion[];
  /** What else is going on: regions still deploying, regions waiting for their time. */
  readonly notes: readonly string[];
}

/** Nothing to do now. */
export interface WaitStep {
  readonly kind: 'wait';
  readonly wave: number;
  /** When to look again; missing when waiting for deployments or health verdicts. */
  readonly until?: string;
  /** Timed reasons: a bake, a window, an earliest start. */
  readonly reasons: readonly Reason[];
  /** Regions whose news is awaited: deployments in flight, health verdicts not yet passing. */
  readonly waitingFor: readonly StepRegion[];
  readonly notes: readonly string[];
}

/** A region failed: roll back, hold, and start nothing more. */
export interface HaltStep {
  readonly kind: 'halt';
  /** The failing wave, 1-based. */
  readonly wave: number;
  readonly failed: readonly StepRegion[];
  /** Regions to roll back now (failed ones, and earlier waves under `rollback`). */
  readonly rollback: readonly StepRegion[];
  /** Regions left as they are (earlier waves under `hold`, peers of the failing wave). */
  readonly hold: readonly StepRegion[];
  /** Regions already rolled back. */
  readonly rolledBack: readonly StepRegion[];
  /** Regions that will not start. */
  readonly notStarted: readonly StepRegion[];
  readonly notes: readonly string[];
}

/** Every region healthy and the last wave baked. */
export interface DoneStep {
  readonly kind: 'done';
  readonly at: string;
  readonly notes: readonly string[];
}

/** The next step of a rollout. */
export type WaveStep = StartStep | WaitStep | HaltStep | DoneStep;
