import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordingIo } from '../../src/cli/io.js';
import { runCli } from '../../src/cli/program.js';
import { dumpDom, findChromium, NO_CHROMIUM, screenshot } from '../helpers/chromium.js';

/** Screenshots are kept here, for people to look at after a run (gitignored). */
const OUTPUT = resolve(new URL('../..', import.meta.url).pathname, 'test-output', 'report');

// Measured inside the page after layout, then written into the DOM for --dump-dom to carry out.
const MEASURE = `<script>
const page = document.documentElement;
const r = { viewport: innerWidth, scrollWidth: page.scrollWidth, headline: document.querySelector('ul.summary')?.textContent ?? '' };
r.charts = [...document.querySelectorAll('svg')].map((svg) => {
  const box = svg.getBoundingClientRect();
  const inside = (b) => b.left >= box.left - 1 && b.right <= box.right + 1 && b.top >= box.top - 1 && b.bottom <= box.bottom + 1;
  return {
    kind: svg.getAttribute('class') ?? 'line',
    width: box.width,
    boxes: [...svg.querySelectorAll('g.box')].map((g) => ({ side: g.classList.contains('canary') ? 'canary' : 'baseline', height: g.getBoundingClientRect().height, inside: inside(g.getBoundingClientRect()) })),
    titles: [...svg.querySelectorAll('.axis-title')].map((t) => ({ text: t.textContent, visible: t.getBoundingClientRect().width > 0, inside: inside(t.getBoundingClientRect()) })),
    legend: [...svg.querySelectorAll('g text')].map((t) => ({ text: t.textContent, height: t.getBoundingClientRect().height })),
    outside: [...svg.querySelectorAll('text')].filter((t) => !inside(t.getBoundingClientRect())).map((t) => t.textContent),
    smallestText: Math.min(...[...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height)),
  };
});
const out = document.createElement('pre');
out.id = 'measured';
out.textContent = JSON.stringify(r);
document.body.appendChild(out);
</script>`;

interface Measured {
  viewport: number;
  scrollWidth: number;
  headline: string;
  charts: Array<{
    kind: string;
    width: number;
    boxes: Array<{ side: string; height: number; inside: boolean }>;
    titles: Array<{ text: string; visible: boolean; inside: boolean }>;
    legend: Array<{ text: string; height: number }>;
    outside: string[];
    smallestText: number;
  }>;
}

function measuredOf(dom: string): Measured {
  const m = /<pre id="measured">([\s\S]*?)<\/pre>/.exec(dom);
  if (!m) throw new Error(`the page was not measured; the browser gave:\n${dom.slice(0, 2000)}`);
  return JSON.parse(m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')) as Measured;
}

const chromium = findChromium();
// In CI a missing browser is a failure that says what to install; on a workstation without one the test says it is skipped.
const run = chromium !== null || process.env.CI ? describe : describe.skip;

run('the example report in a real browser (headless Chromium)', () => {
  let html = '';
  let probe = '';

  beforeAll(async () => {
    if (!chromium) throw new Error(NO_CHROMIUM);
    const out = mkdtempSync(join(tmpdir(), 'bw-browser-'));
    const code = await runCli(['example', 'examples/checkout', '--out', out, '--format', 'json'], recordingIo());
    expect(code).toBe(0);
    html = join(out, 'report.html');
    probe = join(out, 'report-measured.html');
    writeFileSync(probe, readFileSync(html, 'utf8').replace('</body>', `${MEASURE}</body>`));
  });

  it('on a desktop window: the headline names what stopped 1.43.0, every chart has titled axes inside it and text of 13 px or more', async () => {
    const m = measuredOf(await dumpDom(chromium!, probe, 1280, 900));
    expect(m.viewport).toBe(1280);
    expect(m.scrollWidth).toBeLessThanOrEqual(m.viewport);
    expect(m.headline).toContain(
      '1.43.0 rolled back: Failed at 1%: health gate p99-under-200ms reached 0.2792 s, above its max of 0.2 s; latency-p99 High — canary 0.222 s against baseline 0.119 s',
    );
    expect(m.charts).toHaveLength(8);
    const lines = m.charts.filter((c) => c.kind === 'line');
    const distributions = m.charts.filter((c) => c.kind === 'distribution');
    expect(lines).toHaveLength(4);
    expect(distributions).toHaveLength(4);
    for (const chart of lines) {
      expect(chart.titles.map((t) => t.text)).toEqual([
        expect.stringMatching(/^(latency-p99|server-errors), mean per judgment \((s|\/s)\)$/),
        'judgment (UTC time, canary weight)',
      ]);
      expect(chart.titles.every((t) => t.visible && t.inside)).toBe(true);
      expect(chart.legend.map((l) => l.text)).toEqual(['baseline', 'canary']);
      expect(chart.smallestText).toBeGreaterThanOrEqual(13);
      // no label is cut off at the chart's edge
      expect(chart.outside).toEqual([]);
    }
    // per metric and judgment, canary against baseline: 1.43.0 stopped after one judgment, 1.42.0 soaked through eight
    expect(distributions.map((c) => c.boxes.length).sort((a, b) => a - b)).toEqual([2, 2, 16, 16]);
    for (const chart of distributions) {
      expect(chart.titles.map((t) => t.text)).toEqual([
        expect.stringMatching(/^(latency-p99|server-errors), distribution per judgment \((s|\/s)\)$/),
        'judgment (UTC time, canary weight)',
      ]);
      expect(chart.titles.every((t) => t.visible && t.inside)).toBe(true);
      expect(chart.legend.map((l) => l.text)).toEqual(['baseline (left)', 'canary (right)']);
      expect(chart.legend.every((l) => l.height >= 13)).toBe(true);
      expect(chart.smallestText).toBeGreaterThanOrEqual(13);
      expect(chart.outside).toEqual([]);
      // every box is drawn (it has height) and lies inside its chart
      expect(chart.boxes.every((b) => b.height > 0 && b.inside)).toBe(true);
      expect(chart.boxes.filter((b) => b.side === 'canary')).toHaveLength(chart.boxes.length / 2);
    }
    mkdirSync(OUTPUT, { recursive: true });
    const png = join(OUTPUT, 'example-desktop.png');
    await screenshot(chromium!, html, png, 1280, 2400);
    expect(statSync(png).size).toBeGreaterThan(10_000);
  });

  it('on a narrow window (500 px, the narrowest headless Chromium lays out): nothing overflows the page sideways', async () => {
    const m = measuredOf(await dumpDom(chromium!, probe, 500, 844));
    expect(m.viewport).toBe(500);
    expect(m.scrollWidth).toBeLessThanOrEqual(m.viewport);
    expect(m.charts.every((c) => c.width <= m.viewport)).toBe(true);
    // the distribution charts scale down with the page: their boxes and labels stay inside them
    for (const chart of m.charts.filter((c) => c.kind === 'distribution')) {
      expect(chart.boxes.every((b) => b.inside)).toBe(true);
      expect(chart.outside).toEqual([]);
    }
    await screenshot(chromium!, html, join(OUTPUT, 'example-narrow.png'), 500, 2400);
  });
});
