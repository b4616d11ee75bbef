import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/gitops/manifest.js';
import { parseRolloutState } from '../../src/waves/rollout-state.js';
import { runBundledAction } from '../helpers/action-runner.js';
import { startGitHubServer } from '../helpers/github-server.js';
import type { GitHubServer } from '../helpers/github-server.js';
import { manifestFile, manifestText, repository, ROLLOUT } from './waves-repository.js';

const POLICY = `kind: waves
timeZone: UTC
# Always open, so that the first wave is due whenever the test runs.
windows:
  - { days: [mon, tue, wed, thu, fri, sat, sun], hours: "00:00-24:00" }
waves:
  - { name: pilot, regions: [us-east-1], bakeTime: 30m }
  - { name: rest, regions: [eu-west-1, ap-southeast-1], maxParallel: 2, bakeTime: 1h }
`;

let server: GitHubServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the bundled waves action', () => {
  it('plans a rollout and emits a matrix of the regions due now, each with its GitHub environment', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'bw-waves-'));
    writeFileSync(join(workspace, 'waves.yml'), POLICY);
    const run = await runBundledAction('waves', {
      workspace,
      inputs: { service: 'checkout', version: '1.42.0', policy: 'waves.yml' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const matrix = JSON.parse(run.outputs.matrix!) as {
      include: Array<{ region: string; environment: string; wave: number }>;
    };
    expect(matrix.include).toEqual([
      expect.objectContaining({ region: 'us-east-1', environment: 'production/us-east-1', wave: 1 }),
    ]);
    expect(run.outputs.wave).toBe('1');
    expect(Date.parse(run.outputs['next-start']!)).toBeGreaterThan(Date.now());
    expect(run.summary).toContain('pilot');
  });

  it('fails with a usage message, not an internal error, when the manifests are not where it was told (the region job reads them)', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-waves-'));
    writeFileSync(join(workspace, 'waves.yml'), POLICY);
    const run = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      inputs: {
        service: 'checkout',
        version: '1.42.0',
        policy: 'waves.yml',
        command: 'start-region',
        region: 'us-east-1',
        manifests: 'deploys',
      },
    });
    expect(run.exitCode).toBe(1);
    const error = run.commands.find((c) => c.command === 'error')?.message ?? '';
    expect(error).not.toContain('internal error');
    expect(error).toContain('no release manifest at deploys/checkout/production/us-east-1.yaml');
  });

  it('advances a rollout: names the pilot due, its region job starts the canary, the state is recorded compare-and-swap over the GitHub API', async () => {
    const repo = repository();
    server = await startGitHubServer(repo.gh);
    const workspace = mkdtempSync(join(tmpdir(), 'bw-waves-'));
    writeFileSync(join(workspace, 'waves.yml'), POLICY);
    const run = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      inputs: { service: 'checkout', version: '1.42.0', policy: 'waves.yml', command: 'advance', 'notify-issue': '42' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const matrix = JSON.parse(run.outputs.matrix!) as {
      include: Array<{ region: string; environment: string; wave: number }>;
    };
    expect(matrix.include).toEqual([
      expect.objectContaining({ region: 'us-east-1', environment: 'production/us-east-1', wave: 1 }),
    ]);
    expect(run.outputs.wave).toBe('1');
    expect(repo.files.get(manifestFile('us-east-1'))).toBe(manifestText('us-east-1'));
    expect(run.summary).toContain('start wave 1 (pilot): us-east-1');
    // The release issue hears that the pilot was scheduled, in one comment.
    expect(repo.comments).toHaveLength(1);
    expect(repo.comments[0]).toMatchObject({ issue: 42 });
    expect(repo.comments[0]!.body).toContain('us-east-1');

    const region = await runBundledAction('waves', {
      apiUrl: server.url,
      workspace,
      inputs: {
        service: 'checkout',
        version: '1.42.0',
        policy: 'waves.yml',
        command: 'start-region',
        region: 'us-east-1',
      },
    });
    expect(region.stderr).toBe('');
    expect(region.exitCode).toBe(0);
    const pilot = parseManifest(repo.files.get(manifestFile('us-east-1'))!, manifestFile('us-east-1'));
    expect(pilot.canary).toEqual({ version: '1.42.0', weight: 1 });
    expect(pilot.promotion).toMatchObject({ version: '1.42.0', phase: 'soaking' });
    const state = parseRolloutState(repo.files.get(ROLLOUT)!, ROLLOUT);
    expect(state).toMatchObject({ version: '1.42.0', regions: { 'us-east-1': { state: 'deploying' } } });
    expect(Object.keys(state.regions)).toEqual(['us-east-1']);
    for (const other of ['eu-west-1', 'ap-southeast-1'])
      expect(repo.files.get(manifestFile(other))).toBe(manifestText(other));
  });
});
