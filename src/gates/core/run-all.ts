/**
 * Every gate family on one change, under one policy, with one verdict: the
 * workflow audit, the secret scan of the lines the change adds, the
 * dependency review, and (when a snapshot is given) the repository posture.
 * The action and `bellwether gate` both run this; they differ only in where
 * the result goes.
 */
import type { GitHubPort } from '../../github/port.js';
import { CommandGit, GitError } from '../../gitops/git.js';
import type { Clock } from '../../runtime/clock.js';
import { errorMessage, isConfigurationError } from '../../runtime/errors.js';
import { nodeGateFs, runWorkflowGate } from '../workflows/run.js';
import type { GateDecision } from '../workflows/decide.js';
import { gitTreeFs, requireCommit } from './git-tree-fs.js';
import type { WorkflowGateDeps, WorkflowGateResult } from '../workflows/run.js';
import { readTextFile, runDepsGate } from '../deps/run.js';
import { renderMarkdown as renderDepsMarkdown, renderSarif as renderDepsSarif } from '../deps/index.js';
import type { FamilyDecision } from '../deps/decision.js';
import { combine, errorResult, renderVerdictMarkdown, resultOf } from './combine.js';
import type { CombinedVerdict, GateFamily, GateResult } from './combine.js';
import { renderMarkdown } from '../workflows/render.js';
import { renderSarif } from '../workflows/sarif.js';
import { runSecretGate } from '../secrets/run.js';
import { scanGitDiffFile } from '../secrets/diff-stream.js';
import { renderSecretsMarkdown, renderSecretsSarif } from '../secrets/render.js';
import type { SecretsReport } from '../secrets/render.js';
import { VERSION } from '../../version.js';

/** The version the gates write into SARIF: Bellwether's own. */
export const GATES_VERSION = VERSION;

export interface AllGatesInputs {
  /** Files and folders for the workflow audit. */
  readonly paths: readonly string[];
  /** The change: the secret scan and the dependency review need both. */
  readonly base?: string;
  readonly head?: string;
  readonly policy?: string;
  /** The checkout. */
  readonly cwd: string;
  /** Paths of the audit that may not exist (the action's defaults list several). */
  readonly missing?: 'error' | 'skip';
  /**
   * `diff` (the default) counts what the change introduces: workflow findings
   * already present at `base` do not count, secrets are looked for in the
   * lines it adds. `full` counts every workflow finding and scans every file
   * of the checkout for secrets. The dependency review covers the change in
   * both. Without `base` and `head` there is nothing to compare with, and
   * diff counts everything the audit finds.
   */
  readonly mode?: GateMode;
}

/** What the gates count: what a change introduces, or everything. */
export type GateMode = 'diff' | 'full';

export interface AllGatesOutcome {
  readonly verdict: CombinedVerdict;
  /** Absent when the audit found nothing to audit: the verdict then says so and fails. */
  readonly workflows?: WorkflowGateResult;
  readonly secrets?: SecretsReport;
  readonly dependencies?: FamilyDecision;
  /** Every family's findings in one SARIF log, one run per family. */
  readonly sarif: Record<string, unknown>;
  readonly markdown: string;
}

