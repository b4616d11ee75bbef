/**
 * The main job's report: Markdown for people and job summaries, and one
 * self-contained HTML page with the charts of canary against baseline (inline
 * SVG, no scripts, no network).
 */
import type { WindowDetail } from '../canary/promotion/metrics-judge.js';
import type { ExampleRun, ReleaseRun } from './run-example.js';

interface Look {
  readonly at: string;
  readonly weight: number;
  readonly verdict: string;
  readonly score: number | null;
  readonly metrics: ReadonlyArray<{ name: string; canary: number; baseline: number; classification: string }>;
}

/** Every judgment of a release's canary, in order, with the means of each metric. */
export function looksOf(release: ReleaseRun): Look[] {
  const out: Look[] = [];
  for (const r of release.canary.results) {
    const detail = r.judgment?.detail as WindowDetail | undefined;
    if (!r.judgment || !detail) continue;
    out.push({
      at: detail.window.end,
      weight: detail.weight ?? r.manifest.canary.weight,
      verdict: r.judgment.verdict,
      score: r.judgment.score,
      metrics: (detail.result?.metrics ?? []).map((m) => ({
        name: m.name,
        canary: m.canary.mean,
        baseline: m.baseline.mean,
        classification: m.classification,
      })),
    });
  }
  return out;
}

