import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEPS_POLICY,
  posturePolicySchema,
  type LoadedDepsPolicy,
} from '../../../src/gates/deps/policy-schema.js';
import { checkPosture } from '../../../src/gates/posture/checks.js';
import { ownersOf, parseCodeowners } from '../../../src/gates/posture/codeowners.js';
import { decidePosture } from '../../../src/gates/posture/decide.js';
import { postureSnapshotSchema, type PostureSnapshot } from '../../../src/gates/posture/snapshot.js';

const CODEOWNERS = [
  '# owners',
  '*                    @acme/devs',
  '/.github/workflows/  @acme/platform',
  'policies/**          @acme/security',
  '/docs/',
  '',
].join('\n');

/** A repository with everything in place: no findings. */
const GOOD: PostureSnapshot = postureSnapshotSchema.parse({
  defaultBranch: 'main',
  branchProtection: {
    requiredStatusChecks: ['bellwether/gate', 'test'],
    requiredApprovingReviews: 1,
    requireCodeOwnerReviews: true,
    enforceAdmins: true,
  },
  rulesets: 0,
  environments: [
    {
      name: 'production',
      protectionRules: [
        { type: 'required_reviewers', reviewers: ['acme/sre'] },
        { type: 'wait_timer', waitTimerMinutes: 30 },
      ],
    },
    { name: 'staging', protectionRules: [] },
  ],
  files: { codeowners: '.github/CODEOWNERS', securityPolicy: 'SECURITY.md', dependabot: '.github/dependabot.yml' },
  codeownersText: CODEOWNERS,
  workflowPermissions: { defaultPermissions: 'read', canApprovePullRequestReviews: false },
  changedFiles: [
    { path: 'src/app.ts', status: 'modified' },
    { path: '.github/workflows/ci.yml', status: 'modified' },
  ],
});

const POLICY = posturePolicySchema.parse({
  requiredStatusChecks: ['bellwether/gate'],
  environments: [{ name: 'production', minWaitMinutes: 15 }],
});

const rulesOf = (s: PostureSnapshot, policy = POLICY): string[] =>
  checkPosture(s, policy).map((f) => `${f.ruleId} ${f.subject}`);

