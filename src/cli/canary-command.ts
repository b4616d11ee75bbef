/**
 * `bellwether canary start|tick|promote|pause|resume|abort|rollback`: the
 * canary flow the action runs, against a local git repository: commits to
 * its branch, and a draft of the rollback pull request when a canary fails.
 */
import { resolve } from 'node:path';
import type { CanaryCommand } from '../canary/promotion/run.js';
import { breakGlassInput, runCanaryFlow } from '../flow/canary.js';
import { defaultDraftDir, localTarget } from '../flow/target.js';
import { locateMetricsFile, locatePolicies } from '../policy/locate.js';
import { localDeps } from './local-deps.js';
import type { LocalDepsBuilder } from './local-deps.js';
import { COLOR, PLAIN } from '../report/terminal.js';
import { actorOf } from './actor.js';
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
  /** With `promote`: the change record a change approval links to. */
  readonly changeRecord?: string;
  /** Justification of a break-glass through the error-budget freeze, and when it ends. */
  readonly breakGlass?: string;
  readonly breakGlassExpiry?: string;
  /** The git repository holding the manifests (default: the current directory). */
  readonly repo?: string;
  readonly branch?: string;
  readonly manifests?: string;
  /** Policy file or folder; default `.github/bellwether/` in the repository. */
  readonly policy?: string;
  /** Metrics providers file (or a folder with metrics.yml); default `.github/bellwether/metrics.yml` in the repository. */
  readonly metrics?: string;
  /** Where the draft of a rollback pull request goes (default `bellwether/drafts` in the repository's git directory). */
  readonly out?: string;
  readonly wait?: boolean;
  readonly format: 'text' | 'json';
  /** Text in colour (stdout is a terminal and NO_COLOR is unset). */
  readonly color?: boolean;
}

export async function canaryControlCommand(
  args: CanaryControlArgs,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  depsFor: LocalDepsBuilder = localDeps,
): Promise<CommandOutput> {
  const repo = resolve(cwd, args.repo ?? '.');
  const metricsFile = locateMetricsFile(args.metrics, repo, cwd);
  const deps = depsFor({ repo, ...(metricsFile ? { metricsFile } : {}) });
  const flow = await runCanaryFlow(
    {
      service: args.service,
      environment: args.environment,
      ...(args.region ? { region: args.region } : {}),
      command: args.command,
      ...(args.version ? { version: args.version } : {}),
      ...(args.irreversible ? { irreversible: true } : {}),
      ...(args.reason ? { reason: args.reason } : {}),
      ...(args.changeRecord ? { changeRecord: args.changeRecord } : {}),
      ...breakGlassInput(args.breakGlass, args.breakGlassExpiry),
      actor: actorOf(args.by, env),
      manifests: args.manifests ?? 'deploy',
      branch: args.branch ?? 'main',
      policy: locatePolicies(args.policy, repo, cwd),
      waitWithinMs: args.wait ? 24 * 3_600_000 : 0,
    },
    deps,
    localTarget(deps.git, args.out ? resolve(cwd, args.out) : await defaultDraftDir(deps.git), deps.logger),
  );
  const outcome = flow.canary;
  const exitCode = outcome.failure ? ExitCode.negative : ExitCode.ok;
  if (args.format === 'json') {
    const rollback = flow.rollback;
    return {
      exitCode,
      stdout: JSON.stringify(
        {
          ...outcome.json,
          notes: flow.notes,
          rollback: rollback
            ? {
                bad: rollback.bad,
                quarantined: rollback.quarantined,
                quarantine: rollback.quarantine,
                pullRequest: rollback.pullRequest.number === null ? null : rollback.pullRequest.url,
                draft: rollback.pullRequest.number === null ? rollback.pullRequest.url : null,
              }
            : null,
        },
        null,
        2,
      ),
    };
  }
  return {
    exitCode,
    stdout: `${outcome.text(args.color ? COLOR : PLAIN)}${flow.notes.length > 0 ? `\n${flow.notes.join('\n')}\n` : ''}`,
  };
}
