/**
 * `bellwether budget`: evaluate OpenSLO SLOs against Prometheus at one
 * instant and print, per SLO, the budget, burn rates, alerts, the policy tier
 * and the gate for every change type.
 */
import type { CommandOutput } from './output.js';
import { ExitCode } from './output.js';
import { evaluateBudget, parseAt } from '../freeze/budget.js';
import { renderMarkdown } from '../freeze/markdown.js';
import { renderText } from '../freeze/report.js';
import type { BudgetReport } from '../freeze/report.js';
import type { MetricsProvider } from '../metrics/provider.js';
import { createProvider } from '../metrics/registry.js';
import type { Deps } from '../deps/deps.js';
import { realSleep, systemClock } from '../runtime/clock.js';
import { ConfigurationError } from '../runtime/errors.js';
import { nodeFiles } from '../runtime/files.js';
import { StreamLogger } from '../runtime/logger.js';

export { parseAt } from '../freeze/budget.js';

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

/** Effects of the budget and freeze verbs. */
export interface BudgetDeps extends Pick<Deps, 'clock' | 'files'> {
  /** The metrics provider at a `--prometheus` URL. */
  readonly prometheus: (url: string) => MetricsProvider;
}

/** The real effects: the system clock, and Prometheus built by the provider registry like every other provider. */
export function budgetDeps(): BudgetDeps {
  return {
    clock: systemClock,
    files: nodeFiles,
    prometheus: (url) =>
      createProvider(
        'prometheus',
        { type: 'prometheus', url },
        {
          fetch,
          sleep: realSleep,
          logger: new StreamLogger(),
          env: process.env,
          readFile: () => {
            throw new Error('a Prometheus provider reads no file');
          },
        },
        { baseDir: '.', locate: () => ({ field: '--prometheus' }) },
      ),
  };
}

/** Checks `--prometheus`: an http(s) URL is required. */
export function prometheusUrl(text: string | undefined): string {
  if (!text)
    throw new ConfigurationError('give the Prometheus base URL with --prometheus URL', { field: '--prometheus' });
  if (!/^https?:\/\//.test(text)) {
    throw new ConfigurationError(`expected an http:// or https:// URL, got ${JSON.stringify(text)}`, {
      field: '--prometheus',
    });
  }
  return text;
}

/** Evaluates the budget the verb's flags ask for. */
export async function budgetReport(
  args: Omit<BudgetArgs, 'format'>,
  deps: BudgetDeps,
  options: { burnDown: boolean },
): Promise<BudgetReport> {
  const at = parseAt(args.at, deps.clock.now());
  const url = prometheusUrl(args.prometheus);
  return evaluateBudget(
    {
      slo: args.slo,
      at,
      burnDown: options.burnDown,
      ...(args.policy ? { policy: args.policy } : {}),
      ...(args.deadline !== undefined ? { deadline: args.deadline } : {}),
    },
    deps.prometheus(url),
    deps.files,
  );
}

/**
 * Evaluate every SLO and render the report. Exit 0 when features may ship,
 * 1 when the gate blocks them. A usage or configuration mistake throws a
 * ConfigurationError naming the file, line and field (the CLI exits 2).
 */
export async function budgetCommand(args: BudgetArgs, deps: BudgetDeps = budgetDeps()): Promise<CommandOutput> {
  const report = await budgetReport(args, deps, { burnDown: args.format === 'markdown' });
  const stdout =
    args.format === 'json'
      ? JSON.stringify(report, null, 2) + '\n'
      : args.format === 'markdown'
        ? renderMarkdown(report)
        : renderText(report);
  return { exitCode: report.gate.feature.verdict === 'block' ? ExitCode.negative : ExitCode.ok, stdout };
}
