/**
 * One SLO definition drives both alerting and the deploy gate: the rules
 * `bellwether budget rules` writes are loaded into a real Prometheus over a
 * backfilled history that ends now, and the alerts the server fires are the
 * ones `bellwether budget` finds firing on the same history.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateSlo } from '../../src/freeze/evaluate.js';
import { defaultFreezeGatePolicy } from '../../src/policy/schemas/freeze-gate.js';
import { loadSlos } from '../../src/freeze/openslo.js';
import type { SloDefinition } from '../../src/freeze/openslo.js';
import { generateRules, rulesYaml } from '../../src/freeze/rules.js';
import { PrometheusProvider } from '../../src/metrics/prometheus.js';
import {
  prometheusAvailability,
  prometheusRequired,
  startPrometheus,
  toOpenMetrics,
  type HistorySeries,
  type PrometheusServer,
} from '../helpers/prometheus.js';
import { nodeFiles } from '../../src/runtime/files.js';

const availability = prometheusAvailability();
if (!availability.ok && !prometheusRequired())
  console.warn(`${availability.reason}: skipping the generated-rules tests against a real Prometheus`);

const MIN = 60;
const HOUR = 3600;
const DAY = 86400;
/** The history ends at the last whole minute: the server evaluates its rules now. */
const END = Math.floor(Date.now() / 60_000) * 60;

/** Requests and errors per minute: checkout has a 30-minute incident at 10% errors going on now; search is healthy. */
function perMinute(job: 'checkout' | 'search', t: number): { ok: number; err: number } {
  if (job === 'checkout') return t > END - 30 * MIN ? { ok: 900, err: 100 } : { ok: 1000, err: 0 };
  return { ok: 1999, err: 1 };
}

/** Counters every 5 minutes for the older history, every minute for the last day; 3 days and 2 hours in all. */
function history(): HistorySeries[] {
  const start = END - 3 * DAY - 2 * HOUR;
  const times: number[] = [];
  for (let t = start; t < END - DAY; t += 5 * MIN) times.push(t);
  for (let t = END - DAY; t <= END; t += MIN) times.push(t);
  const series: HistorySeries[] = [];
  for (const job of ['checkout', 'search'] as const) {
    const ok: [number, number][] = [];
    const err: [number, number][] = [];
    let [okCount, errCount, prev] = [0, 0, start];
    for (const t of times) {
      for (let m = prev + MIN; m <= t; m += MIN) {
        okCount += perMinute(job, m).ok;
        errCount += perMinute(job, m).err;
      }
      prev = t;
      ok.push([t, okCount]);
      err.push([t, errCount]);
    }
    series.push({ name: 'http_requests', type: 'counter', labels: { job, code: '200' }, samples: ok });
    series.push({ name: 'http_requests', type: 'counter', labels: { job, code: '500' }, samples: err });
  }
  return series;
}

/** Our own SLO files: a Sloth spec for checkout, an OpenSLO list with plain counter queries for search. */
function sloFiles(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bellwether-rules-slos-'));
  writeFileSync(
    path.join(dir, 'checkout.yaml'),
    [
      'version: "prometheus/v1"',
      'service: checkout',
      'slos:',
      '  - name: availability',
      '    objective: 99.9',
      '    sli:',
      '      events:',
      '        error_query: sum(rate(http_requests_total{job="checkout",code="500"}[{{.window}}]))',
      '        total_query: sum(rate(http_requests_total{job="checkout"}[{{.window}}]))',
      '    alerting:',
      '      name: CheckoutErrors',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'search.yaml'),
    [
      '- apiVersion: openslo/v1',
      '  kind: SLO',
      '  metadata:',
      '    name: search-availability',
      '  spec:',
      '    service: search',
      '    indicator:',
      '      metadata: {name: search-errors}',
      '      spec:',
      '        ratioMetric:',
      '          counter: true',
      '          bad: {metricSource: {type: Prometheus, spec: {query: "sum(http_requests_total{job=\\"search\\",code=\\"500\\"})"}}}',
      '          total: {metricSource: {type: Prometheus, spec: {query: "sum(http_requests_total{job=\\"search\\"})"}}}',
      '    timeWindow: [{duration: 30d, isRolling: true}]',
      '    budgetingMethod: Occurrences',
      '    objectives: [{target: 0.999}]',
      '',
    ].join('\n'),
  );
  return dir;
}

interface RuleGroup {
  rules: {
    type: string;
    health: string;
    lastEvaluation: string;
    alerts?: { state: string; labels: Record<string, string> }[];
  }[];
}

describe.skipIf(!availability.ok)('generated rules in a real Prometheus', () => {
  let server: PrometheusServer;
  let slos: SloDefinition[];

  beforeAll(async () => {
    slos = await loadSlos(sloFiles(), nodeFiles);
    server = await startPrometheus(toOpenMetrics(history()), {
      rules: rulesYaml(generateRules(slos, defaultFreezeGatePolicy())),
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  /** The groups once every rule has been evaluated twice since the server started (alerts read the records of the same round). */
  async function evaluatedGroups(): Promise<RuleGroup[]> {
    const started = Date.now();
    // At most 600 looks, a quarter of a second apart: the server evaluates every second.
    for (let look = 0; look < 600; look++) {
      const body = (await (await fetch(`${server.url}/api/v1/rules`)).json()) as { data: { groups: RuleGroup[] } };
      const rules = body.data.groups.flatMap((g) => g.rules);
      if (rules.length > 0 && rules.every((r) => r.health === 'ok' && Date.parse(r.lastEvaluation) > started + 1000))
        return body.data.groups;
      const bad = rules.find((r) => r.health === 'err');
      if (bad) throw new Error(`a generated rule failed in Prometheus: ${JSON.stringify(bad)}\n${server.logs()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the generated rules were not all evaluated:\n${server.logs()}`);
  }

  it('fires the alerts that bellwether budget finds firing, and no others', async () => {
    const groups = await evaluatedGroups();
    const firingInPrometheus = groups
      .flatMap((g) => g.rules)
      .flatMap((r) => r.alerts ?? [])
      .filter((a) => a.state === 'firing')
      .map((a) => `${a.labels.bellwether_slo} ${a.labels.bellwether_alert}`)
      .sort();
    const metrics = new PrometheusProvider(
      { url: server.url, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } },
      { fetch: globalThis.fetch, sleep: async () => {} },
    );
    const at = new Date();
    const evaluations = await Promise.all(
      slos.map((slo) => evaluateSlo(slo, defaultFreezeGatePolicy(), at, { metrics })),
    );
    const firingInBellwether = evaluations
      .flatMap((e) => e.alerts.filter((a) => a.firing).map((a) => `${e.slo.name} ${a.name}`))
      .sort();
    expect(firingInBellwether).toEqual(['checkout-availability page-1h-5m', 'checkout-availability page-6h-30m']);
    expect(firingInPrometheus).toEqual(firingInBellwether);
    // Every alert Bellwether judged, it judged on data: none was left without.
    expect(
      evaluations.flatMap((e) => e.alerts.map((a) => a.state)).filter((s) => s === 'no-data' || s === 'low-traffic'),
    ).toEqual([]);
  });
});
