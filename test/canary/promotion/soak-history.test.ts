/**
 * A scheduled run judges once, yet its job summary draws canary against
 * baseline over the whole soak: the release manifest keeps each judgment's
 * metric values (bounded), and the charts are drawn from them. Manifests
 * written before values were kept still read, and the summary says why it
 * draws nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCanary } from '../../../src/canary/promotion/run.js';
import type { CanaryRunInputs } from '../../../src/canary/promotion/run.js';
import type { Deps } from '../../../src/deps/deps.js';
import { InMemoryGitHub } from '../../../src/github/fake.js';
import { GitHubContentStore } from '../../../src/gitops/content-store.js';
import { CommandGit } from '../../../src/gitops/git.js';
import { parseManifest } from '../../../src/gitops/manifest.js';
import { KEEP_JUDGMENT_VALUES } from '../../../src/gitops/promotion-state.js';
import type { MetricsProvider, MetricsProviders, QueryResult } from '../../../src/metrics/provider.js';
import { ManualClock } from '../../../src/runtime/clock.js';
import { RecordingLogger } from '../../../src/runtime/logger.js';
import { parseMarkdown } from '../../helpers/markdown.js';
import { MANIFEST_TEXT, T0 } from './fixtures.js';
import { nodeFiles } from '../../../src/runtime/files.js';

const POLICY = `kind: canary
services: ["checkout"]
stages:
  - { weight: 5, soakTime: 80m }
  - { weight: 100, soakTime: 10m }
analysis:
  interval: 5m
  lookback: 5m
  judge:
    metrics:
      - name: latency-p99
        query: 'latency_p99{service="{{service}}",version="{{version}}"}'
        unit: ms
        direction: increase
      - name: errors
        query: 'errors{service="{{service}}",version="{{version}}"}'
        direction: increase
`;

const PATH = 'deploy/checkout/production/us-east-1.yaml';

/** Baseline latency flat; the canary's rises 0.25% per judgment, so the lines part over the soak (within what passes). */
function metrics(): MetricsProviders {
  const provider: MetricsProvider = {
    type: 'test',
    async queryRange(q): Promise<QueryResult> {
      const canary = q.query.includes('1.42.0');
      const latency = q.query.includes('latency');
      const minute = (q.end.getTime() - T0.getTime()) / 60_000;
      const level = latency ? 120 * (canary ? 1 + minute / 2000 : 1) : 3;
      const t0 = Math.floor(q.start.getTime() / 1000);
      const points = Array.from({ length: 30 }, (_, i) => ({ t: t0 + i * 10, v: level * (0.9 + (i % 5) / 50) }));
      return { ok: true, query: q.query, warnings: [], series: [{ labels: {}, points }] };
    },
    async queryInstant(q) {
      return { ok: false, query: q.query, reason: 'unused' };
    },
  };
  return { get: () => provider, names: () => ['prometheus'] };
}

function setup() {
  const clock = new ManualClock(T0);
  const github = new InMemoryGitHub({ owner: 'acme', repo: 'shop' }, clock);
  github.seedBranch('main', { [PATH]: MANIFEST_TEXT });
  const store = new GitHubContentStore(github, 'main');
  const dir = mkdtempSync(join(tmpdir(), 'bw-soak-'));
  writeFileSync(join(dir, 'canary.yml'), POLICY);
  const deps: Deps = {
    clock,
    sleep: clock.sleep,
    logger: new RecordingLogger(),
    files: nodeFiles,
    github,
    metrics: metrics(),
    git: new CommandGit(dir),
  };
  const run = (command: CanaryRunInputs['command'], extra: Partial<CanaryRunInputs> = {}) =>
    runCanary(
      {
        service: 'checkout',
        environment: 'production',
        region: 'us-east-1',
        command,
        actor: 'alice',
        manifests: 'deploy',
        policy: dir,
        waitWithinMs: 0,
        ...extra,
      },
      deps,
      store,
    );
  /** One scheduled tick five minutes on: a run that judges once. */
  const tick = async () => {
    clock.advance(5 * 60_000);
    return run('tick');
  };
  return { store, run, tick };
}

/** The numbers of each `line [...]` of the Mermaid charts, in order. */
const lines = (md: string): number[][] =>
  [...md.matchAll(/^ {2}line \[(.*)\]$/gm)].map((m) => m[1]!.split(', ').map(Number));

