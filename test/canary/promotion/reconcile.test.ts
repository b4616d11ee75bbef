import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Command } from '../../../src/canary/promotion/model.js';
import type { JudgeRequest, PromotionDeps, WindowJudgment } from '../../../src/canary/promotion/reconcile.js';
import { allowAll, reconcile } from '../../../src/canary/promotion/reconcile.js';
import { GitContentStore } from '../../../src/gitops/content-store.js';
import type { ContentStore } from '../../../src/gitops/content-store.js';
import { CommandGit } from '../../../src/gitops/git.js';
import { parseManifest } from '../../../src/gitops/manifest.js';
import { ManualClock } from '../../../src/runtime/clock.js';
import { RecordingLogger } from '../../../src/runtime/logger.js';
import { MANIFEST_TEXT, T0, policy } from './fixtures.js';

const PATH = 'deploy/checkout/production/us-east-1.yaml';

/** A judge that passes until the canary takes `regressionFrom` percent of traffic. */
function judgeWith(regressionFrom = Infinity) {
  const calls: JudgeRequest[] = [];
  const judge = async (r: JudgeRequest): Promise<WindowJudgment> => {
    calls.push(r);
    return r.manifest.canary.weight >= regressionFrom
      ? { verdict: 'Fail', score: 40, reason: 'latency p99 High: canary 2.1× baseline' }
      : { verdict: 'Pass', score: 100, reason: 'all metrics Pass' };
  };
  return { judge, calls };
}

let git: CommandGit;
let store: ContentStore;
let clock: ManualClock;

beforeEach(async () => {
  git = new CommandGit(mkdtempSync(join(tmpdir(), 'bw-promo-')));
  await git.run(['init', '-q', '-b', 'main']);
  store = new GitContentStore(git, 'main');
  await store.write(PATH, MANIFEST_TEXT, null, 'checkout: initial manifest');
  clock = new ManualClock(T0);
});

function deps(judge: PromotionDeps['judge'], s: ContentStore = store): PromotionDeps {
  return {
    store: s,
    clock,
    logger: new RecordingLogger(),
    judge,
    freeze: async () => allowAll,
    quarantine: async () => allowAll,
  };
}

/** Ticks until the promotion waits on a person or ends, moving the clock to each wake-up time. */
async function driveToEnd(d: PromotionDeps, limit = 100): Promise<void> {
  for (let i = 0; i < limit; i++) {
    const r = await reconcile(PATH, policy, { kind: 'tick' }, d).catch((err: Error) => {
      if (err.message === 'crash') return undefined;
      throw err;
    });
    if (!r) continue;
    if (r.step.kind === 'wait') {
      if (!r.step.until) return;
      clock.advance(r.step.until.getTime() - clock.now().getTime());
    }
  }
  throw new Error('the promotion did not settle');
}

async function weightsCommitted(): Promise<number[]> {
  const log = (await git.run(['log', '--reverse', '--format=%H', 'main'])).stdout.trim().split('\n');
  const weights: number[] = [];
  for (const sha of log) {
    const text = (await git.run(['show', `${sha}:${PATH}`])).stdout;
    const w = parseManifest(text, PATH).canary.weight;
    if (weights.at(-1) !== w) weights.push(w);
  }
  return weights;
}

const start: Command = { kind: 'start', version: '1.42.0', by: 'alice' };

