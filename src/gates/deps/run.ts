/**
 * `bellwether gate deps --base REF --head REF [--format text|json|sarif]
 * [--policy FILE] [--snapshot FILE]`: the dependency review of a pull
 * request, from GitHub's dependency graph or from a snapshot file of the
 * same shape for offline use.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { VERSION } from '../../version.js';
import { ExitCode, type CommandOutput } from '../../cli/output.js';
import { GitHubError } from '../../github/errors.js';
import type { DependencyChange, GitHubPort } from '../../github/port.js';
import { CommandGit, type GitPort } from '../../gitops/git.js';
import { readPolicyText } from '../../policy/load.js';
import { systemClock, type Clock } from '../../runtime/clock.js';
import { ConfigurationError, errorMessage, isConfigurationError } from '../../runtime/errors.js';
import type { FamilyDecision } from './decision.js';
import { fetchScorecards, scorecardProject } from './scorecard.js';
import { decideDependencies } from './decide.js';
import { DEFAULT_DEPS_POLICY, parseDepsPolicyText, type LoadedDepsPolicy } from './policy-schema.js';
import { renderJson, renderText } from './render.js';
import { renderSarif, renderSarifFailure } from './sarif.js';
import { changesFromLockFiles } from './fallback.js';
import { parseDependencySnapshot } from './snapshot-file.js';

/** Manifests larger than this are not read to locate lines; findings point at the file. */
const MAX_MANIFEST_BYTES = 20 * 1024 * 1024;

export interface DepsGateInputs {
  readonly base: string;
  readonly head: string;
  readonly policy?: string;
  readonly snapshot?: string;
  /** Checkout where manifests are read to locate lines; the working directory unless told. */
  readonly root?: string;
}

export interface DepsGateDeps {
  readonly clock: Clock;
  /** Absent offline; then a snapshot or a git checkout is required. */
  readonly github?: GitHubPort;
  /** The checkout, for diffing lock files when GitHub's dependency graph cannot answer. */
  readonly git?: GitPort;
  /** Reads a file as text, or undefined when it does not exist. */
  readonly readText: (path: string) => Promise<string | undefined>;
  /** Asks the Scorecard API, when the policy sets a floor; the global `fetch` unless told. */
  readonly fetch?: typeof fetch;
}

/** Reads UTF-8 files from disk; missing and oversized files are undefined. */
export async function readTextFile(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_MANIFEST_BYTES) return undefined;
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigurationError(`cannot read: ${errorMessage(err)}`, { file: path });
  }
}

/** Loads the changes, the policy and the manifests, and decides. Throws ConfigurationError for usage mistakes. */
export async function runDepsGate(inputs: DepsGateInputs, deps: DepsGateDeps): Promise<FamilyDecision> {
  if (inputs.base.trim() === '' || inputs.head.trim() === '')
    throw new ConfigurationError('give both --base and --head');
  const policy: LoadedDepsPolicy = inputs.policy
    ? parseDepsPolicyText(await readPolicyText(inputs.policy), inputs.policy)
    : DEFAULT_DEPS_POLICY;
  let changes: DependencyChange[] = [];
  let source = '';
  let fallback: { reason: string; lockFiles: readonly string[] } | undefined;
  let unreadable: ReadonlyArray<{ file: string; message: string }> = [];
  const fromLockFiles = async (git: GitPort, reason: string): Promise<void> => {
    const diff = await changesFromLockFiles(git, inputs.base, inputs.head);
    changes = diff.changes;
    unreadable = diff.unreadable;
    fallback = { reason, lockFiles: diff.lockFiles };
    source = `lock files (${inputs.base}...${inputs.head})`;
  };
  const canFallBack = policy.dependencies.fallback === 'lockfiles' && deps.git !== undefined;
  if (inputs.snapshot) {
    const text = await deps.readText(inputs.snapshot);
    if (text === undefined) throw new ConfigurationError('no such snapshot file', { file: inputs.snapshot });
    changes = parseDependencySnapshot(text, inputs.snapshot);
    source = `the snapshot ${inputs.snapshot}`;
  } else if (deps.github) {
    try {
      changes = await deps.github.compareDependencies(inputs.base, inputs.head);
      source = `GitHub's dependency graph (${inputs.base}...${inputs.head})`;
    } catch (err) {
      // 403: not enabled or no Advanced Security; 404: no dependency graph (or an old GitHub Enterprise Server).
      if (!(err instanceof GitHubError) || (err.status !== 403 && err.status !== 404) || !canFallBack || !deps.git)
        throw err;
      await fromLockFiles(deps.git, `GitHub answered ${err.status}`);
    }
  } else if (canFallBack && deps.git) {
    await fromLockFiles(deps.git, 'no GitHub connection');
  } else {
    throw new ConfigurationError(
      'no GitHub connection: give --snapshot with the dependency changes, or run with a GitHub token',
    );
  }
  const manifests = new Map<string, string>();
  for (const manifest of new Set(changes.map((c) => c.manifest))) {
    if (manifest === '' || manifest.split(/[\\/]/).includes('..')) continue;
    // A manifest that cannot be read only costs the line number: findings then point at the file.
    const text = await deps.readText(join(inputs.root ?? '.', manifest)).catch(() => undefined);
    if (text !== undefined) manifests.set(manifest, text);
  }
  const scorecards = policy.dependencies.scorecard ? await scorecardsOf(changes, deps.fetch) : undefined;
  return decideDependencies({
    changes,
    policy,
    manifests,
    now: deps.clock.now(),
    source,
    ...(fallback ? { fallback } : {}),
    unreadable,
    ...(scorecards ? { scorecards } : {}),
  });
}

