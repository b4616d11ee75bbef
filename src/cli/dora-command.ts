/**
 * `bellwether dora`: the four DORA figures of a service in an environment,
 * from the history of its release manifests in git (every promotion and
 * rollback is a commit) and, for lead time, the commits of each release in
 * the repository its versions are built from.
 */
import type { Deps } from '../deps/deps.js';
import type { GitPort } from '../gitops/git.js';
import { doraFigures } from '../dora/figures.js';
import { manifestSnapshots, releaseCommits } from '../dora/history.js';
import { releasesOf } from '../dora/releases.js';
import { renderDoraMarkdown, renderDoraText } from '../dora/render.js';
import { parseDuration } from '../policy/fields.js';
import { ConfigurationError } from '../runtime/errors.js';
import { ExitCode, type CommandOutput } from './output.js';

export interface DoraArgs {
  readonly service?: string;
  readonly environment: string;
  readonly repo: string;
  readonly manifests: string;
  readonly ref: string;
  readonly sourceRepo?: string;
  readonly since: string;
  readonly until?: string;
  readonly format: 'text' | 'json' | 'markdown';
}

/** What the verb reaches the world through: the clock, git in the manifests' repository, and git in the source repository when it is another. */
export type DoraDeps = Pick<Deps, 'clock' | 'git'> & { readonly sourceGit?: GitPort };

/** `--since`: a date or time (RFC 3339), or a duration back from `--until` such as 90d. */
function periodStart(since: string, until: Date): Date {
  const ms = parseDuration(since);
  if (ms !== undefined && ms > 0) return new Date(until.getTime() - ms);
  const t = Date.parse(since);
  if (Number.isNaN(t))
    throw new ConfigurationError(
      `--since: expected a duration such as 90d or a date such as 2026-09-01, got "${since}"`,
    );
  return new Date(t);
}

async function isShallow(git: GitPort): Promise<boolean> {
  const { stdout } = await git.run(['rev-parse', '--is-shallow-repository']);
  return stdout.trim() === 'true';
}

/** Reads the manifests' history and prints the figures; exit 0, or 2 when there is nothing to read. */
export async function doraCommand(args: DoraArgs, deps: DoraDeps): Promise<CommandOutput> {
  if (!args.service) throw new ConfigurationError('dora needs --service');
  const until = args.until ? new Date(Date.parse(args.until)) : deps.clock.now();
  if (Number.isNaN(until.getTime()))
    throw new ConfigurationError(`--until: expected a date such as 2026-12-01, got "${args.until}"`);
  const since = periodStart(args.since, until);
  if (since >= until)
    throw new ConfigurationError(`--since ${args.since} is not before --until ${until.toISOString()}`);

  const { git } = deps;
  const dir = `${args.manifests.replace(/\/+$/, '')}/${args.service}/${args.environment}`;
  const snapshots = await manifestSnapshots(git, dir, args.ref);
  if (snapshots.length === 0)
    throw new ConfigurationError(
      `no release manifest of ${args.service} in ${args.environment} has any history in ${args.repo} (looked for ${dir}/*.yaml on ${args.ref})`,
    );
  const releases = releasesOf(snapshots);
  const source = deps.sourceGit ?? git;
  const commits = await releaseCommits(source, releases, source === git ? args.manifests : undefined);
  const figures = doraFigures(releases, commits, { since, until });

  const caveats: string[] = [];
  if (await isShallow(git))
    caveats.push(
      `${args.repo} is a shallow clone: releases older than its history are not seen (fetch with fetch-depth: 0).`,
    );
  if (source !== git && (await isShallow(source)))
    caveats.push(`${args.sourceRepo} is a shallow clone: lead times are traced only within its history.`);
  const first = snapshots.reduce((a, s) => (s.at < a ? s.at : a), snapshots[0]?.at as string);
  if (first > since.toISOString())
    caveats.push(
      `The manifests' history starts on ${first.slice(0, 10)}, after the period's start: earlier weeks have no record.`,
    );
  const subject = {
    service: args.service,
    environment: args.environment,
    snapshots: snapshots.length,
    commits: new Set(snapshots.map((s) => s.commit)).size,
    caveats,
  };
  const stdout =
    args.format === 'json'
      ? `${JSON.stringify({ ...subject, figures, releases }, null, 2)}\n`
      : args.format === 'markdown'
        ? renderDoraMarkdown(subject, figures, releases)
        : renderDoraText(subject, figures, releases);
  return { exitCode: ExitCode.ok, stdout };
}
