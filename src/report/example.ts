/**
 * The example's report: what happened to each release and why, first; then
 * per release its waves, its canary judgments with every metric canary
 * against baseline, a chart per metric over the soak, and the evidence of
 * the judgment that decided. Markdown (Mermaid charts) for people and job
 * summaries, and one self-contained HTML page (inline SVG, no scripts, no
 * network).
 */
import type { ExampleRun, ReleaseRun } from '../example/run-example.js';
import type { MetricSeries } from './charts.js';
import { mermaidMetricChart, svgDistributionChart, svgMetricChart } from './charts.js';
import { escapeHtml, judgmentHtml } from './html.js';
import { renderJudgmentMarkdown } from './judgment.js';
import { escapeMarkdown, markdownCode } from './markdown.js';
import type { Look } from './series.js';
import { distributionsOfJudgments, judgmentsOf, seriesOfJudgments } from './series.js';
import { sideUnit, sideValues } from './evidence.js';
import { formatValue } from './units.js';

/** The judgment that decided the release: the first that did not pass, else the last. */
function decidingLook(looks: readonly Look[]): Look | undefined {
  return looks.find((l) => l.verdict !== 'Pass' && l.detail.result) ?? looks.at(-1);
}

const looksOf = (release: ReleaseRun): Look[] => judgmentsOf(release.canary.results);
const seriesOf = (release: ReleaseRun): MetricSeries[] => seriesOfJudgments(release.canary.results);

/** What happened to a release, in one sentence that names what decided. */
export function releaseHeadline(r: ReleaseRun): string {
  const expected = r.result === r.expected ? '' : ` (the example expects it ${r.expected})`;
  if (r.result === 'promoted') {
    const stages = looksOf(r).length;
    return `${r.version} promoted${expected}: ${stages} canary judgment${stages === 1 ? '' : 's'} passed in ${r.waves[0]?.regions.join(', ') ?? 'the pilot'}, then waves ${r.waves.map((w) => w.name).join(' → ')}; done ${r.finishedAt}.`;
  }
  const why = r.canary.failure ?? r.canary.headline;
  return `${r.version} ${r.result === 'rolled-back' ? 'rolled back' : 'held'}${expected}: ${why}.`;
}

function judgmentRows(r: ReleaseRun): { head: string[]; rows: string[][] } {
  const looks = looksOf(r);
  const names = [...new Set(looks.flatMap((l) => l.detail.result?.metrics.map((m) => m.name) ?? []))];
  const head = ['judged at (UTC)', 'weight', 'verdict', 'score', ...names.map((n) => `${n}: canary vs baseline`)];
  const rows = looks.map((l) => [
    l.at,
    `${l.weight}%`,
    l.verdict,
    l.score === null ? '' : String(l.score),
    ...names.map((n) => {
      const m = l.detail.result?.metrics.find((x) => x.name === n);
      if (!m) return '';
      // a ratio metric's figure is its events per request over the window, as its evidence shows it
      const unit = sideUnit(m);
      const values = sideValues(m);
      const v = (x: number | null): string => (x === null ? 'no data' : formatValue(x, unit));
      return `${v(values.canary)} vs ${v(values.baseline)}${m.classification === 'Pass' ? '' : ` (${m.classification})`}`;
    }),
  ]);
  return { head, rows };
}