export async function runAllGates(
  inputs: AllGatesInputs,
  deps: { readonly clock: Clock; readonly github?: GitHubPort; readonly githubAudits?: WorkflowGateDeps['github'] },
): Promise<AllGatesOutcome> {
  const githubAudits = deps.githubAudits ? { github: deps.githubAudits } : {};
  const policy = inputs.policy ? { policy: inputs.policy } : {};
  const results: GateResult[] = [];
  const sections: string[] = [];
  const runs: unknown[] = [];
  const mode = inputs.mode ?? 'diff';
  const change = inputs.base && inputs.head ? { base: inputs.base, head: inputs.head } : undefined;
  const audit = { paths: inputs.paths, missing: 'skip' as const, ...policy };
  // What the base already had is found by the same audit, over the base commit's files.
  let known: Set<string> | undefined;
  let unreadBase: string | undefined;
  if (mode === 'diff' && change) {
    try {
      const git = new CommandGit(inputs.cwd);
      await requireCommit(git, change.base);
      known = fingerprintsOf(
        (
          await runWorkflowGate(
            { ...audit, empty: 'allow' },
            { fs: gitTreeFs(git, change.base, inputs.cwd), clock: deps.clock, cwd: inputs.cwd, ...githubAudits },
          )
        ).decision,
      );
    } catch (err) {
      // A shallow checkout lacks the base: counting everything can only be stricter than the truth.
      if (!(err instanceof GitError) && !isConfigurationError(err)) throw err;
      const why = err instanceof GitError ? err.stderr.trim() || err.message : errorMessage(err);
      unreadBase = `the base commit ${change.base.slice(0, 12)} could not be read (${why}; check out with \`fetch-depth: 0\`)`;
    }
  }
  let workflows: WorkflowGateResult | undefined;
  try {
    workflows = await runWorkflowGate(
      { ...audit, missing: inputs.missing ?? 'skip', ...(known ? { known } : {}) },
      { fs: nodeGateFs, clock: deps.clock, cwd: inputs.cwd, ...githubAudits },
    );
  } catch (err) {
    // Paths the user named that hold nothing to audit are a usage error; the action's usual places are a family that could not run.
    if (!isConfigurationError(err) || inputs.missing === 'error') throw err;
    results.push(errorResult('workflows', errorMessage(err)));
  }
  if (workflows) {
    results.push(
      resultOf('workflows', workflows.decision, {
        files: workflows.decision.filesAudited,
        lines: workflows.decision.linesAudited,
      }),
    );
    sections.push(
      `${scopeNote(mode, unreadBase ? undefined : change, workflows.decision, unreadBase)}\n\n${renderMarkdown(workflows.decision)}`,
    );
    runs.push(...runsOf(renderSarif(workflows.decision, { version: GATES_VERSION })));
  }

  let secrets: SecretsReport | undefined;
  let dependencies: FamilyDecision | undefined;
  const required: GateFamily[] = ['workflows'];
  // Secrets: the lines the change adds, or in full mode every file the repository tracks (not what a job
  // checked out beside it, such as Bellwether itself under .bellwether/).
  const secretScope = mode === 'full' ? { paths: await trackedFiles(inputs.cwd) } : change;
  if (secretScope) {
    required.push('secrets');
    try {
      secrets = await runSecretGate(
        { ...secretScope, format: 'json', cwd: inputs.cwd, ...policy },
        { fs: nodeGateFs, clock: deps.clock, git: (cwd) => new CommandGit(cwd), scanDiffFile: scanGitDiffFile },
      );
      results.push(
        resultOf('secrets', secrets.decision, { files: secrets.summary.files, lines: secrets.summary.lines }),
      );
      sections.push(renderSecretsMarkdown(secrets));
      runs.push(...runsOf(renderSecretsSarif(secrets, GATES_VERSION)));
    } catch (err) {
      results.push(errorResult('secrets', errorMessage(err)));
    }
  }
  if (inputs.base && inputs.head) {
    required.push('dependencies');
    try {
      dependencies = await runDepsGate(
        { base: inputs.base, head: inputs.head, root: inputs.cwd, ...policy },
        {
          clock: deps.clock,
          ...(deps.github ? { github: deps.github } : {}),
          git: new CommandGit(inputs.cwd),
          readText: readTextFile,
        },
      );
      results.push(
        resultOf(
          'dependencies',
          dependencies,
          dependencies.notes[0] !== undefined ? { text: dependencies.notes[0] } : undefined,
        ),
      );
      sections.push(renderDepsMarkdown([dependencies]));
      runs.push(...runsOf(renderDepsSarif([dependencies], { version: GATES_VERSION })));
    } catch (err) {
      results.push(errorResult('dependencies', errorMessage(err)));
    }
  }
  const verdict = combine(results, { required });
  const sarif = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs };
  return {
    verdict,
    ...(workflows ? { workflows } : {}),
    ...(secrets ? { secrets } : {}),
    ...(dependencies ? { dependencies } : {}),
    sarif,
    markdown: [renderVerdictMarkdown(verdict), ...sections].join('\n\n'),
  };
}

/** Every fingerprint a decision saw, counted or not: what "already there" means for the next audit. */
function fingerprintsOf(decision: GateDecision): Set<string> {
  return new Set([...decision.findings, ...decision.suppressed.map((s) => s.finding)].map((f) => f.fingerprint));
}

/** One line saying what the workflow audit counted, so that a pass in diff mode is never read as "no findings at all". */
function scopeNote(
  mode: GateMode,
  change: { base: string } | undefined,
  decision: GateDecision,
  unreadBase?: string,
): string {
  if (mode === 'full') return 'Mode `full`: every finding of the audited files counts, whoever introduced it.';
  if (unreadBase) return `Mode \`diff\`, but ${unreadBase}: every finding of the audited files counts.`;
  if (!change)
    return 'Mode `diff`, but there is no pull request to compare with: every finding of the audited files counts.';
  const inherited = decision.suppressed.filter((s) => s.by === 'baseline').length;
  return `Mode \`diff\`: only findings the pull request introduces count; ${inherited} finding(s) already on the base commit ${change.base.slice(0, 12)} do not (\`mode: full\` reports them).`;
}

/** The files git tracks in the checkout, from its root. */
async function trackedFiles(cwd: string): Promise<string[]> {
  const { stdout } = await new CommandGit(cwd).run(['ls-files', '-z', '--full-name', ':/']);
  return stdout.split('\0').filter(Boolean);
}

function runsOf(log: Record<string, unknown>): unknown[] {
  return Array.isArray(log['runs']) ? (log['runs'] as unknown[]) : [];
}
