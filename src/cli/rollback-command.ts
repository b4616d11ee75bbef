/**
 * `bellwether rollback`: the rollback flow the action runs, against a local
 * git repository. Traffic and the quarantine are committed to its branch
 * (compare-and-swap), since no pull request can be opened without GitHub to
 * carry them; the pull request is written as a draft.
 */
import { resolve } from 'node:path';
import { runRollbackFlow } from '../flow/rollback.js';
import { defaultDraftDir, localTarget } from '../flow/target.js';
import { GitContentStore } from '../gitops/content-store.js';
import { requireService } from '../gitops/manifest-catalog.js';
import { locatePolicies } from '../policy/locate.js';
import { liftQuarantine } from '../rollback/lift.js';
import { RecordingLogger } from '../runtime/logger.js';
import { localDeps } from './local-deps.js';
import type { LocalDepsBuilder } from './local-deps.js';
import { actorOf } from './actor.js';
import type { CommandOutput } from './output.js';
import { ExitCode } from './output.js';

export interface RollbackArgs {
  readonly service: string;
  readonly environment: string;
  readonly region: string;
  readonly version?: string;
  readonly target?: string;
  readonly reason: string;
  readonly by?: string;
  readonly repo?: string;
  readonly branch?: string;
  readonly manifests?: string;
  /** Policy file or folder; default `.github/bellwether/` in the repository. */
  readonly policy?: string;
  /** Where the draft of the pull request goes; default `bellwether/drafts` in the repository's git directory. */
  readonly out?: string;
  readonly format: 'text' | 'json';
}

export async function rollbackCommand(
  args: RollbackArgs,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  depsFor: LocalDepsBuilder = localDeps,
): Promise<CommandOutput> {
  const repo = resolve(cwd, args.repo ?? '.');
  const deps = depsFor({ repo });
  const flow = await runRollbackFlow(
    {
      service: args.service,
      environment: args.environment,
      region: args.region,
      ...(args.version ? { version: args.version } : {}),
      ...(args.target ? { target: args.target } : {}),
      reason: args.reason,
      actor: actorOf(args.by, env),
      trigger: 'manual',
      manifests: args.manifests ?? 'deploy',
      ...(args.branch ? { branch: args.branch } : {}),
      policy: locatePolicies(args.policy, repo, cwd),
    },
    deps,
    localTarget(deps.git, args.out ? resolve(cwd, args.out) : await defaultDraftDir(deps.git), deps.logger),
  );
  const outcome = flow.rollback;
  if (args.format === 'json') {
    return {
      exitCode: ExitCode.ok,
      stdout: JSON.stringify(
        {
          bad: outcome.bad,
          good: outcome.good,
          branch: flow.branch,
          quarantined: outcome.quarantined,
          quarantine: outcome.quarantine,
          regions: outcome.regions.map((r) => ({
            region: r.region,
            action: r.plan.kind,
            summary: r.plan.summary,
            commit: r.commitSha ?? null,
          })),
          pullRequest: outcome.pullRequest.number === null ? null : outcome.pullRequest.url,
          draft: outcome.pullRequest.number === null ? outcome.pullRequest.url : null,
          notes: flow.notes,
        },
        null,
        2,
      ),
    };
  }
  return { exitCode: ExitCode.ok, stdout: flow.notes.join('\n') };
}

export interface RollbackLiftArgs {
  readonly service: string;
  readonly version: string;
  /** Why the version may be promoted again; recorded in the quarantine file. */
  readonly reason: string;
  readonly by?: string;
  readonly repo?: string;
  /** The deploy branch; `main` unless told. */
  readonly branch?: string;
  readonly manifests?: string;
  readonly format?: 'text' | 'json';
}

/**
 * `bellwether rollback lift`: lifts the quarantine of a version with a
 * reason, as one compare-and-swap commit to the quarantine file of a local
 * git checkout. Exit 0 when lifted (or already lifted); a version that is not
 * quarantined, a service with no manifests, or an empty reason, is a usage
 * error (exit 2).
 */
export async function rollbackLiftCommand(
  args: RollbackLiftArgs,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  depsFor: LocalDepsBuilder = localDeps,
): Promise<CommandOutput> {
  const repo = resolve(cwd, args.repo ?? '.');
  const deps = depsFor({ repo });
  const manifests = args.manifests ?? 'deploy';
  const branch = args.branch ?? 'main';
  await requireService(branch, manifests, args.service, localTarget(deps.git, '').listFiles);
  const outcome = await liftQuarantine(
    {
      service: args.service,
      version: args.version,
      reason: args.reason,
      by: actorOf(args.by, env),
      manifests,
    },
    // The verb prints the outcome itself; the lift's own log lines stay out of the terminal.
    { store: new GitContentStore(deps.git, branch), clock: deps.clock, logger: new RecordingLogger() },
  );
  if (args.format === 'json') {
    return {
      exitCode: ExitCode.ok,
      stdout: JSON.stringify(
        {
          service: args.service,
          version: args.version,
          lifted: true,
          changed: outcome.changed,
          file: outcome.path,
          quarantine: outcome.quarantine,
          lift: outcome.lift,
        },
        null,
        2,
      ),
    };
  }
  return { exitCode: ExitCode.ok, stdout: `${outcome.summary}${outcome.changed ? ` (${outcome.path})` : ''}` };
}
