/**
 * Repository posture checks: pure functions from a snapshot and the policy
 * to findings. A check whose data is missing reports that it could not run
 * instead of passing.
 */
import { posix } from 'node:path';
import type { Severity } from '../core/finding.js';
import type { PosturePolicy } from '../deps/policy-schema.js';
import { makeFinding, type ReviewFinding } from '../deps/review-finding.js';
import { ownersOf, parseCodeowners } from './codeowners.js';
import { POSTURE_RULES } from './rules.js';
import type { PostureSnapshot } from './snapshot.js';

/** Extensions of compiled code, as OpenSSF Scorecard's Binary-Artifacts check counts them. */
export const DEFAULT_BINARY_EXTENSIONS: readonly string[] = [
  '.a',
  '.bin',
  '.class',
  '.com',
  '.dll',
  '.dylib',
  '.elf',
  '.exe',
  '.jar',
  '.lib',
  '.msi',
  '.o',
  '.obj',
  '.pyc',
  '.pyd',
  '.pyo',
  '.scr',
  '.so',
  '.war',
  '.wasm',
];

type Report = (ruleId: string, subject: string, message: string, where?: { file: string; line?: number }) => void;

function collector(): { out: ReviewFinding[]; report: Report } {
  const out: ReviewFinding[] = [];
  const report: Report = (ruleId, subject, message, where) => {
    const rule = POSTURE_RULES.get(ruleId);
    if (!rule) throw new Error(`unknown posture rule ${ruleId}`);
    out.push(
      makeFinding({
        family: 'posture',
        ruleId,
        severity: rule.severity as Severity,
        subject,
        message,
        fix: rule.fix,
        blocking: false,
        ...(where ?? {}),
      }),
    );
  };
  return { out, report };
}

function checkBranch(s: PostureSnapshot, policy: PosturePolicy, report: Report): void {
  const branch = s.defaultBranch;
  if (s.branchProtection === undefined) {
    if (s.rulesets === undefined || s.rulesets === 0)
      report(
        'posture-not-checked',
        `branch-protection ${branch}`,
        `the protection of ${branch} is not known, so it was not checked.`,
      );
    return;
  }
  const p = s.branchProtection;
  if (p === null) {
    if ((s.rulesets ?? 0) > 0) return;
    report(
      'posture-branch-unprotected',
      branch,
      `the default branch ${branch} has no branch protection${s.rulesets === 0 ? ' and no ruleset' : ''}.`,
    );
    for (const check of policy.requiredStatusChecks)
      report(
        'posture-required-check-missing',
        check,
        `the status check '${check}' is not required on ${branch}, which has no protection.`,
      );
    return;
  }
  if (p.requiredApprovingReviews < 1)
    report('posture-reviews-not-required', branch, `${branch} can be merged without an approving review.`);
  else if (!p.requireCodeOwnerReviews)
    report(
      'posture-code-owner-reviews-not-required',
      branch,
      `${branch} does not require code owner reviews, so CODEOWNERS is advisory only.`,
    );
  if (p.allowForcePushes || p.allowDeletions) {
    report(
      'posture-force-push-allowed',
      branch,
      `${branch} allows ${[p.allowForcePushes ? 'force pushes' : '', p.allowDeletions ? 'deletion' : ''].filter(Boolean).join(' and ')}.`,
    );
  }
  if (!p.enforceAdmins)
    report('posture-admins-bypass', branch, `administrators may bypass the protection of ${branch}.`);
  const required = new Set(p.requiredStatusChecks);
  for (const check of policy.requiredStatusChecks) {
    if (!required.has(check))
      report('posture-required-check-missing', check, `the status check '${check}' is not required on ${branch}.`);
  }
}