describe('the job summary of a scheduled run draws the soak from the release manifest', () => {
  it('each run judges once; the fourth draws four judgments per metric, in the declared unit', async () => {
    const s = setup();
    await s.run('start', { version: '1.42.0' });
    let last = await s.tick();
    for (let i = 0; i < 3; i++) last = await s.tick();
    expect(last.results.filter((r) => r.judgment).length).toBe(1);
    const md = last.markdown;
    expect(md).toContain('### Canary against baseline over the soak');
    expect(md).toContain('Means per judgment, from 4 judgments of 1.42.0.');
    const parsed = parseMarkdown(md);
    expect(parsed.problems).toEqual([]);
    const soak = md.slice(md.indexOf('### Canary against baseline over the soak'));
    expect(parseMarkdown(soak).fences).toEqual(['mermaid', 'mermaid']);
    expect(md).toContain('x-axis "judgment (UTC, canary weight)" ["10:05 5%", "10:10 5%", "10:15 5%", "10:20 5%"]');
    expect(md).toContain('y-axis "latency-p99, mean per judgment (ms)"');
    // latency: baseline then canary, four judgments each; the canary rises above a flat baseline
    const [baseline, canary] = lines(soak);
    expect(baseline).toHaveLength(4);
    expect(new Set(baseline).size).toBe(1);
    expect(canary).toHaveLength(4);
    expect([...canary!].sort((a, b) => a - b)).toEqual(canary);
    expect(canary![3]).toBeGreaterThan(canary![0]!);
    // kept compactly: one line per metric and judgment
    const text = (await s.store.read(PATH))!.text;
    expect(text).toMatch(/^ {8}latency-p99: \{ canary: 11\d(\.\d+)?, baseline: 112\.8 \}$/m);
  });

  it('keeps values on the newest judgments only, and says how many it left out', async () => {
    const s = setup();
    await s.run('start', { version: '1.42.0' });
    let last = await s.tick();
    for (let i = 0; i < KEEP_JUDGMENT_VALUES + 1; i++) last = await s.tick();
    const manifest = parseManifest((await s.store.read(PATH))!.text, PATH);
    const judgments = manifest.promotion!.judgments;
    expect(judgments).toHaveLength(KEEP_JUDGMENT_VALUES + 2);
    expect(judgments.map((j) => j.metrics !== undefined)).toEqual([
      false,
      false,
      ...Array<boolean>(KEEP_JUDGMENT_VALUES).fill(true),
    ]);
    expect(last.markdown).toContain(
      `from ${KEEP_JUDGMENT_VALUES} judgments of 1.42.0. The release manifest keeps every judgment of the current stage and the last of each earlier one, and the values of the newest ${KEEP_JUDGMENT_VALUES} of them, for at most 16 metrics each; 2 judgment(s) kept without values are left out.`,
    );
    const soak = last.markdown.slice(last.markdown.indexOf('### Canary against baseline over the soak'));
    expect(lines(soak)[0]).toHaveLength(KEEP_JUDGMENT_VALUES);
  });

  it('a manifest written before values were kept still reads, and the summary says why it draws no line', async () => {
    const s = setup();
    await s.run('start', { version: '1.42.0' });
    for (let i = 0; i < 3; i++) await s.tick();
    const stored = (await s.store.read(PATH))!;
    const old = stored.text
      .split('\n')
      .filter((l) => !/^ {6}metrics:$|^ {8}\S+: \{ canary/.test(l))
      .join('\n');
    expect(old).not.toContain('canary: 1');
    await s.store.write(PATH, old, stored.sha, 'a manifest of an earlier Bellwether');
    expect(parseManifest(old, PATH).promotion!.judgments).toHaveLength(3);
    const next = await s.tick();
    expect(next.markdown).toContain(
      "Not drawn: 3 of the 4 judgments the release manifest keeps were recorded without their metrics' values (before Bellwether kept them), and a line needs two.",
    );
    expect(next.markdown).not.toContain('Means per judgment');
    // the next judgment has values again, and two make a line
    const after = await s.tick();
    expect(after.markdown).toContain('from 2 judgments of 1.42.0');
    expect(after.markdown).toContain('3 judgment(s) kept without values are left out');
  });
});
