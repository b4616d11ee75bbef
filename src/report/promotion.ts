/**
 * A promotion as people read it: the headline naming what decided, the
 * stages with their weights, soak times and verdicts, the evidence of the
 * last judgment, and the history. Markdown for the job summary, the check
 * run and the pull request comment; text for the terminal; JSON for scripts.
 */
import type { ReleaseManifest } from '../gitops/manifest.js';
import { formatDuration } from '../policy/fields.js';
import type { PromotionPolicy, Step } from '../canary/promotion/model.js';
import type { ReconcileResult } from '../canary/promotion/reconcile.js';
import { mermaidMetricChart } from './charts.js';
import { evidenceJson, stepHeadline } from './evidence.js';
import { seriesOfJudgments } from './series.js';
import { renderJudgmentMarkdown, renderJudgmentText, VERDICT_ICON } from './judgment.js';
import { escapeMarkdown, markdownCode } from './markdown.js';
import type { Style } from './terminal.js';
import { PLAIN, textTable } from './terminal.js';

/** The headline of a reconcile: its step, with the metrics that decided when a judgment did not pass. */
export function promotionHeadline(result: ReconcileResult): string {
  return stepHeadline(result.step.explanation, result.judgment?.detail);
}

/** The JSON a reconcile reports, for scripts and downstream steps. */
export function promotionJson(result: ReconcileResult): Record<string, unknown> {
  const m = result.manifest;
  const detail = result.judgment?.detail;
  return {
    service: m.service,
    environment: m.environment,
    region: m.region ?? null,
    stable: m.stable.version,
    canary: m.canary,
    keepReady: m.keepReady ? { version: m.keepReady.version, until: m.keepReady.until ?? null } : null,
    phase: m.promotion?.phase ?? 'none',
    stage: m.promotion?.stage ?? null,
    step: result.step.kind,
    ...(result.step.kind === 'wait' ? { until: result.step.until?.toISOString() ?? null } : {}),
    headline: promotionHeadline(result),
    decision: result.step.explanation,
    committed: result.committed,
    commit: result.commitSha ?? null,
    judgment: result.judgment
      ? {
          verdict: result.judgment.verdict,
          score: result.judgment.score,
          reason: result.judgment.reason,
          window: detail?.window ?? null,
          noData: detail?.noData ?? {},
          ...(detail?.result ? { evidence: evidenceJson(detail.result) } : {}),
        }
      : null,
  };
}

/** What the kept-ready line of a report says. */
function keptReady(k: NonNullable<ReleaseManifest['keepReady']>): string {
  return `Kept ready for a full rollback: ${k.version}, ${k.until ? `until ${k.until}` : 'while the canary takes all the traffic'}; a deploy step must not scale it down.`;
}

/** A history event, with the change record a change approval linked to. */
function eventText(e: { readonly event: string; readonly change?: string }): string {
  return e.change ? `${e.event} (change ${e.change})` : e.event;
}

function title(m: ReleaseManifest): string {
  const where = [m.service, m.environment, m.region].filter(Boolean).join(' / ');
  const version = m.promotion?.version ?? m.canary.version;
  return version ? `Canary ${version} of ${where}` : `Canary of ${where} (no canary version)`;
}

function stageRows(m: ReleaseManifest, policy: PromotionPolicy, icons: boolean): string[][] {
  const p = m.promotion;
  return policy.stages.map((s, i) => {
    const last = (p?.judgments.filter((j) => j.stage === i) ?? []).at(-1);
    const verdict = last ? (icons ? `${VERDICT_ICON[last.verdict]} ${last.verdict}` : last.verdict) : '';
    return [
      String(i + 1),
      `${s.weight}%`,
      `${formatDuration(s.soakTime)}${s.approval === 'required' ? ' + approval' : s.approval === 'change' ? ' + change approval' : ''}`,
      stageState(i, m),
      verdict,
      last?.score === undefined || last.score === null ? '' : String(last.score),
    ];
  });
}

