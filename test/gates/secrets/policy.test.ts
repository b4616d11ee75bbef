import { describe, expect, it } from 'vitest';
import { decideSecrets } from '../../../src/gates/secrets/decide.js';
import { DEFAULT_SECRETS_POLICY, parseSecretsPolicyText, pathAllowed } from '../../../src/gates/secrets/policy.js';
import type { SecretFinding } from '../../../src/gates/secrets/secret-finding.js';
import { ConfigurationError } from '../../../src/runtime/errors.js';

function finding(over: Partial<SecretFinding> = {}): SecretFinding {
  return {
    ruleId: 'github-pat',
    severity: 'critical',
    confidence: 'high',
    file: 'src/a.ts',
    line: 3,
    column: 1,
    endLine: 3,
    endColumn: 41,
    message: 'GitHub personal access token ghp_*** (40 chars) in src/a.ts.',
    fix: 'Revoke it.',
    equivalents: {},
    fingerprint: 'a'.repeat(32),
    snippet: 'ghp_*** (40 chars)',
    secret: { redacted: 'ghp_*** (40 chars)', length: 40 },
    ...over,
  };
}

function problems(text: string): string[] {
  try {
    parseSecretsPolicyText(text, 'policies/gates.yml');
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    return err.problems.length > 0 ? err.problems.map((p) => p.message) : [err.message];
  }
  return [];
}

describe('secrets policy', () => {
  it('reads the secrets section of a gates policy, with defaults', () => {
    const { policy } = parseSecretsPolicyText(
      [
        'kind: gates',
        'failOn: high',
        'secrets:',
        '  failOn: high',
        '  disable: [json-web-token]',
        '  allow:',
        "    paths: ['test/fixtures/**']",
      ].join('\n'),
      'p.yml',
    );
    expect(policy).toMatchObject({
      failOn: 'high',
      disable: ['json-web-token'],
      allow: { paths: ['test/fixtures/**'], lockFiles: true },
    });
  });

  it('reads a file of kind secrets', () => {
    const { policy } = parseSecretsPolicyText('kind: secrets\nstopWords: [sandbox]\n', 'p.yml');
    expect(policy.stopWords).toEqual(['sandbox']);
  });

  it('uses the defaults when the file has no secrets section', () => {
    expect(parseSecretsPolicyText('kind: gates\n', 'p.yml').policy).toEqual(DEFAULT_SECRETS_POLICY);
  });

  it.each([
    [
      'an unknown rule, with a suggestion',
      'secrets:\n  disable: [github-pta]\n',
      /policies\/gates\.yml:2:.*secrets\.disable\[0\]: unknown secret rule "github-pta".*github-pat/,
    ],
    [
      'an unknown key at its line',
      'secrets:\n  allow:\n    pathz: []\n',
      /policies\/gates\.yml:3:.*secrets\.allow\.pathz: unknown key 'pathz'/,
    ],
    [
      'an invalid regular expression',
      "secrets:\n  allow:\n    patterns: ['(']\n",
      /:3:.*secrets\.allow\.patterns\[0\]: expected a valid regular expression/,
    ],
    ['a bad severity', 'secrets:\n  failOn: severe\n', /:2:.*secrets\.failOn/],
    [
      'a waiver without a reason',
      'secrets:\n  waivers:\n    - { rule: github-pat, file: a.ts, owner: me, expires: 2026-12-01 }\n',
      /:3:.*secrets\.waivers\[0\]\.reason/,
    ],
    ['YAML that does not parse', 'secrets: [\n', /policies\/gates\.yml:/],
    [
      'a secrets setting at the top level of a file without a kind',
      'failOn: high\ndisable: [json-web-token]\n',
      /policies\/gates\.yml:2:.*disable: 'disable' is a secrets setting at the top level; put it under a `secrets:` section, or add `kind: secrets`/,
    ],
  ])('names file, line and field for %s', (_name, text, want) => {
    const found = problems(text);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toMatch(want);
  });

  it('allows lock files by default and policy globs', () => {
    expect(pathAllowed(DEFAULT_SECRETS_POLICY, 'web/package-lock.json')).toBe(true);
    expect(pathAllowed(DEFAULT_SECRETS_POLICY, 'src/app.ts')).toBe(false);
    const { policy } = parseSecretsPolicyText(
      "secrets:\n  allow:\n    paths: ['test/fixtures/**']\n    lockFiles: false\n",
      'p.yml',
    );
    expect(pathAllowed(policy, './test/fixtures/keys/a.pem')).toBe(true);
    expect(pathAllowed(policy, 'package-lock.json')).toBe(false);
  });
});

describe('decideSecrets', () => {
  const now = new Date('2026-11-22T12:00:00Z');
  const load = (yaml: string) => parseSecretsPolicyText(yaml, 'p.yml');

  it.each([
    { name: 'no findings pass', yaml: '', findings: [], verdict: 'pass', kept: 0 },
    {
      name: 'any secret fails by default',
      yaml: '',
      findings: [finding({ severity: 'low' })],
      verdict: 'fail',
      kept: 1,
    },
    {
      name: 'below the threshold passes but is listed',
      yaml: 'secrets: { failOn: high }',
      findings: [finding({ severity: 'medium' })],
      verdict: 'pass',
      kept: 1,
    },
    {
      name: 'an accepted fingerprint is set aside',
      yaml: `secrets: { allow: { fingerprints: ['${'a'.repeat(32)}'] } }`,
      findings: [finding()],
      verdict: 'pass',
      kept: 0,
    },
    {
      name: 'a live waiver is set aside',
      yaml: 'secrets:\n  waivers:\n    - { rule: github-pat, file: "src/**", reason: rotating, owner: sec, expires: 2026-11-22 }',
      findings: [finding()],
      verdict: 'pass',
      kept: 0,
    },
    {
      name: 'a waiver for another rule does nothing',
      yaml: 'secrets:\n  waivers:\n    - { rule: npm-access-token, file: "src/**", reason: r, owner: o, expires: 2027-01-01 }',
      findings: [finding()],
      verdict: 'fail',
      kept: 1,
    },
    {
      name: 'an expired waiver no longer applies',
      yaml: 'secrets:\n  waivers:\n    - { rule: github-pat, file: "src/**", reason: r, owner: o, expires: 2026-11-21 }',
      findings: [finding()],
      verdict: 'fail',
      kept: 1,
    },
  ])('$name', ({ yaml, findings, verdict, kept }) => {
    const d = decideSecrets(findings, load(yaml), now);
    expect(d.verdict).toBe(verdict);
    expect(d.findings).toHaveLength(kept);
    expect(d.suppressed).toHaveLength(findings.length - kept);
  });

  it('reports every expired waiver, also one that matched nothing in this scan', () => {
    const d = decideSecrets(
      [],
      load(
        'secrets:\n  waivers:\n    - { rule: github-pat, file: "src/**", reason: r, owner: o, expires: 2026-01-01 }',
      ),
      now,
    );
    expect(d.verdict).toBe('pass');
    expect(d.expiredWaivers).toEqual([{ rule: 'github-pat', expires: '2026-01-01', owner: 'o', line: 3 }]);
  });

  it('reports an expired waiver that matched, at its line in the policy', () => {
    const d = decideSecrets(
      [finding()],
      load(
        'secrets:\n  waivers:\n    - { rule: github-pat, fingerprint: "' +
          'a'.repeat(32) +
          '", reason: r, owner: o, expires: 2026-01-01 }',
      ),
      now,
    );
    expect(d.expiredWaivers).toEqual([{ rule: 'github-pat', expires: '2026-01-01', owner: 'o', line: 3 }]);
  });
});
