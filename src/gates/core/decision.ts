/**
 * The one decision value of every gate family: the findings that count, the
 * ones set aside and why, how many block, and the verdict. Each family adds
 * what only it knows (the workflow audit's mode and counts, the secret
 * scan's threshold, the dependency review's notes).
 */
import type { Finding } from './finding.js';

/** A finding set aside, and why (`by` names the family's reasons: a waiver, an allow list, a baseline…). */
export interface Suppressed<F extends Finding = Finding, By extends string = string> {
  readonly finding: F;
  readonly by: By;
  readonly reason: string;
}

/** What a gate family decided. */
export interface Decision<F extends Finding = Finding, By extends string = string> {
  readonly verdict: 'pass' | 'fail';
  /** Findings that count, sorted. */
  readonly findings: readonly F[];
  readonly suppressed: readonly Suppressed<F, By>[];
  /** Findings that decide the verdict: a decision with any fails. */
  readonly blocking: number;
}
