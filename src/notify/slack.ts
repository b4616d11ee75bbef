/**
 * The Slack incoming-webhook message of an event: a `text` fallback (what
 * notifications and screen readers show) and Block Kit `blocks`: a header,
 * the headline, the facts, and buttons to the run and the event's links.
 * Slack's limits are kept (header 150 characters, section text 3,000,
 * button text 75), so a long headline is cut rather than refused.
 */
import type { NotifyEvent } from './event.js';
import { eventFacts, eventTitle } from './event.js';

/** Slack's mrkdwn control characters, escaped as its documentation asks. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `text` cut to `max` characters, ending with an ellipsis when cut. */
export function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const ICON = { good: ':white_check_mark:', bad: ':rotating_light:', neutral: ':information_source:' } as const;

/** The JSON body to POST to a Slack incoming webhook. */
export function slackMessage(e: NotifyEvent): Record<string, unknown> {
  const title = eventTitle(e);
  const facts = eventFacts(e)
    .map((f) => `*${f.title}:* ${escapeSlack(f.value)}`)
    .join('  ·  ');
  const buttons = [{ label: 'Open the run', url: e.runUrl }, ...(e.links ?? [])].slice(0, 25).map((l, i) => ({
    type: 'button',
    text: { type: 'plain_text', text: cut(l.label, 75) },
    url: l.url,
    ...(i === 0 ? { action_id: 'bellwether-run' } : { action_id: `bellwether-link-${i}` }),
  }));
  return {
    text: cut(`${ICON[e.tone]} ${escapeSlack(title)}: ${escapeSlack(e.headline)}`, 3000),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: cut(title, 150), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: cut(`${ICON[e.tone]} ${escapeSlack(e.headline)}`, 3000) } },
      ...(facts ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: cut(facts, 3000) }] }] : []),
      { type: 'actions', elements: buttons },
    ],
  };
}
