/**
 * The security gate action: the workflow audit, the secret scan of the lines
 * the pull request adds, and the dependency review, combined into one
 * verdict; SARIF for code scanning, a check run with annotations, one pull
 * request comment updated in place, and the job summary.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRunAnnotations } from '../gates/annotations.js';
import { runWorkflowGate, nodeGateFs } from '../gates/command.js';
import { readTextFile, runDepsGate } from '../gates/deps/command.js';
import { combine, errorResult, renderVerdictMarkdown, resultOf } from '../gates/posture/combine.js';
import type { GateResult } from '../gates/posture/combine.js';
import { renderMarkdown } from '../gates/render.js';
import { renderSarif } from '../gates/sarif.js';
import { runSecretGate } from '../gates/secrets/command.js';
import { renderSecretsMarkdown } from '../gates/secrets/render.js';
import { CommandGit } from '../gitops/git.js';
import { errorMessage } from '../runtime/errors.js';
import { runUrl } from '../runtime/context.js';
import type { ActionImpl, ActionResult } from './registry.js';
import { gateSpec } from './specs.js';

const VERSION = '0.1.0';
export const GATE_COMMENT_MARKER = 'gate';
type Obj = Record<string, unknown>;

export const gateAction: ActionImpl<typeof gateSpec.inputs> = {
  spec: gateSpec,
  async run(inputs, deps, ctx): Promise<ActionResult> {
    const pr = (ctx.payload['pull_request'] ?? null) as Obj | null;
    const base = pr ? String(((pr['base'] ?? {}) as Obj)['sha'] ?? '') : '';
    const head = pr ? String(((pr['head'] ?? {}) as Obj)['sha'] ?? '') : ctx.sha;
    const policy = inputs.policy ? join(ctx.workspace, inputs.policy) : undefined;
    const results: GateResult[] = [];
    const sections: string[] = [];

    const workflows = await runWorkflowGate({ paths: inputs.paths, missing: 'skip', ...(policy ? { policy } : {}) }, { fs: nodeGateFs, clock: deps.clock, cwd: ctx.workspace });
    results.push(resultOf('workflows', workflows.decision));
    sections.push(renderMarkdown(workflows.decision));

    // The secret scan and the dependency review need the pull request's base and head.
    if (base && head) {
      try {
        const secrets = await runSecretGate({ base, head, format: 'json', ...(policy ? { policy } : {}), cwd: ctx.workspace }, { fs: nodeGateFs, clock: deps.clock, git: (cwd) => new CommandGit(cwd) });
        results.push(resultOf('secrets', secrets.decision));
        sections.push(renderSecretsMarkdown(secrets));
      } catch (err) {
        results.push(errorResult('secrets', errorMessage(err)));
      }
      try {
        const dependencies = await runDepsGate({ base, head, ...(policy ? { policy } : {}), root: ctx.workspace }, { clock: deps.clock, github: deps.github, git: new CommandGit(ctx.workspace), readText: readTextFile });
        results.push(resultOf('dependencies', dependencies));
      } catch (err) {
        results.push(errorResult('dependencies', errorMessage(err)));
      }
    }
    const verdict = combine(results, { required: base && head ? ['workflows', 'secrets', 'dependencies'] : ['workflows'] });
    const sarifFile = join(ctx.workspace, inputs['sarif-file']);
    writeFileSync(sarifFile, JSON.stringify(renderSarif(workflows.decision, { version: VERSION }), null, 2));
    const summary = [renderVerdictMarkdown(verdict), ...sections].join('\n\n');

    const blocking = results.reduce((n, r) => n + r.blocking, 0);
    // The port sends annotations 50 a request, as GitHub requires.
    const annotations = checkRunAnnotations(workflows.decision, { failOn: workflows.decision.failOn })
      .flat()
      .map((a) => ({ path: a.path, startLine: a.start_line, endLine: a.end_line, level: a.annotation_level, message: a.message, title: a.title }));
    const title = verdict.verdict === 'pass' ? 'Bellwether gates passed' : `Bellwether gates failed: ${blocking} blocking finding(s)`;
    const text = summary.length > 60_000 ? `${summary.slice(0, 60_000)}\n\n…cut; the job summary has it all.` : summary;
    await deps.github.createCheckRun({
      name: 'bellwether/gate',
      headSha: head || ctx.sha,
      externalId: `gate:${head || ctx.sha}:${ctx.runId}`,
      status: 'completed',
      conclusion: verdict.verdict === 'pass' ? 'success' : 'failure',
      detailsUrl: runUrl(ctx),
      output: { title, summary: verdict.reasons.join('\n'), text, annotations },
    });
    if (pr && inputs.comment) await deps.github.upsertComment(Number(pr['number']), GATE_COMMENT_MARKER, summary);
    return {
      outputs: { verdict: verdict.verdict, findings: String(blocking), 'sarif-file': sarifFile },
      summary,
      ...(verdict.verdict === 'fail' ? { failure: `${title}. ${verdict.reasons.join(' ')}` } : {}),
    };
  },
};
