/**
 * A deployment event as Bellwether announces it: what happened, to which
 * service, the decision's headline, and where to read the rest. Built by the
 * actions from the decisions they already made; every target's payload
 * (Slack, Teams, CloudEvents) is rendered from this one value.
 */
import type { NotifyEventKind } from '../policy/schemas/notify.js';

export type { NotifyEventKind } from '../policy/schemas/notify.js';

/** Whether the event is good news, bad news or neither; picks a colour, never a decision. */
export type NoticeTone = 'good' | 'bad' | 'neutral';

/** A link shown beside the run's (the rollback pull request, the postmortem issue). */
export interface NoticeLink {
  readonly label: string;
  readonly url: string;
}

/** What an action reports happened, before the run it happened in is known. */
export interface Notice {
  readonly kind: NotifyEventKind;
  /** What happened, in kebab-case: `promoted`, `rolled-back`, `halted`, `blocked`, `opened`. */
  readonly action: string;
  readonly tone: NoticeTone;
  /** The decision's headline, as the job summary states it. */
  readonly headline: string;
  readonly service?: string;
  readonly environment?: string;
  readonly region?: string;
  readonly version?: string;
  readonly links?: readonly NoticeLink[];
}

/** A notice placed in its run: the event every target's payload is rendered from. */
export interface NotifyEvent extends Notice {
  /** Unique per event and run attempt, so a receiver can drop a redelivery. */
  readonly id: string;
  /** When the event was announced, RFC 3339. */
  readonly time: string;
  /** `owner/name` of the repository the workflow ran in. */
  readonly repository: string;
  /** The repository's address, `GITHUB_SERVER_URL/owner/name`. */
  readonly repositoryUrl: string;
  /** The workflow run, `GITHUB_SERVER_URL/owner/name/actions/runs/GITHUB_RUN_ID`. */
  readonly runUrl: string;
}

/** Words for each event kind, for titles. */
const KIND_WORDS: Readonly<Record<NotifyEventKind, string>> = {
  stage: 'Canary',
  region: 'Region waves',
  rollback: 'Rollback',
  freeze: 'Error-budget freeze',
  postmortem: 'Postmortem',
};

/** `checkout/production/eu-west-1`, or the repository when the event names no service. */
export function eventSubject(e: NotifyEvent): string {
  return [e.service, e.environment, e.region].filter(Boolean).join('/') || e.repository;
}

/** One line naming the event: `Canary promoted: checkout/production/eu-west-1 1.4.0`. */
export function eventTitle(e: NotifyEvent): string {
  const version = e.version ? ` ${e.version}` : '';
  return `${KIND_WORDS[e.kind]} ${e.action.replace(/-/g, ' ')}: ${eventSubject(e)}${version}`;
}

/** The facts every target shows, in order, without the empty ones. */
export function eventFacts(e: NotifyEvent): Array<{ title: string; value: string }> {
  const facts: Array<[string, string | undefined]> = [
    ['Service', e.service],
    ['Environment', e.environment],
    ['Region', e.region],
    ['Version', e.version],
    ['Repository', e.repository],
  ];
  return facts.filter((f): f is [string, string] => Boolean(f[1])).map(([title, value]) => ({ title, value }));
}
