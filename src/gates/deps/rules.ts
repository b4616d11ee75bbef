/**
 * The rules of the dependency review: what each finding means and how to
 * fix it. Ids start with `dependency-` so that they never collide with the
 * workflow audit's or the secret scan's in a combined report.
 */
import type { Severity } from '../core/finding.js';

export interface DependencyRule {
  readonly id: string;
  readonly title: string;
  /** Used when the finding itself carries no severity (advisories carry their own). */
  readonly severity: Severity;
  readonly fix: string;
}

const list: readonly DependencyRule[] = [
  {
    id: 'dependency-vulnerable',
    title: 'An added dependency has a known vulnerability',
    severity: 'high',
    fix: 'Upgrade to a version the advisory lists as patched, or waive the advisory with an owner, a reason and an expiry.',
  },
  {
    id: 'dependency-license-not-allowed',
    title: "An added dependency cannot be used under the policy's allowed licenses",
    severity: 'high',
    fix: 'Choose another package, or have the license reviewed and added to licenses.allow (or the package to allow.packages).',
  },
  {
    id: 'dependency-license-denied',
    title: 'Every way to use an added dependency accepts a denied license',
    severity: 'high',
    fix: 'Choose another package, or have the license reviewed and the package added to allow.packages.',
  },
  {
    id: 'dependency-license-unknown',
    title: 'The license of an added dependency is not known',
    severity: 'medium',
    fix: 'Check the license by hand; add the package to allow.packages once reviewed.',
  },
  {
    id: 'dependency-license-invalid',
    title: 'The license of an added dependency is not a valid SPDX expression',
    severity: 'medium',
    fix: 'Check the license by hand; add the package to allow.packages once reviewed.',
  },
  {
    id: 'dependency-denied',
    title: 'An added dependency is on the deny list',
    severity: 'high',
    fix: 'Remove the dependency; the policy does not allow it.',
  },
  {
    id: 'dependency-scorecard-low',
    title: "An added dependency's source repository scores below the policy's OpenSSF Scorecard floor",
    severity: 'medium',
    fix: 'Choose a better-maintained package, or have this one reviewed and waive it with an owner, a reason and an expiry.',
  },
  {
    id: 'dependency-scorecard-unknown',
    title: "An added dependency's source repository has no OpenSSF Scorecard score",
    severity: 'low',
    fix: 'Check the project by hand (maintenance, reviews, releases); waive the package once reviewed.',
  },
  {
    id: 'dependency-review-fallback',
    title: "GitHub's dependency graph could not answer; lock files were diffed instead and advisories were not checked",
    severity: 'medium',
    fix: 'Enable the dependency graph (and GitHub Advanced Security on private repositories), or check the new dependencies for advisories by hand.',
  },
  {
    id: 'dependency-lockfile-unreadable',
    title: 'A lock file changed by the pull request cannot be read',
    severity: 'high',
    fix: 'Regenerate the lock file with the package manager (npm install) and commit it.',
  },
  {
    id: 'dependency-waiver-expired',
    title: 'A dependency waiver has expired',
    severity: 'medium',
    fix: 'Fix what the waiver covered, or renew the waiver with its owner.',
  },
];

/** Rules by id. */
export const DEPENDENCY_RULES: ReadonlyMap<string, DependencyRule> = new Map(list.map((r) => [r.id, r]));
export const DEPENDENCY_RULE_IDS: readonly string[] = list.map((r) => r.id);