function checkEnvironments(s: PostureSnapshot, policy: PosturePolicy, report: Report): void {
  if (policy.environments.length === 0) return;
  if (s.environments === undefined) {
    report(
      'posture-not-checked',
      'environments',
      'the environments are not known, so their protection was not checked.',
    );
    return;
  }
  for (const want of policy.environments) {
    const env = s.environments.find((e) => e.name.toLowerCase() === want.name.toLowerCase());
    if (!env) {
      report(
        'posture-environment-unprotected',
        want.name,
        `the environment '${want.name}' does not exist, so deployments to it are not protected.`,
      );
      continue;
    }
    const reviewers = env.protectionRules
      .filter((r) => r.type === 'required_reviewers')
      .flatMap((r) => r.reviewers ?? ['(unnamed)']);
    const wait = Math.max(
      0,
      ...env.protectionRules.map((r) => (r.type === 'wait_timer' ? (r.waitTimerMinutes ?? 0) : 0)),
    );
    const missing: string[] = [];
    if (want.reviewers && reviewers.length === 0) missing.push('no required reviewers');
    if (wait < want.minWaitMinutes)
      missing.push(`a wait timer of ${wait} minutes where the policy asks for at least ${want.minWaitMinutes}`);
    if (missing.length > 0)
      report(
        'posture-environment-unprotected',
        want.name,
        `the environment '${env.name}' has ${missing.join(' and ')}.`,
      );
  }
}

function checkFiles(s: PostureSnapshot, report: Report): void {
  const files: ReadonlyArray<[keyof PostureSnapshot['files'], string, string]> = [
    ['codeowners', 'posture-codeowners-missing', 'no CODEOWNERS file (looked in .github/, the root and docs/)'],
    ['securityPolicy', 'posture-security-policy-missing', 'no SECURITY.md'],
    ['dependabot', 'posture-dependabot-missing', 'no .github/dependabot.yml'],
  ];
  for (const [key, ruleId, text] of files) {
    const at = s.files[key];
    if (at === undefined) report('posture-not-checked', key, `whether the repository has ${key} is not known.`);
    else if (at === null) report(ruleId, key, `the repository has ${text}.`);
  }
}

function checkToken(s: PostureSnapshot, report: Report): void {
  if (!s.workflowPermissions) {
    report(
      'posture-not-checked',
      'workflow-permissions',
      "the repository's default workflow permissions are not known.",
    );
    return;
  }
  if (s.workflowPermissions.defaultPermissions === 'write')
    report(
      'posture-workflow-token-writable',
      'workflow-permissions',
      'workflows get a read-write GITHUB_TOKEN unless they ask for less.',
    );
  if (s.workflowPermissions.canApprovePullRequestReviews)
    report(
      'posture-actions-can-approve',
      'workflow-permissions',
      'a workflow can approve pull requests, so a required review can be met without a person.',
    );
}

function checkChanges(s: PostureSnapshot, policy: PosturePolicy, report: Report): void {
  if (!s.changedFiles) return;
  const rules = s.codeownersText !== undefined ? parseCodeowners(s.codeownersText) : undefined;
  const binaries = new Set((policy.binaryExtensions ?? DEFAULT_BINARY_EXTENSIONS).map((e) => e.toLowerCase()));
  let ownersUnknown = false;
  for (const f of s.changedFiles) {
    const path = f.path.replace(/^\.?\//, '');
    if (f.status === 'removed' || f.status === 'unchanged') continue;
    if (f.status === 'added' || f.status === 'copied') {
      const binary = f.binary ?? binaries.has(posix.extname(path).toLowerCase());
      if (binary)
        report('posture-binary-added', path, `${path} is a binary file added to the repository.`, { file: path });
    }
    if (!policy.sensitivePaths.some((g) => posix.matchesGlob(path, g))) continue;
    if (!rules) {
      if (s.files.codeowners === null)
        report(
          'posture-sensitive-change-unowned',
          path,
          `${path} changed and the repository has no CODEOWNERS, so nobody must review it.`,
          { file: path },
        );
      else ownersUnknown = true;
      continue;
    }
    if (ownersOf(rules, path).length === 0)
      report('posture-sensitive-change-unowned', path, `${path} changed and no CODEOWNERS rule gives it an owner.`, {
        file: path,
      });
  }
  if (ownersUnknown)
    report(
      'posture-not-checked',
      'codeowners-coverage',
      'sensitive files changed but the text of CODEOWNERS is not known, so their owners were not checked.',
    );
}

/** Every posture finding of a snapshot, before waivers and the threshold. */
export function checkPosture(snapshot: PostureSnapshot, policy: PosturePolicy): ReviewFinding[] {
  const { out, report } = collector();
  checkBranch(snapshot, policy, report);
  checkEnvironments(snapshot, policy, report);
  checkFiles(snapshot, report);
  checkToken(snapshot, report);
  checkChanges(snapshot, policy, report);
  return out;
}
