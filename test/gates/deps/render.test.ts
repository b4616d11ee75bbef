import { describe, expect, it } from 'vitest';
import { decideDependencies } from '../../../src/gates/deps/decide.js';
import { renderJson, renderMarkdown, renderText } from '../../../src/gates/deps/render.js';
import { depsSarifRun } from '../../../src/gates/deps/sarif.js';
import { sarifLog } from '../../../src/report/sarif.js';
import { DEFAULT_DEPS_POLICY, posturePolicySchema } from '../../../src/gates/deps/policy-schema.js';
import { decidePosture } from '../../../src/gates/posture/decide.js';
import { change, depsPolicy, vuln } from './helpers.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const deps = decideDependencies({
  changes: [
    change({
      name: 'pipe|name',
      version: '1.0.0',
      packageUrl: 'pkg:npm/pipe%7Cname@1.0.0',
      vulnerabilities: [vuln('critical')],
    }),
    change({ name: 'dev-tool', scope: 'development', license: null }),
    change({ name: 'ok', vulnerabilities: [vuln('low', 'GHSA-29mw-wpgm-hmr9')] }),
  ],
  policy: depsPolicy({ failOnSeverity: 'high', allow: { advisories: ['GHSA-29mw-wpgm-hmr9'] } }),
  now: NOW,
});
const posture = decidePosture(
  {
    defaultBranch: 'main',
    branchProtection: null,
    files: { codeowners: null, securityPolicy: 'SECURITY.md', dependabot: '.github/dependabot.yml' },
    workflowPermissions: { defaultPermissions: 'read', canApprovePullRequestReviews: false },
    changedFiles: [{ path: 'bin/tool.exe', status: 'added' }],
  },
  { ...DEFAULT_DEPS_POLICY, posture: posturePolicySchema.parse({ failOn: 'high' }) },
  NOW,
);

describe('rendering', () => {
  it('text: one line per finding with its place, the fix, what was set aside and the verdict', () => {
    const text = renderText([deps]);
    expect(text.split('\n')).toEqual([
      'package-lock.json:1:1: critical blocking [dependency-vulnerable] pipe|name@1.0.0 (npm, package-lock.json) has GHSA-35jh-r3h4-6jhm (critical severity): summary of GHSA-35jh-r3h4-6jhm.',
      '  fix: Upgrade to a version the advisory lists as patched, or waive the advisory with an owner, a reason and an expiry.',
      'package-lock.json:1:1: medium [dependency-license-unknown] dev-tool@1.3.0 (npm, package-lock.json) has no known license (development scope, which the policy does not fail on).',
      '  fix: Check the license by hand; add the package to allow.packages once reviewed.',
      'set aside (allow-list): [dependency-vulnerable] pkg:npm/ok@1.3.0: GHSA-29mw-wpgm-hmr9 is in allow.advisories',
      'note: 3 added and 0 removed dependencies',
      'note: fails on high or worse advisories in runtime, unknown scope',
      'FAIL: Dependency review: 2 finding(s), 1 blocking, 1 set aside.',
      '',
    ]);
  });

  it('text: repository settings have no file', () => {
    expect(renderText([posture])).toContain(
      '(repository): high blocking [posture-branch-unprotected] the default branch main has no branch protection.',
    );
  });

  it('markdown: one table per family, pipes escaped, set-aside findings folded', () => {
    const md = renderMarkdown([deps, posture]);
    expect(md).toContain('### ❌ Dependency review: fail');
    expect(md).toContain(
      '| ❌ | critical | `dependency-vulnerable` | pkg:npm/pipe\\|name@1.0.0 | package-lock.json:1 |',
    );
    expect(md).toContain('| ⚠️ | medium | `dependency-license-unknown` |');
    expect(md).toContain('<details><summary>Set aside</summary>');
    expect(md).toContain('### ❌ Repository posture: fail');
    expect(md).toContain('| settings |');
    expect(md).toContain('| ⚠️ | medium | `posture-binary-added` | bin/tool.exe | bin/tool.exe:1 |');
  });

  it('json: the overall verdict and every decision', () => {
    const json = JSON.parse(renderJson([deps, posture]));
    expect(json.verdict).toBe('fail');
    expect(json.decisions.map((d: { family: string }) => d.family)).toEqual(['dependencies', 'posture']);
  });

  it('sarif: only findings with a place in a file', () => {
    const log = sarifLog([depsSarifRun([deps, posture])]);
    const results = log.runs[0]?.results ?? [];
    expect(results.map((r) => `${r.ruleId} ${r.locations[0]?.physicalLocation.artifactLocation.uri}`)).toEqual([
      'dependency-vulnerable package-lock.json',
      'dependency-license-unknown package-lock.json',
      'posture-binary-added bin/tool.exe',
    ]);
  });
});
