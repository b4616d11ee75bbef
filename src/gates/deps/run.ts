/**
 * The dependency review's run: a pull request's dependency changes, from
 * GitHub's dependency graph or from a snapshot file of the same shape for
 * offline use, judged against the policy. It returns the decision; the
 * `gate deps` verb (src/cli/gate-command.ts) renders it.
 */
import { join } from 'node:path';
import { GitHubError } from '../../github/errors.js';
import type { DependencyChange } from '../../github/port.js';
import type { GitPort } from '../../gitops/git.js';
import { readPolicyText } from '../../policy/load.js';
import { ConfigurationError } from '../../runtime/errors.js';
import type { FamilyDecision } from './decision.js';
import { fetchScorecards, scorecardProject } from './scorecard.js';
import { decideDependencies } from './decide.js';
import type { PolicySource } from '../core/policy-load.js';
import {
  DEFAULT_DEPS_POLICY,
  parseDepsPolicySource,
  parseDepsPolicyText,
  type LoadedDepsPolicy,
} from './policy-schema.js';
import { changesFromLockFiles } from './fallback.js';
import { parseDependencySnapshot } from './snapshot-file.js';
import type { Deps } from '../../deps/deps.js';

export interface DepsGateInputs {
  readonly base: string;
  readonly head: string;
  /** A policy file, or the one parsed policy file every family reads. */
  readonly policy?: string | PolicySource;
  readonly snapshot?: string;
  /** Checkout where manifests are read to locate lines; the working directory unless told. */
  readonly root?: string;
}

export interface DepsGateDeps extends Pick<Deps, 'clock' | 'files'> {
  /** Absent offline; then a snapshot or a git checkout is required. */
  readonly github?: Deps['github'];
  /** The checkout, for diffing lock files when GitHub's dependency graph cannot answer. */
  readonly git?: Deps['git'];
  /** Reads a file as text, or undefined when it does not exist. */
  readonly readText: (path: string) => Promise<string | undefined>;
  /** Asks the Scorecard API, when the policy sets a floor; the global `fetch` unless told. */
  readonly fetch?: typeof fetch;
}

/** Loads the changes, the policy and the manifests, and decides. Throws ConfigurationError for usage mistakes. */
export async function runDepsGate(inputs: DepsGateInputs, deps: DepsGateDeps): Promise<FamilyDecision> {
  if (inputs.base.trim() === '' || inputs.head.trim() === '')
    throw new ConfigurationError('give both --base and --head');
  const policy: LoadedDepsPolicy =
    inputs.policy === undefined
      ? DEFAULT_DEPS_POLICY
      : typeof inputs.policy === 'string'
        ? parseDepsPolicyText(await readPolicyText(inputs.policy, deps.files), inputs.policy)
        : parseDepsPolicySource(inputs.policy);
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
