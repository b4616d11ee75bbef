import { describe, expect, it } from 'vitest';
import {
  changedFilesFromApi,
  effectiveProtection,
  workflowPermissionsFromApi,
} from '../../../src/gates/posture/api-mappers.js';
import { exampleResponse, operationByRoute, validateResponse } from '../../helpers/openapi.js';

const PROTECTION = 'GET /repos/{owner}/{repo}/branches/{branch}/protection';
const RULES = 'GET /repos/{owner}/{repo}/rules/branches/{branch}';
const WORKFLOW = 'GET /repos/{owner}/{repo}/actions/permissions/workflow';

/** GitHub's example with overrides, checked against the OpenAPI description before use. */
function valid(route: string, body: unknown): unknown {
  expect(validateResponse(operationByRoute(route), 200, body)).toEqual([]);
  return body;
}

const BASE_URL = 'https://api.github.com/repos/acme/shop/branches/main/protection';
/**
 * Classic protection as GitHub sends it. GitHub's own example for this route
 * does not pass its schema (it lacks `checks` and parts of its users), so
 * the body is written out here and validated.
 */
const classic = (overrides: Record<string, unknown> = {}) =>
  valid(PROTECTION, {
    url: BASE_URL,
    required_status_checks: {
      url: `${BASE_URL}/required_status_checks`,
      contexts: ['ci/test'],
      checks: [
        { context: 'ci/test', app_id: null },
        { context: 'ci/lint', app_id: 15368 },
      ],
      contexts_url: `${BASE_URL}/required_status_checks/contexts`,
      strict: true,
    },
    enforce_admins: { url: `${BASE_URL}/enforce_admins`, enabled: true },
    required_pull_request_reviews: {
      url: `${BASE_URL}/required_pull_request_reviews`,
      dismiss_stale_reviews: false,
      require_code_owner_reviews: false,
    },
    allow_force_pushes: { enabled: false },
    allow_deletions: { enabled: false },
    ...overrides,
  });
const rule = (type: string, parameters?: Record<string, unknown>, rulesetId = 7) => ({
  type,
  ruleset_source_type: 'Repository',
  ruleset_source: 'acme/shop',
  ruleset_id: rulesetId,
  ...(parameters ? { parameters } : {}),
});

describe('branch protection from GitHub', () => {
  it('reads classic protection', () => {
    const { protection, rulesets } = effectiveProtection(classic(), valid(RULES, []));
    expect(rulesets).toBe(0);
    expect(protection).toEqual({
      requiredStatusChecks: ['ci/lint', 'ci/test'],
      requiredApprovingReviews: 1,
      requireCodeOwnerReviews: false,
      enforceAdmins: true,
      allowForcePushes: false,
      allowDeletions: false,
    });
  });

  it('is null when there is neither classic protection nor a protecting ruleset', () => {
    expect(effectiveProtection(null, valid(RULES, exampleResponse(RULES, 200)))).toEqual({
      protection: null,
      rulesets: 0,
    });
  });

  it.each<
    [
      string,
      Record<string, unknown> | null,
      unknown[],
      Partial<ReturnType<typeof effectiveProtection>['protection'] & object>,
    ]
  >([
    [
      'classic reviews with code owners',
      {
        required_pull_request_reviews: {
          url: 'https://api.github.com/x',
          dismiss_stale_reviews: true,
          require_code_owner_reviews: true,
          required_approving_review_count: 2,
        },
      },
      [],
      { requiredApprovingReviews: 2, requireCodeOwnerReviews: true },
    ],
    ['classic without reviews', { required_pull_request_reviews: undefined }, [], { requiredApprovingReviews: 0 }],
    ['classic allowing force pushes', { allow_force_pushes: { enabled: true } }, [], { allowForcePushes: true }],
    [
      'a ruleset blocking force pushes over classic',
      { allow_force_pushes: { enabled: true } },
      [rule('non_fast_forward')],
      { allowForcePushes: false },
    ],
    [
      'rulesets alone',
      null,
      [
        rule('pull_request', {
          required_approving_review_count: 1,
          require_code_owner_review: true,
          dismiss_stale_reviews_on_push: false,
          require_last_push_approval: false,
          required_review_thread_resolution: false,
        }),
        rule(
          'required_status_checks',
          { required_status_checks: [{ context: 'bellwether/gate' }], strict_required_status_checks_policy: true },
          9,
        ),
        rule('deletion'),
      ],
      {
        requiredApprovingReviews: 1,
        requireCodeOwnerReviews: true,
        requiredStatusChecks: ['bellwether/gate'],
        allowForcePushes: true,
        allowDeletions: false,
        enforceAdmins: true,
      },
    ],
  ])('%s', (_name, overrides, rules, expected) => {
    const result = effectiveProtection(overrides === null ? null : classic(overrides), valid(RULES, rules));
    expect(result.protection).toMatchObject(expected);
  });

  it('counts the rulesets that protect the branch, not those that only check commit messages', () => {
    const rules = [
      rule('commit_message_pattern', { operator: 'starts_with', pattern: 'x' }, 1),
      rule('deletion', undefined, 2),
      rule('non_fast_forward', undefined, 2),
      rule(
        'pull_request',
        {
          required_approving_review_count: 0,
          require_code_owner_review: false,
          dismiss_stale_reviews_on_push: false,
          require_last_push_approval: false,
          required_review_thread_resolution: false,
        },
        3,
      ),
    ];
    expect(effectiveProtection(null, valid(RULES, rules)).rulesets).toBe(2);
  });
});

describe('workflow token defaults from GitHub', () => {
  it.each([
    [exampleResponse(WORKFLOW, 200), { defaultPermissions: 'read', canApprovePullRequestReviews: true }],
    [
      { default_workflow_permissions: 'write', can_approve_pull_request_reviews: false },
      { defaultPermissions: 'write', canApprovePullRequestReviews: false },
    ],
  ])('%j', (body, expected) => {
    expect(workflowPermissionsFromApi(valid(WORKFLOW, body))).toEqual(expected);
  });

  it('is unknown for an answer it does not understand', () => {
    expect(workflowPermissionsFromApi({ default_workflow_permissions: 'admin' })).toBeUndefined();
    expect(workflowPermissionsFromApi(null)).toBeUndefined();
  });
});

describe('changed files of a pull request from GitHub', () => {
  const FILES = 'GET /repos/{owner}/{repo}/pulls/{pull_number}/files';
  it("maps GitHub's example and renamed files", () => {
    const [first] = exampleResponse(FILES, 200) as Array<Record<string, unknown>>;
    const body = valid(FILES, [
      first,
      { ...first, filename: '.github/workflows/ci.yml', status: 'renamed', previous_filename: 'ci.yml' },
    ]);
    expect(changedFilesFromApi(body)).toEqual([
      { path: first?.['filename'], status: first?.['status'] },
      { path: '.github/workflows/ci.yml', status: 'renamed' },
    ]);
  });
});
