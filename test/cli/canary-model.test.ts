/**
 * Model-based test of the promise "traffic moves at most one stage per
 * judgment or per person's command, whatever runs at once or dies midway":
 * random batches of concurrent `bellwether canary` processes (tick, promote,
 * pause, resume, abort, rollback) over one real git checkout, some of them
 * killed with SIGKILL at random moments. After each batch the history of the
 * manifest is read back from git and checked.
 *
 * The policy soaks for hours, so a tick never has a judgment due: it waits,
 * and every move of traffic in the history is a person's command. A barrier
 * on the first read makes every process of a batch decide on the same state
 * (the batch is one moment's clicks), so however they interleave, a batch
 * moves traffic forward at most one stage and ends a promotion at most once.
 * The seed is fixed; fast-check prints it with the failing batch.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReleaseManifest } from '../../src/gitops/manifest.js';
import { parseManifest } from '../../src/gitops/manifest.js';
import { FINAL_PHASES } from '../../src/gitops/promotion-state.js';
import type { CommandGit } from '../../src/gitops/git.js';
import { runCliProcess } from '../helpers/cli-process.js';
import type { CliRun } from '../helpers/cli-process.js';
import { MANIFEST, manifestCheckout, readBarrier, verbArgs } from '../helpers/manifest-repo.js';

const SEED = 20261207;
const RUNS = 12;
const STAGES = [1, 5, 25, 100];
const VERBS = ['tick', 'promote', 'pause', 'resume', 'abort', 'rollback'] as const;
type Verb = (typeof VERBS)[number];

const POLICY = `kind: canary
stages:
  - { weight: 1, soakTime: 6h }
  - { weight: 5, soakTime: 6h }
  - { weight: 25, soakTime: 6h }
  - { weight: 100, soakTime: 6h }
analysis:
  interval: 1h
  lookback: 1h
`;

interface Proc {
  readonly verb: Verb;
  /** Milliseconds after its start at which the process is killed; none: it runs to its end. */
  readonly killAfter?: number;
}

const batchArb = fc.record({
  /** Sequential promotes before the batch, so batches start at different stages. */
  promotesBefore: fc.integer({ min: 0, max: 2 }),
  procs: fc.array(
    fc.record({
      // A promote twice as often as the rest: double clicks are what moved traffic twice.
      verb: fc.oneof({ weight: 2, arbitrary: fc.constant<Verb>('promote') }, fc.constantFrom(...VERBS)),
      // One process in four is killed, at any moment of its run (a run takes a few seconds here).
      killAfter: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, fc.integer({ min: 0, max: 4000 })),
    }),
    { minLength: 2, maxLength: 6 },
  ),
});

const identity = (m: ReleaseManifest) => (m.promotion ? `${m.promotion.id}@${m.promotion.startedAt}` : null);

async function manifestsSince(
  git: CommandGit,
  base: string,
): Promise<Array<{ sha: string; manifest: ReleaseManifest }>> {
  const shas = (await git.run(['log', '--reverse', '--format=%H', `${base}..main`, '--', MANIFEST])).stdout
    .trim()
    .split('\n')
    .filter(Boolean);
  const out = [];
  // Every version parses: a half-written manifest would throw here.
  for (const sha of shas)
    out.push({ sha, manifest: parseManifest((await git.run(['show', `${sha}:${MANIFEST}`])).stdout, MANIFEST) });
  return out;
}

