import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertThreshold } from '../../src/freeze/burn.js';
import { evaluateSlo, statusOf } from '../../src/freeze/evaluate.js';
import { defaultFreezeGatePolicy } from '../../src/policy/schemas/freeze-gate.js';
import { loadSlos, parseOpenSloText, resolveSlos } from '../../src/freeze/openslo.js';
import type { SloDefinition } from '../../src/freeze/openslo.js';
import { windowQuery } from '../../src/freeze/promql-window.js';
import { ConfigurationError } from '../../src/runtime/errors.js';
import { FakeMetrics, windowOf } from './fake-metrics.js';
import { nodeFiles } from '../../src/runtime/files.js';

const AT = new Date('2026-11-22T09:30:00Z');
const DAY = 86_400_000;

function read(text: string, file = 'slos.yaml'): SloDefinition[] {
  return resolveSlos([{ file, contents: parseOpenSloText(text, file) }], windowQuery);
}

function failure(text: string, file = 'slos.yaml'): ConfigurationError {
  try {
    read(text, file);
  } catch (err) {
    if (err instanceof ConfigurationError) return err;
    throw err;
  }
  throw new Error('expected a ConfigurationError');
}

/** Our own OpenSLO v1 objects, written to the specification as a YAML list (the SDK's form). */
const LIST = `- apiVersion: openslo/v1
  kind: Service
  metadata:
    name: payments
    labels:
      team: [billing]
  spec:
    description: Takes card payments
- apiVersion: openslo/v1
  kind: DataSource
  metadata:
    name: metrics-eu
  spec:
    type: Prometheus
    connectionDetails:
      - url: http://prometheus.eu.internal:9090
- apiVersion: openslo/v1
  kind: SLI
  metadata:
    name: payments-errors
  spec:
    ratioMetric:
      counter: true
      bad:
        metricSource:
          metricSourceRef: metrics-eu
          spec:
            query: sum(payment_requests_total{status=~"5.."})
      total:
        metricSource:
          metricSourceRef: metrics-eu
          spec:
            query: sum(payment_requests_total)
- apiVersion: openslo/v1
  kind: AlertNotificationTarget
  metadata:
    name: billing-pager
  spec:
    target: pagerduty
- apiVersion: openslo/v1
  kind: AlertCondition
  metadata:
    name: fast-burn
  spec:
    severity: page
    condition:
      kind: burnrate
      op: gte
      threshold: 14.4
      lookbackWindow: 1h
      alertAfter: 5m
- apiVersion: openslo/v1
  kind: AlertPolicy
  metadata:
    name: billing-page
  spec:
    alertWhenBreaching: true
    conditions:
      - conditionRef: fast-burn
    notificationTargets:
      - targetRef: billing-pager
- apiVersion: openslo/v1
  kind: SLO
  metadata:
    name: payments-availability
  spec:
    service: payments
    indicatorRef: payments-errors
    timeWindow:
      - duration: 28d
        isRolling: true
    budgetingMethod: Occurrences
    objectives:
      - targetPercent: 99.5
    alertPolicies:
      - alertPolicyRef: billing-page
`;

