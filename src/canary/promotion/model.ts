/**
 * The values the promotion decision works on: the policy as it applies to
 * one service, the commands people give, the facts a reconcile gathers, and
 * the step it decides. All plain data, so the decision is a pure function.
 */
import type { ReleaseManifest } from '../../gitops/manifest.js';
import type { Judgment } from '../../gitops/promotion-state.js';

export interface StagePolicy {
  readonly weight: number;
  /** Milliseconds. */
  readonly soakTime: number;
  /** `required`: a person approves before the stage starts; `change`: a change approval does (see stageApproval). */
  readonly approval: 'none' | 'required' | 'change';
}

/** GitHub users and teams (`org/team`). */
export interface People {
  readonly users: readonly string[];
  readonly teams: readonly string[];
}

/** The canary policy as it applies to one service. */
export interface PromotionPolicy {
  readonly stages: readonly StagePolicy[];
  /** Milliseconds between judgments of a soaking stage. */
  readonly interval: number;
  /** Milliseconds of history a judgment reads (never from before the stage began). */
  readonly lookback: number;
  readonly marginal: 'hold' | 'fail';
  readonly maxFailedIntervals: number;
  readonly approvers: People;
  /** Who approves a stage with `approval: required`: the tier's approvers; absent or empty, the policy's. */
  readonly stageApprovers?: People;
  /**
   * A change approval: who gives it (absent or empty: the stage approvers) and
   * the regular expression a change record must match in full.
   */
  readonly change?: { readonly approvers?: People; readonly recordPattern: string };
  /** Milliseconds the previous version is kept ready after a promotion to stable (the manifest's keepReady). */
  readonly bakeTime?: number;
  /**
   * Whether the new stable version is watched after its promotion: true when
   * the last stage has absolute health gates. The watch lasts as long as the
   * previous version is kept ready (the bake time).
   */
  readonly watch?: boolean;
  /** Where an approval (a waiting stage, a Marginal judgment accepted) counts from: see `approvalCounts`. */
  readonly approvalMethod: ApprovalMethod;
  /** The rollback policy's `irreversible:` for a failed canary marked irreversible: hold it to roll forward, or roll it back all the same. */
  readonly irreversible: 'roll-forward' | 'rollback';
}

export type ApprovalMethod = 'status' | 'environment' | 'dispatch';

/**
 * Where a person's command came from. A terminal is a person with push
 * rights to the manifests; a workflow run carries its event and the GitHub
 * environment reviewers who approved its job, if any.
 */
export type CommandOrigin =
  | { readonly kind: 'terminal' }
  | { readonly kind: 'workflow'; readonly event: string; readonly environmentApprovers?: readonly string[] };

export type Command =
  | { readonly kind: 'tick' }
  /** `irreversible`: the release cannot be undone by deploying an older one (a database migration). */
  | { readonly kind: 'start'; readonly version: string; readonly by: string; readonly irreversible?: boolean }
  | {
      readonly kind: 'promote' | 'pause' | 'resume' | 'abort' | 'rollback';
      readonly by: string;
      readonly reason?: string;
      /** With `promote`: the change record a change approval links to (an identifier or a link). */
      readonly changeRecord?: string;
    };

/** A yes or no from a gate (the error-budget freeze, the quarantine), with its reason. */
export interface GateAnswer {
  readonly allow: boolean;
  readonly reason: string;
  /** A line the commit that acts on this answer must carry: who lifted a block, and why (a break-glass). */
  readonly audit?: string;
}

/** What the reconcile knows besides the manifest. */
export interface Facts {
  readonly now: Date;
  /** The judgment the previous step asked for. */
  readonly judgment?: Omit<Judgment, 'at' | 'stage'>;
  /** The freeze gate's answer for moving traffic forward now. */
  readonly freeze: GateAnswer;
  /** For `start`: whether the version may be deployed (not quarantined). */
  readonly quarantine: GateAnswer;
  /** Teams (`org/team`) the commanding user belongs to, when the policy names teams. */
  readonly actorTeams?: readonly string[];
  /** Teams of the policy whose membership could not be looked up, each with why (a refusal says it). */
  readonly teamsUnknown?: readonly string[];
  /** Where the command came from; absent means a terminal. */
  readonly origin?: CommandOrigin;
}

/** What was decided and why, in words and figures, for every surface. */
export interface Explanation {
  readonly summary: string;
  readonly reason: string;
  readonly measured?: string;
  readonly threshold?: string;
}

export type Effect =
  | { readonly kind: 'traffic'; readonly from: number; readonly to: number }
  | { readonly kind: 'started' | 'stage-started' | 'awaiting-approval' | 'judged' | 'held' | 'paused' | 'resumed' }
  /** A failed canary of an irreversible release, paused where it is to be fixed forward instead of rolled back. */
  | { readonly kind: 'roll-forward' }
  | { readonly kind: 'promoted' | 'failed' | 'aborted' | 'rolled-back' };

export type Step =
  /** Judge the canary over this window, then decide again with the judgment. */
  | {
      readonly kind: 'need-judgment';
      readonly start: Date;
      readonly end: Date;
      readonly look: number;
      readonly looks: number;
      /** A watch after promotion: only the health gates, on the new stable version. */
      readonly watch?: true;
      readonly explanation: Explanation;
    }
  /** Write this manifest (compare-and-swap), then apply the effects. */
  | {
      readonly kind: 'transition';
      readonly manifest: ReleaseManifest;
      readonly effects: readonly Effect[];
      readonly explanation: Explanation;
    }
  /** Nothing to do until `until` (null: until a person acts). */
  | { readonly kind: 'wait'; readonly until: Date | null; readonly explanation: Explanation }
  /** The command is not allowed now; nothing changes. */
  | { readonly kind: 'refuse'; readonly explanation: Explanation };