describe('posture checks', () => {
  it('finds nothing in a well-kept repository', () => {
    expect(rulesOf(GOOD)).toEqual([]);
  });

  it.each<[string, Partial<PostureSnapshot>, string[]]>([
    [
      'no protection, no ruleset',
      { branchProtection: null },
      ['posture-branch-unprotected main', 'posture-required-check-missing bellwether/gate'],
    ],
    ['no classic protection but a ruleset', { branchProtection: null, rulesets: 2 }, []],
    [
      'protection unknown',
      { branchProtection: undefined, rulesets: undefined },
      ['posture-not-checked branch-protection main'],
    ],
    ['protection unknown but a ruleset', { branchProtection: undefined, rulesets: 1 }, []],
    [
      'no reviews',
      { branchProtection: { ...GOOD.branchProtection!, requiredApprovingReviews: 0 } },
      ['posture-reviews-not-required main'],
    ],
    [
      'no code owner reviews',
      { branchProtection: { ...GOOD.branchProtection!, requireCodeOwnerReviews: false } },
      ['posture-code-owner-reviews-not-required main'],
    ],
    [
      'force pushes',
      { branchProtection: { ...GOOD.branchProtection!, allowForcePushes: true } },
      ['posture-force-push-allowed main'],
    ],
    [
      'deletions',
      { branchProtection: { ...GOOD.branchProtection!, allowDeletions: true } },
      ['posture-force-push-allowed main'],
    ],
    [
      'admins bypass',
      { branchProtection: { ...GOOD.branchProtection!, enforceAdmins: false } },
      ['posture-admins-bypass main'],
    ],
    [
      'check not required',
      { branchProtection: { ...GOOD.branchProtection!, requiredStatusChecks: ['test'] } },
      ['posture-required-check-missing bellwether/gate'],
    ],
    ['production missing', { environments: [] }, ['posture-environment-unprotected production']],
    [
      'production without reviewers',
      { environments: [{ name: 'Production', protectionRules: [{ type: 'wait_timer', waitTimerMinutes: 30 }] }] },
      ['posture-environment-unprotected production'],
    ],
    [
      'production with a short wait',
      {
        environments: [
          {
            name: 'production',
            protectionRules: [
              { type: 'required_reviewers', reviewers: ['a'] },
              { type: 'wait_timer', waitTimerMinutes: 5 },
            ],
          },
        ],
      },
      ['posture-environment-unprotected production'],
    ],
    ['environments unknown', { environments: undefined }, ['posture-not-checked environments']],
    [
      'no CODEOWNERS',
      { files: { ...GOOD.files, codeowners: null }, codeownersText: undefined },
      ['posture-codeowners-missing codeowners', 'posture-sensitive-change-unowned .github/workflows/ci.yml'],
    ],
    [
      'no SECURITY.md',
      { files: { ...GOOD.files, securityPolicy: null } },
      ['posture-security-policy-missing securityPolicy'],
    ],
    ['no Dependabot', { files: { ...GOOD.files, dependabot: null } }, ['posture-dependabot-missing dependabot']],
    [
      'files unknown',
      { files: {} },
      ['posture-not-checked codeowners', 'posture-not-checked securityPolicy', 'posture-not-checked dependabot'],
    ],
    [
      'write token',
      { workflowPermissions: { defaultPermissions: 'write', canApprovePullRequestReviews: false } },
      ['posture-workflow-token-writable workflow-permissions'],
    ],
    [
      'actions approve',
      { workflowPermissions: { defaultPermissions: 'read', canApprovePullRequestReviews: true } },
      ['posture-actions-can-approve workflow-permissions'],
    ],
    ['token unknown', { workflowPermissions: undefined }, ['posture-not-checked workflow-permissions']],
    [
      'docs/ unowned by an empty rule',
      { changedFiles: [{ path: 'docs/CODEOWNERS', status: 'modified' }] },
      ['posture-sensitive-change-unowned docs/CODEOWNERS'],
    ],
    [
      'an action.yml under an owned tree',
      { changedFiles: [{ path: 'actions/deploy/action.yml', status: 'added' }] },
      [],
    ],
    ['CODEOWNERS text unknown', { codeownersText: undefined }, ['posture-not-checked codeowners-coverage']],
    [
      'a binary added',
      {
        changedFiles: [
          { path: 'tools/helper.exe', status: 'added' },
          { path: 'lib/native.so', status: 'modified' },
        ],
      },
      ['posture-binary-added tools/helper.exe'],
    ],
    [
      'a binary by content',
      {
        changedFiles: [
          { path: 'assets/blob', status: 'added', binary: true },
          { path: 'tools/x.jar', status: 'added', binary: false },
        ],
      },
      ['posture-binary-added assets/blob'],
    ],
    [
      'a removed workflow',
      { changedFiles: [{ path: '.github/workflows/old.yml', status: 'removed' }], codeownersText: '' },
      [],
    ],
  ])('%s', (_name, change, expected) => {
    expect(rulesOf({ ...GOOD, ...change })).toEqual(expected);
  });

  it('locates changed-file findings at the file, and settings nowhere', () => {
    const found = checkPosture(
      { ...GOOD, files: { ...GOOD.files, codeowners: null }, codeownersText: undefined },
      POLICY,
    );
    expect(found.map((f) => [f.ruleId, f.located, f.file])).toEqual([
      ['posture-codeowners-missing', false, ''],
      ['posture-sensitive-change-unowned', true, '.github/workflows/ci.yml'],
    ]);
  });

  it('takes the binary extensions from the policy when given', () => {
    const policy = posturePolicySchema.parse({ binaryExtensions: ['.bin'] });
    expect(
      rulesOf(
        {
          ...GOOD,
          changedFiles: [
            { path: 'a.exe', status: 'added' },
            { path: 'b.BIN', status: 'added' },
          ],
        },
        policy,
      ),
    ).toEqual(['posture-binary-added b.BIN']);
  });
});

