/**
 * The generic webhook's body: a CloudEvents 1.0 event in the structured
 * JSON mode (sent as `application/cloudevents+json`), so any receiver that
 * speaks CloudEvents (Knative, Argo Events, an event bus) routes it by
 * `type` without knowing Bellwether.
 */
import type { NotifyEvent } from './event.js';
import { eventSubject, eventTitle } from './event.js';

/** The media type of a structured-mode CloudEvent in JSON. */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json; charset=utf-8';

/** `dev.bellwether.<kind>.<action>`: reverse-DNS, as the specification recommends for `type`. */
export function cloudEventType(e: Pick<NotifyEvent, 'kind' | 'action'>): string {
  return `dev.bellwether.${e.kind}.${e.action}`;
}

/** The CloudEvent of a Bellwether event. */
export function cloudEvent(e: NotifyEvent): Record<string, unknown> {
  return {
    specversion: '1.0',
    id: e.id,
    source: e.repositoryUrl,
    type: cloudEventType(e),
    subject: eventSubject(e),
    time: e.time,
    datacontenttype: 'application/json',
    data: {
      title: eventTitle(e),
      headline: e.headline,
      tone: e.tone,
      service: e.service ?? null,
      environment: e.environment ?? null,
      region: e.region ?? null,
      version: e.version ?? null,
      repository: e.repository,
      runUrl: e.runUrl,
      links: e.links ?? [],
    },
  };
}
