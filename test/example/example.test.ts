import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { parseMarkdown } from '../helpers/markdown.js';

describe('the main job on the shipped example', () => {
  it('promotes the good release through every wave, stops and rolls back the bad one, and writes the report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bw-example-'));
    const io = recordingIo();
    const code = await runCli(['example', 'examples/checkout', '--out', out, '--format', 'json'], io);
    expect(io.err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(io.out) as {
      ok: boolean;
      releases: Array<{
        version: string;
        result: string;
        failure: string | null;
        waves: string[];
        rollbackPullRequest: string | null;
        postmortem: string | null;
      }>;
      report: { markdown: string; html: string };
      commits: string[];
    };
    expect(report.ok).toBe(true);
    const [good, bad] = report.releases;
    expect(good).toMatchObject({
      version: '1.42.0',
      result: 'promoted',
      failure: null,
      waves: ['pilot', 'wave-2', 'wave-3'],
    });
    expect(bad).toMatchObject({ version: '1.43.0', result: 'rolled-back', waves: [] });
    const headline =
      'Failed at 1%: health gate p99-under-200ms reached 0.2792 s, above its max of 0.2 s; latency-p99 High — canary 0.222 s against baseline 0.119 s, +86% (the policy allows +10%). Traffic back to 1.42.0: 1 failed judgment(s) in stage 1, more than the 0 the policy tolerates';
    expect(bad!.failure).toBe(headline);
    const pr = readFileSync(bad!.rollbackPullRequest!, 'utf8');
    expect(pr).toContain('# Roll back checkout 1.43.0 in production to 1.42.0');
    expect(pr).toContain('latency-p99');
    expect(readFileSync(bad!.postmortem!, 'utf8')).toContain('### Timeline');
    // Real git: every traffic shift and the quarantine are commits.
    expect(report.commits).toContain('checkout/production/us-east-1: Canary 1.42.0 to 5%');
    expect(report.commits).toContain('checkout/production/us-east-1: Failed at 1%: traffic back to 1.42.0');
    expect(report.commits.some((c) => c.startsWith('checkout: quarantine 1.43.0'))).toBe(true);
    expect(report.commits).toContain('checkout/production/ap-southeast-1: deploy 1.42.0 (wave wave-3)');
    const html = readFileSync(report.report.html, 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    // The page opens with what happened and why, not with "every release ended as expected".
    const opening = html.slice(html.indexOf('<ul class="summary">'), html.indexOf('</ul>'));
    expect(opening).toContain(
      '1.43.0 rolled back: Failed at 1%: health gate p99-under-200ms reached 0.2792 s, above its max of 0.2 s; latency-p99 High — canary 0.222 s against baseline 0.119 s',
    );
    expect(html).not.toContain('Every release ended as expected');
    // The health gate that stopped it is shown with its values, bound and query.
    expect(html).toMatch(
      /<h4>Health gates[^<]*<\/h4>[\s\S]*<td>p99-under-200ms<\/td><td class="High">fail<\/td>[\s\S]*?<td class="num">≤ 0\.2 s<\/td><td><code>latency_p99_seconds\{service=&quot;checkout&quot;/,
    );
    // one chart per metric, server errors too, with both axes titled in units and a legend of 13 px or more
    // and one distribution chart per metric and release: per judgment, canary against baseline
    expect(html.match(/<svg/g)?.length).toBe(8);
    expect(html.match(/<svg[^>]*class="distribution"/g)?.length).toBe(4);
    expect(html).toContain('latency-p99, distribution per judgment (s)');
    expect(html).toContain('server-errors, distribution per judgment (/s)');
    expect(html).toContain('the box runs from the first to the third quartile');
    expect(html).toMatch(/<rect class="quartiles"/);
    expect(html).toContain('latency-p99, mean per judgment (s)');
    expect(html).toContain('server-errors, mean per judgment (/s)');
    expect(html).toContain('judgment (UTC time, canary weight)');
    for (const size of html.match(/font-size="(\d+)"/g) ?? [])
      expect(Number(/\d+/.exec(size)![0])).toBeGreaterThanOrEqual(13);
    expect(existsSync(report.report.markdown)).toBe(true);
    const md = readFileSync(report.report.markdown, 'utf8');
    expect(md.split('\n').slice(0, 4).join('\n')).toContain(`- 1.43.0 rolled back: ${headline}.`);
    expect(md).toContain('| 2026-11-24T14:05:00.000Z | 1% | Fail | 50 | 0.222 s vs 0.119 s (High) | ');
    expect(md).toMatch(/y-axis "latency-p99, mean per judgment \(s\)" 0\.1 --> 0\.25/);
    // Read by a CommonMark parser: every fence closes where it should, every table row fits its header.
    const parsedReport = parseMarkdown(md);
    expect(parsedReport.problems).toEqual([]);
    expect(parsedReport.fences).toEqual(Array(5).fill('mermaid'));
    const parsedPr = parseMarkdown(pr);
    expect(parsedPr.problems).toEqual([]);
    expect(parsedPr.fences).toEqual(['mermaid', 'markdown']);
  });
});
