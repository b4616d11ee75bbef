/**
 * The Microsoft Teams message of an event, as Teams incoming webhooks and
 * Workflows (Power Automate) webhooks take it: a `message` whose one
 * attachment is an Adaptive Card (schema 1.4, which both render) with the
 * title, the headline, a fact set, and buttons to the run and the event's
 * links.
 */
import type { NotifyEvent } from './event.js';
import { eventFacts, eventTitle } from './event.js';

/** The Adaptive Card schema version used: the highest that Teams webhooks render everywhere. */
export const ADAPTIVE_CARD_VERSION = '1.4';

const COLOUR = { good: 'Good', bad: 'Attention', neutral: 'Default' } as const;

/** The JSON body to POST to a Teams webhook. */
export function teamsMessage(e: NotifyEvent): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: ADAPTIVE_CARD_VERSION,
          msteams: { width: 'Full' },
          body: [
            {
              type: 'TextBlock',
              text: eventTitle(e),
              weight: 'Bolder',
              size: 'Medium',
              color: COLOUR[e.tone],
              wrap: true,
            },
            { type: 'TextBlock', text: e.headline, wrap: true },
            { type: 'FactSet', facts: eventFacts(e) },
          ],
          actions: [{ label: 'Open the run', url: e.runUrl }, ...(e.links ?? [])].map((l) => ({
            type: 'Action.OpenUrl',
            title: l.label,
            url: l.url,
          })),
        },
      },
    ],
  };
}
