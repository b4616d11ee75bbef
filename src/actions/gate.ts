/**
 * The security gate action: every gate family on the pull request in one
 * verdict (src/gates/core/run-all.ts), reported where people look: SARIF for
 * code scanning, a check run with annotations, one pull request comment
 * updated in place, and the job summary.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CombinedVerdict, Examined } from '../gates/core/combine.js';
import { githubAuditsFromPort } from '../gates/workflows/github-connect.js';
import { runAllGates } from '../gates/core/run-all.js';
import { GitHubError } from '../github/errors.js';
import type { Logger } from '../runtime/logger.js';
import { runUrl } from '../runtime/context.js';
import { locatePolicyFile } from '../policy/locate.js';
import type { ActionImpl, ActionResult } from './types.js';
import { gateSpec } from './specs.js';

export const GATE_COMMENT_MARKER = 'gate';

/** Runs a write that a read-only token (a fork's pull request) may be refused; a 403 becomes a warning. */
async function readOnlyTolerant(logger: Logger, what: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (!(err instanceof GitHubError) || err.status !== 403) throw err;
    logger.warning(
      `Bellwether could not write ${what}: the token is read-only here (a pull request from a fork?). The verdict stands in the job summary and SARIF.`,
    );
  }
}
type Obj = Record<string, unknown>;

/** Per family, what it read: `{"workflows":{"files":3,"lines":120},…}`; a family that could not run is absent. */
function examinedOf(verdict: CombinedVerdict): Record<string, Examined> {
  return Object.fromEntries(verdict.results.filter((r) => r.examined).map((r) => [r.family, r.examined as Examined]));
}

export const gateAction: ActionImpl<typeof gateSpec.inputs> = {
  spec: gateSpec,
  async run(inputs, deps, ctx): Promise<ActionResult> {
    const pr = (ctx.payload['pull_request'] ?? null) as Obj | null;
    const base = pr ? String(((pr['base'] ?? {}) as Obj)['sha'] ?? '') : '';
    const head = pr ? String(((pr['head'] ?? {}) as Obj)['sha'] ?? '') : ctx.sha;
    const policy = await locatePolicyFile(inputs.policy || undefined, 'gates', ctx.workspace, deps.files);
    const outcome = await runAllGates(
      {
        paths: inputs.paths,
        mode: inputs.mode,
        cwd: ctx.workspace,
        missing: 'skip',
        ...(base && head ? { base, head } : {}),
        ...(policy ? { policy } : {}),
      },
      {
        clock: deps.clock,
        files: deps.files,
        git: deps.git,
        github: deps.github,
        githubAudits: githubAuditsFromPort(inputs.token, deps.github),
      },
    );
    const { verdict } = outcome;
    const sarifFile = join(ctx.workspace, inputs['sarif-file']);
    writeFileSync(sarifFile, JSON.stringify(outcome.sarif, null, 2));

    const blocking = verdict.results.reduce((n, r) => n + r.blocking, 0);
    const title =
      verdict.verdict === 'pass'
        ? 'Bellwether gates passed'
        : `Bellwether gates failed: ${blocking} blocking finding(s)`;
    // Made once by the families in the port's form; the port sends them 50 a request, as GitHub requires.
    const { annotations } = outcome;
    const text =
      outcome.markdown.length > 60_000
        ? `${outcome.markdown.slice(0, 60_000)}\n\n…cut; the job summary has it all.`
        : outcome.markdown;
    // Pull requests from forks run with a read-only token: the verdict still stands, the surfaces are skipped and say so.
    await readOnlyTolerant(deps.logger, 'the check run', () =>
      deps.github.createCheckRun({
        name: 'bellwether/gate',
        headSha: head || ctx.sha,
        externalId: `gate:${head || ctx.sha}:${ctx.runId}`,
        status: 'completed',
        conclusion: verdict.verdict === 'pass' ? 'success' : 'failure',
        detailsUrl: runUrl(ctx),
        output: { title, summary: verdict.reasons.join('\n'), text, annotations },
      }),
    );
    if (pr && inputs.comment)
      await readOnlyTolerant(deps.logger, 'the pull request comment', () =>
        deps.github.upsertComment(Number(pr['number']), GATE_COMMENT_MARKER, outcome.markdown),
      );
    return {
      outputs: {
        verdict: verdict.verdict,
        findings: String(blocking),
        examined: JSON.stringify(examinedOf(verdict)),
        'sarif-file': sarifFile,
      },
      summary: outcome.markdown,
      ...(verdict.verdict === 'fail' ? { failure: `${title}. ${verdict.reasons.join(' ')}` } : {}),
    };
  },
};
