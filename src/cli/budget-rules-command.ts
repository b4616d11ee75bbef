/**
 * `bellwether budget rules`: the Prometheus recording and alerting rules of
 * the SLOs, from the same files and freeze policy the deploy gate reads.
 */
import { writeFile } from 'node:fs/promises';
import type { CommandOutput } from './output.js';
import { ExitCode } from './output.js';
import type { Deps } from '../deps/deps.js';
import { loadPolicyFile } from '../policy/load.js';
import { nodeFiles } from '../runtime/files.js';
import { defaultFreezeGatePolicy, freezeGatePolicySchema } from '../policy/schemas/freeze-gate.js';
import { loadSlos } from '../freeze/openslo.js';
import { generateRules, rulesYaml } from '../freeze/rules.js';

export interface BudgetRulesArgs {
  /** SLO files or folders, comma-separated. */
  readonly slo: string;
  /** A freeze policy file (its burn-rate alerts and minimum traffic); the defaults when left out. */
  readonly policy?: string;
  /** Write the rules here instead of printing them. */
  readonly out?: string;
  readonly format: 'text' | 'json';
}

/** The rules as YAML (text) or as data (json); an SLO left out is named with why, and no rule at all is an error. */
export async function budgetRulesCommand(
  args: BudgetRulesArgs,
  deps: Pick<Deps, 'files'> = { files: nodeFiles },
): Promise<CommandOutput> {
  const policy = args.policy
    ? await loadPolicyFile(args.policy, freezeGatePolicySchema, deps.files)
    : defaultFreezeGatePolicy();
  const slos = await loadSlos(args.slo, deps.files);
  const rules = generateRules(slos, policy);
  const yaml = rulesYaml(rules);
  if (args.out) await writeFile(args.out, yaml);
  const none = rules.groups.length === 0;
  const exitCode = none ? ExitCode.usage : ExitCode.ok;
  if (args.format === 'json') {
    return {
      exitCode,
      stdout: `${JSON.stringify({ groups: rules.groups, skipped: rules.skipped, ...(args.out ? { out: args.out } : {}) }, null, 2)}\n`,
    };
  }
  const notes = rules.skipped.map((s) => `not generated: ${s.slo}${s.alert ? ` alert ${s.alert}` : ''}: ${s.reason}`);
  if (none)
    return {
      exitCode,
      stdout: `no rules: none of the ${slos.length} SLOs can be turned into Prometheus rules\n${notes.join('\n')}\n`,
    };
  if (args.out)
    return {
      exitCode,
      stdout: `wrote ${rules.groups.length} rule groups to ${args.out}\n${notes.map((n) => `${n}\n`).join('')}`,
    };
  return { exitCode, stdout: yaml };
}
