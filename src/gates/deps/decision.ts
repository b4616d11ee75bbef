/**
 * The decision value shared by the dependency review and the posture
 * checks, and the expired-waiver finding both report.
 */
import type { Decision, Suppressed } from '../core/decision.js';
import { compareFindings } from '../core/finding.js';
import { makeFinding, type ReviewFinding } from './review-finding.js';

/** A finding set aside, and why. */
export type SuppressedFinding = Suppressed<ReviewFinding, 'allow-list' | 'waiver' | 'disabled'>;

/** What one family (dependencies or posture) decided; blocking findings decide the verdict. */
export interface FamilyDecision extends Decision<ReviewFinding, 'allow-list' | 'waiver' | 'disabled'> {
  readonly family: 'dependencies' | 'posture';
  /** What was looked at, in plain words (counts, sources, checks that could not run). */
  readonly notes: readonly string[];
}

/** The finding for a waiver past its last day. It does not block: what it covered comes back and blocks on its own. */
export function expiredWaiverFinding(args: {
  readonly family: ReviewFinding['family'];
  readonly ruleId: string;
  readonly what: string;
  readonly owner: string;
  readonly expires: string;
  readonly file: string | undefined;
  readonly line: number | undefined;
}): ReviewFinding {
  return makeFinding({
    family: args.family,
    ruleId: args.ruleId,
    severity: 'medium',
    subject: `waiver ${args.what} ${args.expires}`,
    message: `the waiver of ${args.what} owned by ${args.owner} expired on ${args.expires}; what it covered is reported again.`,
    fix: 'Fix what the waiver covered, or renew the waiver with its owner.',
    blocking: false,
    ...(args.file !== undefined ? { file: args.file, line: args.line ?? 1 } : {}),
  });
}

/** Sorts findings and counts the blocking ones into a decision. */
export function finishDecision(
  family: FamilyDecision['family'],
  findings: ReviewFinding[],
  suppressed: SuppressedFinding[],
  notes: string[],
): FamilyDecision {
  findings.sort(
    (a, b) => Number(b.blocking) - Number(a.blocking) || compareFindings(a, b) || a.subject.localeCompare(b.subject),
  );
  const blocking = findings.filter((f) => f.blocking).length;
  return { family, verdict: blocking > 0 ? 'fail' : 'pass', findings, suppressed, blocking, notes };
}
