import { describe, expect, it } from 'vitest';
import { decideDependencies } from '../../../src/gates/deps/decide.js';
import { advisorySeverity } from '../../../src/gates/deps/review.js';
import { change, depsPolicy, vuln } from './helpers.js';

const NOW = new Date('2026-11-22T12:00:00Z');

describe('vulnerability severity threshold', () => {
  it.each([
    ['low', 'low', true],
    ['low', 'moderate', false],
    ['moderate', 'low', true],
    ['moderate', 'moderate', true],
    ['moderate', 'high', false],
    ['high', 'moderate', true],
    ['high', 'high', true],
    ['high', 'critical', false],
    ['critical', 'critical', true],
    ['CRITICAL', 'high', true],
    ['something-new', 'critical', true],
  ] as const)('a %s advisory with failOnSeverity %s blocks: %s', (severity, failOnSeverity, blocks) => {
    const d = decideDependencies({
      changes: [change({ vulnerabilities: [vuln(severity)] })],
      policy: depsPolicy({ failOnSeverity }),
      now: NOW,
    });
    expect(d.findings).toHaveLength(1);
    expect(d.findings[0]).toMatchObject({
      ruleId: 'dependency-vulnerable',
      blocking: blocks,
      subject: 'pkg:npm/left-pad@1.3.0',
    });
    expect(d.verdict).toBe(blocks ? 'fail' : 'pass');
  });

  it.each([
    ['low', 'low'],
    ['moderate', 'medium'],
    ['high', 'high'],
    ['critical', 'critical'],
    ['bogus', undefined],
  ])('maps GitHub severity %s to %s', (github, ours) => {
    expect(advisorySeverity(github)).toBe(ours);
  });

  it('reports each advisory of a package, with its id in the message and the fingerprint', () => {
    const d = decideDependencies({
      changes: [change({ vulnerabilities: [vuln('high', 'GHSA-35jh-r3h4-6jhm'), vuln('low', 'GHSA-29mw-wpgm-hmr9')] })],
      policy: depsPolicy({ failOnSeverity: 'high' }),
      now: NOW,
    });
    expect(d.findings.map((f) => [f.dependency?.advisory?.ghsaId, f.blocking])).toEqual([
      ['GHSA-35jh-r3h4-6jhm', true],
      ['GHSA-29mw-wpgm-hmr9', false],
    ]);
    expect(new Set(d.findings.map((f) => f.fingerprint)).size).toBe(2);
    expect(d.findings[0]?.message).toContain('GHSA-35jh-r3h4-6jhm (high severity)');
  });

  it('judges only added dependencies: a removed vulnerable one is no finding', () => {
    const d = decideDependencies({
      changes: [change({ changeType: 'removed', vulnerabilities: [vuln('critical')] })],
      policy: depsPolicy({}),
      now: NOW,
    });
    expect(d.findings).toEqual([]);
    expect(d.verdict).toBe('pass');
    expect(d.notes[0]).toContain('0 added and 1 removed');
  });

  it('does not look at vulnerabilities when the policy turns them off', () => {
    const d = decideDependencies({
      changes: [change({ vulnerabilities: [vuln('critical')] })],
      policy: depsPolicy({ vulnerabilities: false }),
      now: NOW,
    });
    expect(d.findings).toEqual([]);
  });
});

describe('scopes', () => {
  it.each([
    ['runtime', undefined, true],
    ['unknown', undefined, true],
    ['development', undefined, false],
    ['development', ['development'], true],
    ['runtime', ['development'], false],
  ] as const)('a %s dependency with failOnScopes %j blocks: %s', (scope, failOnScopes, blocks) => {
    const d = decideDependencies({
      changes: [change({ scope, vulnerabilities: [vuln('high')] })],
      policy: depsPolicy(failOnScopes ? { failOnScopes } : {}),
      now: NOW,
    });
    expect(d.findings[0]?.blocking).toBe(blocks);
    if (!blocks) expect(d.findings[0]?.message).toContain(`${scope} scope, which the policy does not fail on`);
  });
});

