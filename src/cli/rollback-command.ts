/**
 * `bellwether rollback`: the rollback flow against a local git checkout of
 * the manifests. Traffic is restored by a compare-and-swap commit when the
 * policy allows an emergency commit; the pull request that records it is
 * written to a file (opening it needs the action and a token).
 */
import { resolve } from 'node:path';
import { GitContentStore } from '../gitops/content-store.js';
import { CommandGit } from '../gitops/git.js';
import { loadPolicySet, policyFor } from '../policy/set.js';
import { liftQuarantine } from '../rollback/lift.js';
import { FileRollbackPublisher } from '../rollback/publish.js';
import { runRollback } from '../rollback/run.js';
import { systemClock } from '../runtime/clock.js';
import { RecordingLogger, StreamLogger } from '../runtime/logger.js';
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
  readonly policy?: string;
  readonly out: string;
  readonly format: 'text' | 'json';
}

export async function rollbackCommand(args: RollbackArgs, env: NodeJS.ProcessEnv = process.env): Promise<CommandOutput> {
  const set = await loadPolicySet(args.policy);
  const policy = policyFor(set, 'rollback', args.service).policy;
  const regions = args.region === 'all' ? (set.some((p) => p.policy.kind === 'waves') ? policyFor(set, 'waves', args.service).policy.waves.flatMap((w) => w.regions) : ['default']) : [args.region];
  const repo = resolve(args.repo ?? '.');
  const outcome = await runRollback(
    {
      service: args.service,
      environment: args.environment,
      regions,
      ...(args.version ? { version: args.version } : {}),
      ...(args.target ? { target: args.target } : {}),
      reason: args.reason,
      actor: args.by ?? env.GITHUB_ACTOR ?? env.USER ?? 'unknown',
      trigger: 'manual',
      links: [],
      manifests: args.manifests ?? 'deploy',
    },
    { ...policy, deployBranch: args.branch ?? policy.deployBranch },
    { store: new GitContentStore(new CommandGit(repo), args.branch ?? policy.deployBranch), publisher: new FileRollbackPublisher(resolve(args.out)), clock: systemClock, logger: new StreamLogger() },
  );
  if (args.format === 'json') {
    return {
      exitCode: ExitCode.ok,
      stdout: JSON.stringify({ bad: outcome.bad, good: outcome.good, quarantined: outcome.quarantined, regions: outcome.regions.map((r) => ({ region: r.region, action: r.plan.kind, summary: r.plan.summary, commit: r.commitSha ?? null })), pullRequest: outcome.pullRequest.url }, null, 2),
    };
  }
  return { exitCode: ExitCode.ok, stdout: `${outcome.regions.map((r) => `${r.region}: ${r.plan.summary}${r.commitSha ? ` (commit ${r.commitSha.slice(0, 7)})` : ''}`).join('\n')}\nRollback pull request written to ${outcome.pullRequest.url}` };
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
 * quarantined, or an empty reason, is a usage error (exit 2).
 */
export async function rollbackLiftCommand(args: RollbackLiftArgs, env: NodeJS.ProcessEnv = process.env): Promise<CommandOutput> {
  const outcome = await liftQuarantine(
    { service: args.service, version: args.version, reason: args.reason, by: args.by ?? env.GITHUB_ACTOR ?? env.USER ?? 'unknown', manifests: args.manifests ?? 'deploy' },
    { store: new GitContentStore(new CommandGit(resolve(args.repo ?? '.')), args.branch ?? 'main'), clock: systemClock, logger: new RecordingLogger() },
  );
  if (args.format === 'json') {
    return { exitCode: ExitCode.ok, stdout: JSON.stringify({ service: args.service, version: args.version, lifted: true, changed: outcome.changed, file: outcome.path, quarantine: outcome.quarantine, lift: outcome.lift }, null, 2) };
  }
  return { exitCode: ExitCode.ok, stdout: `${outcome.summary}${outcome.changed ? ` (${outcome.path})` : ''}` };
}
