/**
 * The rollback action. What to roll back comes from its inputs, or from the
 * event: an alert relayed by `repository_dispatch` (its `client_payload`),
 * or a `deployment_status` of failure (the deployment's payload).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRollbackFlow } from '../flow/rollback.js';
import { gitHubTarget } from '../flow/target.js';
import { rollbackNotice } from '../notify/notices.js';
import { locatePolicies } from '../policy/locate.js';
import type { RollbackTrigger } from '../rollback/run.js';
import { runUrl } from '../runtime/context.js';
import type { RunContext } from '../runtime/context.js';
import { ConfigurationError } from '../runtime/errors.js';
import type { ActionImpl, ActionResult } from './types.js';
import { rollbackSpec } from './specs.js';

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** What the event says to roll back, for inputs left empty. */
export function fromEvent(ctx: RunContext): {
  trigger: RollbackTrigger;
  service: string;
  environment: string;
  region: string;
  version: string;
  reason: string;
} {
  const p = ctx.payload as Obj;
  if (ctx.eventName === 'repository_dispatch') {
    const c = (p['client_payload'] ?? {}) as Obj;
    return {
      trigger: 'alert',
      service: str(c['service']),
      environment: str(c['environment']),
      region: str(c['region']),
      version: str(c['version']),
      reason: str(c['reason']) || `alert ${str(p['action'])}`,
    };
  }
  if (ctx.eventName === 'deployment_status') {
    const d = (p['deployment'] ?? {}) as Obj;
    const s = (p['deployment_status'] ?? {}) as Obj;
    const payload = (d['payload'] ?? {}) as Obj;
    const [environment = '', region = ''] = str(d['environment']).split('/');
    return {
      trigger: 'deployment_status',
      service: str(payload['service']),
      environment,
      region,
      version: str(payload['version']),
      reason: `deployment ${str(d['id'])} ${str(s['state'])}: ${str(s['description'])}`,
    };
  }
  return { trigger: 'manual', service: '', environment: '', region: '', version: '', reason: '' };
}

export const rollbackAction: ActionImpl<typeof rollbackSpec.inputs> = {
  spec: rollbackSpec,
  async run(inputs, deps, ctx): Promise<ActionResult> {
    const event = fromEvent(ctx);
    if (
      ctx.eventName === 'deployment_status' &&
      str(((ctx.payload as Obj)['deployment_status'] as Obj | undefined)?.['state']) !== 'failure'
    ) {
      return { outputs: {}, summary: 'The deployment did not fail: nothing to roll back.\n' };
    }
    const service = inputs.service || event.service;
    if (!service)
      throw new ConfigurationError('no service: set the `service` input or send it in the event', {
        field: 'inputs.service',
      });
    const environment = event.environment && !inputs.service ? event.environment : inputs.environment;
    const region = inputs.region === 'all' && event.region ? event.region : inputs.region;
    const evidencePath = inputs.evidence ? join(ctx.workspace, inputs.evidence) : '';
    const evidence = evidencePath && existsSync(evidencePath) ? readFileSync(evidencePath, 'utf8') : inputs.evidence;
    const reason = inputs.reason || event.reason || `rollback requested by @${ctx.actor}`;
    const flow = await runRollbackFlow(
      {
        service,
        environment,
        region,
        ...(inputs.version || event.version ? { version: inputs.version || event.version } : {}),
        ...(inputs['target-version'] ? { target: inputs['target-version'] } : {}),
        reason,
        actor: ctx.actor,
        trigger: event.trigger,
        signalAt: deps.clock.now(),
        ...(evidence ? { evidence } : {}),
        manifests: inputs.manifests,
        policy: locatePolicies(inputs.policy || undefined, ctx.workspace),
      },
      deps,
      gitHubTarget(deps.github, runUrl(ctx)),
    );
    const outcome = flow.rollback;
    return {
      outputs: {
        'pull-request': outcome.pullRequest.number === null ? '' : String(outcome.pullRequest.number),
        'pull-request-url': outcome.pullRequest.url,
        version: outcome.good ?? '',
        'bad-version': outcome.bad,
      },
      summary: `${outcome.markdown}\n${flow.notes.map((n) => `- ${n}`).join('\n')}\n`,
      notice: rollbackNotice(outcome, { service, environment, reason }),
    };
  },
};
