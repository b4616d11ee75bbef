import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBundledAction } from '../helpers/action-runner.js';

const POLICY = `kind: waves
timeZone: UTC
# Always open, so that the first wave is due whenever the test runs.
windows:
  - { days: [mon, tue, wed, thu, fri, sat, sun], hours: "00:00-24:00" }
waves:
  - { name: pilot, regions: [us-east-1], bakeTime: 30m }
  - { name: rest, regions: [eu-west-1, ap-southeast-1], maxParallel: 2, bakeTime: 1h }
`;

describe('the bundled waves action', () => {
  it('plans a rollout and emits a matrix of the regions due now, each with its GitHub environment', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'bw-waves-'));
    writeFileSync(join(workspace, 'waves.yml'), POLICY);
    const run = await runBundledAction('waves', { workspace, inputs: { service: 'checkout', version: '1.42.0', policy: 'waves.yml' } });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const matrix = JSON.parse(run.outputs.matrix!) as { include: Array<{ region: string; environment: string; wave: number }> };
    expect(matrix.include).toEqual([expect.objectContaining({ region: 'us-east-1', environment: 'production/us-east-1', wave: 1 })]);
    expect(run.outputs.wave).toBe('1');
    expect(Date.parse(run.outputs['next-start']!)).toBeGreaterThan(Date.now());
    expect(run.summary).toContain('pilot');
  });

  it('says advance is not available yet rather than pretend', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'bw-waves-'));
    writeFileSync(join(workspace, 'waves.yml'), POLICY);
    const run = await runBundledAction('waves', { workspace, inputs: { service: 'checkout', version: '1.42.0', policy: 'waves.yml', command: 'advance' } });
    expect(run.exitCode).toBe(1);
    expect(run.commands.find((c) => c.command === 'error')?.message).toContain('is not available yet');
  });
});