describe('OpenSLO v1 in every form the specification allows', () => {
  it('reads a YAML list of objects of every kind, resolving the SLI and its DataSource by reference', () => {
    const [slo] = read(LIST);
    expect(slo?.name).toBe('payments-availability');
    expect(slo?.unsupported).toBeUndefined();
    expect(slo?.target.toString()).toBe('199/200');
    expect(slo?.indicator?.errorQuery).toMatchObject({
      kind: 'bad',
      template: 'sum(increase(payment_requests_total{status=~"5.."}[{{.window}}]))',
      at: { line: 28 },
    });
    expect(slo?.indicator?.totalQuery.template).toBe('sum(increase(payment_requests_total[{{.window}}]))');
  });

  it('reads the same objects as several documents of one file, and with an empty alertPolicies and no timeWindow', () => {
    const docs = LIST.split(/^- /m)
      .filter((d) => d.trim() !== '')
      .map((d) => d.replace(/^ {2}/gm, ''))
      .join('---\n')
      .replace('    alertPolicies:\n      - alertPolicyRef: billing-page\n', '    alertPolicies:\n');
    expect(read(docs).map((s) => s.name)).toEqual(['payments-availability']);
    const noWindow = docs.replace('  timeWindow:\n    - duration: 28d\n      isRolling: true\n', '');
    const [slo] = read(noWindow);
    expect(slo?.unsupported?.reason).toContain('no timeWindow');
  });

  it('validates every kind: a Service with an invalid name and an unknown field is refused at its lines', () => {
    const err = failure(
      'apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: my rad service\nspec:\n  markdown: a great service\n',
    );
    expect(err.problems.map((p) => p.message)).toEqual([
      'slos.yaml:4: metadata.name: expected a DNS label (lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters), got "my rad service"',
      'slos.yaml:6: spec.markdown: unknown key "markdown"; expected one of "description"',
    ]);
  });

  it('names the list item in the field of a problem inside a list', () => {
    const bad = LIST.replace('      threshold: 14.4\n', '').replace('target: pagerduty', 'target: ""');
    expect(failure(bad).problems.map((p) => p.message)).toEqual([
      'slos.yaml:39: [3].spec.target: expected a non-empty string, got ""',
      'slos.yaml:47: [4].spec.condition.threshold: expected a number, got nothing',
    ]);
  });

  it('refuses a reference to a DataSource that no file gives', () => {
    expect(failure(LIST.replace(/metricSourceRef: metrics-eu/g, 'metricSourceRef: metrics-us')).message).toContain(
      'slos.yaml:26: [2].spec.ratioMetric.bad.metricSource.metricSourceRef: no DataSource named "metrics-us" in the files given, and no type',
    );
  });

  it('loads an SLO over a source Bellwether cannot query; evaluation asks nothing and calls its budget unknown', async () => {
    const [slo] = read(LIST.replace('type: Prometheus', 'type: Datadog'));
    expect(slo?.unsupported?.reason).toBe(
      'the bad and total metrics read "Datadog", which Bellwether cannot query (it queries Prometheus)',
    );
    const metrics = new FakeMetrics(() => 1);
    const e = await evaluateSlo(slo!, defaultFreezeGatePolicy(), AT, { metrics });
    expect(metrics.instant).toHaveLength(0);
    expect(e.budget).toBeUndefined();
    expect(statusOf(e).unavailable).toBe(
      'Bellwether cannot evaluate this SLO: the bad and total metrics read "Datadog", which Bellwether cannot query (it queries Prometheus)',
    );
    expect(e.alerts.map((a) => [a.state, a.firing, a.reason])).toEqual(
      ['1h', '6h', '1d', '3d'].map((w) => [
        'no-data',
        false,
        `no data over ${w}: the SLO is not evaluated (see its budget)`,
      ]),
    );
  });

  it('asks Prometheus the windowed form of a plain counter query', async () => {
    const [slo] = read(LIST);
    const metrics = new FakeMetrics((q) => (q.includes('5..') ? 30 : 6000));
    const e = await evaluateSlo(slo!, defaultFreezeGatePolicy(), AT, { metrics });
    expect(metrics.instant.map((q) => q.query)).toContain('sum(increase(payment_requests_total{status=~"5.."}[1h]))');
    // increase() counts events over the window: 30 of 6000 is 0.5%, the whole budget of 99.5%.
    expect(e.windows['1h']).toMatchObject({ ok: true });
    expect(e.burnRates['1h']?.toNumber()).toBe(1);
  });
});

describe('windowQuery', () => {
  it.each([
    ['sum(http_requests{code=~"5.."})', true, 'sum(increase(http_requests{code=~"5.."}[{{.window}}]))'],
    ['sum(queue_items_done)', false, 'sum(sum_over_time(queue_items_done[{{.window}}]))'],
    [
      'sum by (job) (a offset 5m) / on() b',
      true,
      'sum by (job) (increase(a[{{.window}}] offset 5m)) / on() increase(b[{{.window}}])',
    ],
    ['sum(rate(x_total[{{.window}}]))', undefined, 'sum(rate(x_total[{{.window}}]))'],
  ] as const)('windows %s', (query, counter, template) => {
    expect(windowQuery(query, counter)).toMatchObject({ ok: true, template });
  });

  it.each([
    ['sum(rate(x[5m]))', true, 'reads a fixed range (x[5m])'],
    ['sum(x', true, 'a syntax error at character 6'],
    ['vector(1)', true, 'reads no metric'],
    ['sum(x)', undefined, 'set counter: true'],
  ] as const)('says why %s cannot be windowed', (query, counter, reason) => {
    const w = windowQuery(query, counter);
    expect(w.ok ? '' : w.reason).toContain(reason);
  });
});

const SLOTH = `version: "prometheus/v1"
service: "checkout"
labels:
  team: payments
slos:
  - name: "requests-availability"
    objective: 99.9
    description: "Checkout requests that do not fail."
    sli:
      events:
        error_query: sum(rate(checkout_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(checkout_requests_total[{{.window}}]))
    alerting:
      name: CheckoutErrors
      page_alert:
        labels:
          severity: critical
      ticket_alert:
        disable: true
  - name: "basket-ratio"
    objective: 99
    sli:
      raw:
        error_ratio_query: 1 - avg_over_time(basket_ok_ratio[{{.window}}])
`;

const SLOTH_K8S = `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: search
  namespace: monitoring
spec:
  service: "search"
  slos:
    - name: "queries"
      objective: 99.5
      sli:
        events:
          errorQuery: sum(rate(search_queries_total{failed="true"}[{{.window}}]))
          totalQuery: sum(rate(search_queries_total[{{.window}}]))
      alerting:
        pageAlert:
          disable: true
`;

