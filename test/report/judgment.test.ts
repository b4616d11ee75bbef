import { describe, expect, it } from 'vitest';
import { defineMetric } from '../../src/canary/judge/defaults.js';
import { judge } from '../../src/canary/judge/judge.js';
import { hotFirst, judgmentHeadline, metricEvidence } from '../../src/report/evidence.js';
import { distributionLines, renderJudgmentMarkdown, renderJudgmentText } from '../../src/report/judgment.js';
import { COLOR } from '../../src/report/terminal.js';

const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
const config = {
  metrics: [
    defineMetric({ name: 'cpu', groups: ['saturation'] }),
    defineMetric({ name: 'errors|5xx', groups: ['errors'], critical: true, direction: 'increase' }),
    defineMetric({
      name: 'latency',
      query: 'histogram_quantile(0.99, http_request_duration_seconds_bucket{version="{{version}}"})',
      groups: ['latency'],
      direction: 'increase',
      effectSize: { allowedIncrease: 1.2 },
    }),
    defineMetric({ name: 'queue', groups: ['saturation'], muted: true }),
  ],
  groupWeights: { errors: 50 },
};
const input = {
  cpu: { baseline: seq(40, (i) => 50 + (i % 7)), canary: seq(40, (i) => 50 + ((i * 3) % 7)) },
  'errors|5xx': { baseline: seq(40, (i) => (i % 5) + 1), canary: seq(40, (i) => (i % 5) + 30) },
  latency: { baseline: seq(40, (i) => 0.1 + i / 1000), canary: seq(40, (i) => 0.2 + i / 1000) },
  queue: { baseline: seq(40, (i) => i), canary: seq(40, (i) => 3 * i) },
};
const result = judge(config, input, { profile: 'bellwether' });

describe('rendering a judgment', () => {
  it('orders hot metrics first: critical failures, then failures, then passes, muted last', () => {
    expect(hotFirst(result.metrics).map((m) => m.name)).toEqual(['errors|5xx', 'latency', 'cpu', 'queue']);
  });

  it('the headline names the deciding metrics, canary against baseline in their units, and what the policy allows', () => {
    expect(judgmentHeadline(result)).toBe(
      'Fail: errors|5xx High (critical) — canary 32 against baseline 3, +967% (the policy allows +5%); latency High — canary 0.22 s against baseline 0.12 s, +84% (the policy allows +20%)',
    );
  });

  it('states each effect once, with its unit read from the query', () => {
    const latency = metricEvidence(result).find((e) => e.name === 'latency')!;
    expect(latency).toMatchObject({ canary: '0.22 s', baseline: '0.12 s', change: '+84%', allowed: '+20%' });
    expect(latency.rule).toMatch(/^significant \(p = \S+ < \S+\) and beyond the allowed change$/);
  });

  it('text: headline, score, hot and cold metrics in aligned columns, groups, details, distributions; no Markdown', () => {
    const text = renderJudgmentText(result);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Fail: errors\|5xx High \(critical\) — canary 32 against baseline 3/);
    expect(lines[1]).toBe(
      'Score 0 (pass needs ≥ 95, marginal ≥ 75): a failing critical metric (errors|5xx) sets the score to 0; bellwether profile.',
    );
    const order = ['Hot metrics', 'Cold metrics', 'Score by group', 'Details', 'Distributions'].map((h) =>
      lines.findIndex((l) => l.startsWith(h)),
    );
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    const header = lines.find((l) => l.startsWith('METRIC      STATE'))!;
    const row = lines.find((l) => l.startsWith('latency     High'))!;
    // the unit column lines up with its header
    expect(row.indexOf('0.22 s') + '0.22 s'.length).toBe(header.indexOf('CANARY') + 'CANARY'.length);
    expect(text).not.toMatch(/\| --- \||<details>|\*\*|```/);
    expect(text).not.toContain('\u001b[');
    expect(text).toMatch(/errors\|5xx\s+B ├/);
  });

  it('text in colour only when asked', () => {
    expect(renderJudgmentText(result, COLOR)).toContain('\u001b[31m');
  });

  it('markdown: headline, hot then cold tables with escaped names, groups, details, a Mermaid chart that does not start at 0 when close', () => {
    const md = renderJudgmentMarkdown(result);
    expect(md).toMatch(/^### ❌ Fail: errors\\\|5xx High \(critical\) — canary 32 against baseline 3, \+967%/);
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows[0]).toBe('| metric | state | canary | baseline | change | allowed | what decided |');
    expect(rows[2]).toMatch(/^\| errors\\\|5xx \| High \(critical\) \| 32 \| 3 \| \+967% \| \+5% \| significant/);
    expect(md.indexOf('**Hot metrics**')).toBeLessThan(md.indexOf('**Cold metrics**'));
    expect(md.indexOf('**Cold metrics**')).toBeLessThan(md.indexOf('**Score by group**'));
    expect(md.indexOf('**Score by group**')).toBeLessThan(md.indexOf('<details>'));
    expect(md).toContain('```mermaid\nxychart-beta');
    expect(md).toMatch(/x-axis \["errors\|5xx", "latency", "cpu"\]/);
    expect(md).toMatch(/y-axis "canary \/ baseline" [\d.]+ --> [\d.]+/);
  });

  it('draws both samples on one scale', () => {
    const errors = result.metrics.find((m) => m.name === 'errors|5xx');
    if (!errors) throw new Error('missing');
    const [b, c] = distributionLines(errors, 20);
    expect(b.indexOf('├')).toBe(0);
    expect(c.lastIndexOf('┤')).toBeGreaterThan(b.lastIndexOf('┤'));
    expect(b).toHaveLength(20);
  });
});

describe('the kayenta profile says what its interval shows', () => {
  it('an interval that overlaps the tolerance is "not wholly above" it, never "within bounds"', () => {
    const k = judge(
      { metrics: [defineMetric({ name: 'latency', direction: 'increase', groups: ['g'] })], groupWeights: {} },
      {
        latency: {
          baseline: seq(30, (i) => 0.1 + ((i * 7) % 11) / 100),
          canary: seq(30, (i) => 0.1 + ((i * 5) % 11) / 100),
        },
      },
      { profile: 'kayenta' },
    );
    const m = k.metrics[0]!;
    expect(m.classification).toBe('Pass');
    expect(m.reason).not.toContain('within bounds');
    expect(m.reason).toMatch(
      /^no clear shift: the shift interval \[\S+, \S+\] is not wholly above the tolerance ±\S+$/,
    );
    expect(metricEvidence(k)[0]!.rule).toMatch(/overlaps the tolerance/);
  });
});
