import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicySet, policyFor } from '../../src/policy/set.js';
import { nodeFiles } from '../../src/runtime/files.js';
import { memoryFiles } from '../helpers/memory-files.js';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-set-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('policy sets', () => {
  it('picks the first policy of the kind whose services match, else the embedded defaults', async () => {
    const dir = folder({
      'a-critical.yml': 'kind: canary\nservices: ["payments-*"]\ntier: critical\n',
      'b-default.yml': 'kind: canary\nservices: ["*"]\nstages:\n  - { weight: 10 }\n  - { weight: 100 }\n',
      'slo/checkout.yaml': 'apiVersion: openslo/v1\nkind: SLO\nmetadata: { name: x }\n',
    });
    const set = await loadPolicySet(dir, nodeFiles);
    expect(set.map((s) => s.file.slice(dir.length + 1))).toEqual(['a-critical.yml', 'b-default.yml']);
    expect(policyFor(set, 'canary', 'payments-api').policy.tier).toBe('critical');
    const other = policyFor(set, 'canary', 'checkout');
    expect(other.file).toMatch(/b-default\.yml$/);
    expect(other.policy.tiers.standard.stages.map((s) => s.weight)).toEqual([10, 100]);
    const none = policyFor([], 'canary', 'checkout');
    expect(none.file).toBeNull();
    expect(none.policy.tiers.standard.stages.map((s) => s.weight)).toEqual([1, 5, 25, 100]);
  });

  it('reports every mistake of every file at once, naming file and line', async () => {
    const dir = folder({ 'a.yml': 'kind: canary\ntier: gold\n', 'b.yml': 'kind: rollback\nlabelz: []\n' });
    await expect(loadPolicySet(dir, nodeFiles)).rejects.toThrow(/a\.yml:2(:\d+)?: tier: [\s\S]*b\.yml:2(:\d+)?: /);
  });

  it('names a missing path', async () => {
    await expect(loadPolicySet('/nonexistent/policies', nodeFiles)).rejects.toThrow(
      '/nonexistent/policies: no such policy file or folder',
    );
  });

  it('reads through the files it is given, so policies held in memory load as from disk', async () => {
    const files = memoryFiles({
      '/repo/.github/bellwether/canary.yml': 'kind: canary\nservices: ["payments-*"]\ntier: critical\n',
      '/repo/.github/bellwether/teams/rollback.yaml': 'kind: rollback\n',
      '/repo/.github/bellwether/slo/checkout.yaml': 'apiVersion: openslo/v1\nkind: SLO\nmetadata: { name: x }\n',
      '/repo/.github/bellwether/notes.md': 'kind: canary\n',
    });
    const set = await loadPolicySet('/repo/.github/bellwether', files);
    expect(set.map((s) => [s.file, s.policy.kind])).toEqual([
      ['/repo/.github/bellwether/canary.yml', 'canary'],
      ['/repo/.github/bellwether/teams/rollback.yaml', 'rollback'],
    ]);
    expect(files.reads).toEqual([
      '/repo/.github/bellwether/canary.yml',
      '/repo/.github/bellwether/slo/checkout.yaml',
      '/repo/.github/bellwether/teams/rollback.yaml',
    ]);
    await expect(loadPolicySet('/repo/missing', files)).rejects.toThrow('/repo/missing: no such policy file or folder');
  });
});
