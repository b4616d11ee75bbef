/**
 * The error-budget freeze action: a deploy gate step on any event, and on
 * `schedule` the publisher of the freeze state (commit status and issue).
 */
import { isAbsolute, join } from 'node:path';
import { publishFreezeState, runFreezeGate } from '../freeze/run.js';
import type { FreezeRunInputs } from '../freeze/run.js';
import { freezeBlockedNotice, freezeChangeNotice } from '../notify/notices.js';
import { runUrl } from '../runtime/context.js';
import { locatePolicies } from '../policy/locate.js';
import type { ActionImpl } from './types.js';
import { freezeSpec } from './specs.js';

/** The labels of the pull request a `pull_request` event is about; none for other events. */
function pullRequestLabels(payload: Readonly<Record<string, unknown>>): string[] {
  const labels = (payload['pull_request'] as { labels?: unknown } | undefined)?.labels;
  return Array.isArray(labels)
    ? labels.map((l) => (l as { name?: unknown }).name).filter((n): n is string => typeof n === 'string')
    : [];
}

/** The number of the pull request a `pull_request` event is about, if any. */
function pullRequestNumber(payload: Readonly<Record<string, unknown>>): number | undefined {
  const n = (payload['pull_request'] as { number?: unknown } | undefined)?.number;
  return typeof n === 'number' ? n : undefined;
}

export const freezeAction: ActionImpl<typeof freezeSpec.inputs> = {
  spec: freezeSpec,
  async run(inputs, deps, ctx) {
    const path = (p: string) => (isAbsolute(p) ? p : join(ctx.workspace, p));
    const policy = locatePolicies(inputs.policy || undefined, ctx.workspace).path;
    const runInputs: FreezeRunInputs = {
      mode: ctx.eventName === 'schedule' ? 'publish' : 'gate',
      workspace: ctx.workspace,
      ...(policy ? { policy } : {}),
      slo: inputs.slo.map(path),
      ...(inputs.service ? { service: inputs.service } : {}),
      ...(inputs.provider ? { provider: inputs.provider } : {}),
      changeType: inputs['change-type'],
      ...(inputs['break-glass'] ? { breakGlass: inputs['break-glass'] } : {}),
      ...(inputs['break-glass-expiry'] ? { breakGlassExpiry: inputs['break-glass-expiry'] } : {}),
      labels: pullRequestLabels(ctx.payload),
      ...(pullRequestNumber(ctx.payload) !== undefined ? { pullRequest: pullRequestNumber(ctx.payload) } : {}),
      ...(inputs.at ? { at: inputs.at } : {}),
      actor: ctx.actor,
      sha: ctx.sha,
      runId: ctx.runId,
      runUrl: runUrl(ctx),
    };
    const published = runInputs.mode === 'publish' ? await publishFreezeState(runInputs, deps) : undefined;
    const outcome = published ?? (await runFreezeGate(runInputs, deps));
    return {
      outputs: outcome.outputs,
      summary: outcome.summary,
      ...(outcome.failure ? { failure: outcome.failure } : {}),
      notice: published
        ? freezeChangeNotice(published.change, published.report?.gate.feature.reason, inputs.service || undefined)
        : freezeBlockedNotice(outcome.failure, inputs.service || undefined),
    };
  },
};