export function renderExampleMarkdown(run: ExampleRun): string {
  const lines = [
    `# Bellwether example: ${run.service} in ${run.environment}`,
    '',
    run.ok ? 'Every release ended as expected.' : '**Some release did not end as expected.**',
    '',
  ];
  for (const r of run.releases) {
    lines.push(`## ${r.version}: ${r.result}${r.result === r.expected ? '' : ` (expected ${r.expected})`}`, '');
    lines.push('| wave | regions | started (UTC) | baked (UTC) | canary stages |', '| --- | --- | --- | --- | --- |');
    for (const w of r.waves)
      lines.push(
        `| ${w.name} | ${w.regions.join(', ')} | ${w.startedAt} | ${w.bakedAt} | ${w.canary ? 'yes' : 'no'} |`,
      );
    if (r.waves.length === 0) lines.push('| (none) | | | | |');
    lines.push(
      '',
      '| judged at (UTC) | weight | verdict | score | latency-p99 canary / baseline |',
      '| --- | ---: | --- | ---: | --- |',
    );
    for (const l of looksOf(r)) {
      const lat = l.metrics.find((m) => m.name === 'latency-p99');
      lines.push(
        `| ${l.at} | ${l.weight}% | ${l.verdict} | ${l.score ?? ''} | ${lat ? `${lat.canary.toFixed(3)} s / ${lat.baseline.toFixed(3)} s` : ''} |`,
      );
    }
    if (r.canary.failure) lines.push('', `**Stopped:** ${r.canary.failure}`);
    if (r.rollback) {
      lines.push(
        '',
        `**Rollback:** ${r.rollback.regions.map((x) => x.plan.summary).join('; ')}. ${r.rollback.bad} quarantined: ${r.rollback.quarantined ? 'yes' : 'no'}.`,
      );
      lines.push(`The rollback pull request that would be opened: \`${r.rollback.pullRequest.url}\`.`);
    }
    if (r.postmortemFile) lines.push(`Postmortem draft: \`${r.postmortemFile}\`.`);
    lines.push('');
  }
  lines.push(
    '## The GitOps repository, commit by commit',
    '',
    ...run.commits.map((c, i) => `${i + 1}. ${c.split('\n')[0]}`),
    '',
  );
  return lines.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Canary and baseline p99 latency per judgment, and the score, as an inline SVG chart. */
export function latencyChart(release: ReleaseRun): string {
  const looks = looksOf(release).filter((l) => l.metrics.some((m) => m.name === 'latency-p99'));
  if (looks.length === 0) return '<p>No judgments to chart.</p>';
  const W = 640;
  const H = 240;
  const pad = 40;
  const values = looks.flatMap((l) =>
    l.metrics.filter((m) => m.name === 'latency-p99').flatMap((m) => [m.canary, m.baseline]),
  );
  const max = Math.max(...values) * 1.15;
  const x = (i: number) => pad + ((W - 2 * pad) * (i + 0.5)) / looks.length;
  const y = (v: number) => H - pad - ((H - 2 * pad) * v) / max;
  const bw = Math.max(4, (W - 2 * pad) / looks.length / 3);
  const bars = looks
    .map((l, i) => {
      const m = l.metrics.find((k) => k.name === 'latency-p99')!;
      const fail = l.verdict === 'Fail';
      return (
        `<rect x="${(x(i) - bw).toFixed(1)}" y="${y(m.baseline).toFixed(1)}" width="${bw.toFixed(1)}" height="${(H - pad - y(m.baseline)).toFixed(1)}" fill="#8da0cb"><title>baseline ${m.baseline.toFixed(3)} s</title></rect>` +
        `<rect x="${x(i).toFixed(1)}" y="${y(m.canary).toFixed(1)}" width="${bw.toFixed(1)}" height="${(H - pad - y(m.canary)).toFixed(1)}" fill="${fail ? '#d7301f' : '#66c2a5'}"><title>canary ${m.canary.toFixed(3)} s at ${l.weight}%: ${l.verdict}</title></rect>` +
        `<text x="${x(i).toFixed(1)}" y="${H - pad + 14}" font-size="10" text-anchor="middle">${l.weight}%</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="p99 latency of canary and baseline per judgment">
<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#333"/><line x1="${pad}" y1="${pad / 2}" x2="${pad}" y2="${H - pad}" stroke="#333"/>
<text x="${pad - 4}" y="${y(max / 1.15).toFixed(1)}" font-size="10" text-anchor="end">${(max / 1.15).toFixed(2)} s</text><text x="${pad - 4}" y="${H - pad}" font-size="10" text-anchor="end">0</text>
${bars}
<text x="${W - pad}" y="14" font-size="11" text-anchor="end"><tspan fill="#8da0cb">■ baseline</tspan> <tspan fill="#66c2a5">■ canary</tspan> <tspan fill="#d7301f">■ canary, failed</tspan></text>
</svg>`;
}

/** A self-contained page: the Markdown report's content as HTML, with the charts. */
export function renderExampleHtml(run: ExampleRun): string {
  const sections = run.releases
    .map((r) => {
      const rows = looksOf(r)
        .map(
          (l) =>
            `<tr><td>${esc(l.at)}</td><td>${l.weight}%</td><td class="${esc(l.verdict)}">${esc(l.verdict)}</td><td>${l.score ?? ''}</td></tr>`,
        )
        .join('');
      const waves = r.waves
        .map(
          (w) =>
            `<tr><td>${esc(w.name)}</td><td>${esc(w.regions.join(', '))}</td><td>${esc(w.startedAt)}</td><td>${esc(w.bakedAt)}</td></tr>`,
        )
        .join('');
      return `<section><h2>${esc(r.version)}: ${esc(r.result)}</h2>
${r.canary.failure ? `<p class="stop">${esc(r.canary.failure)}</p>` : ''}
<h3>p99 latency, canary against baseline, per judgment</h3>${latencyChart(r)}
<h3>Judgments</h3><table><tr><th>judged at (UTC)</th><th>weight</th><th>verdict</th><th>score</th></tr>${rows}</table>
<h3>Waves</h3><table><tr><th>wave</th><th>regions</th><th>started</th><th>baked</th></tr>${waves || '<tr><td colspan="4">none: stopped in the pilot region</td></tr>'}</table>
${r.rollback ? `<p>Rollback: ${esc(r.rollback.regions.map((x) => x.plan.summary).join('; '))}. Pull request written to <code>${esc(r.rollback.pullRequest.url)}</code>.</p>` : ''}
${r.postmortemFile ? `<p>Postmortem draft: <code>${esc(r.postmortemFile)}</code>.</p>` : ''}
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bellwether example: ${esc(run.service)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:760px;margin:2em auto;color:#222}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .6em;font-size:.9em}.Fail{color:#d7301f;font-weight:bold}.Pass{color:#1a9850}.stop{background:#fee;padding:.5em}</style>
</head><body><h1>Bellwether example: ${esc(run.service)} in ${esc(run.environment)}</h1>
<p>${run.ok ? 'Every release ended as expected.' : '<strong>Some release did not end as expected.</strong>'}</p>
${sections}
<h2>The GitOps repository, commit by commit</h2><ol>${run.commits.map((c) => `<li>${esc(c.split('\n')[0] ?? '')}</li>`).join('')}</ol>
</body></html>
`;
}
