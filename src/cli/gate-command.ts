/**
 * `bellwether gate [PATHS] [--base REF --head REF]`: every gate family on a
 * change, one verdict, in text, JSON or SARIF.
 */
import type { CommandOutput, OutputFormat } from './output.js';
import { ExitCode } from './output.js';
import { systemClock } from '../runtime/clock.js';
import { githubAuditsFromEnv } from '../gates/workflows/github-connect.js';
import { githubAuditLines } from '../gates/workflows/render.js';
import { runAllGates, type GateMode } from '../gates/core/run-all.js';

export async function gateAllCommand(args: {
  paths: string[];
  base?: string;
  head?: string;
  policy?: string;
  format: OutputFormat;
  cwd?: string;
  mode?: GateMode;
}): Promise<CommandOutput> {
  const outcome = await runAllGates(
    {
      paths: args.paths,
      mode: args.mode ?? 'diff',
      cwd: args.cwd ?? process.cwd(),
      missing: 'error',
      ...(args.base ? { base: args.base, head: args.head ?? 'HEAD' } : {}),
      ...(args.policy ? { policy: args.policy } : {}),
    },
    { clock: systemClock, githubAudits: githubAuditsFromEnv() },
  );
  const github = outcome.workflows?.decision.github;
  const exitCode = outcome.verdict.verdict === 'pass' ? ExitCode.ok : ExitCode.negative;
  if (args.format === 'sarif') return { exitCode, stdout: JSON.stringify(outcome.sarif, null, 2) };
  if (args.format === 'json') {
    return {
      exitCode,
      stdout: JSON.stringify(
        {
          verdict: outcome.verdict.verdict,
          reasons: outcome.verdict.reasons,
          ...(github ? { github } : {}),
          families: outcome.verdict.results.map((r) => ({
            family: r.family,
            verdict: r.verdict,
            blocking: r.blocking,
            findings: r.findings.length,
            ...(r.examined ? { examined: r.examined } : {}),
            ...(r.error ? { error: r.error } : {}),
          })),
        },
        null,
        2,
      ),
    };
  }
  const lines = [
    `Bellwether gates: ${outcome.verdict.verdict}`,
    ...outcome.verdict.reasons.map((r) => `  ${r}`),
    ...(outcome.workflows ? githubAuditLines(outcome.workflows.decision).map((l) => `  ${l}`) : []),
  ];
  return { exitCode, stdout: lines.join('\n') };
}
