/**
 * The main job on the shipped example, offline: a GitOps repository in a
 * temporary folder (real git), the example's policies, and metrics replayed
 * from a recording, on a simulated clock so that hours of soak and bake take
 * seconds. Each release goes through the canary stages in the pilot region
 * and then wave by wave; a release whose canary fails is rolled back, its
 * rollback pull request and postmortem draft are written out.
 */
import { cp, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import type { CanaryRunOutcome } from '../canary/promotion/run.js';
import { runCanaryFlow } from '../flow/canary.js';
import { localTarget } from '../flow/target.js';
import { GitContentStore } from '../gitops/content-store.js';
import { manifestPath, updateManifest, withStableVersion } from '../gitops/manifest.js';
import { parsePolicyText } from '../policy/load.js';
import { POLICY_DIR } from '../policy/locate.js';
import { loadPolicySet, policyFor } from '../policy/set.js';
import type { RollbackOutcome } from '../rollback/run.js';
import { ManualClock } from '../runtime/clock.js';
import type { Deps } from '../deps/deps.js';
import { planWaves } from '../waves/planner.js';

const exampleSchema = z.strictObject({
  service: z.string().min(1),
  environment: z.string().min(1),
  releases: z
    .array(
      z.strictObject({
        version: z.string().min(1),
        start: z.iso.datetime(),
        expect: z.enum(['promoted', 'rolled-back']),
      }),
    )
    .min(1),
});

export interface WaveRun {
  readonly name: string;
  readonly regions: readonly string[];
  readonly startedAt: string;
  readonly bakedAt: string;
  readonly canary: boolean;
}

export interface ReleaseRun {
  readonly version: string;
  readonly expected: 'promoted' | 'rolled-back';
  readonly result: 'promoted' | 'rolled-back' | 'held';
  readonly waves: readonly WaveRun[];
  readonly canary: CanaryRunOutcome;
  readonly rollback?: RollbackOutcome;
  readonly postmortemFile?: string;
  readonly finishedAt: string;
}

export interface ExampleRun {
  readonly service: string;
  readonly environment: string;
  readonly releases: readonly ReleaseRun[];
  /** Every release ended as the example expects. */
  readonly ok: boolean;
  readonly outDir: string;
  /** The GitOps repository's history, oldest first. */
  readonly commits: readonly string[];
}

/**
 * Runs the example in `dir`. `deps.git` works in an empty folder, `repo`,
 * which becomes the GitOps repository; `deps.metrics` holds the example's
 * metrics providers (its `.github/bellwether/metrics.yml`). Each release runs
 * on its own simulated clock, which stands in for `deps.clock`.
 */
export async function runExample(
  dir: string,
  outDir: string,
  repo: string,
  deps: Pick<Deps, 'logger' | 'github' | 'metrics' | 'git' | 'files'>,
): Promise<ExampleRun> {
  const file = join(dir, 'example.yml');
  const example = parsePolicyText(new TextDecoder().decode(await deps.files.read(file)), file, exampleSchema);
  // The example is laid out as an adopter's repository: policies and metrics providers in .github/bellwether/.
  const policyDir = join(dir, POLICY_DIR);
  const policies = await loadPolicySet(policyDir, deps.files);
  const wavesPolicy = policyFor(policies, 'waves', example.service).policy;

  const { git } = deps;
  await git.run(['init', '-q', '-b', 'main']);
  await cp(join(dir, 'deploy'), join(repo, 'deploy'), { recursive: true });
  await git.run(['add', '.']);
  await git.run(['commit', '-q', '-m', `${example.service}: release manifests as the example starts`]);
  const store = new GitContentStore(git, 'main');
  await mkdir(outDir, { recursive: true });
  const target = localTarget(git, outDir);

  const releases: ReleaseRun[] = [];
  for (const release of example.releases) {
    const clock = new ManualClock(release.start);
    const releaseDeps: Deps = { ...deps, clock, sleep: clock.sleep };
    const waves: WaveRun[] = [];
    let remaining = wavesPolicy.waves.flatMap((w) => w.regions);
    let canary: CanaryRunOutcome | undefined;
    let result: ReleaseRun['result'] = 'promoted';
    let rollback: RollbackOutcome | undefined;
    let postmortemFile: string | undefined;
    while (remaining.length > 0) {
      const plan = planWaves(
        { policy: wavesPolicy },
        { service: example.service, environment: example.environment, version: release.version, regions: remaining },
        clock.now(),
      );
      const wave = plan.waves.find((w) => w.regions.length > 0);
      if (!wave) break;
      const startAt = Date.parse(wave.start.at);
      if (startAt > clock.now().getTime()) clock.advance(startAt - clock.now().getTime());
      const startedAt = clock.now().toISOString();
      const regions = wave.regions.map((r) => r.region);
      for (const region of regions) {
        // The policy says which regions run the canary stages: the first wave's, or all.
        if (wavesPolicy.canary === 'all' || wavesPolicy.waves[0]?.regions.includes(region)) {
          // The flow the CLI and the action run: a failed canary is handed to rollback, and its postmortem drafted.
          const flow = await runCanaryFlow(
            {
              service: example.service,
              environment: example.environment,
              region,
              command: 'start',
              version: release.version,
              actor: 'bellwether-example',
              manifests: 'deploy',
              branch: 'main',
              policy: { path: policyDir, searched: policyDir },
              waitWithinMs: 7 * 24 * 3_600_000,
            },
            releaseDeps,
            target,
          );
          canary = flow.canary;
          rollback = flow.rollback;
          postmortemFile = flow.postmortem?.draft;
          if (canary.outputs.state !== 'promoted') {
            result = canary.outputs.state === 'failed' ? 'rolled-back' : 'held';
            break;
          }
        } else {
          await updateManifest(
            store,
            manifestPath('deploy', example.service, example.environment, region),
            (m) => withStableVersion(m, release.version, clock.now().toISOString()),
            `${example.service}/${example.environment}/${region}: deploy ${release.version} (wave ${wave.name})`,
          );
        }
      }
      if (result !== 'promoted') break;
      clock.advance(wave.bakeMs);
      waves.push({
        name: wave.name,
        regions,
        startedAt,
        bakedAt: clock.now().toISOString(),
        canary: wavesPolicy.canary === 'all' || regions.some((r) => wavesPolicy.waves[0]?.regions.includes(r)),
      });
      remaining = remaining.filter((r) => !regions.includes(r));
    }
    if (!canary) throw new Error(`the waves policy has no canary wave for ${release.version}`);
    releases.push({
      version: release.version,
      expected: release.expect,
      result,
      waves,
      canary,
      ...(rollback ? { rollback } : {}),
      ...(postmortemFile ? { postmortemFile } : {}),
      finishedAt: clock.now().toISOString(),
    });
  }
  const commits = (await git.run(['log', '--reverse', '--format=%s', 'main'])).stdout.trim().split('\n');
  return {
    service: example.service,
    environment: example.environment,
    releases,
    ok: releases.every((r) => r.result === r.expected),
    outDir,
    commits,
  };
}
