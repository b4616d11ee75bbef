/**
 * `bellwether example [dir]`: the main job on the shipped example, offline.
 * It prints a short summary and writes the report (Markdown and a
 * self-contained HTML page), the rollback pull request that would be opened
 * and the postmortem draft, and says where.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderExampleHtml, renderExampleMarkdown } from '../report/example.js';
import { runExample, type ExampleRun } from '../example/run-example.js';
import { METRICS_FILE } from '../policy/paths.js';
import { StreamLogger } from '../runtime/logger.js';
import type { CommandOutput } from './output.js';
import { ExitCode } from './output.js';
import { localDeps } from './local-deps.js';

export async function exampleCommand(args: {
  dir: string;
  out: string;
  format: 'text' | 'json';
  verbose?: boolean;
}): Promise<CommandOutput> {
  const logger = new StreamLogger(
    (line) => (args.verbose ? process.stderr.write(line + '\n') : undefined),
    args.verbose,
  );
  const outDir = resolve(args.out);
  const dir = resolve(args.dir);
  // The GitOps repository of the run: an empty folder that the example fills, removed afterwards.
  const repo = await mkdtemp(join(tmpdir(), 'bellwether-example-'));
  let run: ExampleRun;
  try {
    run = await runExample(dir, outDir, repo, localDeps({ repo, metricsFile: join(dir, METRICS_FILE), logger }));
  } finally {
    await rm(repo, { recursive: true, force: true });
  }
  const markdown = join(outDir, 'report.md');
  const html = join(outDir, 'report.html');
  await writeFile(markdown, renderExampleMarkdown(run));
  await writeFile(html, renderExampleHtml(run));
  const exitCode = run.ok ? ExitCode.ok : ExitCode.negative;
  if (args.format === 'json') {
    return {
      exitCode,
      stdout: JSON.stringify(
        {
          ok: run.ok,
          releases: run.releases.map((r) => ({
            version: r.version,
            expected: r.expected,
            result: r.result,
            failure: r.canary.failure ?? null,
            waves: r.waves.map((w) => w.name),
            rollbackPullRequest: r.rollback?.pullRequest.url ?? null,
            postmortem: r.postmortemFile ?? null,
          })),
          report: { markdown, html },
          commits: run.commits,
        },
        null,
        2,
      ),
    };
  }
  const lines = [`Bellwether example: ${run.service} in ${run.environment}, offline, on a simulated clock`, ''];
  for (const r of run.releases) {
    lines.push(`${r.version}: ${r.result}${r.result === r.expected ? '' : ` (expected ${r.expected})`}`);
    if (r.result === 'promoted')
      lines.push(
        `  canary stages passed in ${r.waves[0]?.regions.join(', ')}; waves ${r.waves.map((w) => w.name).join(' → ')}; done ${r.finishedAt}`,
      );
    if (r.canary.failure) lines.push(`  ${r.canary.failure}`);
    if (r.rollback)
      lines.push(
        `  rollback pull request written to ${r.rollback.pullRequest.url}`,
        `  ${r.rollback.bad} quarantined: ${r.rollback.quarantined ? 'yes' : 'no'}`,
      );
    if (r.postmortemFile) lines.push(`  postmortem draft written to ${r.postmortemFile}`);
  }
  lines.push('', `${run.commits.length} commits in the GitOps repository.`, `Report: ${markdown}`, `        ${html}`);
  return { exitCode, stdout: lines.join('\n') };
}
