/**
 * Backtests: recorded releases replayed through a canary policy. Each
 * release starts from a fresh release manifest in a temporary git repository
 * (real git), and goes through the canary stages on a simulated clock with
 * the metrics answered from recordings (`bellwether metrics record`), the
 * way the canary action would have run it. What the policy decided, and
 * when, is compared with what the team knows the release was, so that a
 * policy is tuned before it goes live.
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod';
import type { Deps } from '../deps/deps.js';
import { runCanaryFlow } from '../flow/canary.js';
import { localTarget } from '../flow/target.js';
import type { GitPort } from '../gitops/git.js';
import type { MetricsProviders } from '../metrics/provider.js';
import { ManualClock } from '../runtime/clock.js';
import type { Logger } from '../runtime/logger.js';

/** The releases file: which releases to replay, when each started, and what each truly was. */
export const backtestSchema = z.strictObject({
  service: z.string().min(1),
  environment: z.string().min(1).default('production'),
  /** The region the canary ran in; its name fills `{{region}}` in the queries. */
  region: z.string().min(1).default('default'),
  releases: z
    .array(
      z.strictObject({
        version: z.string().min(1),
        /** The stable version it was judged against (fills nothing in queries; the manifest needs one). */
        baseline: z.string().min(1).default('baseline'),
        start: z.iso.datetime(),
        /** What the release truly was: good (it should be promoted) or a regression (it should be rolled back). */
        truth: z.enum(['good', 'regression']).optional(),
      }),
    )
    .min(1),
});
export type Backtest = z.output<typeof backtestSchema>;

/** What the policy decided for one release. */
export interface BacktestRelease {
  readonly version: string;
  readonly truth?: 'good' | 'regression';
  readonly result: 'promoted' | 'rolled-back' | 'held';
  readonly start: string;
  /** When it was decided; for a held release, when the replay stopped waiting for a decision. */
  readonly decidedAt: string;
  /** From the start to the decision on the simulated clock; for a held release, to when the replay stopped waiting. */
  readonly timeToDecisionMs: number;
  /** The most traffic the canary had, in percent. */
  readonly maxWeight: number;
  /** Judgments made, by verdict. */
  readonly judgments: Readonly<Record<string, number>>;
  readonly headline: string;
  /** The decision agrees with the truth; undefined where no truth is given or it held. */
  readonly right?: boolean;
}

/** The tally over all releases. */
export interface BacktestSummary {
  readonly releases: number;
  readonly regressions: number;
  readonly caught: number;
  readonly missed: number;
  readonly good: number;
  readonly falseFailures: number;
  readonly held: number;
  /** Median time to decision of the regressions caught, and of the good releases promoted. */
  readonly medianTimeToCatchMs: number | null;
  readonly medianTimeToPromoteMs: number | null;
}

export interface BacktestRun {
  readonly service: string;
  readonly environment: string;
  readonly policy: string;
  readonly releases: readonly BacktestRelease[];
  readonly summary: BacktestSummary;
}

/** What a backtest needs from its caller: the metrics providers (replaying recordings), a GitHub that is not there, git in a folder, a logger. */
export interface BacktestDeps extends Pick<Deps, 'github' | 'files'> {
  readonly metrics: MetricsProviders;
  readonly gitIn: (dir: string) => GitPort;
  readonly logger: Logger;
}

