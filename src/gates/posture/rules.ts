/**
 * The repository posture rules: what each finding means and how to fix it.
 * Posture is advisory by default (the policy's `failOn` is `never`).
 */
import type { Severity } from '../core/finding.js';

export interface PostureRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly fix: string;
  /** What OpenSSF Scorecard calls the same check, for users who know it. */
  readonly scorecard?: string;
}

const list: readonly PostureRule[] = [
  {
    id: 'posture-branch-unprotected',
    title: 'The default branch has no branch protection or ruleset',
    severity: 'high',
    fix: 'Protect the default branch (Settings → Branches, or a ruleset) with required reviews and status checks.',
    scorecard: 'Branch-Protection',
  },
  {
    id: 'posture-reviews-not-required',
    title: 'The default branch does not require an approving review',
    severity: 'medium',
    fix: 'Require at least one approving review before merging.',
    scorecard: 'Branch-Protection',
  },
  {
    id: 'posture-code-owner-reviews-not-required',
    title: 'The default branch does not require code owner reviews',
    severity: 'medium',
    fix: 'Turn on "Require review from Code Owners" so that CODEOWNERS is enforced.',
    scorecard: 'Branch-Protection',
  },
  {
    id: 'posture-force-push-allowed',
    title: 'Force pushes or deletion of the default branch are allowed',
    severity: 'medium',
    fix: 'Turn off force pushes and deletions for the default branch.',
    scorecard: 'Branch-Protection',
  },
  {
    id: 'posture-admins-bypass',
    title: 'Administrators bypass the default branch protection',
    severity: 'low',
    fix: 'Apply the rules to administrators too ("Do not allow bypassing the above settings").',
    scorecard: 'Branch-Protection',
  },
  {
    id: 'posture-required-check-missing',
    title: 'A status check the policy requires is not required on the default branch',
    severity: 'medium',
    fix: 'Add the check to the required status checks of the default branch.',
  },
  {
    id: 'posture-environment-unprotected',
    title: 'A deployment environment lacks the protection the policy asks for',
    severity: 'medium',
    fix: 'Add required reviewers and a wait timer to the environment (Settings → Environments).',
  },
  {
    id: 'posture-codeowners-missing',
    title: 'The repository has no CODEOWNERS file',
    severity: 'medium',
    fix: 'Add .github/CODEOWNERS naming owners for workflows, policies and other sensitive paths.',
    scorecard: 'Code-Review',
  },
  {
    id: 'posture-security-policy-missing',
    title: 'The repository has no SECURITY.md',
    severity: 'low',
    fix: 'Add SECURITY.md saying how to report a vulnerability.',
    scorecard: 'Security-Policy',
  },
  {
    id: 'posture-dependabot-missing',
    title: 'The repository has no Dependabot configuration',
    severity: 'low',
    fix: 'Add .github/dependabot.yml for the ecosystems the repository uses, github-actions included.',
    scorecard: 'Dependency-Update-Tool',
  },
  {
    id: 'posture-workflow-token-writable',
    title: 'Workflows get a write token by default',
    severity: 'medium',
    fix: 'Set the default workflow permissions to read (Settings → Actions → General) and grant writes per job.',
    scorecard: 'Token-Permissions',
  },
  {
    id: 'posture-actions-can-approve',
    title: 'GitHub Actions may approve pull requests',
    severity: 'medium',
    fix: 'Turn off "Allow GitHub Actions to create and approve pull requests".',
  },
  {
    id: 'posture-sensitive-change-unowned',
    title: 'A sensitive file changed that no code owner covers',
    severity: 'high',
    fix: 'Add a CODEOWNERS rule covering the path so that its owners must review changes.',
  },
  {
    id: 'posture-binary-added',
    title: 'A binary file is added to the repository',
    severity: 'medium',
    fix: 'Build binaries from source in CI instead of committing them, or waive the file with a reason.',
    scorecard: 'Binary-Artifacts',
  },
  {
    id: 'posture-not-checked',
    title: 'A posture check could not run for lack of data',
    severity: 'info',
    fix: 'Give the check the data it needs (a token that can read repository administration, or a complete snapshot).',
  },
  {
    id: 'posture-waiver-expired',
    title: 'A posture waiver has expired',
    severity: 'medium',
    fix: 'Fix what the waiver covered, or renew the waiver with its owner.',
  },
];

/** Rules by id. */
export const POSTURE_RULES: ReadonlyMap<string, PostureRule> = new Map(list.map((r) => [r.id, r]));
export const POSTURE_RULE_IDS: readonly string[] = list.map((r) => r.id);
