/**
 * The plan as Markdown for a job summary or a pull request comment: a table
 * of every region with local and UTC times, the reasons for waits, and a
 * Mermaid gantt chart of deployments and bake times.
 */
import { formatDuration } from '../policy/fields.js';
import { bothTimes, isUtc, localTime, planTitle, utcTime, waveDelays } from './render-text.js';
import type { WavesPlan } from './types.js';
import { formatLocal } from '../runtime/zone.js';
import { escapeMarkdown, markdownCode } from '../report/markdown.js';

/** The plan in Markdown with a Mermaid gantt chart. */
export function renderPlanMarkdown(plan: WavesPlan): string {
  const zone = plan.timeZone;
  const out: string[] = [];
  out.push(`### Waves plan for ${escapeCell(planTitle(plan))}`, '');
  out.push(
    `Planned at ${bothTimes(plan.plannedAt, zone)}. ` +
      `Done by **${bothTimes(plan.doneBy.at, zone)}** if every region is healthy. ` +
      `A failure in a later wave ${plan.onLaterWaveFailure === 'hold' ? 'holds' : 'rolls back'} the earlier waves.`,
    '',
  );
  const utc = isUtc(zone);
  out.push(
    `| wave | batch | region | environment |${utc ? '' : ` start (${escapeCell(zone)}) |`} start (UTC) | bake until (${utc ? 'UTC' : escapeCell(zone)}) |`,
  );
  out.push(utc ? '|---|---|---|---|---|---|' : '|---|---|---|---|---|---|---|');
  for (const wave of plan.waves) {
    for (const [i, r] of wave.regions.entries()) {
      const waveCell = i === 0 ? `${wave.index} ${escapeCell(wave.name)}${wave.canary ? ' (canary)' : ''}` : '';
      const bakeCell =
        i === 0
          ? `${utc ? utcTime(wave.bakedBy.at) : localTime(wave.bakedBy.at, zone)} (${formatDuration(wave.bakeMs)})`
          : '';
      out.push(
        `| ${waveCell} | ${r.batch} | ${codeCell(r.region)} | ${codeCell(r.environment)} |${utc ? '' : ` ${localTime(r.start.at, zone)} |`} ${utcTime(r.start.at)} | ${bakeCell} |`,
      );
    }
  }
  const delays = plan.waves.flatMap((w) => waveDelays(w).map((d) => ({ wave: w, ...d })));
  if (delays.length > 0) {
    out.push('', '**Why regions wait**', '');
    for (const d of delays)
      out.push(`- wave ${d.wave.index} ${escapeText(d.regions.join(', '))}: ${escapeText(d.reason.detail)}`);
  }
  out.push('', ...ganttChart(plan));
  out.push(
    '',
    `<sub>Estimates: ${formatDuration(plan.estimates.regionDeployMs)} per region to deploy and verify` +
      (plan.estimates.canaryMs > 0
        ? `, ${formatDuration(plan.estimates.canaryMs)} of canary stages where they run`
        : '') +
      '. Later waves start only when every region before is healthy and baked, whatever the estimates say.</sub>',
  );
  return out.join('\n');
}

/**
 * A gantt chart in UTC: Mermaid reads dates in the reader's zone and shows
 * them in the same zone, so UTC values read as UTC on every screen.
 */
export function ganttChart(plan: WavesPlan): string[] {
  const lines = [
    '```mermaid',
    'gantt',
    `    title ${mermaidText(planTitle(plan))} (UTC)`,
    '    dateFormat YYYY-MM-DD HH:mm',
    '    axisFormat %a %H:%M',
  ];
  for (const wave of plan.waves) {
    lines.push(`    section ${mermaidText(`${wave.index} ${wave.name}`)}`);
    for (const [i, r] of wave.regions.entries()) {
      lines.push(
        `    ${mermaidText(r.region)} :w${wave.index}r${i + 1}, ${formatLocal(Date.parse(r.start.at), 'UTC')}, ${minutes(r.start.at, r.healthyBy.at)}m`,
      );
    }
    if (wave.bakeMs > 0) {
      lines.push(
        `    bake ${formatDuration(wave.bakeMs)} :active, w${wave.index}bake, ${formatLocal(Date.parse(wave.healthyBy.at), 'UTC')}, ${minutes(wave.healthyBy.at, wave.bakedBy.at)}m`,
      );
    }
  }
  lines.push('```');
  return lines;
}

function minutes(from: string, to: string): number {
  return Math.max(1, Math.round((Date.parse(to) - Date.parse(from)) / 60_000));
}

/** Mermaid task and section names end at `:` and `#` starts an entity; keep them out. */
function mermaidText(text: string): string {
  return text.replace(/[:#;]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** A region or environment name as code in a table cell. */
const codeCell = (text: string): string => markdownCode(text, true);

/** Text from policies and releases is the user's: it must not become markup. */
const escapeCell = escapeMarkdown;
const escapeText = escapeMarkdown;
