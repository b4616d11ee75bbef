/**
 * The secret scan as a gate family: the lines a pull request adds, or in
 * full mode every file the repository tracks (not what a job checked out
 * beside it, such as Bellwether itself under .bellwether/).
 */
import type { GitPort } from '../../gitops/git.js';
import type { Clock } from '../../runtime/clock.js';
import { resultOf } from '../core/combine.js';
import type { GateFamilyRunner } from '../core/family.js';
import { nodeGateFs } from '../core/fs.js';
import { scanGitDiffFile } from './diff-stream.js';
import { renderSecretsMarkdown, secretsSarifRun, type SecretsReport } from './render.js';
import { runSecretGate } from './run.js';

/** The secret family: it runs on a pull request, or on every tracked file in full mode. */
export function secretsFamily(options: { readonly clock: Clock }): GateFamilyRunner<SecretsReport> {
  return {
    family: 'secrets',
    applies: (change) => change.mode === 'full' || change.range !== undefined,
    async run(change) {
      const scope = change.mode === 'full' ? { paths: await trackedFiles(change.git) } : change.range;
      const policy = change.policy ? { policy: await change.policy } : {};
      const report = await runSecretGate(
        { ...scope, cwd: change.cwd, ...policy },
        { fs: nodeGateFs, clock: options.clock, git: () => change.git, scanDiffFile: scanGitDiffFile },
      );
      return {
        value: report,
        result: resultOf('secrets', report.decision, { files: report.summary.files, lines: report.summary.lines }),
        markdown: renderSecretsMarkdown(report),
        sarif: [secretsSarifRun(report)],
        annotations: [],
      };
    },
  };
}

/** The files git tracks in the checkout, from its root. */
async function trackedFiles(git: GitPort): Promise<string[]> {
  const { stdout } = await git.run(['ls-files', '-z', '--full-name', ':/']);
  return stdout.split('\0').filter(Boolean);
}
