/**
 * A decision step for people: what happens now, why, and where every region
 * stands. Text for logs and the CLI; Markdown for the job summary and the
 * comment on the release pull request, so committers and on-call see when a
 * region is scheduled and when each completes.
 */
import { localTime } from './render-text.js';
import type { RegionState, StepRegion, WaveStep, WavesPlan } from './types.js';
import { escapeMarkdown, markdownCode } from '../report/markdown.js';

/** One line saying what the step does. */
export function stepHeadline(plan: WavesPlan, step: WaveStep): string {
  const zone = plan.timeZone;
  switch (step.kind) {
    case 'start':
      return `start wave ${step.wave} (${waveName(plan, step.wave)}): ${step.regions.map((r) => r.region).join(', ')}`;
    case 'wait': {
      const what = step.waitingFor.length > 0 ? `for ${step.waitingFor.map((r) => r.region).join(', ')}` : '';
      const until = step.until === undefined ? '' : `until ${localTime(step.until, zone)}`;
      return `wave ${step.wave} (${waveName(plan, step.wave)}) waits ${[what, until].filter((x) => x !== '').join(' and ') || 'for news'}`;
    }
    case 'halt':
      return `halted in wave ${step.wave} (${waveName(plan, step.wave)}): ${step.failed.map((r) => r.region).join(', ') || 'rolled back'}`;
    case 'done':
      return `done: every region healthy and baked by ${localTime(step.at, zone)}`;
  }
}

/** The step as text: the headline, then each reason and action on its own line. */
export function renderStepText(plan: WavesPlan, step: WaveStep): string {
  const lines = [stepHeadline(plan, step)];
  for (const [label, text] of stepDetails(step)) lines.push(`  ${label}: ${text}`);
  return lines.join('\n');
}

/** The step as Markdown with a table of every region's state. */
export function renderStepMarkdown(
  plan: WavesPlan,
  step: WaveStep,
  states: Readonly<Record<string, RegionState>>,
): string {
  const zone = plan.timeZone;
  const out = [`### Waves: ${escape(stepHeadline(plan, step))}`, ''];
  const details = stepDetails(step);
  if (details.length > 0) {
    for (const [label, text] of details) out.push(`- **${label}**: ${escape(text)}`);
    out.push('');
  }
  const actions = actionsOf(step);
  out.push(
    `| wave | region | environment | state | since (${escape(zone)}) | health | now |`,
    '|---|---|---|---|---|---|---|',
  );
  for (const wave of plan.waves) {
    for (const region of wave.regions) {
      const state = states[region.region];
      const since =
        state?.since === undefined || Number.isNaN(Date.parse(state.since)) ? '' : localTime(state.since, zone);
      out.push(
        `| ${wave.index} ${escape(wave.name)} | ${markdownCode(region.region, true)} | ${markdownCode(region.environment, true)} | ${state?.status ?? 'pending'} | ${since} | ${state?.health ?? ''} | ${actions.get(region.region) ?? ''} |`,
      );
    }
  }
  return out.join('\n');
}

/** Label and text of each reason, note and region named by a step. */
function stepDetails(step: WaveStep): [string, string][] {
  const regions = (label: string, list: readonly StepRegion[]) =>
    list.map((r): [string, string] => [label, `${r.region}: ${r.reason}`]);
  switch (step.kind) {
    case 'start':
      return step.notes.map((n) => ['note', n]);
    case 'wait':
      return [
        ...step.reasons.map((r): [string, string] => ['because', r.detail]),
        ...regions('waiting for', step.waitingFor),
        ...step.notes.map((n): [string, string] => ['note', n]),
      ];
    case 'halt':
      return [
        ...step.notes.map((n): [string, string] => ['note', n]),
        ...regions('failed', step.failed),
        ...regions('roll back', step.rollback),
        ...regions('hold', step.hold),
        ...regions('rolled back', step.rolledBack),
        ...regions('not started', step.notStarted),
      ];
    case 'done':
      return step.notes.map((n) => ['note', n]);
  }
}

/** Region → what this step does to it. */
function actionsOf(step: WaveStep): Map<string, string> {
  const actions = new Map<string, string>();
  if (step.kind === 'start') for (const r of step.regions) actions.set(r.region, 'start');
  if (step.kind === 'wait') for (const r of step.waitingFor) actions.set(r.region, 'wait');
  if (step.kind === 'halt') {
    for (const r of step.hold) actions.set(r.region, 'hold');
    for (const r of step.notStarted) actions.set(r.region, 'not started');
    for (const r of step.rollback) actions.set(r.region, '**roll back**');
  }
  return actions;
}

function waveName(plan: WavesPlan, index: number): string {
  return plan.waves.find((w) => w.index === index)?.name ?? String(index);
}

const escape = escapeMarkdown;
