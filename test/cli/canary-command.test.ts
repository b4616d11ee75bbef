import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { GitContentStore } from '../../src/gitops/content-store.js';
import { CommandGit } from '../../src/gitops/git.js';
import { MANIFEST_TEXT } from '../canary/promotion/fixtures.js';

const PATH = 'deploy/checkout/production/us-east-1.yaml';

async function repo(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bw-cli-canary-'));
  const git = new CommandGit(dir);
  await git.run(['init', '-q', '-b', 'main']);
  await new GitContentStore(git, 'main').write(PATH, MANIFEST_TEXT, null, 'initial manifest');
  return dir;
}

async function cli(args: string[]) {
  const io = recordingIo();
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}

describe('bellwether canary (local git)', () => {
  it('starts, holds on a tick with nothing due, and aborts back to stable, one commit each', async () => {
    const dir = await repo();
    const common = [
      '--service',
      'checkout',
      '--region',
      'us-east-1',
      '--repo',
      dir,
      '--by',
      'alice',
      '--format',
      'json',
    ];
    const started = await cli(['canary', 'start', '--version', '1.42.0', ...common]);
    expect(started.code).toBe(0);
    expect(JSON.parse(started.out)).toMatchObject({
      phase: 'soaking',
      canary: { version: '1.42.0', weight: 1 },
      committed: true,
      policy: 'embedded defaults',
    });
    const ticked = await cli(['canary', 'tick', ...common]);
    expect(JSON.parse(ticked.out)).toMatchObject({
      step: 'wait',
      committed: false,
      decision: { summary: 'Soaking at 1% (stage 1 of 4)' },
    });
    const aborted = await cli(['canary', 'abort', '--reason', 'wrong build', ...common]);
    expect(JSON.parse(aborted.out)).toMatchObject({ phase: 'aborted', canary: { version: null, weight: 0 } });
    const log = (await new CommandGit(dir).run(['log', '--format=%s', 'main'])).stdout.trim().split('\n');
    expect(log).toEqual([
      'checkout/production/us-east-1: Aborted: traffic back to 1.41.0',
      'checkout/production/us-east-1: Started 1.42.0 at 1%',
      'initial manifest',
    ]);
  });

  it('exits 1 with the reason when a command is refused, and 2 when a required flag is missing', async () => {
    const dir = await repo();
    const refused = await cli(['canary', 'pause', '--service', 'checkout', '--region', 'us-east-1', '--repo', dir]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('pause needs a promotion in progress');
    const usage = await cli(['canary', 'start', '--service', 'checkout', '--repo', dir]);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain("required option '--version <version>' not specified");
  });
});

describe('bellwether rollback (local git)', () => {
  it('restores traffic with one commit, quarantines the version and writes the pull request', async () => {
    const dir = await repo();
    const common = ['--service', 'checkout', '--region', 'us-east-1', '--repo', dir];
    expect((await cli(['canary', 'start', '--version', '1.42.0', '--by', 'alice', ...common])).code).toBe(0);
    const policies = mkdtempSync(join(tmpdir(), 'bw-cli-rb-policy-'));
    writeFileSync(join(policies, 'rollback.yml'), 'kind: rollback\nemergencyDirectCommit: true\n');
    const out = mkdtempSync(join(tmpdir(), 'bw-cli-rb-out-'));
    const rb = await cli([
      'rollback',
      ...common,
      '--reason',
      'p99 page',
      '--by',
      'oncall',
      '--policy',
      policies,
      '--out',
      out,
      '--format',
      'json',
    ]);
    expect(rb.err).toBe('');
    expect(rb.code).toBe(0);
    const report = JSON.parse(rb.out) as {
      bad: string;
      good: string;
      quarantined: boolean;
      regions: Array<{ action: string; commit: string | null }>;
      pullRequest: string | null;
      draft: string;
    };
    expect(report).toMatchObject({ bad: '1.42.0', good: '1.41.0', quarantined: true });
    expect(report.regions[0]).toMatchObject({ action: 'restore' });
    expect(report.regions[0]!.commit).toMatch(/^[0-9a-f]{40}$/);
    // No pull request without GitHub: the draft says what it would hold.
    expect(report.pullRequest).toBeNull();
    expect(readFileSync(report.draft, 'utf8')).toContain('**Why:** p99 page');
    // A quarantined version cannot start again.
    const again = await cli(['canary', 'start', '--version', '1.42.0', '--by', 'alice', ...common]);
    expect(again.code).toBe(1);
    expect(again.out).toContain('Cannot start 1.42.0: it is quarantined');
    // Lifted with a reason, it may start again.
    const lifted = await cli([
      'rollback',
      'lift',
      '--service',
      'checkout',
      '--version',
      '1.42.0',
      '--reason',
      'the bad flag was a config change, reverted',
      '--by',
      'alice',
      '--repo',
      dir,
    ]);
    expect(lifted.err).toBe('');
    expect(lifted.code).toBe(0);
    expect((await cli(['canary', 'start', '--version', '1.42.0', '--by', 'alice', ...common])).code).toBe(0);
    const missing = await cli(['rollback', '--service', 'checkout', '--repo', dir]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('rollback needs --service and --reason');
  });
});