/** Scores of the added dependencies' source repositories, and why a project could not be read. */
async function scorecardsOf(
  changes: readonly DependencyChange[],
  doFetch: typeof fetch | undefined,
): Promise<Map<string, number | string>> {
  const projects = changes.filter((c) => c.changeType === 'added').map((c) => scorecardProject(c.sourceRepositoryUrl));
  const result = await fetchScorecards(
    projects.filter((p): p is string => p !== undefined),
    doFetch ? { fetch: doFetch } : {},
  );
  const out = new Map<string, number | string>(result.scores);
  for (const u of result.unreadable) out.set(u.project, u.message);
  return out;
}

function render(decision: FamilyDecision, format: 'text' | 'json' | 'sarif'): string {
  if (format === 'json') return renderJson([decision]);
  if (format === 'sarif') return `${JSON.stringify(renderSarif([decision], { version: VERSION }), null, 2)}\n`;
  return renderText([decision]);
}

/**
 * The `gate deps` verb. Exit 0 when the gate passes, 1 when it fails or
 * GitHub cannot answer (a review that did not run never passes), 2 on usage
 * or configuration errors.
 */
export async function gateDepsCommand(
  args: { base: string; head: string; format: 'text' | 'json' | 'sarif'; policy?: string; snapshot?: string },
  deps: DepsGateDeps = { clock: systemClock, readText: readTextFile, git: new CommandGit(process.cwd()) },
): Promise<CommandOutput> {
  if (!['text', 'json', 'sarif'].includes(args.format)) {
    return {
      exitCode: ExitCode.usage,
      stdout: `unknown format '${String(args.format)}': expected text, json or sarif\n`,
    };
  }
  try {
    const decision = await runDepsGate(args, deps);
    return {
      exitCode: decision.verdict === 'fail' ? ExitCode.negative : ExitCode.ok,
      stdout: render(decision, args.format),
    };
  } catch (err) {
    if (isConfigurationError(err)) {
      const lines = err.problems.length > 0 ? err.problems.map((p) => p.message) : [err.message];
      return { exitCode: ExitCode.usage, stdout: `${lines.join('\n')}\n` };
    }
    if (err instanceof GitHubError) {
      const hint =
        err.status === 404 || err.status === 403 ? ' (is the dependency graph enabled for this repository?)' : '';
      const message = `the dependency review could not run: ${errorMessage(err)}${hint}; it does not pass without it. For offline use, give --snapshot.`;
      const body =
        args.format === 'sarif'
          ? renderSarifFailure(message, { version: VERSION })
          : { verdict: 'fail', error: message };
      const stdout = args.format === 'text' ? `${message}\n` : `${JSON.stringify(body, null, 2)}\n`;
      return { exitCode: ExitCode.negative, stdout };
    }
    throw err;
  }
}