/** The promotion as Markdown. */
export function renderPromotionMarkdown(result: ReconcileResult, policy: PromotionPolicy): string {
  const m = result.manifest;
  const p = m.promotion;
  const lines = [
    `## ${escapeMarkdown(title(m))}`,
    '',
    `**${escapeMarkdown(promotionHeadline(result))}**${extra(result.step)}`,
    '',
  ];
  lines.push(`| stage | weight | soak | state | last verdict | score |`, '| ---: | ---: | ---: | --- | --- | ---: |');
  for (const row of stageRows(m, policy, true)) lines.push(`| ${row.join(' | ')} |`);
  lines.push(
    '',
    `Traffic now: **${m.canary.weight}%** on the canary, the rest on stable ${escapeMarkdown(m.stable.version)}.`,
  );
  if (m.keepReady) lines.push('', escapeMarkdown(keptReady(m.keepReady)));
  const detail = result.judgment?.detail;
  if (detail?.result) lines.push('', renderJudgmentMarkdown(detail.result, detail).trimEnd());
  else if (detail && Object.keys(detail.noData).length > 0) {
    lines.push(
      '',
      '### No data',
      '',
      ...Object.entries(detail.noData).map(([name, why]) => `- ${markdownCode(name)}: ${escapeMarkdown(why)}`),
    );
  }
  if (p && p.history.length > 0) {
    lines.push('', '<details><summary>History</summary>', '', '| time (UTC) | event | by |', '| --- | --- | --- |');
    for (const e of p.history.slice(-12))
      lines.push(`| ${e.at} | ${escapeMarkdown(eventText(e))} | ${escapeMarkdown(e.by ?? '')} |`);
    lines.push('', '</details>');
  }
  return lines.join('\n') + '\n';
}

/** The promotion as terminal text, in the same order as the Markdown. */
export function renderPromotionText(result: ReconcileResult, policy: PromotionPolicy, style: Style = PLAIN): string {
  const m = result.manifest;
  const p = m.promotion;
  const lines = [style.bold(title(m)), promotionHeadline(result) + extra(result.step), ''];
  const table = textTable(
    [['STAGE', 'WEIGHT', 'SOAK', 'STATE', 'LAST VERDICT', 'SCORE'], ...stageRows(m, policy, false)],
    [0, 1, 5],
  );
  lines.push(...table.map((l, i) => (i === 0 ? style.dim(l) : l)));
  lines.push('', `Traffic now: ${m.canary.weight}% on the canary, the rest on stable ${m.stable.version}.`);
  if (m.keepReady) lines.push(keptReady(m.keepReady));
  const detail = result.judgment?.detail;
  if (detail?.result) lines.push('', renderJudgmentText(detail.result, style, detail).trimEnd());
  else if (detail && Object.keys(detail.noData).length > 0) {
    lines.push('', style.bold('No data'), ...Object.entries(detail.noData).map(([name, why]) => `  ${name}: ${why}`));
  }
  if (p && p.history.length > 0) {
    lines.push('', style.bold('History (UTC)'));
    const rows = p.history.slice(-12).map((e) => [e.at, eventText(e), e.by ?? '']);
    lines.push(...textTable([['TIME', 'EVENT', 'BY'], ...rows]).map((l, i) => (i === 0 ? style.dim(l) : l)));
  }
  return lines.join('\n') + '\n';
}

/**
 * Mermaid charts of each metric, canary against baseline, over the judgments
 * of one run, when it made two or more (a run that waited through a soak);
 * '' otherwise.
 */
export function renderSoakCharts(results: readonly ReconcileResult[]): string {
  const series = seriesOfJudgments(results);
  if (series.length === 0 || (series[0]?.labels.length ?? 0) < 2) return '';
  const charts = series.map(mermaidMetricChart).filter((c): c is string => c !== null);
  return ['### Canary against baseline over this run', '', ...charts.flatMap((c) => [c, ''])].join('\n');
}

function extra(step: Step): string {
  const e = step.explanation;
  const parts = [e.measured ? `measured: ${e.measured}` : '', e.threshold ? `threshold: ${e.threshold}` : ''].filter(
    Boolean,
  );
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

function stageState(i: number, m: ReleaseManifest): string {
  const p = m.promotion;
  if (!p) return 'pending';
  if (p.phase === 'promoted') return 'done';
  if (i < p.stage) return 'done';
  if (i > p.stage) return 'pending';
  return p.phase;
}
