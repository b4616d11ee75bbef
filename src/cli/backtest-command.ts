/**
 * `bellwether backtest`: recorded releases replayed through a canary policy,
 * offline, on a simulated clock; per release what the policy decided and
 * when, and over all of them the regressions caught and missed, the good
 * releases failed, and the time to decision. Exit 1 when a decision
 * disagrees with what a release truly was, so that a policy change can be
 * held to its backtest in CI.
 */
import { readFileSync } from 'node:fs';
import { runBacktest, backtestSchema, type BacktestRun } from '../backtest/run.js';
import { disconnectedGitHub } from '../deps/build-deps.js';
import { CommandGit } from '../gitops/git.js';
import { loadMetricsProviders } from '../metrics/load-providers.js';
import { parsePolicyText } from '../policy/load.js';
import { escapeMarkdown } from '../report/markdown.js';
import { textTable } from '../report/terminal.js';
import { ConfigurationError } from '../runtime/errors.js';
import { StreamLogger } from '../runtime/logger.js';
import { nodeFiles } from '../runtime/files.js';
import { ExitCode, type CommandOutput } from './output.js';

export interface BacktestArgs {
  readonly releases?: string;
  /** The canary policy file or folder. */
  readonly policy: string;
  /** The metrics providers file; its replay providers answer from recordings. */
  readonly metrics: string;
  readonly format: 'text' | 'json' | 'markdown';
}

const minutes = (ms: number | null) => (ms === null ? '–' : `${Math.round(ms / 60000)} min`);

function rows(run: BacktestRun): string[][] {
  return run.releases.map((r) => [
    r.version,
    r.truth ?? '?',
    r.result,
    r.right === undefined ? '' : r.right ? 'right' : 'WRONG',
    `${r.maxWeight}%`,
    r.result === 'held' ? `none in ${minutes(r.timeToDecisionMs)}` : minutes(r.timeToDecisionMs),
  ]);
}

function summaryLines(run: BacktestRun): string[] {
  const s = run.summary;
  return [
    `Regressions caught: ${s.caught} of ${s.regressions}${s.missed ? ` (${s.missed} promoted)` : ''}; median time to catch ${minutes(s.medianTimeToCatchMs)}.`,
    `False failures: ${s.falseFailures} of ${s.good} good release(s); median time to promote ${minutes(s.medianTimeToPromoteMs)}.`,
    ...(s.held ? [`Held without a decision: ${s.held} (too little data, or an approval the replay cannot give).`] : []),
  ];
}

export async function backtestCommand(args: BacktestArgs): Promise<CommandOutput> {
  if (!args.releases) throw new ConfigurationError('backtest needs --releases FILE (the releases to replay)');
  let text: string;
  try {
    text = readFileSync(args.releases, 'utf8');
  } catch {
    throw new ConfigurationError(`--releases: cannot read ${args.releases}`);
  }
  const backtest = parsePolicyText(text, args.releases, backtestSchema);
  const logger = new StreamLogger(() => undefined, false);
  const run = await runBacktest(backtest, args.policy, {
    metrics: loadMetricsProviders(args.metrics, logger),
    github: disconnectedGitHub(),
    files: nodeFiles,
    gitIn: (dir) => new CommandGit(dir),
    logger,
  });
  const wrong = run.releases.some((r) => r.right === false);
  const exitCode = wrong ? ExitCode.negative : ExitCode.ok;
  if (args.format === 'json') return { exitCode, stdout: `${JSON.stringify(run, null, 2)}\n` };
  const head = ['version', 'truth', 'decided', '', 'most traffic', 'time to decision'];
  if (args.format === 'markdown') {
    const lines = [
      `## Backtest of ${escapeMarkdown(run.service)} in ${escapeMarkdown(run.environment)}`,
      '',
      `Policy ${escapeMarkdown(run.policy)}; ${run.releases.length} release(s) replayed from recorded metrics.`,
      '',
      `| ${head.join(' | ')} |`,
      `| ${head.map(() => '---').join(' | ')} |`,
      ...rows(run).map((r) => `| ${r.map(escapeMarkdown).join(' | ')} |`),
      '',
      ...summaryLines(run).map((l) => `- ${escapeMarkdown(l)}`),
      '',
      ...run.releases.map((r) => `- ${escapeMarkdown(r.version)}: ${escapeMarkdown(r.headline)}`),
    ];
    return { exitCode, stdout: `${lines.join('\n')}\n` };
  }
  const lines = [
    `Backtest of ${run.service} in ${run.environment} with ${run.policy}: ${run.releases.length} release(s) replayed`,
    '',
    ...textTable([head, ...rows(run)]),
    '',
    ...summaryLines(run),
    '',
    ...run.releases.map((r) => `${r.version}: ${r.headline}`),
  ];
  return { exitCode, stdout: `${lines.join('\n')}\n` };
}