async function checkBatch(procs: readonly Proc[], promotesBefore: number): Promise<void> {
  const { dir, git } = await manifestCheckout('bw-model-');
  const policy = join(mkdtempSync(join(tmpdir(), 'bw-model-policy-')), 'canary.yml');
  writeFileSync(policy, POLICY);
  const args = (verb: string, i: number) => [
    'canary',
    verb,
    ...verbArgs(dir, `user${i}`),
    '--policy',
    policy,
    '--format',
    'json',
  ];
  const setup = [await runCliProcess(['canary', 'start', '--version', '1.42.0', ...verbArgs(dir), '--policy', policy])];
  for (let i = 0; i < promotesBefore; i++) setup.push(await runCliProcess(args('promote', 99)));
  for (const r of setup) expect(r.code, r.stderr).toBe(0);
  const base = (await git.run(['rev-parse', 'main'])).stdout.trim();
  const before = parseManifest((await git.run(['show', `main:${MANIFEST}`])).stdout, MANIFEST);

  const barrier = readBarrier(procs.length);
  const env = { PATH: `${barrier.bin}:${process.env.PATH ?? ''}` };
  const runs: CliRun[] = await Promise.all(
    procs.map((p, i) => {
      const abort = new AbortController();
      let pid = 0;
      const timer =
        p.killAfter === undefined
          ? undefined
          : setTimeout(() => {
              abort.abort();
              barrier.arrive(pid);
            }, p.killAfter);
      return runCliProcess(args(p.verb, i), { env, signal: abort.signal, onSpawn: (n) => (pid = n) }).finally(() =>
        clearTimeout(timer),
      );
    }),
  );
  const report = procs
    .map(
      (p, i) =>
        `${p.verb}${p.killAfter === undefined ? '' : ` (kill at ${p.killAfter} ms)`}: exit ${runs[i]!.code}\n${runs[i]!.stderr}`,
    )
    .join('\n');

  // Processes that were not killed end with a decision, never a stack or a lock error.
  for (const r of runs) if (r.code !== null) expect([0, 1], report).toContain(r.code);

  // No commit a process reported is lost.
  for (const r of runs.filter((x) => x.code !== null && x.stdout.trim().startsWith('{'))) {
    const json = JSON.parse(r.stdout) as { transitions: Array<{ commit: string | null }> };
    for (const t of json.transitions) {
      if (t.commit) await git.run(['merge-base', '--is-ancestor', t.commit, 'main']);
    }
  }

  // Traffic moves at most one stage per commit, and forward only for a person's promote.
  const history = await manifestsSince(git, base);
  expect(history.length, report).toBeLessThanOrEqual(procs.length);
  let forward = 0;
  const ended = new Map<string, number>();
  let prev = before;
  for (const { manifest: next } of history) {
    const from = prev.canary.weight;
    const to = next.canary.weight;
    if (to > from) {
      expect(to, report).toBe(STAGES[STAGES.indexOf(from) + 1]);
      forward++;
    }
    if (next.stable.version !== prev.stable.version) {
      expect(from, report).toBe(100);
      forward++;
    }
    if (
      next.promotion &&
      FINAL_PHASES.includes(next.promotion.phase) &&
      !(prev.promotion && identity(prev) === identity(next) && FINAL_PHASES.includes(prev.promotion.phase))
    ) {
      ended.set(identity(next)!, (ended.get(identity(next)!) ?? 0) + 1);
    }
    prev = next;
  }
  // Every command of the batch saw the same stage: together they leave it at most once.
  expect(forward, report).toBeLessThanOrEqual(Math.min(1, procs.filter((p) => p.verb === 'promote').length));
  expect(
    [...ended.values()].reduce((a, b) => a + b, 0),
    report,
  ).toBeLessThanOrEqual(1);

  // No lock wedges: a plain command afterwards succeeds, and the checkout agrees with the branch.
  const final = await runCliProcess(args('tick', 0));
  expect(final.code, `${report}\nfinal tick:\n${final.stderr}`).toBe(0);
  expect((await git.run(['status', '--porcelain'])).stdout, report).toBe('');
  expect(readFileSync(join(dir, MANIFEST), 'utf8')).toBe((await git.run(['show', `main:${MANIFEST}`])).stdout);
}

describe('concurrent canary verbs and kills over one repository (model-based)', () => {
  it('never moves traffic twice for one command, loses no reported commit, and never wedges', async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, async ({ procs, promotesBefore }) => {
        await checkBatch(procs, promotesBefore);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });
});
