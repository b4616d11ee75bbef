/**
 * Announces an event to the targets an action was given. A notification
 * informs people; it never changes what was decided. So nothing here
 * throws: a target that fails is reported as a warning with its HTTP
 * status, and the step's result stands.
 */
import type { Logger } from '../runtime/logger.js';
import type { NotifyPolicy } from '../policy/schemas/notify.js';
import { cloudEvent, CLOUDEVENTS_JSON } from './cloudevents.js';
import type { NotifyEvent } from './event.js';
import type { WebhookPort } from '../runtime/webhooks.js';
import { slackMessage } from './slack.js';
import { teamsMessage } from './teams.js';

/** The kinds of target, in the order they are sent to. */
export const TARGET_KINDS = ['slack', 'teams', 'webhook'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Webhook addresses by target kind; an empty one is not configured. */
export type NotifyTargets = Readonly<Partial<Record<TargetKind, string>>>;

/** How each kind of target is named to people: never by its address. */
export const TARGET_NAMES: Readonly<Record<TargetKind, string>> = {
  slack: 'Slack webhook',
  teams: 'Microsoft Teams webhook',
  webhook: 'CloudEvents webhook',
};

/** What became of one target. */
export interface Delivery {
  readonly target: TargetKind;
  readonly ok: boolean;
  readonly status?: number;
  readonly reason?: string;
}

/** What the announcement did, and why it did nothing when it did nothing. */
export interface NotifyOutcome {
  readonly deliveries: readonly Delivery[];
  /** Set when nothing was sent on purpose: no target, or the policy leaves the event out. */
  readonly skipped?: string;
}

/** The body and content type each kind of target takes. */
function payloadFor(target: TargetKind, e: NotifyEvent): { body: unknown; contentType?: string } {
  switch (target) {
    case 'slack':
      return { body: slackMessage(e) };
    case 'teams':
      return { body: teamsMessage(e) };
    case 'webhook':
      return { body: cloudEvent(e), contentType: CLOUDEVENTS_JSON };
  }
}

/** Whether the policy announces this kind of event. */
export function announces(policy: Pick<NotifyPolicy, 'on'>, e: Pick<NotifyEvent, 'kind'>): boolean {
  return policy.on.includes(e.kind);
}

/** Sends the event to every configured target, one after the other, and reports each. */
export async function notify(
  e: NotifyEvent,
  targets: NotifyTargets,
  policy: Pick<NotifyPolicy, 'on'>,
  deps: { readonly webhooks: WebhookPort; readonly logger: Logger },
): Promise<NotifyOutcome> {
  const configured = TARGET_KINDS.filter((t) => Boolean(targets[t]?.trim()));
  if (configured.length === 0) return { deliveries: [], skipped: 'no notification target is configured' };
  if (!announces(policy, e))
    return {
      deliveries: [],
      skipped: `the notify policy does not announce ${e.kind} events (on: ${policy.on.join(', ') || 'none'})`,
    };
  const deliveries: Delivery[] = [];
  for (const target of configured) {
    const { body, contentType } = payloadFor(target, e);
    const answer = await deps.webhooks.post((targets[target] as string).trim(), body, contentType);
    if (answer.ok) {
      deliveries.push({ target, ok: true, status: answer.status });
      deps.logger.info(`${TARGET_NAMES[target]}: ${e.kind} event sent (HTTP ${answer.status})`);
    } else {
      deliveries.push({
        target,
        ok: false,
        ...(answer.status !== undefined ? { status: answer.status } : {}),
        reason: answer.reason,
      });
      deps.logger.warning(
        `${TARGET_NAMES[target]}: the ${e.kind} notification was not delivered (${answer.reason}); the deployment decision stands`,
        { title: 'Bellwether notification failed' },
      );
    }
  }
  return { deliveries };
}

/** The job summary's lines about the notifications. */
export function notifyMarkdown(outcome: NotifyOutcome): string {
  if (outcome.deliveries.length === 0) return '';
  const lines = outcome.deliveries.map((d) =>
    d.ok
      ? `- ${TARGET_NAMES[d.target]}: sent (HTTP ${d.status})`
      : `- ${TARGET_NAMES[d.target]}: ⚠️ not delivered (${d.reason}); the decision above stands`,
  );
  return `\n#### Notifications\n\n${lines.join('\n')}\n`;
}
