/**
 * Writes the recorded metrics of the shipped example
 * (examples/checkout/recordings/metrics.json): what a Prometheus would have
 * answered for the canary policy's queries in the pilot region during the
 * two releases. Deterministic: the same file every run.
 *
 *   npx tsx scripts/make-example.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { serializeRecording } from '../src/metrics/recording.js';
import type { RecordedAnswer } from '../src/metrics/recording.js';
import { renderQuery } from '../src/metrics/template.js';
import { seededRandom, seedOf } from '../src/runtime/random.js';

const dir = new URL('../examples/checkout/', import.meta.url).pathname;
const policy = parse(readFileSync(join(dir, 'policies/canary.yml'), 'utf8')) as {
  analysis: { judge: { metrics: Array<{ name: string; query: string }> } };
};
const STEP = 30;
const windows = [
  ['2026-11-23T13:00:00Z', '2026-11-23T20:00:00Z'],
  ['2026-11-24T13:00:00Z', '2026-11-24T20:00:00Z'],
] as const;
const versions = ['1.41.0', '1.42.0', '1.43.0'];

/** A seeded generator per query, so the recording never changes between runs. */
const rng = (text: string) => seededRandom(seedOf(text));

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

function poisson(r: () => number, mean: number): number {
  let k = 0;
  for (let p = Math.exp(-mean), s = r(); s > p; s *= r()) k++;
  return k;
}

/** 1.43.0 carries the regression: p99 latency twice the others'. */
function value(metric: string, version: string, r: () => number): number {
  if (metric === 'latency-p99') {
    const median = version === '1.43.0' ? 0.24 : 0.12;
    return Number((median * Math.exp(0.15 * normal(r))).toFixed(4));
  }
  return poisson(r, 3) / 10;
}

const entries: RecordedAnswer[] = [];
for (const m of policy.analysis.judge.metrics) {
  for (const version of versions) {
    const query = renderQuery(m.query, {
      service: 'checkout',
      environment: 'production',
      region: 'us-east-1',
      version,
    });
    for (const [from, to] of windows) {
      const r = rng(`${query}@${from}`);
      const start = Date.parse(from) / 1000;
      const end = Date.parse(to) / 1000;
      const points = [];
      for (let t = start; t <= end; t += STEP) points.push({ t, v: value(m.name, version, r) });
      entries.push({
        query,
        start: new Date(start * 1000),
        end: new Date(end * 1000),
        stepSeconds: STEP,
        result: {
          ok: true,
          query,
          warnings: [],
          series: [{ labels: { service: 'checkout', region: 'us-east-1', version }, points }],
        },
      });
    }
  }
}
const out = join(dir, 'recordings/metrics.json');
writeFileSync(
  out,
  serializeRecording({
    recordedAt: new Date('2026-11-25T00:00:00Z'),
    source: { name: 'recorded', type: 'prometheus' },
    entries,
  }),
);
console.log(`wrote ${out}: ${entries.length} answers`);
