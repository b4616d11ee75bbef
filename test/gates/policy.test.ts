import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependenciesPolicySchema, posturePolicySchema } from '../../src/gates/deps/policy-schema.js';
import { loadGatesPolicyFile, parseGatesPolicyText } from '../../src/gates/core/policy-load.js';
import { DEFAULT_GATES_POLICY } from '../../src/gates/core/policy-schema.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { nodeFiles } from '../../src/runtime/files.js';

function problems(text: string): Array<{ line?: number; field?: string; message: string }> {
  try {
    parseGatesPolicyText(text, 'gates.yml');
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    const list = err.problems.length > 0 ? err.problems : [err];
    return list.map((p) => ({ line: p.location.line, field: p.location.field, message: p.message }));
  }
  return [];
}

describe('gates policy', () => {
  it('has documented defaults', () => {
    expect(DEFAULT_GATES_POLICY).toEqual({
      kind: 'gates',
      version: 1,
      failOn: 'high',
      rules: {},
      pins: [
        { pattern: 'actions/*', policy: 'ref-pin' },
        { pattern: 'github/*', policy: 'ref-pin' },
        { pattern: '*', policy: 'hash-pin' },
      ],
      allow: [],
      deny: [],
      waivers: [],
      maxFileBytes: 1048576,
      // The dependency and posture families fill in their own defaults; secrets reads its section when given.
      dependencies: dependenciesPolicySchema.parse({}),
      posture: posturePolicySchema.parse({}),
    });
  });

  it('reads a full policy, unquoted dates included', () => {
    const { policy, waiverLines } = parseGatesPolicyText(
      [
        'kind: gates',
        'failOn: medium',
        'pins:',
        '  - { pattern: "my-org/*", policy: ref-pin }',
        '  - { pattern: "*", policy: hash-pin }',
        'allow: ["actions/*", "my-org/*"]',
        'waivers:',
        '  - rule: unpinned-uses',
        '    file: .github/workflows/legacy.yml',
        '    reason: replaced by the new pipeline in Q3',
        '    owner: "@release-team"',
        '    expires: 2026-09-30',
        '',
      ].join('\n'),
      'gates.yml',
    );
    expect(policy.failOn).toBe('medium');
    expect(policy.allow).toEqual(['actions/*', 'my-org/*']);
    expect(policy.waivers[0]?.expires).toBe('2026-09-30');
    expect(waiverLines).toEqual([8]);
  });

  it.each([
    [
      'kind: gates\nfailOn: severe\n',
      [
        {
          line: 2,
          field: 'failOn',
          message: 'gates.yml:2: failOn: expected one of info, low, medium, high, critical, got "severe"',
        },
      ],
    ],
    [
      'kind: gates\nrules:\n  no-such-rule: { enabled: false }\n',
      [
        {
          line: 3,
          field: 'rules.no-such-rule',
          message: 'gates.yml:3: rules.no-such-rule: unknown key "no-such-rule"',
        },
      ],
    ],
    [
      'kind: gates\nfailon: low\n',
      [{ line: 2, field: 'failon', message: 'gates.yml:2: failon: unknown key "failon"; did you mean "failOn"?' }],
    ],
    ['kind: gates\npins:\n  - { pattern: "*", policy: sha }\n', [{ line: 3, field: 'pins[0].policy' }]],
    [
      'kind: gates\nwaivers:\n  - rule: unpinned-uses\n    file: x\n    reason: ""\n    owner: o\n    expires: 2026-02-30\n',
      [
        { line: 5, field: 'waivers[0].reason' },
        { line: 7, field: 'waivers[0].expires' },
      ],
    ],
    [
      'kind: gates\nwaivers:\n  - { rule: unpinned-uses, reason: r, owner: o, expires: 2026-01-01 }\n',
      [{ line: 3, field: 'waivers[0]' }],
    ],
    ['kind: canary\n', [{ line: 1, field: 'kind' }]],
    ['kind: gates\nfailOn: high\nfailOn: low\n', [{ line: 3 }]],
  ])('rejects %j naming line and field', (text, expected) => {
    const got = problems(text);
    expect(got).toHaveLength(expected.length);
    expected.forEach((e, i) => expect(got[i]).toMatchObject(e));
  });
});

describe('policies/gates.yml', () => {
  it('writes out exactly the schema defaults', async () => {
    const shipped = await loadGatesPolicyFile(
      join(import.meta.dirname, '..', '..', 'policies', 'gates.yml'),
      nodeFiles,
    );
    expect(shipped.policy).toEqual(DEFAULT_GATES_POLICY);
  });
});
