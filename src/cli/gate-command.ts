/**
 * The `bellwether gate` verbs: `gate` (every family on a change, one
 * verdict), `gate workflows`, `gate secrets`, `gate deps` and `gate
 * posture`. Each calls its family's run, which returns values, and maps them
 * to text, JSON or SARIF and an exit code: 0 when the gate passes, 1 when it
 * fails (or, for deps and posture, when GitHub cannot answer: a check that
 * did not run never passes), 2 on usage or configuration errors.
 */
import { GitHubError } from '../github/errors.js';
import { CommandGit } from '../gitops/git.js';
import { systemClock } from '../runtime/clock.js';
import { errorMessage, isConfigurationError, type ConfigurationError } from '../runtime/errors.js';
import { nodeFiles } from '../runtime/files.js';
import { nodeGateFs, readTextFile } from '../gates/core/fs.js';
import { runAllGates, type GateMode } from '../gates/core/run-all.js';
import type { FamilyDecision } from '../gates/deps/decision.js';
import { renderJson as renderReviewJson, renderText as renderReviewText } from '../gates/deps/render.js';
import { runDepsGate, type DepsGateDeps } from '../gates/deps/run.js';
import { depsSarifFailureRun, depsSarifRun } from '../gates/deps/sarif.js';
import { runPostureGate, type PostureGateDeps } from '../gates/posture/run.js';
import { scanGitDiffFile } from '../gates/secrets/diff-stream.js';
import { renderSecretsJson, renderSecretsText, secretsSarifRun, type SecretsReport } from '../gates/secrets/render.js';
import { runSecretGate, type SecretGateDeps } from '../gates/secrets/run.js';
import type { GateDecision } from '../gates/workflows/decide.js';
import { githubAuditsFromEnv } from '../gates/workflows/github-connect.js';
import { githubAuditLines, renderJson, renderText } from '../gates/workflows/render.js';
import { runWorkflowGate, type WorkflowGateDeps } from '../gates/workflows/run.js';
import { workflowsSarifRun } from '../gates/workflows/sarif.js';
import { sarifLog, type SarifRun } from '../report/sarif.js';
import type { CommandOutput, OutputFormat } from './output.js';
import { ExitCode } from './output.js';

/** A SARIF log of the runs, as the verbs print it. */
function sarifText(runs: readonly SarifRun[]): string {
  return `${JSON.stringify(sarifLog(runs), null, 2)}\n`;
}

/** The answer to a format none of the verbs knows; undefined for a known one. */
function unknownFormat(format: string): CommandOutput | undefined {
  if (['text', 'json', 'sarif'].includes(format)) return undefined;
  return { exitCode: ExitCode.usage, stdout: `unknown format '${String(format)}': expected text, json or sarif\n` };
}

/** A usage or configuration error: each problem on its line, exit 2. */
function usageOutput(err: ConfigurationError): CommandOutput {
  const lines = err.problems.length > 0 ? err.problems.map((p) => p.message) : [err.message];
  return { exitCode: ExitCode.usage, stdout: `${lines.join('\n')}\n` };
}

/** Exit 1 for a failed verdict, 0 for a pass. */
function verdictExit(verdict: 'pass' | 'fail'): ExitCode {
  return verdict === 'fail' ? ExitCode.negative : ExitCode.ok;
}

export async function gateAllCommand(args: {
  paths: string[];
  base?: string;
  head?: string;
  policy?: string;
  format: OutputFormat;
  cwd?: string;
  mode?: GateMode;
}): Promise<CommandOutput> {
  const cwd = args.cwd ?? process.cwd();
  const outcome = await runAllGates(
    {
      paths: args.paths,
      mode: args.mode ?? 'diff',
      cwd,
      missing: 'error',
      ...(args.base ? { base: args.base, head: args.head ?? 'HEAD' } : {}),
      ...(args.policy ? { policy: args.policy } : {}),
    },
    { clock: systemClock, files: nodeFiles, git: new CommandGit(cwd), githubAudits: githubAuditsFromEnv() },
  );
  const github = outcome.workflows?.decision.github;
  const exitCode = outcome.verdict.verdict === 'pass' ? ExitCode.ok : ExitCode.negative;
  if (args.format === 'sarif') return { exitCode, stdout: JSON.stringify(outcome.sarif, null, 2) };
  if (args.format === 'json') {
    return {
      exitCode,
      stdout: JSON.stringify(
        {
          verdict: outcome.verdict.verdict,
          reasons: outcome.verdict.reasons,
          ...(github ? { github } : {}),
          families: outcome.verdict.results.map((r) => ({
            family: r.family,
            verdict: r.verdict,
            blocking: r.blocking,
            findings: r.findings.length,
            ...(r.examined ? { examined: r.examined } : {}),
            ...(r.error ? { error: r.error } : {}),
          })),
        },
        null,
        2,
      ),
    };
  }
  const lines = [
    `Bellwether gates: ${outcome.verdict.verdict}`,
    ...outcome.verdict.reasons.map((r) => `  ${r}`),
    ...(outcome.workflows ? githubAuditLines(outcome.workflows.decision).map((l) => `  ${l}`) : []),
  ];
  return { exitCode, stdout: lines.join('\n') };
}

