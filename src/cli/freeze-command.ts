/**
 * `bellwether freeze`: the deploy gate for one change type, as a deploy
 * script asks it. It is `bellwether budget` narrowed to one answer: the same
 * evaluation and report, with the exit code of the change type's verdict.
 */
import type { CommandOutput } from './output.js';
import { ExitCode } from './output.js';
import { ConfigurationError } from '../runtime/errors.js';
import { budgetDeps, budgetReport, parseAt } from './budget-command.js';
import type { BudgetDeps } from './budget-command.js';
import { CHANGE_TYPES } from '../policy/schemas/freeze-gate.js';
import type { ChangeType } from '../policy/schemas/freeze-gate.js';
import type { BudgetReport } from '../freeze/report.js';
import { renderText, sourceFailures } from '../freeze/report.js';

/** Options of `bellwether freeze`. */
export interface FreezeArgs {
  /** OpenSLO files or directories, comma-separated. */
  readonly slo: string;
  /** Base URL of Prometheus (or Thanos, Mimir, VictoriaMetrics). */
  readonly prometheus?: string;
  readonly policy?: string;
  /** `feature` when left out. */
  readonly changeType?: string;
  /** RFC 3339 time to evaluate at; now when left out. */
  readonly at?: string;
  readonly format: 'text' | 'json';
  /** How long to wait for all the metrics, such as `30s`; the policy's `metricsDeadline` when left out. */
  readonly deadline?: string;
}

/** The verdict as `--format json` prints it. */
export interface FreezeAnswer {
  readonly at: string;
  readonly changeType: ChangeType;
  readonly verdict: 'allow' | 'block';
  readonly reason: string;
  /** Absent for a rollback: nothing is measured for one. */
  readonly report?: BudgetReport;
}

/** Reads `--change-type`. */
export function parseChangeType(text: string | undefined): ChangeType {
  const value = text ?? 'feature';
  if (!(CHANGE_TYPES as readonly string[]).includes(value)) {
    throw new ConfigurationError(`expected one of ${CHANGE_TYPES.join(', ')}, got ${JSON.stringify(value)}`, {
      field: '--change-type',
    });
  }
  return value as ChangeType;
}

/** Why a rollback is answered at once. */
export const ROLLBACK_REASON = 'rollbacks are never blocked, so nothing was measured';

/**
 * Exit 0 when the change type may deploy, 1 when it is blocked; a usage or
 * configuration mistake throws a ConfigurationError (the CLI exits 2).
 * A rollback is allowed before anything is read or asked, so that a metrics
 * server that hangs, or a broken policy or SLO file, never holds one back.
 */
export async function freezeCommand(args: FreezeArgs, deps: BudgetDeps = budgetDeps()): Promise<CommandOutput> {
  const changeType = parseChangeType(args.changeType);
  if (changeType === 'rollback') {
    const at = parseAt(args.at, deps.clock.now());
    const answer: FreezeAnswer = { at: at.toISOString(), changeType, verdict: 'allow', reason: ROLLBACK_REASON };
    return {
      exitCode: ExitCode.ok,
      stdout:
        args.format === 'json' ? JSON.stringify(answer, null, 2) + '\n' : `rollback: allow (${ROLLBACK_REASON})\n`,
    };
  }
  const report = await budgetReport(args, deps, { burnDown: false });
  const entry = report.gate[changeType];
  const answer: FreezeAnswer = { at: report.at, changeType, verdict: entry.verdict, reason: entry.reason, report };
  const stdout =
    args.format === 'json'
      ? JSON.stringify(answer, null, 2) + '\n'
      : `${changeType}: ${entry.verdict} (${sourceFailures(report).say(entry.reason)})\n\n${renderText(report)}`;
  return { exitCode: entry.verdict === 'block' ? ExitCode.negative : ExitCode.ok, stdout };
}
