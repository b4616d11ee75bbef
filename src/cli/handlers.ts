/**
 * The function behind each CLI verb. Each returns a CommandOutput; the
 * program prints it. Verbs whose capability has not shipped say so plainly.
 */
import { metricsQueryCommand, metricsRecordCommand } from '../metrics/commands.js';
import type { MetricsQueryArgs, MetricsRecordArgs } from '../metrics/commands.js';
import { canaryJudgeCommand } from '../canary/judge/command.js';
import { budgetCommand } from '../freeze/budget-command.js';
import { gateAllCommand } from '../gates/all-command.js';
import { gateWorkflowsCommand, nodeGateFs } from '../gates/command.js';
import { githubAuditsFromEnv } from '../gates/github-connect.js';
import { systemClock } from '../runtime/clock.js';
import { gateDepsCommand } from '../gates/deps/command.js';
import { gatePostureCommand } from '../gates/posture/command.js';
import { gateSecretsCommand } from '../gates/secrets/command.js';
import type { BudgetArgs } from '../freeze/budget-command.js';
import { budgetRulesCommand } from '../freeze/rules-command.js';
import type { BudgetRulesArgs } from '../freeze/rules-command.js';
import { freezeCommand } from '../freeze/freeze-command.js';
import type { FreezeArgs } from '../freeze/freeze-command.js';
import { policyCheckCommand } from '../policy/check-command.js';
import { wavesPlanCommand } from '../waves/plan-command.js';
import type { WavesPlanArgs } from '../waves/plan-command.js';
import { NotAvailableError } from '../runtime/errors.js';
import type { PolicyKind } from '../policy/kinds.js';
import { locateMetricsFile, locatePolicyFile } from '../policy/locate.js';
import { existsSync, statSync } from 'node:fs';
import type { CommandOutput, OutputFormat } from './output.js';
import { canaryControlCommand } from './canary-command.js';
import type { CanaryControlArgs } from './canary-command.js';
import { exampleCommand } from './example-command.js';
import { rollbackCommand, rollbackLiftCommand } from './rollback-command.js';
import type { RollbackArgs, RollbackLiftArgs } from './rollback-command.js';
import { selfCheckCommand } from './self-check.js';

export interface Handlers {
  gateWorkflows(args: {
    paths: string[];
    policy?: string;
    baseline?: string;
    format: OutputFormat;
  }): Promise<CommandOutput>;
  canaryJudge(args: {
    config: string;
    input: string;
    profile?: 'bellwether' | 'kayenta';
    passThreshold?: number;
    marginalThreshold?: number;
    format: 'text' | 'json';
    sequential?: { look: number; looks: number };
    color?: boolean;
  }): Promise<CommandOutput>;
  canaryControl(args: CanaryControlArgs): Promise<CommandOutput>;
  rollback(args: RollbackArgs): Promise<CommandOutput>;
  rollbackLift(args: RollbackLiftArgs): Promise<CommandOutput>;
  gateAll(args: Parameters<typeof gateAllCommand>[0]): Promise<CommandOutput>;
  gateSecrets(args: Parameters<typeof gateSecretsCommand>[0]): Promise<CommandOutput>;
  gateDeps(args: Parameters<typeof gateDepsCommand>[0]): Promise<CommandOutput>;
  gatePosture(args: Parameters<typeof gatePostureCommand>[0]): Promise<CommandOutput>;
  policyCheck(args: { paths: string[]; format: 'text' | 'json' }): Promise<CommandOutput>;
  metricsQuery(args: MetricsQueryArgs): Promise<CommandOutput>;
  metricsRecord(args: MetricsRecordArgs): Promise<CommandOutput>;
  selfCheck(args: { dir: string; format: 'text' | 'json' }): Promise<CommandOutput>;
  wavesPlan(args: WavesPlanArgs): Promise<CommandOutput>;
  example(args: { dir: string; out: string; format: 'text' | 'json'; verbose?: boolean }): Promise<CommandOutput>;
  budget(args: BudgetArgs): Promise<CommandOutput>;
  budgetRules(args: BudgetRulesArgs): Promise<CommandOutput>;
  freeze(args: FreezeArgs): Promise<CommandOutput>;
  notYet(verb: string): Promise<CommandOutput>;
}

/**
 * Verbs that read one policy file take a folder too, and `.github/bellwether/`
 * when none is named, like every other verb: the file of their kind in it,
 * or the embedded defaults when there is none.
 */
async function withPolicyFile<T extends { policy?: string | undefined }>(args: T, kind: PolicyKind): Promise<T> {
  const file = await locatePolicyFile(args.policy || undefined, kind, process.cwd());
  const { policy: _named, ...rest } = args;
  return (file ? { ...rest, policy: file } : rest) as T;
}

/** `--config` of the metrics verbs takes the policy folder too: its metrics.yml. */
function withMetricsFile<T extends { config?: string | undefined }>(args: T): T {
  if (!args.config || !existsSync(args.config) || !statSync(args.config).isDirectory()) return args;
  return { ...args, config: locateMetricsFile(args.config, process.cwd()) };
}

const notYet = async (verb: string): Promise<CommandOutput> => {
  throw new NotAvailableError(`\`bellwether ${verb}\``);
};

export const handlers: Handlers = {
  gateWorkflows: async (args) =>
    gateWorkflowsCommand(await withPolicyFile(args, 'gates'), {
      fs: nodeGateFs,
      clock: systemClock,
      github: githubAuditsFromEnv(),
    }),
  gateAll: async (args) => gateAllCommand(await withPolicyFile(args, 'gates')),
  gateSecrets: async (args) => gateSecretsCommand(await withPolicyFile(args, 'gates')),
  gateDeps: async (args) => gateDepsCommand(await withPolicyFile(args, 'gates')),
  gatePosture: async (args) => gatePostureCommand(await withPolicyFile(args, 'gates')),
  canaryJudge: (args) => canaryJudgeCommand(args),
  canaryControl: (args) => canaryControlCommand(args),
  rollback: (args) => rollbackCommand(args),
  rollbackLift: (args) => rollbackLiftCommand(args),
  policyCheck: (args) => policyCheckCommand(args),
  metricsQuery: (args) => metricsQueryCommand(withMetricsFile(args)),
  metricsRecord: (args) => metricsRecordCommand(withMetricsFile(args)),
  selfCheck: (args) => selfCheckCommand(args),
  wavesPlan: (args) => wavesPlanCommand(args),
  example: (args) => exampleCommand(args),
  budget: async (args) => budgetCommand(await withPolicyFile(args, 'freeze')),
  budgetRules: async (args) => budgetRulesCommand(await withPolicyFile(args, 'freeze')),
  freeze: async (args) => freezeCommand(await withPolicyFile(args, 'freeze')),
  notYet,
};
