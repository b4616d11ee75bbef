/**
 * The incident timeline: events from deployments and their statuses, canary
 * verdicts, traffic shifts, rollback pull requests, freezes and alerts, in
 * order, shown in the team's time zone with UTC beside it.
 */
import type { Deployment, DeploymentStatus } from '../github/port.js';
import { escapeMarkdown } from '../report/markdown.js';

export type TimelineKind =
  | 'deployment'
  | 'deployment-status'
  | 'verdict'
  | 'traffic'
  | 'rollback'
  | 'rollback-pr'
  | 'freeze'
  | 'alert'
  | 'incident'
  | 'note';

export interface TimelineEvent {
  /** RFC 3339 time. */
  readonly at: string;
  readonly kind: TimelineKind;
  readonly text: string;
  readonly url?: string;
}

/** Sorts by time (stable for equal times) and drops exact repeats, so re-runs do not duplicate rows. */
export function mergeTimeline(...lists: ReadonlyArray<readonly TimelineEvent[]>): TimelineEvent[] {
  const seen = new Set<string>();
  const out: TimelineEvent[] = [];
  for (const e of lists.flat()) {
    const key = `${Date.parse(e.at)}|${e.kind}|${e.text}`;
    if (Number.isNaN(Date.parse(e.at)) || seen.has(key)) continue;
    seen.add(key);
    out.push(e);
  }
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/** Events of one deployment and its statuses, within `[from, to]`. */
export function deploymentEvents(
  d: Deployment,
  statuses: readonly DeploymentStatus[],
  from: Date,
  to: Date,
): TimelineEvent[] {
  const inWindow = (at: string) => Date.parse(at) >= from.getTime() && Date.parse(at) <= to.getTime();
  const label = `${d.environment}${d.description ? `: ${d.description}` : ''} (${d.ref}@${d.sha.slice(0, 7)})`;
  const events: TimelineEvent[] = [];
  if (inWindow(d.createdAt))
    events.push({ at: d.createdAt, kind: 'deployment', text: `Deployment #${d.id} created for ${label}` });
  for (const s of statuses) {
    if (!inWindow(s.createdAt)) continue;
    const url = s.logUrl || s.environmentUrl || undefined;
    events.push({
      at: s.createdAt,
      kind: 'deployment-status',
      text: `Deployment #${d.id} ${s.state}${s.description ? `: ${s.description}` : ''}`,
      ...(url ? { url } : {}),
    });
  }
  return events;
}

/** `2026-03-08 01:30 EST` in the zone, and the UTC time, for one instant. */
export function formatInZone(at: string | Date, timeZone: string): { local: string; utc: string } {
  const d = new Date(at);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const local = `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${get('timeZoneName')}`;
  return { local, utc: d.toISOString().replace('.000Z', 'Z') };
}

/** The timeline as a Markdown table. */
export function renderTimeline(events: readonly TimelineEvent[], timeZone: string): string {
  if (events.length === 0)
    return '_No events were found for this incident: no deployments, verdicts, rollbacks or freezes in its window._';
  const rows = events.map((e) => {
    const { local, utc } = formatInZone(e.at, timeZone);
    const text = escapeMarkdown(e.text);
    return `| ${local} | ${utc} | ${e.kind} | ${e.url ? `[${text}](${e.url})` : text} |`;
  });
  return [`| time (${timeZone}) | UTC | what | event |`, '| --- | --- | --- | --- |', ...rows].join('\n');
}
