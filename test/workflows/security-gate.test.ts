import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeGateFs } from '../../src/gates/core/fs.js';
import { runWorkflowGate } from '../../src/gates/workflows/run.js';
import { systemClock } from '../../src/runtime/clock.js';
import { nodeFiles } from '../../src/runtime/files.js';

// Bellwether's own workflows and the templates adopters copy pass Bellwether's
// own security gate, under its default policy, with nothing left to report.
const cwd = process.cwd();
const deps = { fs: nodeGateFs, clock: systemClock, files: nodeFiles, cwd };

const expectedFiles = [
  '.github/workflows/bellwether-canary.yml',
  '.github/workflows/bellwether-dora.yml',
  '.github/workflows/bellwether-freeze.yml',
  '.github/workflows/bellwether-gate.yml',
  '.github/workflows/bellwether-postmortem.yml',
  '.github/workflows/bellwether-rollback.yml',
  '.github/workflows/bellwether-waves.yml',
  '.github/workflows/ci.yml',
  'workflows/canary.yml',
  'workflows/dora.yml',
  'workflows/freeze.yml',
  'workflows/postmortem.yml',
  'workflows/pull-request-checks.yml',
  'workflows/rollback.yml',
  'workflows/waves.yml',
];

describe('the security gate on our workflows', () => {
  it('audits every workflow and template and finds nothing', async () => {
    const { decision, audits } = await runWorkflowGate({ paths: ['.github/workflows', 'workflows'] }, deps);
    expect(audits.map((a) => a.file)).toEqual(expect.arrayContaining(expectedFiles));
    expect(decision.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}: ${f.message}`)).toEqual([]);
    expect(decision.verdict).toBe('pass');
  });

  it('has one suppression, with its reason written next to it', async () => {
    // issue_comment is privileged-trigger by rule even where the job only reads the event as data;
    // the postmortem template says why it is safe, and nothing else is suppressed.
    const { decision } = await runWorkflowGate({ paths: ['.github/workflows', 'workflows'] }, deps);
    expect(decision.suppressed.map((s) => `${s.finding.file} ${s.finding.ruleId} ${s.by}`)).toEqual([
      'workflows/postmortem.yml privileged-trigger inline-ignore',
    ]);
    expect(decision.suppressed[0]?.reason).toMatch(/never checks out or runs code/);
  });

  describe('under the strictest policy', () => {
    // Every action pinned by commit SHA, first-party ones too, and every severity failing the gate.
    const dir = mkdtempSync(join(tmpdir(), 'bellwether-workflows-'));
    const policy = join(dir, 'strict-gates.yml');
    writeFileSync(policy, "kind: gates\nfailOn: info\npins:\n  - { pattern: '*', policy: hash-pin }\n");
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('still finds nothing', async () => {
      const { decision } = await runWorkflowGate({ paths: ['.github/workflows', 'workflows'], policy }, deps);
      expect(decision.failOn).toBe('info');
      expect(decision.findings.map((f) => `${f.file}:${f.line} ${f.ruleId}: ${f.message}`)).toEqual([]);
      expect(decision.verdict).toBe('pass');
    });

    const weakened: Array<[string, string, (text: string) => string, string]> = [
      [
        'an input expanded into a script',
        '.github/workflows/bellwether-canary.yml',
        (t) => t.replace('echo "bellwether-ref must', 'echo "${{ inputs.reason }} bellwether-ref must'),
        'template-injection',
      ],
      [
        'a checkout that keeps the token',
        '.github/workflows/bellwether-gate.yml',
        (t) =>
          t.replace('          fetch-depth: 0\n          persist-credentials: false\n', '          fetch-depth: 0\n'),
        'checkout-persist-credentials',
      ],
      [
        'upload-sarif pinned by tag',
        '.github/workflows/bellwether-gate.yml',
        (t) => t.replace(/upload-sarif@[0-9a-f]{40} # v3\.28\.18/, 'upload-sarif@v3'),
        'unpinned-uses',
      ],
      [
        'write-all permissions',
        '.github/workflows/bellwether-rollback.yml',
        (t) => t.replace('permissions: {}', 'permissions: write-all'),
        'permissions-write-all',
      ],
      [
        'issue_comment without the reason it is safe',
        'workflows/postmortem.yml',
        (t) => t.replace(/ *# bellwether: ignore\[privileged-trigger\].*\n/, ''),
        'privileged-trigger',
      ],
      [
        'every secret handed over',
        'workflows/canary.yml',
        (t) => t.replace(/ {4}secrets:\n {6}PROMETHEUS_TOKEN: .*\n(?: {6}.*\n)*/, '    secrets: inherit\n'),
        'secrets-inherit',
      ],
    ];

    it.each(weakened)('fails a weakened copy: %s', async (name, file, weaken, ruleId) => {
      const original = readFileSync(file, 'utf8');
      const text = weaken(original);
      expect(text).not.toBe(original);
      const target = join(dir, name.replace(/\W+/g, '-'), '.github', 'workflows');
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, 'workflow.yml'), text);
      const { decision } = await runWorkflowGate({ paths: [target], policy }, { ...deps, cwd: dir });
      expect(decision.findings.map((f) => f.ruleId)).toContain(ruleId);
    });
  });
});
