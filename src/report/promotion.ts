/**
 * A promotion as people read it: the headline naming what decided, the
 * stages with their weights, soak times and verdicts, the evidence of the
 * last judgment, and the history. Markdown for the job summary, the check
 * run and the pull request comment; text for the terminal; JSON for scripts.
 */
import type { ReleaseManifest } from '../gitops/manifest.js';
import { formatDuration } from '../policy/fields.js';
import { withUnit } from '../metrics/health-check.js';
import type { PromotionPolicy, Step } from '../canary/promotion/model.js';
import type { GateResult, ReconcileResult, WindowDetail } from '../canary/promotion/reconcile.js';
import { mermaidMetricChart } from './charts.js';
import { evidenceJson, stepHeadline } from './evidence.js';
import { judgmentValues } from '../canary/promotion/judgment-values.js';
import { KEEP_JUDGMENT_VALUES, KEEP_METRIC_VALUES } from '../gitops/promotion-state.js';
import { judgmentsOf, seriesOfSoak } from './series.js';
import type { SoakPoint } from './series.js';
import type { Unit } from './units.js';
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
          ...(detail?.gates ? { gates: detail.gates.map(gateJson) } : {}),
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
  if (detail?.gates && detail.gates.length > 0) lines.push('', ...gatesMarkdown(detail.gates, detail.window));
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
  if (detail?.gates && detail.gates.length > 0) {
    lines.push('', style.bold(`Health gates on the canary, ${detail.window.start} to ${detail.window.end}`));
    const rows = detail.gates.map((g) => [g.name, g.verdict, seenOf(g), g.bound, g.query]);
    lines.push(
      ...textTable([['GATE', 'VERDICT', 'SEEN', 'BOUND', 'QUERY'], ...rows]).map((l, i) =>
        i === 0 ? style.dim(l) : l,
      ),
    );
  }
  if (p && p.history.length > 0) {
    lines.push('', style.bold('History (UTC)'));
    const rows = p.history.slice(-12).map((e) => [e.at, eventText(e), e.by ?? '']);
    lines.push(...textTable([['TIME', 'EVENT', 'BY'], ...rows]).map((l, i) => (i === 0 ? style.dim(l) : l)));
  }
  return lines.join('\n') + '\n';
}

/**
 * Mermaid charts of each metric, canary against baseline, over the soak: the
 * judgments the release manifest keeps values for (so a scheduled run that
 * judges once still draws the whole soak), with this run's judgments that
 * the manifest does not hold. '' when fewer than two judgments were made;
 * a sentence saying so when the manifest's judgments have no values (they
 * were recorded before values were kept).
 */
export function renderSoakCharts(
  results: readonly ReconcileResult[],
  policy: PromotionPolicy,
  unitFor: (metric: string) => Unit,
): string {
  const promotion = results.at(-1)?.manifest.promotion;
  const kept: SoakPoint[] = (promotion?.judgments ?? []).map((j) => ({
    at: j.at,
    weight: policy.stages[j.stage]?.weight,
    verdict: j.verdict,
    metrics: j.metrics,
  }));
  const held = new Set(kept.map((p) => p.at));
  const fromRun: SoakPoint[] = judgmentsOf(results)
    .filter((l) => !held.has(l.at))
    .map((l) => ({ at: l.at, weight: l.weight, verdict: l.verdict, metrics: judgmentValues(l.detail.result) }));
  const points = [...kept, ...fromRun];
  const drawn = points.filter((p) => p.metrics !== undefined).length;
  const without = points.length - drawn;
  if (points.length < 2) return '';
  const heading = '### Canary against baseline over the soak';
  if (drawn < 2)
    return [
      heading,
      '',
      `Not drawn: ${without} of the ${points.length} judgments the release manifest keeps were recorded without their metrics' values (before Bellwether kept them), and a line needs two.`,
      '',
    ].join('\n');
  const series = seriesOfSoak(points, unitFor);
  const charts = series.map(mermaidMetricChart).filter((c): c is string => c !== null);
  const version = promotion?.version ? ` of ${escapeMarkdown(promotion.version)}` : '';
  const left = without > 0 ? `; ${without} judgment(s) kept without values are left out` : '';
  return [
    heading,
    '',
    `Means per judgment, from ${drawn} judgments${version}. The release manifest keeps every judgment of the current stage and the last of each earlier one, and the values of the newest ${KEEP_JUDGMENT_VALUES} of them, for at most ${KEEP_METRIC_VALUES} metrics each${left}.`,
    '',
    ...charts.flatMap((c) => [c, '']),
  ].join('\n');
}

/** What a gate saw: its lowest and highest finite points, or why it saw nothing usable. */
function seenOf(g: GateResult): string {
  if (g.low === undefined || g.high === undefined) return g.reason.slice(g.name.length + 2);
  return withUnit(g.low, g.unit) === withUnit(g.high, g.unit)
    ? withUnit(g.low, g.unit)
    : `${g.low} … ${withUnit(g.high, g.unit)}`;
}

/** The health gates as a Markdown table: each gate's verdict, what it saw, its bound and its query. */
function gatesMarkdown(gates: readonly GateResult[], window: WindowDetail['window']): string[] {
  return [
    '### Health gates',
    '',
    `Absolute bounds on the canary, over every point from ${window.start} to ${window.end}; no data or an infinite point holds the stage.`,
    '',
    '| gate | verdict | seen (lowest … highest) | bound | query |',
    '| --- | --- | --- | --- | --- |',
    ...gates.map(
      (g) =>
        `| ${escapeMarkdown(g.name)} | ${GATE_ICON[g.verdict]} ${g.verdict} | ${escapeMarkdown(seenOf(g))} | ${escapeMarkdown(g.bound)} | ${markdownCode(g.query, true)} |`,
    ),
    '',
    ...gates.map((g) => `- ${escapeMarkdown(g.reason)}`),
  ];
}

const GATE_ICON: Record<GateResult['verdict'], string> = { pass: '✅', fail: '❌', unknown: '⏸️' };

function gateJson(g: GateResult): Record<string, unknown> {
  return {
    name: g.name,
    verdict: g.verdict,
    reason: g.reason,
    query: g.query,
    bound: g.bound,
    unit: g.unit ?? null,
    low: g.low ?? null,
    high: g.high ?? null,
    value: g.value ?? null,
    points: g.points,
  };
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