/** Renders a workflow decision in the format asked for. */
export function renderDecision(decision: GateDecision, format: OutputFormat): string {
  if (format === 'json') return renderJson(decision);
  if (format === 'sarif') return sarifText([workflowsSarifRun(decision)]);
  return renderText(decision);
}

/**
 * The `gate workflows` verb. Exit 0 when nothing reaches the policy's
 * threshold, 1 when something does, 2 on usage or configuration errors.
 */
export async function gateWorkflowsCommand(
  args: { paths: string[]; format: OutputFormat; policy?: string; baseline?: string },
  deps: WorkflowGateDeps = { fs: nodeGateFs, clock: systemClock, files: nodeFiles, cwd: process.cwd() },
): Promise<CommandOutput> {
  const unknown = unknownFormat(args.format);
  if (unknown) return unknown;
  try {
    const { decision } = await runWorkflowGate(args, deps);
    return { exitCode: verdictExit(decision.verdict), stdout: renderDecision(decision, args.format) };
  } catch (err) {
    if (!isConfigurationError(err)) throw err;
    return usageOutput(err);
  }
}

/** Renders a secrets report in the format asked for. */
export function renderSecretsReport(report: SecretsReport, format: OutputFormat): string {
  if (format === 'json') return renderSecretsJson(report);
  if (format === 'sarif') return sarifText([secretsSarifRun(report)]);
  return renderSecretsText(report);
}

const secretGateDeps: SecretGateDeps = {
  fs: nodeGateFs,
  clock: systemClock,
  git: (cwd) => new CommandGit(cwd),
  scanDiffFile: scanGitDiffFile,
};

/**
 * The `gate secrets` verb. Exit 0 when nothing reaches the policy's
 * threshold, 1 when a secret does, 2 on usage or configuration errors.
 */
export async function gateSecretsCommand(
  args: {
    paths?: string[];
    base?: string;
    head?: string;
    diff?: string;
    format: OutputFormat;
    policy?: string;
    cwd?: string;
  },
  deps: SecretGateDeps = secretGateDeps,
): Promise<CommandOutput> {
  const unknown = unknownFormat(args.format);
  if (unknown) return unknown;
  try {
    const report = await runSecretGate({ ...args, cwd: args.cwd ?? process.cwd() }, deps);
    return { exitCode: verdictExit(report.decision.verdict), stdout: renderSecretsReport(report, args.format) };
  } catch (err) {
    if (!isConfigurationError(err)) throw err;
    return usageOutput(err);
  }
}

/** Renders a dependency or posture decision in the format asked for. */
function renderReview(decision: FamilyDecision, format: 'text' | 'json' | 'sarif'): string {
  if (format === 'json') return renderReviewJson([decision]);
  if (format === 'sarif') return sarifText([depsSarifRun([decision])]);
  return renderReviewText([decision]);
}

/**
 * The `gate deps` verb. Exit 0 when the gate passes, 1 when it fails or
 * GitHub cannot answer (a review that did not run never passes), 2 on usage
 * or configuration errors.
 */
export async function gateDepsCommand(
  args: { base: string; head: string; format: 'text' | 'json' | 'sarif'; policy?: string; snapshot?: string },
  deps: DepsGateDeps = {
    clock: systemClock,
    files: nodeFiles,
    readText: readTextFile,
    git: new CommandGit(process.cwd()),
  },
): Promise<CommandOutput> {
  const unknown = unknownFormat(args.format);
  if (unknown) return unknown;
  try {
    const decision = await runDepsGate(args, deps);
    return { exitCode: verdictExit(decision.verdict), stdout: renderReview(decision, args.format) };
  } catch (err) {
    if (isConfigurationError(err)) return usageOutput(err);
    if (err instanceof GitHubError) {
      const hint =
        err.status === 404 || err.status === 403 ? ' (is the dependency graph enabled for this repository?)' : '';
      const message = `the dependency review could not run: ${errorMessage(err)}${hint}; it does not pass without it. For offline use, give --snapshot.`;
      const stdout =
        args.format === 'text'
          ? `${message}\n`
          : args.format === 'sarif'
            ? sarifText([depsSarifFailureRun(message)])
            : `${JSON.stringify({ verdict: 'fail', error: message }, null, 2)}\n`;
      return { exitCode: ExitCode.negative, stdout };
    }
    throw err;
  }
}

/**
 * The `gate posture` verb. Exit 0 when the posture passes (it always does
 * while the policy's `failOn` is `never`), 1 when it fails, 2 on usage or
 * configuration errors.
 */
export async function gatePostureCommand(
  args: { snapshot?: string; defaultBranch?: string; format: 'text' | 'json' | 'sarif'; policy?: string },
  deps: PostureGateDeps = { clock: systemClock, files: nodeFiles, readText: readTextFile },
): Promise<CommandOutput> {
  const unknown = unknownFormat(args.format);
  if (unknown) return unknown;
  try {
    const decision = await runPostureGate(args, deps);
    return { exitCode: verdictExit(decision.verdict), stdout: renderReview(decision, args.format) };
  } catch (err) {
    if (err instanceof GitHubError) {
      return {
        exitCode: ExitCode.negative,
        stdout: `the posture checks could not run: ${errorMessage(err)}; they do not pass without it.\n`,
      };
    }
    if (!isConfigurationError(err)) throw err;
    return usageOutput(err);
  }
}
