/**
 * The postmortem issue body. It follows the issue form's headings, so the
 * form parser reads Bellwether's prefilled issues and people's submitted
 * ones alike. Parts Bellwether maintains sit between markers and are
 * refreshed on re-runs; everything outside them belongs to the team.
 */
import { postmortemFields } from './form.js';
import type { Deadlines, Incident } from './incident.js';
import { renderTimeline } from './timeline.js';

/**
 * The marker key that finds an incident's issue again (the GitHub port
 * hides it in the body as an HTML comment).
 */
export function incidentMarker(key: string): string {
  return `postmortem/${key.replace(/[^A-Za-z0-9._:/@-]+/g, '-')}`.slice(0, 200);
}

const begin = (name: string) => `<!-- bellwether:begin ${name} -->`;
const end = (name: string) => `<!-- bellwether:end ${name} -->`;
const managed = (name: string, content: string) => `${begin(name)}\n${content}\n${end(name)}`;

function duration(incident: Incident): string {
  if (!incident.resolvedAt) return 'ongoing';
  const ms = Date.parse(incident.resolvedAt) - Date.parse(incident.startedAt);
  if (!(ms >= 0)) return 'unknown';
  const min = Math.round(ms / 60_000);
  return min < 120 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

export function renderPostmortemBody(incident: Incident, due: Deadlines, timeZone: string): string {
  const budget =
    incident.budgetConsumed === undefined
      ? 'not measured'
      : `${(Math.round(incident.budgetConsumed * 1000) / 10).toString()}% of the SLO window's budget`;
  const prefilled: Record<string, string> = {
    summary: incident.summary,
    severity: incident.severity,
    impact: managed('impact', `Users: _to fill in_\nDuration: ${duration(incident)}\nError budget used: ${budget}`),
    detection: incident.detectedAt
      ? `Detected ${incident.detectedAt} (${incident.trigger}).`
      : `Detected by ${incident.trigger}.`,
    timeline: managed('timeline', renderTimeline(incident.events, timeZone)),
    trigger: incident.service
      ? `A change to ${incident.service}${incident.environment ? ` in ${incident.environment}` : ''}.`
      : '',
    resolution:
      incident.trigger === 'rollback'
        ? 'Bellwether rolled traffic back to the last known good version; see the timeline.'
        : '',
  };
  const parts: string[] = [
    `> Opened by Bellwether (${incident.trigger}). Draft due ${due.draft}, final due ${due.final} (${timeZone}). ` +
      'Blameless: describe systems and decisions, not people. Parts between Bellwether markers are refreshed on re-runs; the rest is yours.',
    '',
  ];
  for (const field of postmortemFields) {
    parts.push(`### ${field.label}`, '', prefilled[field.id] || '_No response_', '');
  }
  parts.push('### Evidence', '', managed('evidence', incident.evidence ?? '_No canary evidence was attached._'), '');
  const links = incident.links.map((l) => `- [${l.label}](${l.url})`).join('\n') || '_No links._';
  parts.push('### Links', '', managed('links', links), '');
  return parts.join('\n');
}

/**
 * Replaces the content of each managed block of `current` with the same
 * block of `fresh`. Blocks that people removed stay removed. The timeline
 * only grows: rows already there that the fresh one lacks (events another
 * run saw, such as the canary's judgments) are kept, in time order, so that
 * a refresh from another source loses nothing.
 */
export function refreshManagedBlocks(current: string, fresh: string): string {
  let out = current;
  const re = /<!-- bellwether:begin ([\w-]+) -->\n([\s\S]*?)\n<!-- bellwether:end \1 -->/g;
  for (const m of fresh.matchAll(re)) {
    const name = m[1] ?? '';
    const start = out.indexOf(begin(name));
    const stop = out.indexOf(end(name));
    if (start < 0 || stop < start) continue;
    const was = out.slice(start + begin(name).length + 1, stop - 1);
    const content = name === 'timeline' ? mergeTimelineTables(was, m[2] ?? '') : (m[2] ?? '');
    out = out.slice(0, start) + managed(name, content) + out.slice(stop + end(name).length);
  }
  return out;
}

/** The rows of a rendered timeline table: `| local | UTC | what | event |`, keyed without the local time. */
function timelineRows(table: string): Array<{ key: string; at: number; kind: string; row: string }> {
  return table
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| --- '))
    .map((row) => {
      const cells = row.split(' | ');
      return { key: cells.slice(1).join(' | '), at: Date.parse(cells[1] ?? ''), kind: cells[2] ?? '', row };
    })
    .filter((r) => !Number.isNaN(r.at));
}

function mergeTimelineTables(was: string, fresh: string): string {
  const freshRows = timelineRows(fresh);
  const known = new Set(freshRows.map((r) => r.key));
  // Notes say what a search found at the time (no deployments yet): the fresh run says it again, or no longer.
  const kept = timelineRows(was).filter((r) => !known.has(r.key) && r.kind !== 'note');
  if (kept.length === 0) return fresh;
  const header = fresh.split('\n').slice(0, 2);
  const rows = [...freshRows, ...kept].sort((a, b) => a.at - b.at).map((r) => r.row);
  // A fresh run that found nothing renders a sentence, not a table: the kept rows take the table's place.
  return (freshRows.length > 0 ? header : was.split('\n').slice(0, 2)).concat(rows).join('\n');
}
