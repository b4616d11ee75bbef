import { describe, expect, it } from 'vitest';
import { defineMetric } from '../../src/canary/judge/defaults.js';
import { judge } from '../../src/canary/judge/judge.js';
import { distributionLines, hotFirst, renderJudgeMarkdown, renderJudgeText } from '../../src/canary/judge/render.js';

const seq = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
const config = {
  metrics: [
    defineMetric({ name: 'cpu', groups: ['saturation'] }),
    defineMetric({ name: 'errors|5xx', groups: ['errors'], critical: true, direction: 'increase' }),
    defineMetric({ name: 'latency', groups: ['latency'], direction: 'increase' }),
    defineMetric({ name: 'queue', groups: ['saturation'], muted: true }),
  ],
  groupWeights: { errors: 50 },
};
const input = {
  cpu: { baseline: seq(40, (i) => 50 + (i % 7)), canary: seq(40, (i) => 50 + ((i * 3) % 7)) },
  'errors|5xx': { baseline: seq(40, (i) => (i % 5) + 1), canary: seq(40, (i) => (i % 5) + 30) },
  latency: { baseline: seq(40, (i) => 100 + i), canary: seq(40, (i) => 100 + i) },
  queue: { baseline: seq(40, (i) => i), canary: seq(40, (i) => 3 * i) },
};
const result = judge(config, input, { profile: 'bellwether' });

describe('rendering a judgement', () => {
  it('orders hot metrics first: critical failures, then failures, then passes, muted last', () => {
    expect(hotFirst(result.metrics).map((m) => m.name)).toEqual(['errors|5xx', 'cpu', 'latency', 'queue']);
  });

  it('text: verdict line, table, groups and distribution chart', () => {
    const text = renderJudgeText(result);
    expect(text.split('\n')[0]).toBe('Fail: score 0.00 (pass ≥ 95, marginal ≥ 75; bellwether profile)');
    expect(text).toMatch(/errors\|5xx\s+High \(critical\)\s+\d/);
    expect(text).toContain('Groups: ');
    expect(text).toMatch(/errors\|5xx\s+B ├/);
  });

  it('markdown: a table with escaped names, the groups, and a Mermaid chart of the ratios', () => {
    const md = renderJudgeMarkdown(result);
    expect(md).toMatch(/^### ❌ Canary Fail: score 0\.00/);
    const rows = md.split('\n').filter((l) => l.startsWith('| '));
    expect(rows[0]).toBe(
      '| Metric | State | Ratio | Shift interval | Bounds | Baseline n / median / p99 | Canary n / median / p99 | Reason |',
    );
    expect(rows[1]).toMatch(/^\| errors\\\|5xx \| High \(critical\) \| /);
    expect(md).toContain('```mermaid\nxychart-beta');
    expect(md).toMatch(/x-axis \["errors\|5xx", "cpu", "latency", "queue"\]/);
    expect(md).toMatch(/bar \[[\d., ]+\]/);
  });

  it('draws both samples on one scale', () => {
    const latency = result.metrics.find((m) => m.name === 'errors|5xx');
    if (!latency) throw new Error('missing');
    const [b, c] = distributionLines(latency, 20);
    expect(b.indexOf('├')).toBe(0);
    expect(c.lastIndexOf('┤')).toBeGreaterThan(b.lastIndexOf('┤'));
    expect(b).toHaveLength(20);
  });
});
