/**
 * Real webhook event payloads from `@octokit/webhooks-examples`, which holds
 * payloads GitHub actually sent, one list of examples per event.
 *
 * `schedule` is not among them (GitHub sends no webhook for it). Its payload
 * is built from GitHub's documented shape for scheduled workflow runs: the
 * cron expression that fired and the workflow file, with the repository and
 * sender of a real `workflow_dispatch` example.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type PayloadEvent =
  'pull_request' | 'workflow_dispatch' | 'deployment' | 'deployment_status' | 'issues' | 'schedule' | 'check_run';

interface Definition {
  readonly name: string;
  readonly examples: Record<string, unknown>[];
}

let definitions: Definition[] | null = null;

function load(): Definition[] {
  if (!definitions) {
    const require = createRequire(import.meta.url);
    definitions = JSON.parse(
      readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8'),
    ) as Definition[];
  }
  return definitions;
}

/** A fresh copy of the first real example of `event` (with `action`, when given). */
export function webhookPayload(event: PayloadEvent, action?: string): Record<string, unknown> {
  if (event === 'schedule') {
    const dispatch = webhookPayload('workflow_dispatch');
    return {
      schedule: '*/15 * * * *',
      workflow: '.github/workflows/bellwether-reconcile.yml',
      repository: dispatch['repository'],
      sender: dispatch['sender'],
    };
  }
  const def = load().find((d) => d.name === event);
  if (!def) throw new Error(`@octokit/webhooks-examples has no ${event} examples`);
  const example = def.examples.find((e) => action === undefined || e['action'] === action);
  if (!example) throw new Error(`@octokit/webhooks-examples has no ${event} example with action ${action}`);
  return structuredClone(example);
}
