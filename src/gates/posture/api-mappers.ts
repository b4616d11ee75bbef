/**
 * GitHub's answers about a branch's protection, its rulesets and the
 * workflow token's defaults, as the posture snapshot's values. The GitHub
 * port has no verbs for these yet; whoever fetches them (a future port
 * verb, or a script writing a snapshot) maps them here:
 *
 *   GET /repos/{owner}/{repo}/branches/{branch}/protection      (404: not protected)
 *   GET /repos/{owner}/{repo}/rules/branches/{branch}           (rules of active rulesets)
 *   GET /repos/{owner}/{repo}/actions/permissions/workflow
 */
import type { BranchProtection, PostureSnapshot } from './snapshot.js';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Json => x !== undefined) : []);
const enabled = (v: unknown): boolean | undefined => {
  const o = obj(v);
  return typeof o?.['enabled'] === 'boolean' ? o['enabled'] : undefined;
};

/** Rule types of a ruleset that protect a branch (others, such as commit message patterns, do not). */
const PROTECTING_RULES = new Set([
  'pull_request',
  'required_status_checks',
  'non_fast_forward',
  'deletion',
  'update',
  'required_signatures',
  'required_linear_history',
  'merge_queue',
]);

/**
 * The protection in force on a branch: classic protection (null when the
 * branch has none) and the rules of its rulesets, the stronger of both.
 * Rulesets bind administrators unless their bypass list says otherwise,
 * which the rules endpoint does not show; they are taken as binding.
 */
export function effectiveProtection(
  classic: unknown,
  rules: unknown,
): { protection: BranchProtection | null; rulesets: number } {
  const c = obj(classic);
  const ruleList = list(rules).filter((r) => typeof r['type'] === 'string' && PROTECTING_RULES.has(r['type']));
  const rulesets = new Set(ruleList.map((r) => r['ruleset_id'])).size;
  if (!c && ruleList.length === 0) return { protection: null, rulesets };

  const checks = new Set<string>();
  let approvals = 0;
  let codeOwners = false;
  const statusChecks = obj(c?.['required_status_checks']);
  for (const ctx of Array.isArray(statusChecks?.['contexts']) ? statusChecks['contexts'] : [])
    if (typeof ctx === 'string') checks.add(ctx);
  for (const chk of list(statusChecks?.['checks'])) if (typeof chk['context'] === 'string') checks.add(chk['context']);
  const reviews = obj(c?.['required_pull_request_reviews']);
  if (reviews) {
    // Reviews are required once the object is there; GitHub leaves out the count when it is the default of one.
    approvals =
      typeof reviews['required_approving_review_count'] === 'number' ? reviews['required_approving_review_count'] : 1;
    codeOwners = reviews['require_code_owner_reviews'] === true;
  }
  const ruleTypes = new Set<string>();
  for (const r of ruleList) {
    ruleTypes.add(r['type'] as string);
    const p = obj(r['parameters']);
    if (r['type'] === 'pull_request') {
      approvals = Math.max(
        approvals,
        typeof p?.['required_approving_review_count'] === 'number' ? p['required_approving_review_count'] : 0,
      );
      codeOwners ||= p?.['require_code_owner_review'] === true;
    }
    if (r['type'] === 'required_status_checks')
      for (const chk of list(p?.['required_status_checks']))
        if (typeof chk['context'] === 'string') checks.add(chk['context']);
  }
  return {
    protection: {
      requiredStatusChecks: [...checks].sort(),
      requiredApprovingReviews: approvals,
      requireCodeOwnerReviews: codeOwners,
      enforceAdmins: (c !== undefined && enabled(c['enforce_admins']) === true) || ruleList.length > 0,
      allowForcePushes: (c ? enabled(c['allow_force_pushes']) === true : true) && !ruleTypes.has('non_fast_forward'),
      allowDeletions: (c ? enabled(c['allow_deletions']) === true : true) && !ruleTypes.has('deletion'),
    },
    rulesets,
  };
}

/** `GET /repos/{owner}/{repo}/actions/permissions/workflow` as the snapshot's value. */
export function workflowPermissionsFromApi(data: unknown): PostureSnapshot['workflowPermissions'] {
  const d = obj(data);
  if (!d || (d['default_workflow_permissions'] !== 'read' && d['default_workflow_permissions'] !== 'write'))
    return undefined;
  return {
    defaultPermissions: d['default_workflow_permissions'],
    canApprovePullRequestReviews: d['can_approve_pull_request_reviews'] === true,
  };
}

const FILE_STATUSES = new Set(['added', 'modified', 'removed', 'renamed', 'copied', 'changed', 'unchanged']);

/**
 * `GET /repos/{owner}/{repo}/pulls/{pull_number}/files` as the snapshot's
 * changed files. GitHub leaves out `patch` for binaries but also for large
 * diffs, so binaries are left to the extension check.
 */
export function changedFilesFromApi(data: unknown): NonNullable<PostureSnapshot['changedFiles']> {
  return list(data)
    .filter(
      (f) => typeof f['filename'] === 'string' && typeof f['status'] === 'string' && FILE_STATUSES.has(f['status']),
    )
    .map((f) => ({
      path: f['filename'] as string,
      status: f['status'] as NonNullable<PostureSnapshot['changedFiles']>[number]['status'],
    }));
}
