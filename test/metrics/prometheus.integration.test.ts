/**
 * Against a real Prometheus: history is backfilled with promtool, the server
 * started once for this file on 127.0.0.1, and every provider path is
 * exercised over HTTP. Where `prometheus` is missing the suite says so in one
 * line and skips; with CI=true that is a failure instead.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchCanarySamples, type MetricSamples } from '../../src/metrics/canary-samples.js';
import { metricsQueryCommand } from '../../src/cli/metrics-command.js';
import { RunScopedProvider } from '../../src/metrics/concurrency.js';
import { PrometheusProvider } from '../../src/metrics/prometheus.js';
import { parseRecording, serializeRecording } from '../../src/metrics/recording.js';
import { recordQueries, ReplayProvider } from '../../src/metrics/replay.js';
import { RecordingLogger } from '../../src/runtime/logger.js';
import {
  freePort,
  prometheusAvailability,
  prometheusRequired,
  standardHistory,
  startPrometheus,
  toOpenMetrics,
  type PrometheusServer,
  type StandardHistory,
} from '../helpers/prometheus.js';

const availability = prometheusAvailability();
const required = prometheusRequired();
if (!availability.ok && !required) console.warn(`${availability.reason}: skipping the real-Prometheus tests`);

const noWait = { fetch: globalThis.fetch, sleep: async () => {} };
const at = (s: number) => new Date(s * 1000);

if (!availability.ok && required) {
  // A failing test, not a failing hook, so that every report counts it.
  describe('Prometheus provider against a real server', () => {
    it('has a real Prometheus to run against (CI=true)', () => {
      throw new Error(`${availability.reason}, and with CI=true the real-Prometheus tests must run`);
    });
  });
}

describe.skipIf(!availability.ok)('Prometheus provider against a real server', () => {
  let server: PrometheusServer;
  let h: StandardHistory;
  let prom: PrometheusProvider;

  beforeAll(async () => {
    h = standardHistory(new Date());
    // Small enough that "too many samples" is reachable, large enough for every other query here.
    server = await startPrometheus(toOpenMetrics(h.series), { maxSamples: 20_000 });
    prom = new PrometheusProvider({ url: server.url, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } }, noWait);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const latency = { name: 'latency', query: 'app_latency_seconds{service="{{service}}",role="{{role}}"}' };
  const scopes = { canary: { service: 'checkout' }, baseline: { service: 'checkout' } };

  it('gives the canary and baseline samples that were written, for the judge', async () => {
    const start = h.start;
    const end = h.start + 59 * h.interval; // before the canary's gap
    const r = await fetchCanarySamples(
      { metrics: [latency], ...scopes, start: at(start), end: at(end), stepSeconds: h.interval },
      prom,
    );
    const inWindow = (xs: readonly (readonly [number, number])[]) =>
      xs.filter(([t]) => t >= start && t <= end).map(([, v]) => v);
    const m = r.latency as MetricSamples;
    expect(m.canary).toEqual(inWindow(h.latency.canary));
    expect(m.baseline).toEqual(inWindow(h.latency.baseline));
    expect(m.canary).toHaveLength(60);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(m.canary) - mean(m.baseline)).toBeCloseTo(0.05, 2);
  });

  it('counts good and total requests exactly across a counter reset', async () => {
    const window = `${h.end - h.start}s`;
    const query = (role: string, code: string) =>
      `sum(increase(app_requests_total{role="${role}",code=~"${code}"}[${window}]))`;
    for (const role of ['canary', 'baseline'] as const) {
      const good = await prom.queryInstant({ query: query(role, '2..'), time: at(h.end) });
      const total = await prom.queryInstant({ query: query(role, '.*'), time: at(h.end) });
      expect(good.ok && good.series[0]?.points[0]?.v).toBe(h.requests[role].good);
      expect(total.ok && total.series[0]?.points[0]?.v).toBe(h.requests[role].total);
    }
    const resets = await prom.queryInstant({
      query: `sum by (role) (resets(app_requests_total[${window}]))`,
      time: at(h.end),
    });
    expect(resets.ok && Object.fromEntries(resets.series.map((s) => [s.labels.role, s.points[0]?.v]))).toEqual({
      canary: 2,
      baseline: 0,
    });
  });

  it('holds a metric whose canary has a gap over the whole window', async () => {
    const start = h.gap.from + 6 * h.interval; // past the 5-minute lookback
    const end = h.gap.to - h.interval;
    const r = await fetchCanarySamples(
      { metrics: [latency], ...scopes, start: at(start), end: at(end), stepSeconds: h.interval },
      prom,
    );
    expect(r.latency).toEqual({
      noData: 'canary: the query returned no series (query: app_latency_seconds{service="checkout",role="canary"})',
      queries: {
        canary: 'app_latency_seconds{service="checkout",role="canary"}',
        baseline: 'app_latency_seconds{service="checkout",role="baseline"}',
      },
    });
  });

  it('holds a metric whose canary and baseline series carry different labels', async () => {
    const metric = { name: 'errors', query: 'sum by (code) (app_errors_by_code{role="{{role}}"})' };
    const r = await fetchCanarySamples(
      { metrics: [metric], ...scopes, start: at(h.start), end: at(h.start + 600), stepSeconds: 60 },
      prom,
    );
    expect('noData' in (r.errors ?? {}) && (r.errors as { noData: string }).noData).toMatch(
      /^the canary's and the baseline's series do not match: canary has \{code="500"\}, baseline has \{code="503"\}/,
    );
  });

  it('reads NaN, +Inf and -Inf', async () => {
    const r = await prom.queryInstant({ query: 'app_special', time: at(h.end) });
    expect(r.ok && Object.fromEntries(r.series.map((s) => [s.labels.kind, s.points[0]?.v]))).toEqual({
      nan: NaN,
      pinf: Infinity,
      ninf: -Infinity,
    });
  });

  it('widens a step the server would refuse for its 11,000-point limit', async () => {
    const q = 'app_latency_seconds{role="baseline"}';
    const refused = await fetch(
      `${server.url}/api/v1/query_range?${new URLSearchParams({ query: q, start: String(h.start), end: String(h.end), step: '0.5' })}`,
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/exceeded maximum resolution of 11,000 points per timeseries/);

    const r = await prom.queryRange({ query: q, start: at(h.start), end: at(h.end), stepSeconds: 0.5 });
    expect(r.ok).toBe(true);
    const points = r.ok ? (r.series[0]?.points.length ?? 0) : 0;
    expect(points).toBeGreaterThan(10_000);
    expect(points).toBeLessThanOrEqual(11_001);
  });

  it.each([
    [
      'an invalid query',
      'sum(rate(app_requests_total[5m]',
      /^the server rejected the query as invalid \(HTTP 400, bad_data\): 1:32: parse error: unclosed left parenthesis/,
    ],
    [
      'a query that loads too many samples',
      '{__name__=~"app_.+"}',
      /^the query would load too many samples \(HTTP 422\); narrow the window, widen the step or aggregate first/,
    ],
  ])('explains %s', async (_name, query, reason) => {
    const r = await prom.queryRange({ query, start: at(h.start), end: at(h.end), stepSeconds: 1 });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(reason);
    expect(!r.ok && r.reason).toContain(`(query: ${query})`);
  });

  it('explains a series with nothing in the window', async () => {
    const r = await prom.queryRange({
      query: 'app_latency_seconds',
      start: at(h.end + 3600),
      end: at(h.end + 7200),
      stepSeconds: 60,
    });
    expect(r).toEqual({
      ok: false,
      query: 'app_latency_seconds',
      reason: 'the query returned no series (query: app_latency_seconds)',
    });
  });

  it('replays a recording of the server with the same samples for the judge', async () => {
    const start = at(h.start);
    const end = at(h.start + 59 * h.interval);
    const request = { metrics: [latency], ...scopes, start, end, stepSeconds: h.interval };
    const live = await fetchCanarySamples(request, prom);
    const rec = await recordQueries(prom, {
      queries: Object.values((live.latency as MetricSamples).queries),
      start: at(h.start),
      end: at(h.end),
      stepSeconds: h.interval,
      source: { name: 'test', type: 'prometheus' },
      recordedAt: new Date(),
    });
    const replay = new ReplayProvider(parseRecording(serializeRecording(rec), 'rec.json'), 'rec.json');
    expect(await fetchCanarySamples(request, replay)).toEqual(live);
  });

  it('answers many queries through the run-scoped wrapper, sending each distinct one once', async () => {
    const scoped = new RunScopedProvider(prom, { concurrency: 4 });
    const queries = Array.from(
      { length: 40 },
      (_, i) => `app_latency_seconds{role="${i % 2 ? 'canary' : 'baseline'}"} * ${i % 20}`,
    );
    const results = await Promise.all(
      queries.map((query) =>
        scoped.queryRange({ query, start: at(h.start), end: at(h.start + 3600), stepSeconds: 60 }),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    expect(scoped.stats()).toEqual({ sent: 20, cacheHits: 20 });
  });

  it('serves the metrics query verb from a configuration file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bellwether-cfg-'));
    const config = path.join(dir, 'bellwether.metrics.yml');
    writeFileSync(
      config,
      `providers:\n  local:\n    type: prometheus\n    url: ${server.url}\n    auth:\n      type: bearer\n      tokenEnv: PROM_TOKEN\n`,
    );
    const out = await metricsQueryCommand(
      { config, query: 'app_special{kind="{{role}}"}', vars: { role: 'canary' }, time: String(h.end), format: 'json' },
      { env: { PROM_TOKEN: 'ignored-by-prometheus' }, logger: new RecordingLogger() },
    );
    expect(out.exitCode).toBe(1);
    expect(JSON.parse(out.stdout)).toMatchObject({
      ok: false,
      reason: 'the query returned no series (query: app_special{kind="canary"})',
    });
    const nan = await metricsQueryCommand(
      { config, query: 'app_special{kind="nan"}', time: String(h.end), format: 'text' },
      { env: { PROM_TOKEN: 't' }, logger: new RecordingLogger() },
    );
    expect(nan).toEqual({
      exitCode: 0,
      stdout: `1 series from local for app_special{kind="nan"}\n  {__name__="app_special", kind="nan"} NaN @ ${at(h.end).toISOString()}`,
    });
  });

  it('passes a sub-second timeout the server accepts', async () => {
    const quick = new PrometheusProvider(
      { url: server.url, timeoutSeconds: 2.5, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
      noWait,
    );
    expect((await quick.queryInstant({ query: 'app_special', time: at(h.end) })).ok).toBe(true);
  });

  it('reports a server that refuses connections, after its retries', async () => {
    const port = await freePort();
    const closed = new PrometheusProvider(
      { url: `http://127.0.0.1:${port}`, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } },
      noWait,
    );
    const r = await closed.queryInstant({ query: 'up', time: new Date() });
    expect(!r.ok && r.reason).toBe(
      `request failed: fetch failed: connect ECONNREFUSED 127.0.0.1:${port} after 2 attempts from http://127.0.0.1:${port} (query: up)`,
    );
  });
});
