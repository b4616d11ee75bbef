/**
 * `bellwether canary start|tick|promote|pause|resume|abort|rollback`: the
 * promotion driven from a terminal against a local git checkout of the
 * manifests, with the same decisions the action makes.
 */
import { resolve } from 'node:path';
import { runCanary } from '../canary/promotion/run.js';
import type { CanaryCommand } from '../canary/promotion/run.js';
import { GitContentStore } from '../gitops/content-store.js';
import { CommandGit } from '../gitops/git.js';
import { buildDeps } from '../runtime/build-deps.js';
import { StreamLogger } from '../runtime/logger.js';
import { loadMetricsProviders } from '../runtime/metrics-config.js';
import type { CommandOutput } from './output.js';
import { ExitCode } from './output.js';

export interface CanaryControlArgs {
  readonly command: CanaryCommand;
  readonly service: string;
  readonly environment: string;
  readonly region?: string;
  readonly version?: string;
  /** With `start`: mark the release irreversible. */
  readonly irreversible?: boolean;
  readonly by?: string;
  readonly reason?: string;
  /** The git repository holding the manifests (default: the current directory). */
  readonly repo?: string;
  readonly branch?: string;
  readonly manifests?: string;
  readonly policy?: string;
  readonly metrics?: string;
  readonly wait?: boolean;
  readonly format: 'text' | 'json';
}

export async function canaryControlCommand(args: CanaryControlArgs, env: NodeJS.ProcessEnv = process.env): Promise<CommandOutput> {
  const logger = new StreamLogger();
  const repo = resolve(args.repo ?? '.');
  const deps = buildDeps({ token: '', logger, cwd: repo, ...(args.metrics ? { metrics: loadMetricsProviders(args.metrics, logger) } : {}) });
  const outcome = await runCanary(
    {
      service: args.service,
      environment: args.environment,
      ...(args.region ? { region: args.region } : {}),
      command: args.command,
      ...(args.version ? { version: args.version } : {}),
      ...(args.irreversible ? { irreversible: true } : {}),
      ...(args.reason ? { reason: args.reason } : {}),
      actor: args.by ?? env.GITHUB_ACTOR ?? env.USER ?? 'unknown',
      manifests: args.manifests ?? 'deploy',
      ...(args.policy ? { policy: args.policy } : {}),
      waitWithinMs: args.wait ? 24 * 3_600_000 : 0,
    },
    deps,
    new GitContentStore(new CommandGit(repo), args.branch ?? 'main', { logger }),
  );
  const exitCode = outcome.failure ? ExitCode.negative : ExitCode.ok;
  if (args.format === 'json') return { exitCode, stdout: JSON.stringify(outcome.json, null, 2) };
  return { exitCode, stdout: outcome.markdown + (outcome.failure ? `\n${outcome.failure}\n` : '') };
}
