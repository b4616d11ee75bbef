/**
 * The function behind each CLI verb. Each returns a CommandOutput; the
 * program prints it. Verbs whose capability has not shipped say so plainly.
 */
import { NotAvailableError } from '../runtime/errors.js';
import type { CommandOutput, OutputFormat } from './output.js';
import { canaryControlCommand } from './canary-command.js';
import type { CanaryControlArgs } from './canary-command.js';
import { selfCheckCommand } from './self-check.js';

export interface Handlers {
  gateWorkflows(args: { paths: string[]; policy?: string; baseline?: string; format: OutputFormat }): Promise<CommandOutput>;
  canaryJudge(args: {
    config: string;
    input: string;
    profile?: 'bellwether' | 'kayenta';
    passThreshold?: number;
    marginalThreshold?: number;
    format: 'text' | 'json';
  }): Promise<CommandOutput>;
  canaryControl(args: CanaryControlArgs): Promise<CommandOutput>;
  policyCheck(args: { paths: string[]; format: 'text' | 'json' }): Promise<CommandOutput>;
  metricsQuery(args: { query: string; provider?: string; format: 'text' | 'json' }): Promise<CommandOutput>;
  metricsRecord(args: { out?: string; format: 'text' | 'json' }): Promise<CommandOutput>;
  selfCheck(args: { dir: string; format: 'text' | 'json' }): Promise<CommandOutput>;
  notYet(verb: string): Promise<CommandOutput>;
}

const notYet = async (verb: string): Promise<CommandOutput> => {
  throw new NotAvailableError(`\`bellwether ${verb}\``);
};

export const handlers: Handlers = {
  gateWorkflows: () => notYet('gate workflows'),
  canaryJudge: () => notYet('canary judge'),
  canaryControl: (args) => canaryControlCommand(args),
  policyCheck: () => notYet('policy check'),
  metricsQuery: () => notYet('metrics query'),
  metricsRecord: () => notYet('metrics record'),
  selfCheck: (args) => selfCheckCommand(args),
  notYet,
};
