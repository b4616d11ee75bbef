/**
 * The workflow audit as a gate family: in diff mode, findings the pull
 * request's base already had do not count (the same audit over the base
 * commit's files says which); the report says what was counted.
 */
import { GitError } from '../../gitops/git.js';
import type { Clock } from '../../runtime/clock.js';
import { errorMessage, isConfigurationError } from '../../runtime/errors.js';
import type { Files } from '../../runtime/files.js';
import { checkRunAnnotations } from '../core/annotations.js';
import { resultOf } from '../core/combine.js';
import type { GateFamilyRunner, GateMode } from '../core/family.js';
import { nodeGateFs } from '../core/fs.js';
import { gitTreeFs, requireCommit } from '../core/git-tree-fs.js';
import type { GateDecision } from './decide.js';
import { renderMarkdown } from './render.js';
import { runWorkflowGate, type WorkflowGateDeps, type WorkflowGateResult } from './run.js';
import { workflowsSarifRun } from './sarif.js';

export interface WorkflowsFamilyOptions {
  /** Files and folders to audit. */
  readonly paths: readonly string[];
  /** Paths of the audit that may not exist (the action's defaults list several). */
  readonly missing?: 'error' | 'skip';
  readonly clock: Clock;
  readonly files: Files;
  readonly github?: WorkflowGateDeps['github'];
}

/** The workflow family: always runs, and is always required. */
export function workflowsFamily(options: WorkflowsFamilyOptions): GateFamilyRunner<WorkflowGateResult> {
  const githubAudits = options.github ? { github: options.github } : {};
  return {
    family: 'workflows',
    applies: () => true,
    // Paths the user named that hold nothing to audit are a usage error; the action's usual places are a family that could not run.
    fatal: (err) => !isConfigurationError(err) || options.missing === 'error',
    async run(change) {
      const audit = { paths: options.paths, missing: 'skip' as const };
      // What the base already had is found by the same audit, over the base commit's files.
      let known: Set<string> | undefined;
      let unreadBase: string | undefined;
      const range = change.range;
      if (change.mode === 'diff' && range) {
        try {
          const { git } = change;
          await requireCommit(git, range.base);
          const policy = change.policy ? { policy: await change.policy } : {};
          known = fingerprintsOf(
            (
              await runWorkflowGate(
                { ...audit, ...policy, empty: 'allow' },
                {
                  fs: gitTreeFs(git, range.base, change.cwd),
                  clock: options.clock,
                  files: options.files,
                  cwd: change.cwd,
                  ...githubAudits,
                },
              )
            ).decision,
          );
        } catch (err) {
          // A shallow checkout lacks the base: counting everything can only be stricter than the truth.
          if (!(err instanceof GitError) && !isConfigurationError(err)) throw err;
          const why = err instanceof GitError ? err.stderr.trim() || err.message : errorMessage(err);
          unreadBase = `the base commit ${range.base.slice(0, 12)} could not be read (${why}; check out with \`fetch-depth: 0\`)`;
        }
      }
      const policy = change.policy ? { policy: await change.policy } : {};
      const value = await runWorkflowGate(
        { ...audit, ...policy, missing: options.missing ?? 'skip', ...(known ? { known } : {}) },
        { fs: nodeGateFs, clock: options.clock, files: options.files, cwd: change.cwd, ...githubAudits },
      );
      const { decision } = value;
      return {
        value,
        result: resultOf('workflows', decision, { files: decision.filesAudited, lines: decision.linesAudited }),
        markdown: `${scopeNote(change.mode, unreadBase ? undefined : range, decision, unreadBase)}\n\n${renderMarkdown(decision)}`,
        sarif: [workflowsSarifRun(decision)],
        annotations: checkRunAnnotations(decision.findings, { failOn: decision.failOn }),
      };
    },
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
