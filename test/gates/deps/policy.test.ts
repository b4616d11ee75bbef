import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEPENDENCIES_POLICY,
  DEFAULT_POSTURE_POLICY,
  parseDepsPolicyText,
} from '../../../src/gates/deps/policy-schema.js';
import { ConfigurationError } from '../../../src/runtime/errors.js';

function problems(text: string): string[] {
  try {
    parseDepsPolicyText(text, 'policies/gates.yml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    const e = err as ConfigurationError;
    return (e.problems.length > 0 ? e.problems : [e]).map((p) => p.message);
  }
  throw new Error('expected the policy to be rejected');
}

describe('the dependencies and posture sections', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_DEPENDENCIES_POLICY).toEqual({
      failOnSeverity: 'low',
      failOnScopes: ['runtime', 'unknown'],
      vulnerabilities: true,
      licenses: { check: true, unknown: 'warn' },
      allow: { advisories: [], packages: [] },
      deny: { packages: [] },
      fallback: 'lockfiles',
      waivers: [],
    });
    expect(DEFAULT_POSTURE_POLICY.failOn).toBe('never');
    expect(DEFAULT_POSTURE_POLICY.sensitivePaths).toContain('.github/workflows/**');
  });

  it('reads both sections of a gates policy and the lines of their waivers', () => {
    const text = [
      'kind: gates',
      'dependencies:',
      '  failOnSeverity: high',
      '  licenses:',
      '    allow: [MIT, Apache-2.0, GPL-2.0+]',
      '  waivers:',
      '    - advisory: GHSA-35jh-r3h4-6jhm',
      '      reason: not reachable',
      '      owner: "@acme/security"',
      '      expires: 2027-01-31',
      'posture:',
      '  failOn: high',
      '  requiredStatusChecks: [bellwether/gate]',
      '  waivers:',
      '    - rule: posture-security-policy-missing',
      '      reason: the org-wide policy applies',
      '      owner: "@acme/security"',
      '      expires: 2027-01-31',
      '',
    ].join('\n');
    const loaded = parseDepsPolicyText(text, 'policies/gates.yml');
    expect(loaded.dependencies.failOnSeverity).toBe('high');
    expect(loaded.dependencies.licenses.allow).toEqual(['MIT', 'Apache-2.0', 'GPL-2.0+']);
    expect(loaded.dependencies.waivers[0]?.expires).toBe('2027-01-31');
    expect(loaded.dependencyWaiverLines).toEqual([7]);
    expect(loaded.posture.failOn).toBe('high');
    expect(loaded.postureWaiverLines).toEqual([15]);
  });

  it('reads a file of kind dependencies with the section at its top', () => {
    const loaded = parseDepsPolicyText(
      'kind: dependencies\nfailOnSeverity: critical\nwaivers:\n  - package: pkg:npm/lodash\n    reason: r\n    owner: o\n    expires: "2027-01-01"\n',
      'deps.yml',
    );
    expect(loaded.dependencies.failOnSeverity).toBe('critical');
    expect(loaded.dependencyWaiverLines).toEqual([4]);
    expect(loaded.posture).toEqual(DEFAULT_POSTURE_POLICY);
  });

  it.each([
    ['dependencies:\n  failOnSeverity: severe\n', 'policies/gates.yml:2:19: dependencies.failOnSeverity:'],
    [
      'dependencies:\n  licenses:\n    allow: [MIT]\n    deny: [GPL-3.0-only]\n',
      'give licenses.allow or licenses.deny, not both',
    ],
    [
      'dependencies:\n  licenses:\n    allow: [MIT OR ISC]\n',
      'policies/gates.yml:3:13: dependencies.licenses.allow[0]: expected one SPDX license identifier',
    ],
    [
      'dependencies:\n  licenses:\n    deny: ["GPL-3.0 AND"]\n',
      'dependencies.licenses.deny[0]: expected one SPDX license identifier',
    ],
    [
      'dependencies:\n  licenses:\n    allow: [Apache-2.0, MTI]\n',
      'policies/gates.yml:3:25: dependencies.licenses.allow[1]: expected an SPDX license identifier: "MTI" is not on the SPDX License List; did you mean "MIT"',
    ],
    [
      'dependencies:\n  licenses:\n    deny: ["GPL-2.0-or-later WITH Classpath-exception"]\n',
      'is not an exception on the SPDX License List; did you mean "Classpath-exception-2.0"',
    ],
    [
      'dependencies:\n  allow:\n    advisories: [CVE-2021-23337]\n',
      'dependencies.allow.advisories[0]: expected a GitHub advisory id',
    ],
    ['dependencies:\n  deny:\n    packages: [lodash]\n', 'dependencies.deny.packages[0]: expected a package URL'],
    [
      'dependencies:\n  waivers:\n    - reason: r\n      owner: o\n      expires: 2027-01-01\n',
      'a dependency waiver must name a package, an advisory or both',
    ],
    [
      'dependencies:\n  waivers:\n    - package: pkg:npm/x\n      owner: o\n      expires: 2027-01-01\n',
      'dependencies.waivers[0].reason',
    ],
    [
      'dependencies:\n  waivers:\n    - package: pkg:npm/x\n      reason: r\n      owner: o\n      expires: 2027-02-30\n',
      'expected a real calendar date',
    ],
    [
      'dependencies:\n  waivers:\n    - package: pkg:npm/x\n      rule: dependency-vulnerabel\n      reason: r\n      owner: o\n      expires: 2027-01-01\n',
      'did you mean "dependency-vulnerable"',
    ],
    [
      'dependencies:\n  failOnScope: [runtime]\n',
      "policies/gates.yml:2:3: dependencies.failOnScope: unknown key 'failOnScope'",
    ],
    ['posture:\n  failOn: sometimes\n', 'posture.failOn'],
    [
      'kind: canary\nservice: api\n',
      'policies/gates.yml:1:7: kind: expected kind gates, dependencies or posture, got "canary"',
    ],
    [
      'posture:\n  waivers:\n    - rule: posture-no-such\n      reason: r\n      owner: o\n      expires: 2027-01-01\n',
      'unknown posture rule "posture-no-such"',
    ],
    [
      'posture:\n  environments:\n    - name: production\n      minWaitMinutes: -5\n',
      'posture.environments[0].minWaitMinutes',
    ],
  ])('rejects %j naming file, line and field', (text, message) => {
    expect(problems(text).join('\n')).toContain(message);
  });

  it('reports problems of both sections at once', () => {
    expect(problems('dependencies:\n  failOnSeverity: severe\nposture:\n  failOn: sometimes\n')).toHaveLength(2);
  });
});
