/**
 * `bellwether budget`: evaluate OpenSLO SLOs against Prometheus at one
 * instant and print, per SLO, the budget, burn rates, alerts, the policy tier
 * and the gate for every change type.
 */
import type { CommandOutput } from '../cli/output.js';
import { ExitCode } from '../cli/output.js';
import { RunScopedProvider } from '../metrics/concurrency.js';
import { DeadlineProvider } from '../metrics/deadline.js';
import type { MetricsProvider } from '../metrics/provider.js';
import { PrometheusProvider } from '../metrics/prometheus.js';
import { parseDuration } from '../policy/fields.js';
import { loadPolicyFile } from '../policy/load.js';
import { realSleep } from '../runtime/clock.js';
import { ConfigurationError } from '../runtime/errors.js';
import { evaluateSlo } from './evaluate.js';
import { defaultFreezeGatePolicy, freezeGatePolicySchema } from './gate-policy.js';
import type { FreezeGatePolicy } from './gate-policy.js';
import { renderMarkdown } from './markdown.js';
import { loadSlos } from './openslo.js';
import { buildReport, renderText } from './report.js';

/** Options of `bellwether budget`. */
export interface BudgetArgs {
  /** OpenSLO files or directories, comma-separated. */
  readonly slo: string;
  /** Base URL of Prometheus (or Thanos, Mimir, VictoriaMetrics). */
  readonly prometheus?: string;
  /** RFC 3339 time to evaluate at; now when left out. */
  readonly at?: string;
  /** A freeze policy file; the defaults when left out. */
  readonly policy?: string;
  /** `markdown` is the job summary, with the burn-down chart. */
  readonly format: 'text' | 'json' | 'markdown';
  /** How long to wait for all the metrics, such as `30s`; the policy's `metricsDeadline` when left out. */
  readonly deadline?: string;
}

/** Effects of the budget verb; the CLI passes none and gets the real ones. */
export interface BudgetDeps {
  readonly metrics?: (url: string) => MetricsProvider;
  readonly now?: () => Date;
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
 * Evaluate every SLO and render the report. Exit 0 when features may ship,
 * 1 when the gate blocks them. A usage or configuration mistake throws a
 * ConfigurationError naming the file, line and field (the CLI exits 2).
 */
export async function budgetCommand(args: BudgetArgs, deps: BudgetDeps = {}): Promise<CommandOutput> {
  const now = (deps.now ?? (() => new Date()))();
  const at = parseAt(args.at, now);
  if (!args.prometheus)
    throw new ConfigurationError('give the Prometheus base URL with --prometheus URL', { field: '--prometheus' });
  if (!/^https?:\/\//.test(args.prometheus)) {
    throw new ConfigurationError(`expected an http:// or https:// URL, got ${JSON.stringify(args.prometheus)}`, {
      field: '--prometheus',
    });
  }
  const policy: FreezeGatePolicy = args.policy
    ? await loadPolicyFile(args.policy, freezeGatePolicySchema)
    : defaultFreezeGatePolicy();
  const deadlineMs = parseDeadline(args.deadline, policy.metricsDeadline);
  const slos = await loadSlos(args.slo);
  // A calendar burn-down asks dozens of instant queries: at most a few at a time,
  // and all of them within one deadline, counted from here.
  const inner = new RunScopedProvider(
    (deps.metrics ?? ((url) => new PrometheusProvider({ url }, { fetch, sleep: realSleep })))(args.prometheus),
  );
  const metrics = new DeadlineProvider(inner, deadlineMs);
  const evaluations = await Promise.all(
    slos.map((slo) => evaluateSlo(slo, policy, at, { metrics }, { burnDown: args.format === 'markdown' })),
  );
  const report = buildReport(evaluations, policy, at, {}, metrics.report());
  const stdout =
    args.format === 'json'
      ? JSON.stringify(report, null, 2) + '\n'
      : args.format === 'markdown'
        ? renderMarkdown(report)
        : renderText(report);
  return { exitCode: report.gate.feature.verdict === 'block' ? ExitCode.negative : ExitCode.ok, stdout };
}
