import { describe, expect, it } from 'vitest';
import { DEFAULT_DEPS_POLICY } from '../../../src/gates/deps/policy-schema.js';
import { decidePosture } from '../../../src/gates/posture/decide.js';
import { gatherPosture } from '../../../src/gates/posture/gather.js';
import { InMemoryGitHub } from '../../../src/github/fake.js';

describe('gathering posture through the GitHub port', () => {
  it('reads branch, environments and the files it looks for', async () => {
    const github = new InMemoryGitHub();
    github.seedBranch('main', { '.github/CODEOWNERS': '* @acme/devs\n', 'SECURITY.md': '# Security\n' });
    github.addEnvironment({
      name: 'production',
      protectionRules: [{ type: 'required_reviewers', reviewers: ['acme/sre'] }],
    });
    const snapshot = await gatherPosture({ defaultBranch: 'main' }, { github });
    expect(snapshot).toEqual({
      defaultBranch: 'main',
      branchProtection: null,
      environments: [
        { name: 'production', protectionRules: [{ type: 'required_reviewers', reviewers: ['acme/sre'] }] },
      ],
      files: { codeowners: '.github/CODEOWNERS', securityPolicy: 'SECURITY.md', dependabot: null },
      codeownersText: '* @acme/devs\n',
    });
    const d = decidePosture(snapshot, DEFAULT_DEPS_POLICY, new Date('2026-11-22T00:00:00Z'));
    expect(d.findings.map((f) => f.ruleId)).toEqual([
      'posture-branch-unprotected',
      'posture-dependabot-missing',
      'posture-not-checked',
    ]);
    // First match wins: one read for CODEOWNERS, one for SECURITY.md, both Dependabot names.
    expect(github.calls().byRoute['GET /repos/{owner}/{repo}/contents/{path}']).toBe(4);
  });

  it('leaves the details of a protected branch unknown unless the caller knows them', async () => {
    const github = new InMemoryGitHub();
    github.seedBranch('main', { CODEOWNERS: '*  @a\n' }, { protected: true });
    const unknown = await gatherPosture({ defaultBranch: 'main' }, { github });
    expect(unknown.branchProtection).toBeUndefined();
    const known = await gatherPosture(
      {
        defaultBranch: 'main',
        known: {
          branchProtection: {
            requiredStatusChecks: ['ci'],
            requiredApprovingReviews: 2,
            requireCodeOwnerReviews: true,
            enforceAdmins: true,
            allowForcePushes: false,
            allowDeletions: false,
          },
          workflowPermissions: { defaultPermissions: 'read', canApprovePullRequestReviews: false },
          files: { dependabot: '.github/dependabot.yml' },
        },
      },
      { github },
    );
    expect(known.branchProtection?.requiredApprovingReviews).toBe(2);
    expect(known.files).toEqual({
      codeowners: 'CODEOWNERS',
      securityPolicy: null,
      dependabot: '.github/dependabot.yml',
    });
    const d = decidePosture(known, DEFAULT_DEPS_POLICY, new Date('2026-11-22T00:00:00Z'));
    expect(d.findings.map((f) => f.ruleId)).toEqual(['posture-security-policy-missing']);
  });
});
