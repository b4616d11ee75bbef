/**
 * A critical service's tier, through the shipped CLI on a real git checkout:
 * only the tier's approvers approve its 100% stage, the stable version is
 * kept ready in the manifest while the canary takes all the traffic and for
 * the tier's bake after the promotion, and a tick after the bake releases it.
 * An infrastructure service's change approval takes its change record from
 * `--change-record`.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../src/gitops/manifest.js';
import { runCliProcess } from '../../helpers/cli-process.js';
import { MANIFEST, manifestCheckout, verbArgs } from '../../helpers/manifest-repo.js';

function policyDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bw-tiers-'));
  writeFileSync(join(dir, 'canary.yml'), text);
  return dir;
}

const CRITICAL = policyDir(`kind: canary
tier: critical
tiers:
  critical:
    stages:
      - { weight: 50 }
      - { weight: 100, approval: required }
    approvers: { users: [amy] }
    bakeTime: 2h
`);

const INFRASTRUCTURE = policyDir(`kind: canary
tier: infrastructure
tiers:
  infrastructure:
    stages:
      - { weight: 50, approval: change }
      - { weight: 100 }
    change: { recordPattern: "CHG[0-9]{7}" }
`);

async function canary(dir: string, verb: string, by: string, policy: string, ...more: string[]) {
  const run = await runCliProcess([
    'canary',
    verb,
    ...more,
    ...verbArgs(dir, by),
    '--policy',
    policy,
    '--format',
    'json',
  ]);
  return { ...run, json: JSON.parse(run.stdout) as Record<string, unknown> };
}

const manifestOf = (dir: string) => parseManifest(readFileSync(join(dir, MANIFEST), 'utf8'), MANIFEST);

describe('tiers through the CLI', () => {
  it("lets only the critical tier's approvers approve 100%, and keeps the old version ready until the bake is over", async () => {
    const { dir, git } = await manifestCheckout('bw-tiers-critical-');
    expect((await canary(dir, 'start', 'alice', CRITICAL, '--version', '1.42.0')).code).toBe(0);

    const refused = await canary(dir, 'promote', 'alice', CRITICAL);
    expect(refused.code).toBe(1);
    expect(refused.json['decision']).toEqual({
      summary: 'alice may not give the approval of stage 2 (100%)',
      reason: 'stage 2 (100%) waits for the approval from @amy',
    });
    expect(manifestOf(dir).canary.weight).toBe(50);

    const approved = await canary(dir, 'promote', 'amy', CRITICAL);
    expect(approved.code).toBe(0);
    expect(approved.json['keepReady']).toEqual({ version: '1.41.0', until: null });
    expect(manifestOf(dir).keepReady).toEqual({ version: '1.41.0' });

    const promoted = await canary(dir, 'promote', 'amy', CRITICAL);
    expect(promoted.code).toBe(0);
    const kept = manifestOf(dir);
    expect(kept.stable.version).toBe('1.42.0');
    expect(kept.keepReady?.version).toBe('1.41.0');
    const until = Date.parse(kept.keepReady?.until ?? '');
    const promotedAt = Date.parse(kept.promotion?.history.at(-1)?.at ?? '');
    expect(until - promotedAt).toBe(2 * 3_600_000);

    const baking = await canary(dir, 'tick', 'alice', CRITICAL);
    expect(baking.code).toBe(0);
    expect(baking.json['headline']).toContain(`1.41.0 is kept ready until ${kept.keepReady?.until}`);
    expect(manifestOf(dir).keepReady).toEqual(kept.keepReady);

    // The bake is over: as if two hours had passed, the manifest says it ended a minute ago.
    const text = readFileSync(join(dir, MANIFEST), 'utf8').replace(
      kept.keepReady!.until!,
      new Date(Date.now() - 60_000).toISOString(),
    );
    writeFileSync(join(dir, MANIFEST), text);
    await git.run(['commit', '-q', '-am', 'checkout: the bake ended']);
    const released = await canary(dir, 'tick', 'alice', CRITICAL);
    expect(released.code).toBe(0);
    expect(released.json['keepReady']).toBeNull();
    expect(manifestOf(dir).keepReady).toBeUndefined();
    expect((await git.run(['log', '-1', '--format=%s', 'main'])).stdout.trim()).toBe(
      'checkout/production/us-east-1: 1.41.0 is no longer kept ready',
    );
  });

  it('gives a change approval from --change-record, recorded in the manifest history and the commit', async () => {
    const { dir, git } = await manifestCheckout('bw-tiers-change-');
    expect((await canary(dir, 'start', 'alice', INFRASTRUCTURE, '--version', '1.42.0')).code).toBe(0);
    expect(manifestOf(dir).promotion?.phase).toBe('awaiting-approval');

    const without = await canary(dir, 'promote', 'bob', INFRASTRUCTURE);
    expect(without.code).toBe(1);
    expect((without.json['decision'] as { summary: string }).summary).toBe(
      'stage 1 (50%) waits for a change approval, and no change record was given',
    );

    const given = await canary(dir, 'promote', 'bob', INFRASTRUCTURE, '--change-record', 'CHG0031234');
    expect(given.code).toBe(0);
    expect(manifestOf(dir).canary.weight).toBe(50);
    expect(manifestOf(dir).promotion?.history.at(-1)).toMatchObject({ by: 'bob', change: 'CHG0031234' });
    expect((await git.run(['log', '-1', '--format=%B', 'main'])).stdout).toContain(
      'bob gave the change approval of stage 1 (50%) (change CHG0031234)',
    );
  });
});
