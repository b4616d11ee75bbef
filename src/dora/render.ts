/**
 * The DORA figures for a person: terminal text, and Markdown for a job
 * summary (a Mermaid chart of deployments per week, the releases behind the
 * figures). Pure.
 */
import { escapeMarkdown, markdownCode } from '../report/markdown.js';
import { textTable } from '../report/terminal.js';
import type { DoraFigures } from './figures.js';
import type { Release } from './releases.js';

/** What the figures are of. */
export interface DoraSubject {
  readonly service: string;
  readonly environment: string;
  /** Snapshots of manifests read, and from how many commits. */
  readonly snapshots: number;
  readonly commits: number;
  /** Why the history may be incomplete (a shallow clone), when it may. */
  readonly caveats: readonly string[];
}

/** `3.5 h`, `2.1 d`, `40 min`: one unit, the one that reads best. */
export function humanDuration(ms: number): string {
  const min = ms / 60000;
  if (min < 90) return `${Math.round(min)} min`;
  const h = min / 60;
  if (h < 48) return `${h.toFixed(1)} h`;
  return `${(h / 24).toFixed(1)} d`;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** One line per figure: what it is, its value, and what it stands on. */
export function figureLines(f: DoraFigures): Array<[string, string, string]> {
  const d = f.deployments;
  return [
    [
      'Deployment frequency',
      d.count === 0 ? 'none' : `${d.perWeek.toFixed(2)} a week`,
      d.count === 0
        ? 'no release became stable in the period'
        : `${d.count} release(s) on ${d.days} day(s); ${d.band ?? 'no band'}`,
    ],
    [
      'Lead time for changes',
      f.leadTime ? `median ${humanDuration(f.leadTime.medianMs)}` : 'unknown',
      f.leadTime
        ? `p90 ${humanDuration(f.leadTime.p90Ms)} over ${f.leadTime.count} commit(s) of ${f.leadTime.releases} release(s)` +
          (f.leadTimeUnknown.length > 0 ? `; ${f.leadTimeUnknown.length} release(s) not traced` : '')
        : f.leadTimeUnknown.length > 0
          ? `${f.leadTimeUnknown.length} release(s) not traced to their commits`
          : 'no release deployed',
    ],
    [
      'Change failure rate',
      f.changeFailureRate ? pct(f.changeFailureRate.rate) : 'unknown',
      f.changeFailureRate
        ? `${f.changeFailureRate.failed} of ${f.changeFailureRate.ended} release(s) rolled back; ${f.caughtInCanary} caught as a canary`
        : 'no release reached users and ended',
    ],
    [
      'Time to restore',
      f.timeToRestore ? `median ${humanDuration(f.timeToRestore.medianMs)}` : 'no failure',
      f.timeToRestore
        ? `p90 ${humanDuration(f.timeToRestore.p90Ms)} over ${f.timeToRestore.count} failure(s)` +
          (f.timeToRestore.fromExposure > 0
            ? `; ${f.timeToRestore.fromExposure} measured from when the version went live (no failing judgment recorded): an upper bound`
            : '')
        : 'nothing was rolled back in the period',
    ],
  ];
}

const period = (f: DoraFigures) => `${f.since.slice(0, 10)} to ${f.until.slice(0, 10)}`;

/** Terminal text: an aligned table of the four figures, then what they stand on. */
export function renderDoraText(s: DoraSubject, f: DoraFigures, releases: readonly Release[]): string {
  const lines = [
    `DORA metrics of ${s.service} in ${s.environment}, ${period(f)} (UTC)`,
    `From ${s.snapshots} manifest version(s) in ${s.commits} commit(s); ${releases.length} release(s) in the history.`,
    '',
    ...textTable([['figure', 'value', 'from'], ...figureLines(f)]),
  ];
  if (f.aborted > 0)
    lines.push('', `${f.aborted} canary(ies) stopped by hand, counted neither as deployed nor as failed.`);
  for (const u of f.leadTimeUnknown) lines.push(`Lead time of ${u.version} unknown: ${u.reason}.`);
  for (const c of s.caveats) lines.push(`Note: ${c}`);
  return `${lines.join('\n')}\n`;
}

/** Markdown for a job summary. */
export function renderDoraMarkdown(s: DoraSubject, f: DoraFigures, releases: readonly Release[]): string {
  const out = [
    `## DORA metrics of ${escapeMarkdown(s.service)} in ${escapeMarkdown(s.environment)}`,
    '',
    `${period(f)} (UTC), from ${s.snapshots} manifest version(s) in ${s.commits} commit(s) of the release manifests.`,
    '',
    '| figure | value | from |',
    '| --- | --- | --- |',
    ...figureLines(f).map((row) => `| ${row.map(escapeMarkdown).join(' | ')} |`),
  ];
  if (f.deployments.weekly.length > 0) {
    const weeks = f.deployments.weekly;
    const top = Math.max(1, ...weeks.map((w) => w.count));
    out.push(
      '',
      '```mermaid',
      'xychart-beta',
      '    title "Deployments per week"',
      `    x-axis "week starting (UTC)" [${weeks.map((w) => `"${w.week.slice(5)}"`).join(', ')}]`,
      `    y-axis "deployments" 0 --> ${top}`,
      `    bar [${weeks.map((w) => w.count).join(', ')}]`,
      '```',
    );
  }
  const shown = releases.filter((r) => (r.deployedAt ?? r.failure?.restoredAt ?? r.exposedAt) >= f.since);
  if (shown.length > 0) {
    out.push(
      '',
      '<details><summary>Releases</summary>',
      '',
      '| version | live | stable | outcome |',
      '| --- | --- | --- | --- |',
    );
    for (const r of shown) {
      const outcome = r.failure
        ? `rolled back ${r.failure.restoredAt.slice(0, 16).replace('T', ' ')} (${r.failure.stage})`
        : r.aborted
          ? 'stopped by hand'
          : r.deployedAt
            ? `stable in ${r.regions.join(', ')}`
            : 'in progress';
      out.push(
        `| ${markdownCode(r.version, true)} | ${r.exposedAt.slice(0, 16).replace('T', ' ')} | ${r.deployedAt?.slice(0, 16).replace('T', ' ') ?? '–'} | ${escapeMarkdown(outcome)} |`,
      );
    }
    out.push('', '</details>');
  }
  const notes = [
    ...(f.aborted > 0 ? [`${f.aborted} canary(ies) stopped by hand, counted neither as deployed nor as failed.`] : []),
    ...f.leadTimeUnknown.map((u) => `Lead time of ${u.version} unknown: ${u.reason}.`),
    ...s.caveats,
  ];
  if (notes.length > 0) out.push('', ...notes.map((n) => `- ${escapeMarkdown(n)}`));
  return `${out.join('\n')}\n`;
}