/** The report as Markdown. */
export function renderExampleMarkdown(run: ExampleRun): string {
  const lines = [
    `# Bellwether example: ${escapeMarkdown(run.service)} in ${escapeMarkdown(run.environment)}`,
    '',
    ...run.releases.map((r) => `- ${escapeMarkdown(releaseHeadline(r))}`),
    '',
    run.ok ? 'Each release ended as this example expects.' : '**Some release did not end as this example expects.**',
    '',
  ];
  for (const r of run.releases) {
    lines.push(`## ${escapeMarkdown(r.version)}: ${r.result}`, '');
    if (r.canary.failure) lines.push(`**Stopped:** ${escapeMarkdown(r.canary.failure)}`, '');
    lines.push('### Waves', '');
    if (r.waves.length === 0) lines.push('None: the release stopped in the pilot region.', '');
    else {
      lines.push('| wave | regions | started (UTC) | baked (UTC) | canary stages |', '| --- | --- | --- | --- | --- |');
      for (const w of r.waves)
        lines.push(
          `| ${escapeMarkdown(w.name)} | ${escapeMarkdown(w.regions.join(', '))} | ${w.startedAt} | ${w.bakedAt} | ${w.canary ? 'yes' : 'no'} |`,
        );
      lines.push('');
    }
    const { head, rows } = judgmentRows(r);
    lines.push('### Canary judgments', '');
    if (rows.length === 0) lines.push('None.', '');
    else {
      lines.push(
        `| ${head.map(escapeMarkdown).join(' | ')} |`,
        `| ${head.map((_, i) => (i === 1 || i === 3 ? '---:' : '---')).join(' | ')} |`,
      );
      for (const row of rows) lines.push(`| ${row.map(escapeMarkdown).join(' | ')} |`);
      lines.push('');
      for (const s of seriesOf(r)) {
        const chart = mermaidMetricChart(s);
        if (chart) lines.push(chart, '');
      }
    }
    const deciding = decidingLook(looksOf(r));
    if (deciding?.detail.result && deciding.verdict !== 'Pass') {
      lines.push(`### The judgment that decided, at ${deciding.weight}%`, '');
      lines.push(renderJudgmentMarkdown(deciding.detail.result, deciding.detail, '####').trimEnd(), '');
    }
    if (r.rollback) {
      lines.push(
        `**Rollback:** ${escapeMarkdown(r.rollback.regions.map((x) => x.plan.summary).join('; '))}. ${escapeMarkdown(r.rollback.bad)} quarantined: ${r.rollback.quarantined ? 'yes' : 'no'}.`,
        `The rollback pull request that would be opened: ${markdownCode(r.rollback.pullRequest.url)}.`,
      );
    }
    if (r.postmortemFile) lines.push(`Postmortem draft: ${markdownCode(r.postmortemFile)}.`);
    lines.push('');
  }
  lines.push(
    '## The GitOps repository, commit by commit',
    '',
    ...run.commits.map((c, i) => `${i + 1}. ${escapeMarkdown(c.split('\n')[0] ?? '')}`),
    '',
  );
  return lines.join('\n');
}

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto;padding:0 1em;color:#1a1a1a;line-height:1.45}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}
.summary li{margin:.3em 0}.summary .failed{color:#8a1c00}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;padding:.25em .6em;font-size:.92em;vertical-align:top}
th{background:#f2f2f2;text-align:left}td.num{text-align:right;white-space:nowrap}td.time{white-space:nowrap}
.scroll{max-width:100%;overflow-x:auto}
.Fail,.High,.Low,.NoDataFail{color:#a3000f;font-weight:600}.Pass{color:#1b6e20}.NoData,.Marginal{color:#7a5300}
.headline{font-size:1.05em;font-weight:600}.stop{background:#fdecea;border-left:4px solid #a3000f;padding:.6em .8em}
figure{margin:1em 0}figcaption{font-size:.95em;color:#333}
code{overflow-wrap:anywhere}
`;

/** A self-contained page: the same report as the Markdown, with SVG charts. */
export function renderExampleHtml(run: ExampleRun): string {
  const summary = run.releases
    .map((r) => `<li class="${r.result === 'promoted' ? 'promoted' : 'failed'}">${escapeHtml(releaseHeadline(r))}</li>`)
    .join('');
  const sections = run.releases
    .map((r) => {
      const { head, rows } = judgmentRows(r);
      const table =
        rows.length === 0
          ? '<p>None.</p>'
          : `<div class="scroll"><table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${rows
              .map(
                (row) =>
                  `<tr>${row.map((c, i) => `<td${i === 0 ? ' class="time"' : i === 2 ? ` class="${escapeHtml(c)}"` : i === 1 || i === 3 ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`,
              )
              .join('')}</table></div>`;
      const charts = seriesOf(r)
        .map(
          (s) =>
            `<figure>${svgMetricChart(s)}<figcaption>${escapeHtml(s.metric)}: canary against baseline, mean per judgment${s.failed.length > 0 ? '; the shaded judgment failed' : ''}.</figcaption></figure>`,
        )
        .join('\n');
      const distributions = distributionsOfJudgments(r.canary.results)
        .map(
          (d) =>
            `<figure>${svgDistributionChart(d)}<figcaption>${escapeHtml(d.metric)}: distribution of canary against baseline in each judgment — the box runs from the first to the third quartile, the wide bar is the median, the whiskers run from min to max, the short tick is the p99 and the diamond the mean${d.failed.length > 0 ? '; the shaded judgment failed' : ''}. Judgments recorded before quartiles were kept show no box.</figcaption></figure>`,
        )
        .join('\n');
      const waves = r.waves
        .map(
          (w) =>
            `<tr><td>${escapeHtml(w.name)}</td><td>${escapeHtml(w.regions.join(', '))}</td><td>${escapeHtml(w.startedAt)}</td><td>${escapeHtml(w.bakedAt)}</td></tr>`,
        )
        .join('');
      const deciding = decidingLook(looksOf(r));
      const evidence =
        deciding?.detail.result && deciding.verdict !== 'Pass'
          ? `<h3>The judgment that decided, at ${deciding.weight}%</h3>${judgmentHtml(deciding.detail.result, deciding.detail)}`
          : '';
      return `<section><h2>${escapeHtml(r.version)}: ${escapeHtml(r.result)}</h2>
${r.canary.failure ? `<p class="stop">${escapeHtml(r.canary.failure)}</p>` : ''}
<h3>Canary against baseline, per metric</h3>${charts || '<p>No judgments to chart.</p>'}
<h3>Distributions per judgment, canary against baseline</h3>${distributions || '<p>No judgments to chart.</p>'}
<h3>Canary judgments</h3>${table}
${evidence}
<h3>Waves</h3>${waves ? `<div class="scroll"><table><tr><th>wave</th><th>regions</th><th>started (UTC)</th><th>baked (UTC)</th></tr>${waves}</table></div>` : '<p>None: the release stopped in the pilot region.</p>'}
${r.rollback ? `<p>Rollback: ${escapeHtml(r.rollback.regions.map((x) => x.plan.summary).join('; '))}. Pull request written to <code>${escapeHtml(r.rollback.pullRequest.url)}</code>.</p>` : ''}
${r.postmortemFile ? `<p>Postmortem draft: <code>${escapeHtml(r.postmortemFile)}</code>.</p>` : ''}
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Bellwether example: ${escapeHtml(run.service)}</title>
<style>${STYLE}</style>
</head><body><h1>Bellwether example: ${escapeHtml(run.service)} in ${escapeHtml(run.environment)}</h1>
<ul class="summary">${summary}</ul>
<p>${run.ok ? 'Each release ended as this example expects.' : '<strong>Some release did not end as this example expects.</strong>'}</p>
${sections}
<h2>The GitOps repository, commit by commit</h2><ol>${run.commits.map((c) => `<li>${escapeHtml(c.split('\n')[0] ?? '')}</li>`).join('')}</ol>
</body></html>
`;
}
