/**
 * The shipped CLI, as a person runs it over a real git checkout: a Marginal
 * judgment is accepted only with a reason, which lands in the manifest's
 * history and the commit message; a Fail is never promotable; an
 * irreversible release keeps its mark through every verb.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest, renderManifest } from '../../src/gitops/manifest.js';
import type { ReleaseManifest } from '../../src/gitops/manifest.js';
import { runCliProcess } from '../helpers/cli-process.js';
import { MANIFEST, manifestCheckout, verbArgs } from '../helpers/manifest-repo.js';
import type { CommandGit } from '../../src/gitops/git.js';

function read(dir: string): ReleaseManifest {
  return parseManifest(readFileSync(join(dir, MANIFEST), 'utf8'), MANIFEST);
}

/** Records a judgment of the current stage in the manifest and commits it, as a tick that judged would have. */
async function judged(dir: string, git: CommandGit, verdict: 'Marginal' | 'Fail', failedIntervals = 0): Promise<void> {
  const m = read(dir);
  const p = m.promotion!;
  const judgment = {
    at: new Date().toISOString(),
    stage: p.stage,
    verdict,
    score: verdict === 'Marginal' ? 82 : 31,
    reason: 'latency-p99 High',
  };
  const next = { ...m, promotion: { ...p, failedIntervals, judgments: [...p.judgments, judgment] } };
  writeFileSync(join(dir, MANIFEST), renderManifest(readFileSync(join(dir, MANIFEST), 'utf8'), next));
  await git.run(['commit', '-q', '-am', `checkout: judgment ${verdict}`]);
}

async function canary(dir: string, verb: string, ...extra: string[]) {
  return runCliProcess(['canary', verb, ...verbArgs(dir), ...extra]);
}

describe('bellwether canary promote after a Marginal judgment', () => {
  it('refuses without a reason, and with one moves one stage and records the reason in the history and the commit', async () => {
    const { dir, git } = await manifestCheckout('bw-marginal-');
    expect((await canary(dir, 'start', '--version', '1.42.0')).code).toBe(0);
    await judged(dir, git, 'Marginal');

    const bare = await canary(dir, 'promote');
    expect(bare.code).toBe(1);
    expect(bare.stdout).toContain('Accepting a Marginal judgment needs a reason');
    expect(read(dir).canary.weight).toBe(1);

    const reason = 'p99 rise is the cold cache; checked the traces';
    const accepted = await canary(dir, 'promote', '--reason', reason, '--format', 'json');
    expect(accepted.code).toBe(0);
    const m = read(dir);
    expect(m.canary.weight).toBe(5);
    expect(m.promotion?.stage).toBe(1);
    expect(m.promotion?.history.at(-1)).toMatchObject({ event: 'stage 2 at 5%', by: 'alice', detail: reason });
    const message = (await git.run(['log', '-1', '--format=%B', 'main'])).stdout;
    expect(message).toContain('Canary 1.42.0 to 5%');
    expect(message).toContain(`alice accepted a Marginal judgment (score 82): ${reason}`);
    expect(JSON.parse(accepted.stdout)).toMatchObject({ transitions: [{ reason: expect.stringContaining(reason) }] });
  });

  it('never promotes past a Fail, reason or not', async () => {
    const { dir, git } = await manifestCheckout('bw-fail-');
    const policies = mkdtempSync(join(tmpdir(), 'bw-fail-policy-'));
    // One failed interval tolerated, so the promotion is still in progress after the Fail.
    writeFileSync(join(policies, 'canary.yml'), 'kind: canary\nanalysis:\n  maxFailedIntervals: 1\n');
    expect((await canary(dir, 'start', '--version', '1.42.0', '--policy', policies)).code).toBe(0);
    await judged(dir, git, 'Fail', 1);
    const refused = await canary(dir, 'promote', '--reason', 'I am sure', '--policy', policies);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('Cannot promote past a Fail judgment');
    expect(refused.stdout).toContain('abort or roll back');
    expect(read(dir).canary.weight).toBe(1);
  });
});

describe('bellwether canary start --irreversible', () => {
  it('marks the release, and the mark is on the manifest after every verb and on the stable version', async () => {
    const { dir } = await manifestCheckout('bw-irreversible-');
    const steps: Array<[string, string[], number]> = [
      ['start', ['--version', '1.42.0', '--irreversible'], 1],
      ['promote', [], 5],
      ['pause', ['--reason', 'lunch'], 5],
      ['tick', [], 5],
      ['resume', [], 5],
      ['promote', [], 25],
      ['promote', [], 100],
    ];
    for (const [verb, extra, weight] of steps) {
      const run = await canary(dir, verb, ...extra);
      expect(run.code, `${verb}: ${run.stdout}${run.stderr}`).toBe(0);
      expect(read(dir).canary, verb).toEqual({ version: '1.42.0', weight, irreversible: true });
    }
    expect((await canary(dir, 'promote')).code).toBe(0);
    const done = read(dir);
    expect(done.stable).toEqual({ version: '1.42.0', irreversible: true });
    expect(done.promotion?.phase).toBe('promoted');
  });
});
