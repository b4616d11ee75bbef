import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { policyCheckCommand } from '../../src/cli/policy-check-command.js';
import { loadAnyPolicyFile, parseAnyPolicy, policyKinds } from '../../src/policy/kinds.js';
import { nodeFiles } from '../../src/runtime/files.js';

const POLICIES = 'policies';

describe('shipped policies', () => {
  it('are all valid', async () => {
    const out = await policyCheckCommand({ paths: [POLICIES], format: 'json' });
    const parsed = JSON.parse(out.stdout) as { valid: boolean; files: { file: string; problems: unknown[] }[] };
    expect(parsed.files.filter((f) => f.problems.length > 0)).toEqual([]);
    expect(out.exitCode).toBe(0);
    expect(parsed.files.length).toBeGreaterThanOrEqual(6);
  });

  it('include one documented default policy per kind of this module', async () => {
    const names = await readdir(POLICIES);
    // gates documents its own policy (src/gates/); the rest are written out here.
    const kinds = Object.keys(policyKinds).filter((k) => k !== 'gates');
    expect(kinds).toHaveLength(6);
    for (const kind of kinds) expect(names).toContain(`${kind}.yml`);
  });

  // The shipped files write the defaults out with comments; they must say
  // what the schemas actually do.
  it.each(['canary', 'freeze', 'rollback', 'postmortem', 'notify'])(
    '%s.yml states the schema defaults',
    async (kind) => {
      const shipped = await loadAnyPolicyFile(join(POLICIES, `${kind}.yml`), nodeFiles);
      expect(shipped).toEqual(parseAnyPolicy(`kind: ${kind}`, 'defaults.yml'));
    },
  );

  it('waves.yml states the schema defaults beside its example waves', async () => {
    const shipped = await loadAnyPolicyFile(join(POLICIES, 'waves.yml'), nodeFiles);
    if (shipped.kind !== 'waves') throw new Error('expected a waves policy');
    const defaults = parseAnyPolicy('kind: waves\nwaves: [{name: a, regions: [r]}]', 'defaults.yml');
    expect({ ...shipped, waves: [] }).toEqual({ ...defaults, waves: [] });
    expect(shipped.waves.map((w) => w.bakeTime)).toEqual([3_600_000, 3_600_000, 3_600_000]);
  });

  it('has a critical-tier example that asks for approval before 100', async () => {
    const example = await loadAnyPolicyFile(join(POLICIES, 'examples', 'critical-checkout.yml'), nodeFiles);
    if (example.kind !== 'canary') throw new Error('expected a canary policy');
    expect(example.tier).toBe('critical');
    const stages = example.tiers.critical.stages;
    expect(stages.map((s) => s.weight)).toEqual([1, 5, 25, 50, 100]);
    expect(stages[stages.length - 1]?.approval).toBe('required');
    expect(stages[0]?.soakTime).toBe(30 * 60_000);
    expect(example.analysis.judge.metrics.map((m) => m.group)).toEqual(['errors', 'latency', 'saturation']);
    expect(example.health?.checks.map((c) => [c.name, c.max])).toEqual([
      ['error-rate', 0.001],
      ['latency-p99', 0.2],
    ]);
  });

  it('has an infrastructure-tier example that waits for a change approval before 100 and keeps the old version 4h', async () => {
    const example = await loadAnyPolicyFile(join(POLICIES, 'examples', 'infrastructure-edge.yml'), nodeFiles);
    if (example.kind !== 'canary') throw new Error('expected a canary policy');
    const tier = example.tiers[example.tier];
    expect(example.tier).toBe('infrastructure');
    expect(tier.stages.map((s) => [s.weight, s.soakTime, s.approval])).toEqual([
      [1, 60 * 60_000, 'none'],
      [5, 60 * 60_000, 'none'],
      [25, 60 * 60_000, 'none'],
      [100, 60 * 60_000, 'change'],
    ]);
    expect(tier.change).toEqual({
      approvers: { users: [], teams: ['acme/change-advisory'] },
      recordPattern: 'CHG[0-9]{7}',
    });
    expect(tier.bakeTime).toBe(4 * 3_600_000);
  });
});
