import { describe, expect, it } from 'vitest';
import { auditSource } from '../../src/gates/workflows/audit.js';
import { waiverExpired } from '../../src/gates/core/waiver.js';
import { baselineFingerprints, decideGate } from '../../src/gates/workflows/decide.js';
import { parseGatesPolicyText } from '../../src/gates/core/policy-load.js';
import { DEFAULT_GATES_POLICY, gatesPolicySchema } from '../../src/gates/core/policy-schema.js';

const NOW = new Date('2026-06-15T12:00:00Z');

const workflow = (extra = '') =>
  [
    'on: push',
    'permissions: {}',
    'jobs:',
    '  build:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    `      - uses: someone/tool@v1${extra}`,
    '      - run: npm install -g left-pad',
    '',
  ].join('\n');

const policy = (yaml: string) => parseGatesPolicyText(`kind: gates\n${yaml}`, 'policies/gates.yml');

describe('decideGate', () => {
  it('fails when a finding reaches the threshold and passes when none does', () => {
    const audits = [auditSource('.github/workflows/a.yml', workflow())];
    const strict = decideGate({ audits, policy: DEFAULT_GATES_POLICY, now: NOW });
    expect(strict).toMatchObject({ verdict: 'fail', blocking: 1, mode: 'full', failOn: 'high' });
    expect(strict.findings.map((f) => f.ruleId)).toEqual(['unpinned-uses', 'unpinned-tool-install']);
    const lax = decideGate({ audits, policy: policy('failOn: critical').policy, now: NOW });
    expect(lax).toMatchObject({ verdict: 'pass', blocking: 0 });
    expect(lax.findings).toHaveLength(2);
  });

  it('applies per-rule severity and disables rules', () => {
    const audits = [auditSource('.github/workflows/a.yml', workflow())];
    const p = policy(
      'rules:\n  unpinned-uses: { severity: low }\n  unpinned-tool-install: { enabled: false }\n',
    ).policy;
    const d = decideGate({ audits, policy: p, now: NOW });
    expect(d.findings.map((f) => [f.ruleId, f.severity])).toEqual([['unpinned-uses', 'low']]);
    expect(d.verdict).toBe('pass');
    expect(d.suppressed.map((s) => s.by)).toEqual(['disabled']);
  });

  it('honours an inline ignore with a reason on the line or the line before', () => {
    const sameLine = auditSource('a.yml', workflow(' # bellwether: ignore[unpinned-uses] vendored fork we control'));
    const d = decideGate({ audits: [sameLine], policy: DEFAULT_GATES_POLICY, now: NOW });
    expect(d.findings.map((f) => f.ruleId)).toEqual(['unpinned-tool-install']);
    expect(d.suppressed).toEqual([
      expect.objectContaining({ by: 'inline-ignore', reason: 'vendored fork we control' }),
    ]);

    const before = workflow().replace(
      '      - uses:',
      '      # bellwether: ignore[unpinned-tool-install, unpinned-uses] both reviewed\n      - uses:',
    );
    const d2 = decideGate({ audits: [auditSource('a.yml', before)], policy: DEFAULT_GATES_POLICY, now: NOW });
    expect(d2.findings.map((f) => f.ruleId)).toEqual(['unpinned-tool-install']);
  });

  it('refuses an inline ignore without a reason and reports it', () => {
    const a = auditSource('a.yml', workflow(' # bellwether: ignore[unpinned-uses]'));
    const d = decideGate({ audits: [a], policy: DEFAULT_GATES_POLICY, now: NOW });
    expect(d.findings.map((f) => [f.ruleId, f.line])).toEqual([
      ['unpinned-uses', 7],
      ['ignore-without-reason', 7],
      ['unpinned-tool-install', 8],
    ]);
  });

  it('applies a live waiver, and reports an expired one while the finding returns', () => {
    const audits = [auditSource('.github/workflows/a.yml', workflow())];
    const live = policy(
      'waivers:\n  - rule: unpinned-uses\n    file: .github/workflows/*.yml\n    reason: pinned upstream next sprint\n    owner: "@platform"\n    expires: 2026-06-15\n',
    );
    const d = decideGate({ audits, policy: live.policy, policySource: live, now: NOW });
    expect(d.verdict).toBe('pass');
    expect(d.suppressed[0]).toMatchObject({
      by: 'waiver',
      reason: 'pinned upstream next sprint (owner @platform, until 2026-06-15)',
    });

    const later = new Date('2026-06-16T00:00:00Z');
    const e = decideGate({ audits, policy: live.policy, policySource: live, now: later });
    expect(e.verdict).toBe('fail');
    expect(e.findings.map((f) => [f.ruleId, f.file, f.line])).toEqual([
      ['unpinned-uses', '.github/workflows/a.yml', 7],
      ['unpinned-tool-install', '.github/workflows/a.yml', 8],
      ['waiver-expired', 'policies/gates.yml', 3],
    ]);
  });

  it('reports an expired waiver without letting it block on its own, at any threshold', () => {
    // The one waiver rule of every family: what an expired waiver covered is
    // back and blocks on its own merits; the expired waiver itself is
    // reported so that its owner renews or removes it, and never fails a
    // change whose finding is already gone.
    const clean = [
      '.github/workflows/ok.yml',
      'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n',
    ] as const;
    const audits = [auditSource(clean[0], clean[1])];
    const p = policy(
      'failOn: low\nwaivers:\n  - rule: unpinned-uses\n    file: .github/workflows/*.yml\n    reason: r\n    owner: o\n    expires: 2026-01-01\n',
    );
    const d = decideGate({ audits, policy: p.policy, policySource: p, now: NOW });
    expect(d.findings.map((f) => [f.ruleId, f.file, f.line])).toEqual([['waiver-expired', 'policies/gates.yml', 4]]);
    expect(d).toMatchObject({ verdict: 'pass', blocking: 0 });
  });

  it('matches a waiver by fingerprint only for that finding', () => {
    const audits = [auditSource('a.yml', workflow())];
    const fp = audits[0]?.findings.find((f) => f.ruleId === 'unpinned-tool-install')?.fingerprint;
    const p = policy(
      `waivers:\n  - rule: unpinned-tool-install\n    fingerprint: ${fp}\n    reason: r\n    owner: o\n    expires: 2030-01-01\n`,
    ).policy;
    const d = decideGate({ audits, policy: p, now: NOW });
    expect(d.findings.map((f) => f.ruleId)).toEqual(['unpinned-uses']);
  });

  it('in diff mode reports only findings whose fingerprints are new', () => {
    const base = auditSource('a.yml', workflow());
    const baseline = new Set(base.findings.map((f) => f.fingerprint));
    // The same findings moved down two lines, plus a new one.
    const head = auditSource(
      'a.yml',
      workflow().replace('jobs:', '# comment\n# another\njobs:') + '      - run: pip install requests\n',
    );
    const d = decideGate({ audits: [head], policy: DEFAULT_GATES_POLICY, baseline, now: NOW });
    expect(d.mode).toBe('diff');
    expect(d.findings.map((f) => [f.ruleId, f.line])).toEqual([['unpinned-tool-install', 11]]);
    expect(d.suppressed.filter((s) => s.by === 'baseline')).toHaveLength(2);
  });
});