const median = (xs: readonly number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

const tally = (j: Readonly<Record<string, number>>) =>
  Object.entries(j)
    .map(([verdict, n]) => `${n} ${verdict}`)
    .join(', ') || 'none';

/** Tallies the decisions against the truth. Pure. */
export function summarize(releases: readonly BacktestRelease[]): BacktestSummary {
  const regressions = releases.filter((r) => r.truth === 'regression');
  const good = releases.filter((r) => r.truth === 'good');
  const caught = regressions.filter((r) => r.result === 'rolled-back');
  const promoted = good.filter((r) => r.result === 'promoted');
  return {
    releases: releases.length,
    regressions: regressions.length,
    caught: caught.length,
    missed: regressions.filter((r) => r.result === 'promoted').length,
    good: good.length,
    falseFailures: good.filter((r) => r.result === 'rolled-back').length,
    held: releases.filter((r) => r.result === 'held').length,
    medianTimeToCatchMs: median(caught.map((r) => r.timeToDecisionMs)),
    medianTimeToPromoteMs: median(promoted.map((r) => r.timeToDecisionMs)),
  };
}

const manifestText = (b: Backtest, baseline: string) =>
  [
    `service: ${JSON.stringify(b.service)}`,
    `environment: ${JSON.stringify(b.environment)}`,
    `region: ${JSON.stringify(b.region)}`,
    'stable:',
    `  version: ${JSON.stringify(baseline)}`,
    'canary:',
    '  version: null',
    '  weight: 0',
    '',
  ].join('\n');

/** Replays every release through the canary policy found at `policyPath`. */
export async function runBacktest(backtest: Backtest, policyPath: string, deps: BacktestDeps): Promise<BacktestRun> {
  const releases: BacktestRelease[] = [];
  for (const release of backtest.releases) {
    const repo = await mkdtemp(join(tmpdir(), 'bellwether-backtest-'));
    try {
      const git = deps.gitIn(repo);
      const dir = join(repo, 'deploy', backtest.service, backtest.environment);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `${backtest.region}.yaml`), manifestText(backtest, release.baseline));
      await git.run(['init', '-q', '-b', 'main']);
      await git.run(['add', '.']);
      await git.run([
        'commit',
        '-q',
        '-m',
        `${backtest.service}: ${release.baseline} stable before ${release.version}`,
      ]);
      const clock = new ManualClock(release.start);
      const flowDeps: Deps = {
        clock,
        sleep: clock.sleep,
        logger: deps.logger,
        github: deps.github,
        files: deps.files,
        metrics: deps.metrics,
        git,
      };
      const flow = await runCanaryFlow(
        {
          service: backtest.service,
          environment: backtest.environment,
          region: backtest.region,
          command: 'start',
          version: release.version,
          actor: 'bellwether-backtest',
          manifests: 'deploy',
          branch: 'main',
          policy: { path: policyPath, searched: policyPath },
          waitWithinMs: 7 * 24 * 3_600_000,
        },
        flowDeps,
        localTarget(git, join(repo, '.git', 'bellwether', 'drafts')),
      );
      const state = flow.canary.outputs.state;
      const result: BacktestRelease['result'] =
        state === 'promoted' ? 'promoted' : state === 'failed' || state === 'rolled-back' ? 'rolled-back' : 'held';
      const decidedAt = clock.now().toISOString();
      const maxWeight = Math.max(0, ...flow.canary.results.map((r) => r.manifest.canary.weight));
      const judgments: Record<string, number> = {};
      for (const r of flow.canary.results)
        if (r.judgment) judgments[r.judgment.verdict] = (judgments[r.judgment.verdict] ?? 0) + 1;
      const expected = release.truth === 'regression' ? 'rolled-back' : 'promoted';
      releases.push({
        version: release.version,
        ...(release.truth ? { truth: release.truth } : {}),
        result,
        start: release.start,
        decidedAt,
        timeToDecisionMs: clock.now().getTime() - Date.parse(release.start),
        maxWeight,
        judgments,
        headline:
          result === 'promoted'
            ? `promoted after ${Object.values(judgments).reduce((a, b) => a + b, 0)} judgment(s): ${tally(judgments)}`
            : flow.canary.headline,
        ...(release.truth && result !== 'held' ? { right: result === expected } : {}),
      });
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  }
  return {
    service: backtest.service,
    environment: backtest.environment,
    policy: policyPath,
    releases,
    summary: summarize(releases),
  };
}