const WINDOWS_7D = `apiVersion: sloth.slok.dev/v1
kind: AlertWindows
spec:
  sloPeriod: 7d
  page:
    quick: {errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h}
    slow: {errorBudgetPercent: 12.5, shortWindow: 30m, longWindow: 6h}
  ticket:
    quick: {errorBudgetPercent: 20, shortWindow: 2h, longWindow: 1d}
    slow: {errorBudgetPercent: 42, shortWindow: 6h, longWindow: 3d}
`;

describe('Sloth specs, read unchanged', () => {
  it('reads prometheus/v1 with events and raw SLIs over Sloth’s default 30-day period', () => {
    const [events, raw] = read(SLOTH);
    expect(events).toMatchObject({
      name: 'checkout-requests-availability',
      service: 'checkout',
      format: 'sloth',
      window: { kind: 'rolling', ms: 30 * DAY },
    });
    expect(events?.target.toString()).toBe('999/1000');
    expect(events?.indicator?.errorQuery).toMatchObject({
      kind: 'bad',
      template: 'sum(rate(checkout_requests_total{code=~"5.."}[{{.window}}]))',
    });
    expect(raw?.name).toBe('checkout-basket-ratio');
    expect(raw?.unsupported?.reason).toContain('a raw SLI gives an error ratio without event counts');
    expect(raw?.unsupported?.at.line).toBe(24);
  });

  it('reads a Kubernetes PrometheusServiceLevel, in a file with other documents', () => {
    const [a, , b] = read(`${SLOTH}---\n${SLOTH_K8S}`);
    expect([a?.name, b?.name]).toEqual(['checkout-requests-availability', 'search-queries']);
    expect(b?.indicator?.totalQuery).toEqual({
      template: 'sum(rate(search_queries_total[{{.window}}]))',
      at: { file: 'slos.yaml', line: 39 },
    });
  });

  it.each([
    [
      'an SLI plugin',
      SLOTH.replace(/ {6}events:\n.*\n.*\n/, '      plugin:\n        id: sloth-common/availability\n'),
      'slos.yaml:11: slos[0].sli.plugin: Sloth SLI plugins (here "sloth-common/availability") are not supported',
    ],
    [
      'an SLO plugin chain',
      SLOTH.replace('slos:\n', 'slo_plugins:\n  chain:\n    - id: sloth.dev/contrib/x/v1\nslos:\n'),
      'slos.yaml:6: slo_plugins: Sloth SLO plugins are not supported',
    ],
    [
      'a camelCase key in prometheus/v1',
      SLOTH.replace('page_alert', 'pageAlert'),
      'slos.yaml:15: slos[0].alerting.pageAlert: unknown key "pageAlert"',
    ],
    [
      'an objective of 100',
      SLOTH.replace('objective: 99.9', 'objective: 100'),
      'slos.yaml:7: slos[0].objective: expected a percentage greater than 0 and less than 100',
    ],
  ])('refuses %s clearly', (_name, text, message) => {
    expect(failure(text).message).toContain(message);
  });

  it('takes the period and the burn-rate alerts of a 7-day AlertWindows: 13.44, 3.5, 1.4 and 0.98, as Sloth writes them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'bellwether-sloth-'));
    await writeFile(path.join(dir, 'checkout.yaml'), SLOTH.split('  - name: "basket-ratio"')[0] ?? '');
    await writeFile(path.join(dir, 'windows-7d.yaml'), WINDOWS_7D);
    const [slo] = await loadSlos(dir, nodeFiles);
    expect(slo?.window).toMatchObject({ kind: 'rolling', ms: 7 * DAY, text: '7d' });
    expect(slo?.alertWindows?.map((a) => alertThreshold(a, 7 * DAY).toNumber())).toEqual([13.44, 3.5, 1.4, 0.98]);
    const metrics = new FakeMetrics((q) => (q.includes('5..') ? 0.0135 : 1));
    const e = await evaluateSlo(slo!, defaultFreezeGatePolicy(), AT, { metrics });
    expect(new Set(metrics.instant.map((q) => windowOf(q.query)))).toContain('7d');
    expect(e.alerts.map((a) => [a.name, a.threshold.toNumber(), a.state])).toEqual([
      ['page-1h-5m', 13.44, 'firing'],
      ['page-6h-30m', 3.5, 'firing'],
      ['ticket-1d-2h', 1.4, 'firing'],
      ['ticket-3d-6h', 0.98, 'firing'],
    ]);
  });
});

describe('alertThreshold', () => {
  it.each([
    [{ burnRate: 14.4 }, 30, 14.4],
    [{ burnRate: 14.4 }, 28, 13.44],
    [{ errorBudgetPercent: 2 }, 30, 14.4],
    [{ errorBudgetPercent: 8 }, 7, 13.44],
  ])('%o over %i days is %d', (alert, days, threshold) => {
    expect(
      alertThreshold(
        { longWindow: 3_600_000, shortWindow: 300_000, severity: 'page', ...alert },
        days * DAY,
      ).toNumber(),
    ).toBeCloseTo(threshold, 10);
  });
});
