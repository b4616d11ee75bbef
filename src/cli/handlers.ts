/**
 * The function behind each CLI verb. Each returns a CommandOutput; the
 * program prints it. Verbs whose capability has not shipped say so plainly.
 * Each verb's implementation is imported when that verb runs, so that the
 * CLI's start-up and its help load none of them.
 */
import type { MetricsQueryArgs, MetricsRecordArgs } from './metrics-command.js';
import type { gateAllCommand, gateDepsCommand, gatePostureCommand, gateSecretsCommand } from './gate-command.js';
import type { BudgetArgs } from './budget-command.js';
import type { BudgetRulesArgs } from './budget-rules-command.js';
import type { FreezeArgs } from './freeze-command.js';
import type { WavesPlanArgs } from './waves-plan-command.js';
import { ConfigurationError, NotAvailableError } from '../runtime/errors.js';
import type { PolicyKind } from '../policy/kinds.js';
import { existsSync, statSync } from 'node:fs';
import type { CommandOutput, OutputFormat } from './output.js';
import type { CanaryControlArgs } from './canary-command.js';
import type { RollbackArgs, RollbackLiftArgs } from './rollback-command.js';
import type { DoraArgs } from './dora-command.js';
import type { BacktestArgs } from './backtest-command.js';

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
  dora(args: DoraArgs): Promise<CommandOutput>;
  backtest(args: BacktestArgs): Promise<CommandOutput>;
  notYet(verb: string): Promise<CommandOutput>;
}

/**
 * Verbs that read one policy file take a folder too, and `.github/bellwether/`
 * when none is named, like every other verb: the file of their kind in it,
 * or the embedded defaults when there is none.
 */
async function withPolicyFile<T extends { policy?: string | undefined }>(args: T, kind: PolicyKind): Promise<T> {
  const [{ locatePolicyFile }, { nodeFiles }] = await Promise.all([
    import('../policy/locate.js'),
    import('../runtime/files.js'),
  ]);
  const file = await locatePolicyFile(args.policy || undefined, kind, process.cwd(), nodeFiles);
  const { policy: _named, ...rest } = args;
  return (file ? { ...rest, policy: file } : rest) as T;
}

/** `--config` of the metrics verbs takes the policy folder too: its metrics.yml. */
async function withMetricsFile<T extends { config?: string | undefined }>(args: T): Promise<T> {
  if (!args.config || !existsSync(args.config) || !statSync(args.config).isDirectory()) return args;
  const { locateMetricsFile } = await import('../policy/locate.js');
  return { ...args, config: locateMetricsFile(args.config, process.cwd()) };
}

const notYet = async (verb: string): Promise<CommandOutput> => {
  throw new NotAvailableError(`\`bellwether ${verb}\``);
};

export const handlers: Handlers = {
  gateWorkflows: async (args) => {
    const [{ gateWorkflowsCommand }, { nodeGateFs }, { systemClock }, { nodeFiles }, { githubAuditsFromEnv }] =
      await Promise.all([
        import('./gate-command.js'),
        import('../gates/core/fs.js'),
        import('../runtime/clock.js'),
        import('../runtime/files.js'),
        import('../gates/workflows/github-connect.js'),
      ]);
    return gateWorkflowsCommand(await withPolicyFile(args, 'gates'), {
      fs: nodeGateFs,
      clock: systemClock,
      files: nodeFiles,
      cwd: process.cwd(),
      github: githubAuditsFromEnv(),
    });
  },
  gateAll: async (args) => (await import('./gate-command.js')).gateAllCommand(await withPolicyFile(args, 'gates')),
  gateSecrets: async (args) =>
    (await import('./gate-command.js')).gateSecretsCommand(await withPolicyFile(args, 'gates')),
  gateDeps: async (args) => (await import('./gate-command.js')).gateDepsCommand(await withPolicyFile(args, 'gates')),
  gatePosture: async (args) =>
    (await import('./gate-command.js')).gatePostureCommand(await withPolicyFile(args, 'gates')),
  canaryJudge: async (args) => (await import('./canary-judge-command.js')).canaryJudgeCommand(args),
  canaryControl: async (args) => (await import('./canary-command.js')).canaryControlCommand(args),
  rollback: async (args) => (await import('./rollback-command.js')).rollbackCommand(args),
  rollbackLift: async (args) => (await import('./rollback-command.js')).rollbackLiftCommand(args),
  policyCheck: async (args) => (await import('./policy-check-command.js')).policyCheckCommand(args),
  metricsQuery: async (args) => (await import('./metrics-command.js')).metricsQueryCommand(await withMetricsFile(args)),
  metricsRecord: async (args) =>
    (await import('./metrics-command.js')).metricsRecordCommand(await withMetricsFile(args)),
  selfCheck: async (args) => (await import('./self-check.js')).selfCheckCommand(args),
  wavesPlan: async (args) => (await import('./waves-plan-command.js')).wavesPlanCommand(args),
  example: async (args) => (await import('./example-command.js')).exampleCommand(args),
  budget: async (args) => (await import('./budget-command.js')).budgetCommand(await withPolicyFile(args, 'freeze')),
  budgetRules: async (args) =>
    (await import('./budget-rules-command.js')).budgetRulesCommand(await withPolicyFile(args, 'freeze')),
  freeze: async (args) => (await import('./freeze-command.js')).freezeCommand(await withPolicyFile(args, 'freeze')),
  dora: async (args) => {
    const [{ doraCommand }, { localDeps }] = await Promise.all([
      import('./dora-command.js'),
      import('./local-deps.js'),
    ]);
    if (!existsSync(args.repo)) throw new ConfigurationError(`--repo: no folder ${args.repo}`);
    const deps = localDeps({ repo: args.repo });
    const source =
      args.sourceRepo && args.sourceRepo !== args.repo ? localDeps({ repo: args.sourceRepo }).git : undefined;
    return doraCommand(args, { clock: deps.clock, git: deps.git, ...(source ? { sourceGit: source } : {}) });
  },
  backtest: async (args) => (await import('./backtest-command.js')).backtestCommand(args),
  notYet,
};
