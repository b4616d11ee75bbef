import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditSource } from '../../src/gates/workflows/audit.js';
import { nodeGateFs } from '../../src/gates/core/fs.js';
import { collectFiles } from '../../src/gates/workflows/run.js';
import { decideGate } from '../../src/gates/workflows/decide.js';
import { DEFAULT_GATES_POLICY } from '../../src/gates/core/policy-schema.js';

const repo = join(import.meta.dirname, '..', '..');
const NOW = new Date('2026-06-15T12:00:00Z');

async function gate(dir: string) {
  const files = await collectFiles(nodeGateFs, dir);
  const audits = files.map((f) => auditSource(relative(repo, f), readFileSync(f)));
  return { files, decision: decideGate({ audits, policy: DEFAULT_GATES_POLICY, now: NOW }) };
}

describe('clean corpus', () => {
  it('hardened workflows, actions and dependabot.yml produce zero findings', async () => {
    const { files, decision } = await gate(join(repo, 'test', 'fixtures', 'gates', 'clean'));
    expect(files.map((f) => relative(repo, f)).sort()).toEqual([
      'test/fixtures/gates/clean/.github/dependabot.yml',
      'test/fixtures/gates/clean/.github/workflows/ci.yml',
      'test/fixtures/gates/clean/.github/workflows/label.yml',
      'test/fixtures/gates/clean/.github/workflows/release.yml',
      'test/fixtures/gates/clean/.github/workflows/reusable.yml',
      'test/fixtures/gates/clean/composite/action.yml',
    ]);
    expect(decision.suppressed.map((s) => [s.by, s.finding.ruleId])).toEqual([['inline-ignore', 'privileged-trigger']]);
    expect(decision.findings).toEqual([]);
  });
});

describe("Bellwether's own workflows and actions", () => {
  it('pass the gate with zero findings', async () => {
    const dirs = [join(repo, '.github'), join(repo, 'actions'), join(repo, 'workflows')].filter((d) => existsSync(d));
    const findings = [];
    const files: string[] = [];
    for (const d of dirs) {
      const { files: found, decision } = await gate(d);
      files.push(...found.map((f) => relative(repo, f)));
      findings.push(...decision.findings);
    }
    // Whatever the project ships is audited: every workflow and every action.yml.
    if (existsSync(join(repo, '.github', 'workflows', 'ci.yml'))) expect(files).toContain('.github/workflows/ci.yml');
    if (existsSync(join(repo, 'actions', 'gate', 'action.yml'))) expect(files).toContain('actions/gate/action.yml');
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.ruleId} ${f.message}`)).toEqual([]);
  });
});

describe('robustness', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        auditSource('.github/workflows/fuzz.yml', text);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on workflow-shaped text with arbitrary values', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('${{', '}}', '${{ github.event.issue.title }}', '&a', '*a', '|', '>', '[', '{'),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 6, maxLength: 6 }), (v) => {
        const text = `on: ${v[0]}\npermissions: ${v[1]}\njobs:\n  j:\n    runs-on: ${v[2]}\n    if: ${v[3]}\n    steps:\n      - uses: ${v[4]}\n      - run: ${v[5]}\n`;
        auditSource('.github/workflows/fuzz.yml', text);
      }),
      { numRuns: 500 },
    );
  });

  it('reports nesting too deep to parse as a finding', () => {
    for (const text of [`a: ${'['.repeat(100_000)}`, `${'- '.repeat(50_000)}x`, '{'.repeat(20_000)]) {
      const findings = auditSource('.github/workflows/deep.yml', text).findings;
      expect(findings.map((f) => f.ruleId)).toEqual(['yaml-syntax']);
    }
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        auditSource('x.yml', bytes);
      }),
      { numRuns: 300 },
    );
  });
});
