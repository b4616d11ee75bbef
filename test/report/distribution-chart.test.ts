import { describe, expect, it } from 'vitest';
import type { MetricDistributions, SideSummary } from '../../src/report/charts.js';
import { CHART_COLORS, niceScale, svgDistributionChart } from '../../src/report/charts.js';

const side = (min: number, median: number, mean: number, p99: number, max: number, n = 30): SideSummary => ({
  n,
  min,
  median,
  mean,
  p99,
  max,
});

const latency: MetricDistributions = {
  metric: 'latency-p99',
  unit: { symbol: 's' },
  labels: ['14:05 1%', '14:10 5%'],
  baseline: [side(0.09, 0.119, 0.12, 0.135, 0.137), side(0.08, 0.11, 0.112, 0.16, 0.163)],
  canary: [side(0.17, 0.22, 0.222, 0.27, 0.28), null],
  failed: [0],
};

// geometry of the chart, as svgDistributionChart lays it out
const H = 320;
const TOP = 44;
const BOTTOM = 62;

const attr = (tag: string, name: string): number => Number(new RegExp(`${name}="([^"]+)"`).exec(tag)![1]);

/** The <line class="..."> of one side's box, and the box's data attributes. */
function boxOf(
  svg: string,
  sideName: 'baseline' | 'canary',
  index: number,
): { group: string; line: (cls: string) => string } {
  const groups = [...svg.matchAll(new RegExp(`<g class="box ${sideName}"[\\s\\S]*?</g>`, 'g'))].map((m) => m[0]);
  const group = groups[index]!;
  return {
    group,
    line: (cls) => new RegExp(`<line class="${cls}"[^>]*>`).exec(group)![0],
  };
}

describe('svgDistributionChart', () => {
  const svg = svgDistributionChart(latency);
  const scale = niceScale([0.09, 0.137, 0.08, 0.163, 0.17, 0.28]);
  const y = (v: number): number => TOP + (H - TOP - BOTTOM) * (1 - (v - scale.lo) / (scale.hi - scale.lo));

  it('places min, median, p99 and max of each side at their values on the y axis', () => {
    const canary = boxOf(svg, 'canary', 0);
    expect(canary.group).toContain(`stroke="${CHART_COLORS.canary}"`);
    expect(attr(canary.line('median'), 'y1')).toBeCloseTo(y(0.22), 0);
    expect(attr(canary.line('p99'), 'y1')).toBeCloseTo(y(0.27), 0);
    expect(attr(canary.line('min'), 'y1')).toBeCloseTo(y(0.17), 0);
    expect(attr(canary.line('max'), 'y1')).toBeCloseTo(y(0.28), 0);
    const baseline = boxOf(svg, 'baseline', 0);
    expect(baseline.group).toContain(`stroke="${CHART_COLORS.baseline}"`);
    expect(attr(baseline.line('median'), 'y1')).toBeCloseTo(y(0.119), 0);
    // the canary's median is drawn above the baseline's: a higher value is higher up
    expect(attr(canary.line('median'), 'y1')).toBeLessThan(attr(baseline.line('median'), 'y1'));
    // baseline left of canary within the same judgment
    expect(attr(baseline.line('range'), 'x1')).toBeLessThan(attr(canary.line('range'), 'x1'));
  });

  it('places the mean as a diamond centred on the mean', () => {
    const canary = boxOf(svg, 'canary', 0).group;
    const d = /<path class="mean" d="M([\d.]+) ([\d.]+) L[\d.]+ ([\d.]+)/.exec(canary)!;
    expect(Number(d[3])).toBeCloseTo(y(0.222), 0);
    expect(Number(d[2])).toBeCloseTo(y(0.222) - 6, 0);
  });

  it('labels the axes with the metric and its unit, ticks in the unit, each judgment, and a 14 px legend', () => {
    expect(svg).toContain('latency-p99, distribution per judgment (s)</text>');
    expect(svg).toContain('judgment (UTC time, canary weight)</text>');
    for (const t of scale.ticks) expect(svg).toMatch(new RegExp(`>${String(t).replace('.', '\\.')} s</text>`));
    expect(svg).toContain('>14:05</tspan>');
    expect(svg).toContain('>5%</tspan>');
    expect(svg).toMatch(/<g font-size="14"[^>]*>[\s\S]*baseline \(left\)[\s\S]*canary \(right\)/);
    // every text is at least 13 px
    const sizes = [...svg.matchAll(/font-size="(\d+)"/g)].map((m) => Number(m[1]));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(13);
  });

  it('shades the failed judgment and says it, and says "no data" for a side without points instead of drawing one', () => {
    expect(svg).toContain('>failed</text>');
    expect(svg.match(/<g class="box canary"/g)).toHaveLength(1);
    expect(svg.match(/<g class="box baseline"/g)).toHaveLength(2);
    expect(svg).toContain('<title>canary had no data at 14:10 5%</title>');
  });

  it('draws nothing for sides with no points or non-finite summaries, and still draws a readable empty axis', () => {
    const empty = svgDistributionChart({
      ...latency,
      canary: [side(NaN, NaN, NaN, NaN, NaN), null],
      baseline: [side(0, 0, 0, 0, 0, 0), null],
      failed: [],
    });
    expect(empty).not.toContain('<g class="box');
    expect(empty.match(/class="no-data"/g)).toHaveLength(4);
    expect(empty).not.toContain('NaN');
  });

  it('escapes the metric name', () => {
    expect(svgDistributionChart({ ...latency, metric: 'a<b>&"c' })).not.toContain('a<b>');
  });
});

describe('svgDistributionChart quartile boxes', () => {
  const withQuartiles: MetricDistributions = {
    ...latency,
    baseline: [{ ...side(0.09, 0.119, 0.12, 0.135, 0.137), q1: 0.1, q3: 0.13 }, null],
    canary: [{ ...side(0.17, 0.22, 0.222, 0.27, 0.28), q1: 0.2, q3: 0.25 }, side(0.08, 0.11, 0.112, 0.16, 0.163)],
  };
  const svg = svgDistributionChart(withQuartiles);
  const scale = niceScale([0.09, 0.137, 0.17, 0.28, 0.08, 0.163]);
  const y = (v: number): number => TOP + (H - TOP - BOTTOM) * (1 - (v - scale.lo) / (scale.hi - scale.lo));

  it('draws a box from the first to the third quartile where the judgment kept them', () => {
    const canary = boxOf(svg, 'canary', 0).group;
    const rect = /<rect class="quartiles"[^>]*>/.exec(canary)![0];
    expect(attr(rect, 'y')).toBeCloseTo(y(0.25), 0);
    expect(attr(rect, 'y') + attr(rect, 'height')).toBeCloseTo(y(0.2), 0);
    expect(canary).toContain('quartiles 0.2 s to 0.25 s');
  });

  it('draws no box, and says so, for a judgment recorded without quartiles', () => {
    const older = boxOf(svg, 'canary', 1).group;
    expect(older).not.toContain('class="quartiles"');
    expect(older).toContain('no quartiles were recorded for this judgment');
  });
});
