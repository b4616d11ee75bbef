/**
 * Bounded-concurrent against one-at-a-time, on a real Prometheus.
 *
 *   npx tsx bench/metrics.bench.ts [queries=1500] [concurrency=8] [rounds=3] [rttMs=20]
 *
 * Backfills a history of many services, starts the server, asks the same N
 * distinct range queries (a canary judgement's worth) through
 * RunScopedProvider with concurrency 1 and with the given concurrency, in
 * alternating rounds, and prints the median times and their ratio. A last
 * pass asks every query twice to show what the per-run cache saves. A
 * second table adds a network round trip before each request, as a runner
 * querying a remote Prometheus sees; on a busy machine with the server on
 * the same two cores, that is where bounded concurrency pays.
 */
import { performance } from 'node:perf_hooks';
import { RunScopedProvider } from '../src/metrics/concurrency.js';
import { PrometheusProvider } from '../src/metrics/prometheus.js';
import { realSleep } from '../src/runtime/clock.js';
import {
  prometheusAvailability,
  seededRandom,
  startPrometheus,
  toOpenMetrics,
  type HistorySeries,
} from '../test/helpers/prometheus.js';

const [nArg, cArg, rArg, rttArg] = process.argv.slice(2);
const N = Number(nArg ?? 1500);
const CONCURRENCY = Number(cArg ?? 8);
const ROUNDS = Number(rArg ?? 3);
const RTT_MS = Number(rttArg ?? 20);

const availability = prometheusAvailability();
if (!availability.ok) {
  console.error(`${availability.reason}: cannot run the metrics benchmark`);
  process.exit(2);
}

// 50 services, canary and baseline, six hours at one sample a minute.
const SERVICES = 50;
const SAMPLES = 360;
const end = Math.floor(Date.now() / 60_000) * 60 - 300;
const start = end - (SAMPLES - 1) * 60;
const rnd = seededRandom(7);
const series: HistorySeries[] = [];
for (let s = 0; s < SERVICES; s++) {
  for (const role of ['baseline', 'canary']) {
    series.push({
      name: 'bench_latency_seconds',
      type: 'gauge',
      labels: { service: `svc-${s}`, role },
      samples: Array.from({ length: SAMPLES }, (_, i) => [start + i * 60, 0.1 + rnd() * 0.05] as const),
    });
  }
}

const server = await startPrometheus(toOpenMetrics(series));
try {
  const prom = new PrometheusProvider({ url: server.url }, { fetch: globalThis.fetch, sleep: realSleep });
  // Distinct queries, as a judgement asks: metric × scope × quantile window.
  const queries = Array.from({ length: N }, (_, i) => {
    const svc = i % SERVICES;
    const role = Math.floor(i / SERVICES) % 2 ? 'canary' : 'baseline';
    const window = 1 + Math.floor(i / (SERVICES * 2));
    return `avg_over_time(bench_latency_seconds{service="svc-${svc}",role="${role}"}[${window}m])`;
  });
  const remote = new PrometheusProvider(
    { url: server.url },
    {
      fetch: async (input, init) => {
        await realSleep(RTT_MS);
        return fetch(input, init);
      },
      sleep: realSleep,
    },
  );
  const ask = async (
    concurrency: number,
    list: readonly string[],
    via = prom,
  ): Promise<{ ms: number; failed: number; sent: number }> => {
    const p = new RunScopedProvider(via, { concurrency });
    const t0 = performance.now();
    const results = await Promise.all(
      list.map((query) =>
        p.queryRange({ query, start: new Date(start * 1000), end: new Date(end * 1000), stepSeconds: 60 }),
      ),
    );
    return { ms: performance.now() - t0, failed: results.filter((r) => !r.ok).length, sent: p.stats().sent };
  };

  await ask(CONCURRENCY, queries.slice(0, 50)); // warm the server's caches
  const one: number[] = [];
  const many: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = r % 2 === 0 ? await ask(1, queries) : undefined;
    const b = await ask(CONCURRENCY, queries);
    if (b.sent !== new Set(queries).size) throw new Error('the benchmark queries are meant to be distinct');
    const c = a ?? (await ask(1, queries));
    if (b.failed || c.failed) throw new Error(`${b.failed + c.failed} queries failed`);
    one.push(c.ms);
    many.push(b.ms);
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;
  const seq = median(one);
  const par = median(many);
  const cached = await ask(CONCURRENCY, [...queries, ...queries]);

  console.log(
    `metrics bench: ${N} range queries (${SAMPLES} points each) on Prometheus at ${server.url}, ${ROUNDS} rounds, medians`,
  );
  console.log(`  one at a time:      ${seq.toFixed(0)} ms (${((N / seq) * 1000).toFixed(0)} queries/s)`);
  console.log(
    `  concurrency ${String(CONCURRENCY).padEnd(6)} ${par.toFixed(0)} ms (${((N / par) * 1000).toFixed(0)} queries/s)`,
  );
  console.log(`  ratio (one at a time / concurrent): ${(seq / par).toFixed(2)}x`);
  console.log(
    `  each query asked twice with the cache: ${cached.sent} sent for ${2 * N} asked, ${cached.ms.toFixed(0)} ms`,
  );

  const few = queries.slice(0, Math.min(N, 300));
  const remoteOne = await ask(1, few, remote);
  const remoteMany = await ask(CONCURRENCY, few, remote);
  if (remoteOne.failed || remoteMany.failed) throw new Error('queries failed');
  console.log(`with ${RTT_MS} ms of network round trip before each request, ${few.length} queries, one round:`);
  console.log(`  one at a time:      ${remoteOne.ms.toFixed(0)} ms`);
  console.log(`  concurrency ${String(CONCURRENCY).padEnd(6)} ${remoteMany.ms.toFixed(0)} ms`);
  console.log(`  ratio (one at a time / concurrent): ${(remoteOne.ms / remoteMany.ms).toFixed(2)}x`);
} finally {
  await server.stop();
}
