import { describe, expect, it } from 'vitest';
import { auditSource } from '../../src/gates/workflows/audit.js';
import { matchesPattern, pinPolicyFor } from '../../src/gates/workflows/audits/pinning.js';
import { DEFAULT_AUDIT_OPTIONS, type AuditOptions } from '../../src/gates/workflows/model.js';

const SHA = '8f4b7f84864484a7bf31766abe9204da3cbe65b3';

function uses(ref: string, options: Partial<AuditOptions> = {}): string[] {
  const text = `on: push\npermissions: {}\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${ref}\n`;
  return auditSource('.github/workflows/w.yml', text, options)
    .findings.filter((f) => f.ruleId !== 'checkout-persist-credentials')
    .map((f) => f.ruleId);
}

describe('matchesPattern', () => {
  it.each([
    ['actions/checkout', 'actions/*', true],
    ['actions/cache/restore', 'actions/*', true],
    ['Actions/Checkout', 'actions/checkout', true],
    ['actions-rs/cargo', 'actions/*', false],
    ['my-org/deploy', 'my-org/*', true],
    ['my-org/deploy', 'my-*/*', true],
    ['other/x', '*', true],
    ['other/x', 'my-org/*', false],
  ])('%s ~ %s → %s', (name, pattern, expected) => {
    expect(matchesPattern(name, pattern)).toBe(expected);
  });
});

describe('pin policy', () => {
  it('defaults: first-party by tag, everything else by SHA', () => {
    expect(pinPolicyFor('actions/checkout', DEFAULT_AUDIT_OPTIONS.pins)).toBe('ref-pin');
    expect(pinPolicyFor('github/codeql-action', DEFAULT_AUDIT_OPTIONS.pins)).toBe('ref-pin');
    expect(pinPolicyFor('someone/tool', DEFAULT_AUDIT_OPTIONS.pins)).toBe('hash-pin');
  });

  const orgPins: AuditOptions['pins'] = [
    { pattern: 'my-org/*', policy: 'any' },
    { pattern: 'actions/*', policy: 'hash-pin' },
    { pattern: '*', policy: 'ref-pin' },
  ];
  it.each([
    ['actions/checkout@v4', DEFAULT_AUDIT_OPTIONS.pins, []],
    ['someone/tool@v4', DEFAULT_AUDIT_OPTIONS.pins, ['unpinned-uses']],
    [`someone/tool@${SHA}`, DEFAULT_AUDIT_OPTIONS.pins, []],
    [`someone/tool@${SHA.slice(0, 12)}`, DEFAULT_AUDIT_OPTIONS.pins, ['unpinned-uses']],
    ['someone/tool/sub/path@v1', DEFAULT_AUDIT_OPTIONS.pins, ['unpinned-uses']],
    ['someone/repo/.github/workflows/ci.yml@main', DEFAULT_AUDIT_OPTIONS.pins, ['unpinned-uses']],
    ['my-org/deploy@main', orgPins, []],
    ['actions/checkout@v4', orgPins, ['unpinned-uses']],
    ['someone/tool@v4', orgPins, []],
    ['someone/tool', orgPins, ['unpinned-uses']],
    ['docker://ghcr.io/o/i@sha256:' + 'a'.repeat(64), DEFAULT_AUDIT_OPTIONS.pins, []],
    ['docker://ghcr.io/o/i', DEFAULT_AUDIT_OPTIONS.pins, ['unpinned-image']],
    ['./.github/actions/local', DEFAULT_AUDIT_OPTIONS.pins, ['self-repository']],
    // GitHub's self-repository reference: this repository at the run's commit, pinned by construction.
    ['$/.github/actions/local', DEFAULT_AUDIT_OPTIONS.pins, []],
    ['$/.github/workflows/reusable.yml', DEFAULT_AUDIT_OPTIONS.pins, []],
    ['$/.github/actions/local', [{ pattern: '*', policy: 'hash-pin' as const }], []],
  ])('%s', (ref, pins, expected) => {
    expect(uses(ref, { pins })).toEqual(expected);
  });
});

describe('allow and deny lists', () => {
  it.each([
    ['actions/checkout@v4', { allow: ['actions/*', 'my-org/*'] }, []],
    [`someone/tool@${SHA}`, { allow: ['actions/*', 'my-org/*'] }, ['forbidden-uses']],
    [`someone/tool@${SHA}`, { deny: ['someone/*'] }, ['forbidden-uses']],
    [`someone/tool@${SHA}`, { allow: ['*'], deny: ['someone/tool'] }, ['forbidden-uses']],
    [`someone/tool@${SHA}`, {}, []],
  ])('%s with %j', (ref, options, expected) => {
    expect(uses(ref, options)).toEqual(expected);
  });
});

describe('version comments', () => {
  it.each([
    [`someone/tool@${SHA} # v1.2.3`, []],
    [`someone/tool@${SHA} # tag=v1.2.3`, []],
    [`someone/tool@${SHA} # main`, ['version-comment-mismatch']],
    [`someone/tool@${SHA} # pinned by the release team`, []],
    ['actions/checkout@v4 # v4', []],
    ['actions/checkout@v4.1.0 # 4.1.0', []],
    ['actions/checkout@v4 # v3', ['version-comment-mismatch']],
    ['actions/checkout@v4 # v4.2.2', []],
    ['actions/checkout@v4.2.2 # v4', []],
    ['actions/checkout@v4.2.2 # v4.2.1', ['version-comment-mismatch']],
    ['actions/checkout@main # v4', []],
  ])('%s', (ref, expected) => {
    expect(uses(ref)).toEqual(expected);
  });
});