describe('reconcile over real git', () => {
  it('takes a good release through every stage to stable, one traffic commit per stage', async () => {
    const { judge, calls } = judgeWith();
    await reconcile(PATH, policy, start, deps(judge));
    await driveToEnd(deps(judge));
    const final = parseManifest((await store.read(PATH))!.text, PATH);
    expect(final.stable.version).toBe('1.42.0');
    expect(final.promotion?.phase).toBe('promoted');
    expect(await weightsCommitted()).toEqual([0, 1, 5, 25, 100, 0]);
    // Three looks per 15-minute stage at a 5-minute interval.
    expect(calls).toHaveLength(12);
    expect(clock.now().getTime() - T0.getTime()).toBe(60 * 60_000);
  });

  it('stops a bad release at the first stage where its regression shows and sends traffic back to stable', async () => {
    const { judge } = judgeWith(5);
    await reconcile(PATH, policy, start, deps(judge));
    await driveToEnd(deps(judge));
    const final = parseManifest((await store.read(PATH))!.text, PATH);
    expect(final.stable.version).toBe('1.41.0');
    expect(final.canary).toEqual({ version: null, weight: 0 });
    expect(final.promotion).toMatchObject({ phase: 'failed', stage: 1 });
    expect(await weightsCommitted()).toEqual([0, 1, 5, 0]);
    // Stopped at the first judgment at 5%: 15 minutes at 1%, then one interval.
    expect(clock.now().getTime() - T0.getTime()).toBe(20 * 60_000);
  });

  it('reaches the same end when a run dies right after each write in turn', async () => {
    const { judge } = judgeWith();
    await reconcile(PATH, policy, start, deps(judge));
    await driveToEnd(deps(judge));
    const reference = parseManifest((await store.read(PATH))!.text, PATH);
    const referenceCommits = (await git.run(['rev-list', '--count', 'main'])).stdout.trim();

    for (const crashAfter of [1, 2, 3, 5, 8, 13]) {
      git = new CommandGit(mkdtempSync(join(tmpdir(), 'bw-crash-')));
      await git.run(['init', '-q', '-b', 'main']);
      store = new GitContentStore(git, 'main');
      await store.write(PATH, MANIFEST_TEXT, null, 'checkout: initial manifest');
      clock = new ManualClock(T0);
      let writes = 0;
      const crashing: ContentStore = {
        branch: 'main',
        read: (p) => store.read(p),
        async write(p, text, sha, message) {
          const done = await store.write(p, text, sha, message);
          if (++writes === crashAfter) throw new Error('crash');
          return done;
        },
      };
      await reconcile(PATH, policy, start, deps(judge, crashing)).catch(() => undefined);
      await driveToEnd(deps(judge, crashing));
      const final = parseManifest((await store.read(PATH))!.text, PATH);
      expect(final.stable).toEqual(reference.stable);
      expect(final.canary).toEqual(reference.canary);
      expect(final.promotion?.phase).toBe('promoted');
      expect(await weightsCommitted()).toEqual([0, 1, 5, 25, 100, 0]);
      expect((await git.run(['rev-list', '--count', 'main'])).stdout.trim()).toBe(referenceCommits);
    }
  });

  it('shifts traffic once per stage when several reconciles run at once', async () => {
    const { judge } = judgeWith();
    const starts = await Promise.all(Array.from({ length: 4 }, () => reconcile(PATH, policy, start, deps(judge))));
    expect(starts.filter((r) => r.committed)).toHaveLength(1);
    for (let round = 0; round < 40; round++) {
      const results = await Promise.all(
        Array.from({ length: 4 }, () => reconcile(PATH, policy, { kind: 'tick' }, deps(judge))),
      );
      const waits = results.map((r) => r.step).filter((s) => s.kind === 'wait');
      if (waits.length === results.length && waits.every((w) => w.kind === 'wait' && w.until === null)) break;
      const until = waits
        .map((w) => (w.kind === 'wait' && w.until ? w.until.getTime() : Infinity))
        .reduce((a, b) => Math.min(a, b), Infinity);
      if (until !== Infinity && until > clock.now().getTime()) clock.advance(until - clock.now().getTime());
    }
    expect(await weightsCommitted()).toEqual([0, 1, 5, 25, 100, 0]);
    const final = parseManifest((await store.read(PATH))!.text, PATH);
    expect(final.promotion?.phase).toBe('promoted');
    // No judgment was recorded twice for the same moment.
    const moments = final.promotion!.judgments.map((j) => `${j.stage}@${j.at}`);
    expect(new Set(moments).size).toBe(moments.length);
  });

  it('tells an external router the weight after each commit and on every reconcile', async () => {
    const { judge } = judgeWith();
    const applied: number[] = [];
    const d = {
      ...deps(judge),
      router: { name: 'mesh', apply: async (m: { canary: { weight: number } }) => void applied.push(m.canary.weight) },
    };
    await reconcile(PATH, policy, start, d);
    await reconcile(PATH, policy, { kind: 'tick' }, d);
    expect(applied).toEqual([1, 1]);
  });
});
