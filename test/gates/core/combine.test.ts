import { describe, expect, it } from 'vitest';
import { decideDependencies } from '../../../src/gates/deps/decide.js';
import { DEFAULT_DEPS_POLICY } from '../../../src/gates/deps/policy-schema.js';
import {
  combine,
  errorResult,
  renderVerdictMarkdown,
  resultOf,
  type GateResult,
} from '../../../src/gates/core/combine.js';
import { decideGate } from '../../../src/gates/workflows/decide.js';
import { DEFAULT_GATES_POLICY } from '../../../src/gates/core/policy-schema.js';
import { decideSecrets } from '../../../src/gates/secrets/decide.js';
import { DEFAULT_SECRETS_POLICY } from '../../../src/gates/secrets/policy.js';
import { decidePosture } from '../../../src/gates/posture/decide.js';
import { change, vuln } from '../deps/helpers.js';

const pass = (family: GateResult['family']): GateResult => ({ family, verdict: 'pass', blocking: 0, findings: [] });

describe('one verdict per pull request', () => {
  it('passes when every family passes', () => {
    const v = combine([pass('workflows'), pass('secrets'), pass('dependencies'), pass('posture')]);
    expect(v.verdict).toBe('pass');
    expect(v.reasons).toEqual(['workflows: passed', 'secrets: passed', 'dependencies: passed', 'posture: passed']);
  });

  it('fails on a failing family and names its rules, failing families first', () => {
    const deps = decideDependencies({
      changes: [change({ vulnerabilities: [vuln('high'), vuln('critical', 'GHSA-29mw-wpgm-hmr9')] })],
      policy: DEFAULT_DEPS_POLICY,
      now: new Date('2026-11-22T00:00:00Z'),
    });
    const v = combine([pass('workflows'), pass('secrets'), resultOf('dependencies', deps), pass('posture')]);
    expect(v.verdict).toBe('fail');
    expect(v.reasons[0]).toBe('dependencies: 2 blocking finding(s) (dependency-vulnerable ×2)');
  });

  it.each<[string, GateResult[], Parameters<typeof combine>[1], string | undefined]>([
    [
      'a family that could not run',
      [pass('workflows'), pass('secrets'), errorResult('dependencies', 'GitHub answered 403'), pass('posture')],
      undefined,
      'dependencies: could not run (GitHub answered 403), so it cannot pass',
    ],
    [
      'a missing required family',
      [pass('workflows'), pass('secrets'), pass('dependencies')],
      undefined,
      'posture: did not run',
    ],
    [
      'only the families asked for',
      [pass('workflows'), pass('secrets')],
      { required: ['workflows', 'secrets'] },
      undefined,
    ],
  ])('%s', (_name, results, options, failure) => {
    const v = combine(results, options);
    expect(v.verdict).toBe(failure ? 'fail' : 'pass');
    if (failure) expect(v.reasons[0]).toBe(failure);
  });

  it('mentions non-blocking findings of a passing family', () => {
    const deps = decideDependencies({
      changes: [change({ scope: 'development', vulnerabilities: [vuln('high')] })],
      policy: DEFAULT_DEPS_POLICY,
      now: new Date('2026-11-22T00:00:00Z'),
    });
    expect(combine([resultOf('dependencies', deps)], { required: [] }).reasons).toEqual([
      'dependencies: passed with 1 non-blocking finding(s)',
    ]);
  });

  it("takes the workflow audit's, the secret scan's, the dependency review's and the posture's decisions as they are", () => {
    const now = new Date('2026-11-22T00:00:00Z');
    const v = combine([
      resultOf('workflows', decideGate({ audits: [], policy: DEFAULT_GATES_POLICY, now })),
      resultOf('secrets', decideSecrets([], { policy: DEFAULT_SECRETS_POLICY, waiverLines: [] }, now)),
      resultOf('dependencies', decideDependencies({ changes: [], policy: DEFAULT_DEPS_POLICY, now })),
      resultOf(
        'posture',
        decidePosture({ defaultBranch: 'main', branchProtection: null, files: {} }, DEFAULT_DEPS_POLICY, now),
      ),
    ]);
    expect(v.verdict).toBe('pass');
    expect(v.reasons).toEqual([
      'workflows: passed',
      'secrets: passed',
      'dependencies: passed',
      'posture: passed with 5 non-blocking finding(s)',
    ]);
  });

  it('renders the verdict for the pull request comment', () => {
    const md = renderVerdictMarkdown(
      combine([pass('workflows'), errorResult('dependencies', 'GitHub answered 403')], {
        required: ['workflows', 'dependencies', 'secrets'],
      }),
    );
    expect(md.split('\n')).toEqual([
      '## ❌ Bellwether gates failed',
      '',
      '| gate | result | blocking | findings | examined |',
      '|---|---|---|---|---|',
      '| workflows | ✅ pass | 0 | 0 | — |',
      '| dependencies | ⚠️ could not run | 0 | 0 | — |',
      '',
      '- dependencies: could not run (GitHub answered 403), so it cannot pass',
      '- secrets: did not run',
      '- workflows: passed',
      '',
    ]);
  });

  it('refuses a family given twice', () => {
    expect(() => combine([pass('secrets'), pass('secrets')])).toThrow(/given twice/);
  });
});