describe('licenses', () => {
  it.each([
    [{ allow: ['MIT', 'Apache-2.0'] }, 'MIT OR GPL-3.0-only', undefined],
    [{ allow: ['MIT', 'Apache-2.0'] }, 'MIT AND GPL-3.0-only', 'dependency-license-not-allowed'],
    [{ allow: ['MIT', 'GPL-2.0+'] }, 'GPL-3.0-only', undefined],
    [{ deny: ['GPL-3.0-only'] }, 'MIT OR GPL-3.0-only', undefined],
    [{ deny: ['GPL-3.0-only'] }, 'GPL-3.0-or-later', 'dependency-license-denied'],
    [{ deny: ['AGPL-3.0-only'] }, 'AGPL-3.0', 'dependency-license-denied'],
    [{}, 'Totally Not SPDX!', 'dependency-license-invalid'],
    [{}, null, 'dependency-license-unknown'],
    [{ allow: ['MIT'] }, 'NOASSERTION', 'dependency-license-unknown'],
  ] as const)('%j with license %j gives %s', (licenses, license, rule) => {
    const d = decideDependencies({ changes: [change({ license })], policy: depsPolicy({ licenses }), now: NOW });
    expect(d.findings.map((f) => f.ruleId)).toEqual(rule ? [rule] : []);
  });

  it.each([
    ['fail', 1, true],
    ['warn', 1, false],
    ['allow', 0, false],
  ] as const)('unknown licenses under %s: %i finding(s), blocking %s', (unknown, count, blocking) => {
    const d = decideDependencies({
      changes: [change({ license: null }), change({ name: 'b', license: 'MIT OR' })],
      policy: depsPolicy({ licenses: { unknown } }),
      now: NOW,
    });
    expect(d.findings).toHaveLength(count * 2);
    expect(d.findings.every((f) => f.blocking === blocking)).toBe(true);
    expect(d.verdict).toBe(blocking ? 'fail' : 'pass');
  });

  it.each([
    [
      'a license truncated by GitHub at 255 characters',
      `${'(MIT OR ISC) AND '.repeat(15)}(MIT OR`,
      /expected a license/,
    ],
    [
      'an expression with more alternatives than Bellwether evaluates',
      Array.from({ length: 13 }, (_, i) => `(A${i} OR B${i})`).join(' AND '),
      /too many alternatives/,
    ],
    [
      'parentheses nested a hundred thousand deep',
      `${'('.repeat(100000)}MIT${')'.repeat(100000)}`,
      /nested deeper than 64/,
    ],
  ])('%s is an invalid-license finding, not a crash', (_name, license, message) => {
    const d = decideDependencies({
      changes: [change({ license })],
      policy: depsPolicy({ licenses: { allow: ['MIT'] } }),
      now: NOW,
    });
    expect(d.findings.map((f) => f.ruleId)).toEqual(['dependency-license-invalid']);
    expect(d.findings[0]?.message).toMatch(message);
    expect(d.findings[0]?.message.length).toBeLessThan(600);
  });

  it('skips the license check when it is off', () => {
    const d = decideDependencies({
      changes: [change({ license: 'GPL-3.0-only' })],
      policy: depsPolicy({ licenses: { check: false, deny: ['GPL-3.0-only'] } }),
      now: NOW,
    });
    expect(d.findings).toEqual([]);
  });

  it('says which denied licenses cannot be avoided', () => {
    const d = decideDependencies({
      changes: [change({ license: 'AGPL-3.0-only OR GPL-3.0-only' })],
      policy: depsPolicy({ licenses: { deny: ['GPL-3.0-only', 'AGPL-3.0-only'] } }),
      now: NOW,
    });
    expect(d.findings[0]?.message).toContain('every way to use it accepts AGPL-3.0-only or GPL-3.0-only');
  });
});

