/**
 * Every gate family on one change, under one policy, with one verdict: the
 * workflow audit, the secret scan of the lines the change adds, the
 * dependency review, and (when a snapshot is given) the repository posture.
 * The action and `bellwether gate` both run this; they differ only in where
 * the result goes.
 */
import type { GitHubPort } from '../github/port.js';
import { CommandGit } from '../gitops/git.js';
import type { Clock } from '../runtime/clock.js';
import { errorMessage } from '../runtime/errors.js';
import { nodeGateFs, runWorkflowGate } from './command.js';
import type { WorkflowGateResult } from './command.js';
import { readTextFile, runDepsGate } from './deps/command.js';
import { renderMarkdown as renderDepsMarkdown, renderSarif as renderDepsSarif } from './deps/index.js';
import type { FamilyDecision } from './deps/decision.js';
import { combine, errorResult, renderVerdictMarkdown, resultOf } from './posture/combine.js';
import type { CombinedVerdict, GateFamily, GateResult } from './posture/combine.js';
import { renderMarkdown } from './render.js';
import { renderSarif } from './sarif.js';
import { runSecretGate } from './secrets/command.js';
import { renderSecretsMarkdown, renderSecretsSarif } from './secrets/render.js';
import type { SecretsReport } from './secrets/render.js';

export const GATES_VERSION = '0.1.0';

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
}

export interface AllGatesOutcome {
  readonly verdict: CombinedVerdict;
  readonly workflows: WorkflowGateResult;
  readonly secrets?: SecretsReport;
  readonly dependencies?: FamilyDecision;
  /** Every family's findings in one SARIF log, one run per family. */
  readonly sarif: Record<string, unknown>;
  readonly markdown: string;
}

export async function runAllGates(inputs: AllGatesInputs, deps: { readonly clock: Clock; readonly github?: GitHubPort }): Promise<AllGatesOutcome> {
  const policy = inputs.policy ? { policy: inputs.policy } : {};
  const results: GateResult[] = [];
  const sections: string[] = [];
  const runs: unknown[] = [];
  const workflows = await runWorkflowGate({ paths: inputs.paths, missing: inputs.missing ?? 'skip', ...policy }, { fs: nodeGateFs, clock: deps.clock, cwd: inputs.cwd });
  results.push(resultOf('workflows', workflows.decision));
  sections.push(renderMarkdown(workflows.decision));
  runs.push(...runsOf(renderSarif(workflows.decision, { version: GATES_VERSION })));

  let secrets: SecretsReport | undefined;
  let dependencies: FamilyDecision | undefined;
  const required: GateFamily[] = ['workflows'];
  if (inputs.base && inputs.head) {
    required.push('secrets', 'dependencies');
    try {
      secrets = await runSecretGate({ base: inputs.base, head: inputs.head, format: 'json', cwd: inputs.cwd, ...policy }, { fs: nodeGateFs, clock: deps.clock, git: (cwd) => new CommandGit(cwd) });
      results.push(resultOf('secrets', secrets.decision));
      sections.push(renderSecretsMarkdown(secrets));
      runs.push(...runsOf(renderSecretsSarif(secrets, GATES_VERSION)));
    } catch (err) {
      results.push(errorResult('secrets', errorMessage(err)));
    }
    try {
      dependencies = await runDepsGate(
        { base: inputs.base, head: inputs.head, root: inputs.cwd, ...policy },
        { clock: deps.clock, ...(deps.github ? { github: deps.github } : {}), git: new CommandGit(inputs.cwd), readText: readTextFile },
      );
      results.push(resultOf('dependencies', dependencies));
      sections.push(renderDepsMarkdown([dependencies]));
      runs.push(...runsOf(renderDepsSarif([dependencies], { version: GATES_VERSION })));
    } catch (err) {
      results.push(errorResult('dependencies', errorMessage(err)));
    }
  }
  const verdict = combine(results, { required });
  const sarif = { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs };
  return { verdict, workflows, ...(secrets ? { secrets } : {}), ...(dependencies ? { dependencies } : {}), sarif, markdown: [renderVerdictMarkdown(verdict), ...sections].join('\n\n') };
}

function runsOf(log: Record<string, unknown>): unknown[] {
  return Array.isArray(log['runs']) ? (log['runs'] as unknown[]) : [];
}
