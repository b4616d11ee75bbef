/**
 * The error budget at one instant: every SLO evaluated against one metrics
 * provider, within one deadline, and the gate's answer for each change type.
 * Shared by `bellwether budget` and `bellwether freeze`; it returns the
 * report and leaves text and exit codes to them.
 */
import { RunScopedProvider } from '../metrics/concurrency.js';
import { DeadlineProvider } from '../metrics/deadline.js';
import type { MetricsProvider } from '../metrics/provider.js';
import { parseDuration } from '../policy/fields.js';
import { loadPolicyFile } from '../policy/load.js';
import { defaultFreezeGatePolicy, freezeGatePolicySchema } from '../policy/schemas/freeze-gate.js';
import type { FreezeGatePolicy } from '../policy/schemas/freeze-gate.js';
import { ConfigurationError } from '../runtime/errors.js';
import { evaluateSlo } from './evaluate.js';
import type { Files } from '../runtime/files.js';
import { loadSlos } from './openslo.js';
import { buildReport } from './report.js';
import type { BudgetReport } from './report.js';

/** What to evaluate. */
export interface BudgetRequest {
  /** OpenSLO files or directories, comma-separated. */
  readonly slo: string;
  /** A freeze policy file; the defaults when left out. */
  readonly policy?: string;
  /** When to evaluate. */
  readonly at: Date;
  /** How long to wait for all the metrics, such as `30s`; the policy's `metricsDeadline` when left out. */
  readonly deadline?: string;
  /** Also measure the calendar burn-down (dozens of instant queries more). */
  readonly burnDown: boolean;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Reads `--deadline`: a duration of at least one second. */
export function parseDeadline(text: string | undefined, fallbackMs: number): number {
  if (text === undefined) return fallbackMs;
  const ms = parseDuration(text);
  if (ms === undefined || ms < 1000) {
    throw new ConfigurationError(`expected a duration of at least 1s such as 30s or 2m, got ${JSON.stringify(text)}`, {
      field: '--deadline',
    });
  }
  return ms;
}

/** Reads `--at` as RFC 3339 with an explicit offset. */
export function parseAt(text: string | undefined, now: Date): Date {
  if (text === undefined) return now;
  const d = new Date(text);
  if (!RFC3339.test(text) || Number.isNaN(d.getTime())) {
    throw new ConfigurationError(
      `expected an RFC 3339 time such as 2026-11-22T09:30:00Z, got ${JSON.stringify(text)}`,
      { field: '--at' },
    );
  }
  return d;
}

/**
 * Evaluates every SLO with `provider` and builds the report. A usage or
 * configuration mistake throws a ConfigurationError naming the file, line
 * and field.
 */
export async function evaluateBudget(
  request: BudgetRequest,
  provider: MetricsProvider,
  files: Files,
): Promise<BudgetReport> {
  const policy: FreezeGatePolicy = request.policy
    ? await loadPolicyFile(request.policy, freezeGatePolicySchema, files)
    : defaultFreezeGatePolicy();
  const deadlineMs = parseDeadline(request.deadline, policy.metricsDeadline);
  const slos = await loadSlos(request.slo, files);
  // A calendar burn-down asks dozens of instant queries: at most a few at a time,
  // and all of them within one deadline, counted from here.
  const metrics = new DeadlineProvider(new RunScopedProvider(provider), deadlineMs);
  const evaluations = await Promise.all(
    slos.map((slo) => evaluateSlo(slo, policy, request.at, { metrics }, { burnDown: request.burnDown })),
  );
  return buildReport(evaluations, policy, request.at, {}, metrics.report());
}