describe('fingerprints', () => {
  it('ignore indentation and line moves but tell two copies of the same mistake apart', () => {
    const one = auditSource('a.yml', workflow()).findings;
    const moved = auditSource('a.yml', `# header\n${workflow()}`).findings;
    expect(moved.map((f) => f.fingerprint)).toEqual(one.map((f) => f.fingerprint));
    const twice = auditSource('a.yml', `${workflow()}      - uses: someone/tool@v1\n`).findings.filter(
      (f) => f.ruleId === 'unpinned-uses',
    );
    expect(new Set(twice.map((f) => f.fingerprint)).size).toBe(2);
    const otherFile = auditSource('b.yml', workflow()).findings;
    expect(otherFile[0]?.fingerprint).not.toBe(one[0]?.fingerprint);
  });
});

describe('waiverExpired', () => {
  const w = gatesPolicySchema.parse({
    kind: 'gates',
    waivers: [{ rule: 'unpinned-uses', file: 'x', reason: 'r', owner: 'o', expires: '2026-06-15' }],
  }).waivers[0]!;
  it.each([
    ['2026-06-15T00:00:00Z', false],
    ['2026-06-15T23:59:59Z', false],
    ['2026-06-16T00:00:00Z', true],
  ])('at %s → %s', (now, expired) => {
    expect(waiverExpired(w, new Date(now))).toBe(expired);
  });
});

describe('baselineFingerprints', () => {
  it.each([
    [{ findings: [{ fingerprint: 'a' }, { fingerprint: 'b' }] }, ['a', 'b']],
    [
      ['a', 'c'],
      ['a', 'c'],
    ],
    [{ findings: [{ nope: 1 }] }, undefined],
    [{ other: [] }, undefined],
    [null, undefined],
  ])('%j', (json, expected) => {
    const got = baselineFingerprints(json);
    expect(got ? [...got] : undefined).toEqual(expected);
  });
});