describe('allow and deny lists of packages and advisories', () => {
  it('denies packages by purl pattern, whole scopes and exact versions', () => {
    const policy = depsPolicy({
      deny: { packages: ['pkg:npm/@evil/*', 'pkg:npm/event-stream@3.3.6', 'pkg:pypi/requests'] },
    });
    const changes = [
      change({ name: '@evil/tool', packageUrl: 'pkg:npm/%40evil/tool@1.0.0', version: '1.0.0' }),
      change({ name: 'event-stream', version: '3.3.6' }),
      change({ name: 'event-stream', version: '3.3.5' }),
      change({ name: 'requests', ecosystem: 'pip', packageUrl: null, version: '2.31.0', manifest: 'requirements.txt' }),
      change({ name: '@good/tool', packageUrl: 'pkg:npm/%40good/tool@1.0.0', version: '1.0.0' }),
    ];
    const d = decideDependencies({ changes, policy, now: NOW });
    expect(
      d.findings
        .filter((f) => f.ruleId === 'dependency-denied')
        .map((f) => f.subject)
        .sort(),
    ).toEqual(['pkg:npm/@evil/tool@1.0.0', 'pkg:npm/event-stream@3.3.6', 'pkg:pypi/requests@2.31.0']);
    expect(d.verdict).toBe('fail');
  });

  it('sets aside allowed advisories, and keeps the others', () => {
    const d = decideDependencies({
      changes: [
        change({ vulnerabilities: [vuln('high', 'GHSA-35jh-r3h4-6jhm'), vuln('high', 'GHSA-29mw-wpgm-hmr9')] }),
      ],
      policy: depsPolicy({ allow: { advisories: ['GHSA-35JH-R3H4-6JHM'] } }),
      now: NOW,
    });
    expect(d.findings.map((f) => f.dependency?.advisory?.ghsaId)).toEqual(['GHSA-29mw-wpgm-hmr9']);
    expect(d.suppressed).toMatchObject([{ by: 'allow-list', reason: 'GHSA-35jh-r3h4-6jhm is in allow.advisories' }]);
  });

  it('exempts allowed packages from the license check but not from advisories', () => {
    const d = decideDependencies({
      changes: [
        change({
          name: '@acme/ui',
          packageUrl: 'pkg:npm/%40acme/ui@2.1.0',
          license: 'LicenseRef-Acme',
          vulnerabilities: [vuln('high')],
        }),
      ],
      policy: depsPolicy({ licenses: { allow: ['MIT'] }, allow: { packages: ['pkg:npm/@acme/*'] } }),
      now: NOW,
    });
    expect(d.findings.map((f) => f.ruleId)).toEqual(['dependency-vulnerable']);
    expect(d.suppressed.map((s) => s.finding.ruleId)).toEqual(['dependency-license-not-allowed']);
  });
});

describe('waivers and their expiry', () => {
  const waiver = {
    package: 'pkg:npm/left-pad',
    advisory: 'GHSA-35jh-r3h4-6jhm',
    reason: 'not reachable from our code',
    owner: '@acme/security',
    expires: '2026-11-22',
  };

  it.each([
    ['2026-11-22T23:59:59Z', true],
    ['2026-11-23T00:00:00Z', false],
  ])('a waiver whose last day is 2026-11-22 applies at %s: %s', (now, applies) => {
    const d = decideDependencies({
      changes: [change({ vulnerabilities: [vuln('high')] })],
      policy: depsPolicy({ waivers: [waiver] }, { file: 'gates.yml', dependencyWaiverLines: [7] }),
      now: new Date(now),
    });
    if (applies) {
      expect(d.verdict).toBe('pass');
      expect(d.suppressed).toMatchObject([
        { by: 'waiver', reason: 'not reachable from our code (owner @acme/security, until 2026-11-22)' },
      ]);
    } else {
      expect(d.verdict).toBe('fail');
      expect(d.findings.map((f) => [f.ruleId, f.blocking])).toEqual([
        ['dependency-vulnerable', true],
        ['dependency-waiver-expired', false],
      ]);
      expect(d.findings[1]).toMatchObject({ file: 'gates.yml', line: 7, located: true });
      expect(d.findings[1]?.message).toContain('owned by @acme/security expired on 2026-11-22');
    }
  });

  it.each([
    [{ advisory: 'GHSA-35jh-r3h4-6jhm' }, true],
    [{ advisory: 'GHSA-29mw-wpgm-hmr9' }, false],
    [{ package: 'pkg:npm/left-pad' }, true],
    [{ package: 'pkg:npm/left-pad@1.3.0' }, true],
    [{ package: 'pkg:npm/left-pad@1.2.0' }, false],
    [{ package: 'pkg:npm/right-pad' }, false],
    [{ package: 'pkg:npm/left-pad', rule: 'dependency-license-denied' }, false],
    [{ package: 'pkg:npm/left-pad', rule: 'dependency-vulnerable' }, true],
  ])('a waiver scoped %j covers the advisory: %s', (scope, covers) => {
    const d = decideDependencies({
      changes: [change({ vulnerabilities: [vuln('high')] })],
      policy: depsPolicy({ waivers: [{ ...scope, reason: 'r', owner: 'o', expires: '2027-01-01' }] }),
      now: NOW,
    });
    expect(d.verdict).toBe(covers ? 'pass' : 'fail');
  });
});
