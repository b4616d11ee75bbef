/**
 * A promotion as people read it: the stages with their weights, soak times
 * and verdicts, what was decided and why, and the evidence of the last
 * judgment. Rendered once as Markdown for the job summary, the check run
 * and the pull request comment, and as JSON for scripts.
 */
import type { ReleaseManifest } from '../../gitops/manifest.js';
import { formatDuration } from '../../policy/fields.js';
import type { JudgeResult } from '../judge/types.js';
import type { WindowDetail } from './metrics-judge.js';
import type { PromotionPolicy, Step } from './model.js';
import type { ReconcileResult } from './reconcile.js';

const VERDICT_ICON: Record<string, string> = {
  Pass: '✅ Pass',
  Marginal: '⚠️ Marginal',
  Fail: '❌ Fail',
  NoData: '⏸️ NoData',
};

/** The JSON a reconcile reports, for scripts and downstream steps. */
export function promotionJson(result: ReconcileResult): Record<string, unknown> {
  const m = result.manifest;
  const detail = result.judgment?.detail as WindowDetail | undefined;
  return {
    service: m.service,
    environment: m.environment,
    region: m.region ?? null,
    stable: m.stable.version,
    canary: m.canary,
    phase: m.promotion?.phase ?? 'none',
    stage: m.promotion?.stage ?? null,
    step: result.step.kind,
    ...(result.step.kind === 'wait' ? { until: result.step.until?.toISOString() ?? null } : {}),
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
        }
      : null,
  };
}

export function renderPromotionMarkdown(result: ReconcileResult, policy: PromotionPolicy): string {
  const m = result.manifest;
  const p = m.promotion;
  const where = [m.service, m.environment, m.region].filter(Boolean).join(' / ');
  const lines = [`## Canary ${p?.version ?? m.canary.version ?? ''} of ${where}`, '', decisionLine(result.step), ''];
  lines.push(`| stage | weight | soak | state | last verdict | score |`, '| ---: | ---: | ---: | --- | --- | ---: |');
  policy.stages.forEach((s, i) => {
    const judgments = p?.judgments.filter((j) => j.stage === i) ?? [];
    const last = judgments.at(-1);
    lines.push(
      `| ${i + 1} | ${s.weight}% | ${formatDuration(s.soakTime)}${s.approval === 'required' ? ' + approval' : ''} | ${stageState(i, m)} | ${last ? VERDICT_ICON[last.verdict] : ''} | ${last?.score ?? ''} |`,
    );
  });
  lines.push('', `Traffic now: **${m.canary.weight}%** on the canary, the rest on stable ${m.stable.version}.`);
  const detail = result.judgment?.detail as WindowDetail | undefined;
  if (detail?.result) lines.push('', renderEvidence(detail.result, detail));
  else if (detail && Object.keys(detail.noData).length > 0) {
    lines.push('', '### No data', '', ...Object.entries(detail.noData).map(([name, why]) => `- \`${name}\`: ${why}`));
  }
  if (p && p.history.length > 0) {
    lines.push('', '<details><summary>History</summary>', '', '| time (UTC) | event | by |', '| --- | --- | --- |');
    for (const e of p.history.slice(-12)) lines.push(`| ${e.at} | ${e.event} | ${e.by ?? ''} |`);
    lines.push('', '</details>');
  }
  return lines.join('\n') + '\n';
}

function decisionLine(step: Step): string {
  const e = step.explanation;
  const extra = [e.measured ? `measured: ${e.measured}` : '', e.threshold ? `threshold: ${e.threshold}` : '']
    .filter(Boolean)
    .join('; ');
  return `**${e.summary}.** ${e.reason}${extra ? ` (${extra})` : ''}`;
}

function stageState(i: number, m: ReleaseManifest): string {
  const p = m.promotion;
  if (!p) return 'pending';
  if (p.phase === 'promoted') return 'done';
  if (i < p.stage) return 'done';
  if (i > p.stage) return 'pending';
  return p.phase;
}

/** The hot metrics first (as canary reports put them), with a chart of canary against baseline means. */
export function renderEvidence(result: JudgeResult, detail?: WindowDetail): string {
  const hot = [...result.metrics].sort((a, b) => rank(a.classification) - rank(b.classification));
  const lines = [
    `### Judgment: ${VERDICT_ICON[result.verdict] ?? result.verdict}, ${result.score === null ? 'no score' : `score ${result.score}`} (${result.profile} profile; pass ≥ ${result.thresholds.pass}, marginal ≥ ${result.thresholds.marginal})`,
    '',
    result.reason,
    '',
  ];
  if (detail) lines.push(`Window: ${detail.window.start} to ${detail.window.end}.`, '');
  lines.push(
    '| metric | state | canary / baseline mean | interval of the shift | n (canary, baseline) | why |',
    '| --- | --- | ---: | --- | --- | --- |',
  );
  for (const r of hot) {
    const interval = r.interval ? `[${fmt(r.interval.low)}, ${fmt(r.interval.high)}]` : '';
    lines.push(
      `| ${r.name}${r.critical ? ' (critical)' : ''} | ${r.classification} | ${r.meanRatio === null ? '' : fmt(r.meanRatio)} | ${interval} | ${r.canary.n}, ${r.baseline.n} | ${r.reason.replace(/\|/g, '\\|')} |`,
    );
  }
  const charted = hot
    .filter((r) => r.baseline.n > 0 && r.canary.n > 0 && (r.meanRatio === null || Number.isFinite(r.meanRatio)))
    .slice(0, 8);
  if (charted.length > 0) {
    lines.push(
      '',
      '```mermaid',
      'xychart-beta',
      '  title "Canary mean relative to baseline (baseline = 1)"',
      `  x-axis [${charted.map((r) => JSON.stringify(r.name)).join(', ')}]`,
      `  bar [${charted.map((r) => fmt(r.meanRatio ?? 1)).join(', ')}]`,
      `  line [${charted.map(() => '1').join(', ')}]`,
      '```',
    );
  }
  return lines.join('\n');
}

function rank(c: string): number {
  return ['Error', 'NoDataFail', 'High', 'Low', 'NoData', 'Pass'].indexOf(c);
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(3)).toString();
}