describe('CODEOWNERS matching', () => {
  const rules = parseCodeowners(CODEOWNERS);
  it.each([
    ['src/app.ts', ['@acme/devs']],
    ['.github/workflows/ci.yml', ['@acme/platform']],
    ['.github/workflows/sub/x.yml', ['@acme/platform']],
    ['other/.github/workflows/ci.yml', ['@acme/devs']],
    ['policies/gates.yml', ['@acme/security']],
    ['policies/deep/x.yml', ['@acme/security']],
    ['docs/readme.md', []],
    ['docs', ['@acme/devs']],
  ])('%s is owned by %j', (path, owners) => {
    expect(ownersOf(rules, path)).toEqual(owners);
  });

  it.each([
    ['*.js @js', 'src/a.js', ['@js']],
    ['*.js @js', 'src/a.ts', []],
    ['/build/logs/ @logs', 'build/logs/x/y.log', ['@logs']],
    ['/build/logs/ @logs', 'a/build/logs/y.log', []],
    ['apps/ @apps', 'x/apps/y.ts', ['@apps']],
    ['docs/* @docs', 'docs/a.md', ['@docs']],
    ['docs/* @docs', 'docs/deep/a.md', []],
    ['**/logs @logs', 'a/b/logs/x', ['@logs']],
    ['action.yml @actions', 'actions/x/action.yml', ['@actions']],
  ])('%s: %s → %j', (text, path, owners) => {
    expect(ownersOf(parseCodeowners(text), path)).toEqual(owners);
  });
});

describe('the posture decision', () => {
  const NOW = new Date('2026-11-22T12:00:00Z');
  const loaded = (section: unknown, lines: number[] = []): LoadedDepsPolicy => ({
    ...DEFAULT_DEPS_POLICY,
    file: 'gates.yml',
    posture: posturePolicySchema.parse(section),
    postureWaiverLines: lines,
  });
  const BAD: PostureSnapshot = { ...GOOD, branchProtection: null, files: { ...GOOD.files, securityPolicy: null } };

  it('is advisory by default: findings, no failure', () => {
    const d = decidePosture(BAD, loaded({}), NOW);
    expect(d.findings.map((f) => f.ruleId)).toEqual(['posture-branch-unprotected', 'posture-security-policy-missing']);
    expect(d.verdict).toBe('pass');
    expect(d.notes).toContain('posture is advisory (failOn: never)');
  });

  it.each([
    ['high', 1],
    ['low', 2],
    ['critical', 0],
  ])('fails at failOn %s with %i blocking', (failOn, blocking) => {
    const d = decidePosture(BAD, loaded({ failOn }), NOW);
    expect(d.blocking).toBe(blocking);
    expect(d.verdict).toBe(blocking > 0 ? 'fail' : 'pass');
  });

  it('re-rates and disables rules', () => {
    const d = decidePosture(
      BAD,
      loaded({
        failOn: 'high',
        rules: {
          'posture-branch-unprotected': { enabled: false },
          'posture-security-policy-missing': { severity: 'critical' },
        },
      }),
      NOW,
    );
    expect(d.findings.map((f) => [f.ruleId, f.severity, f.blocking])).toEqual([
      ['posture-security-policy-missing', 'critical', true],
    ]);
    expect(d.suppressed).toMatchObject([{ by: 'disabled' }]);
  });

  it('applies live waivers by rule and subject, and reports expired ones at their line', () => {
    const waivers = [
      {
        rule: 'posture-branch-unprotected',
        subject: 'main',
        reason: 'ruleset migration',
        owner: '@acme/platform',
        expires: '2026-12-31',
      },
      { rule: 'posture-security-policy-missing', reason: 'org policy', owner: '@acme/security', expires: '2026-11-21' },
    ];
    const d = decidePosture(BAD, loaded({ failOn: 'low', waivers }, [9, 14]), NOW);
    expect(d.suppressed.map((s) => s.finding.ruleId)).toEqual(['posture-branch-unprotected']);
    expect(d.findings.map((f) => [f.ruleId, f.blocking, f.line])).toEqual([
      ['posture-security-policy-missing', true, 1],
      ['posture-waiver-expired', false, 14],
    ]);
    expect(d.findings[1]?.message).toContain('owned by @acme/security expired on 2026-11-21');
  });

  it('a waiver for another subject does not apply', () => {
    const waivers = [
      { rule: 'posture-branch-unprotected', subject: 'release', reason: 'r', owner: 'o', expires: '2027-01-01' },
    ];
    expect(decidePosture(BAD, loaded({ failOn: 'high', waivers }), NOW).verdict).toBe('fail');
  });
});
