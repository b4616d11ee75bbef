/**
 * Every gate family on one change, under one policy, with one verdict: the
 * workflow audit, the secret scan of the lines the change adds, the
 * dependency review, and (when a snapshot is given) the repository posture.
 * The policy file is read and parsed once; each family runs behind the one
 * interface (core/family.ts) and hands back its result, Markdown, SARIF runs
 * and annotations. The action and `bellwether gate` both run this; they
 * differ only in where the result goes.
 */
import type { CheckAnnotation, GitHubPort } from '../../github/port.js';
import { sarifLog, type SarifLog, type SarifRun } from '../../report/sarif.js';
import type { Clock } from '../../runtime/clock.js';
import { errorMessage } from '../../runtime/errors.js';
import type { Files } from '../../runtime/files.js';
import type { GitPort } from '../../gitops/git.js';
import { VERSION } from '../../version.js';
import type { FamilyDecision } from '../deps/decision.js';
import { dependenciesFamily } from '../deps/family.js';
import { secretsFamily } from '../secrets/family.js';
import type { SecretsReport } from '../secrets/render.js';
import { workflowsFamily } from '../workflows/family.js';
import type { WorkflowGateDeps, WorkflowGateResult } from '../workflows/run.js';
import { combine, errorResult, renderVerdictMarkdown } from './combine.js';
import type { CombinedVerdict, GateFamily, GateResult } from './combine.js';
import type { FamilyReport, GateChange, GateFamilyRunner, GateMode } from './family.js';
import { readPolicyDocument } from './policy-load.js';

export type { GateMode } from './family.js';

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

export interface AllGatesOutcome {
  readonly verdict: CombinedVerdict;
  /** Absent when the audit found nothing to audit: the verdict then says so and fails. */
  readonly workflows?: WorkflowGateResult;
  readonly secrets?: SecretsReport;
  readonly dependencies?: FamilyDecision;
  /** Every family's findings in one SARIF log, one run per family. */
  readonly sarif: SarifLog;
  /** Every family's check-run annotations, in the port's form. */
  readonly annotations: readonly CheckAnnotation[];
  readonly markdown: string;
}

/** What each family's run gives back. */
interface FamilyValues {
  workflows: WorkflowGateResult;
  secrets: SecretsReport;
  dependencies: FamilyDecision;
}

export async function runAllGates(
  inputs: AllGatesInputs,
  deps: {
    readonly clock: Clock;
    readonly files: Files;
    /** Git in the checkout, `inputs.cwd`. */
    readonly git: GitPort;
    readonly github?: GitHubPort;
    readonly githubAudits?: WorkflowGateDeps['github'];
  },
): Promise<AllGatesOutcome> {
  const policy = inputs.policy ? readPolicyDocument(inputs.policy, deps.files) : undefined;
  // Each family that needs the policy awaits it and reports a file that cannot be read as a family that could not run.
  policy?.catch(() => undefined);
  const change: GateChange = {
    cwd: inputs.cwd,
    git: deps.git,
    mode: inputs.mode ?? 'diff',
    ...(inputs.base && inputs.head ? { range: { base: inputs.base, head: inputs.head } } : {}),
    ...(policy ? { policy } : {}),
  };
  const families: { [F in keyof FamilyValues]: GateFamilyRunner<FamilyValues[F]> } = {
    workflows: workflowsFamily({
      paths: inputs.paths,
      clock: deps.clock,
      files: deps.files,
      ...(inputs.missing ? { missing: inputs.missing } : {}),
      ...(deps.githubAudits ? { github: deps.githubAudits } : {}),
    }),
    secrets: secretsFamily({ clock: deps.clock }),
    dependencies: dependenciesFamily({
      clock: deps.clock,
      files: deps.files,
      ...(deps.github ? { github: deps.github } : {}),
    }),
  };
  const results: GateResult[] = [];
  const sections: string[] = [];
  const runs: SarifRun[] = [];
  const annotations: CheckAnnotation[] = [];
  const required: GateFamily[] = [];
  const values: Partial<FamilyValues> = {};
  for (const name of ['workflows', 'secrets', 'dependencies'] as const) {
    const family: GateFamilyRunner<FamilyValues[typeof name]> = families[name];
    if (!family.applies(change)) continue;
    required.push(family.family);
    let report: FamilyReport<FamilyValues[typeof name]>;
    try {
      report = await family.run(change);
    } catch (err) {
      if (family.fatal?.(err)) throw err;
      results.push(errorResult(family.family, errorMessage(err)));
      continue;
    }
    Object.assign(values, { [name]: report.value });
    results.push(report.result);
    sections.push(report.markdown);
    runs.push(...report.sarif);
    annotations.push(...report.annotations);
  }
  const verdict = combine(results, { required });
  return {
    verdict,
    ...values,
    sarif: sarifLog(runs),
    annotations,
    markdown: [renderVerdictMarkdown(verdict), ...sections].join('\n\n'),
  };
}
