import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultFreezeGatePolicy } from '../../src/policy/schemas/freeze-gate.js';
import { windowQuery } from '../../src/freeze/promql-window.js';
import { loadSlos, parseOpenSloText, resolveSlos } from '../../src/freeze/openslo.js';
import { generateRules, rulesYaml } from '../../src/freeze/rules.js';
import { prometheusAvailability } from '../helpers/prometheus.js';
import { nodeFiles } from '../../src/runtime/files.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures');

function alertsOf(rules: ReturnType<typeof generateRules>) {
  return rules.groups.flatMap((g) => g.rules).filter((r): r is Extract<typeof r, { alert: string }> => 'alert' in r);
}

describe('generateRules', () => {
  it('writes the error ratio and events of every alert window, and one alert per policy alert at the gate’s thresholds', async () => {
    const slos = await loadSlos(path.join(FIXTURES, 'slo-formats/checkout-sloth.yaml'), nodeFiles);
    const rules = generateRules(slos, defaultFreezeGatePolicy());
    const group = rules.groups[0];
    expect(group?.name).toBe('bellwether-slo-checkout-availability');
    const records = group?.rules
      .filter((r) => 'record' in r)
      .map((r) => `${'record' in r ? r.record : ''} ${r.labels.window}`);
    expect(records).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].flatMap((w) => [
        `bellwether:slo_error_ratio ${w}`,
        `bellwether:slo_events ${w}`,
      ]),
    );
    // 30 days, 99.9%: a burn rate above 14.4 is an error ratio above 0.0144.
    expect(alertsOf(rules).map((a) => [a.labels.bellwether_alert, a.expr.split('\n')[0]])).toEqual([
      ['page-1h-5m', 'bellwether:slo_error_ratio{bellwether_slo="checkout-availability",window="1h"} > 0.0144'],
      ['page-6h-30m', 'bellwether:slo_error_ratio{bellwether_slo="checkout-availability",window="6h"} > 0.006'],
      ['ticket-1d-2h', 'bellwether:slo_error_ratio{bellwether_slo="checkout-availability",window="1d"} > 0.003'],
      ['ticket-3d-6h', 'bellwether:slo_error_ratio{bellwether_slo="checkout-availability",window="3d"} > 0.001'],
    ]);
    expect(alertsOf(rules)[0]?.expr).toContain(
      'and on() bellwether:slo_events{bellwether_slo="checkout-availability",window="5m"} >= 10',
    );
    const events = group?.rules.find(
      (r) => 'record' in r && r.record === 'bellwether:slo_events' && r.labels.window === '1h',
    );
    expect(events?.expr).toBe('(sum(rate(http_requests_total{job="checkout"}[1h]))) * 3600');
  });

  it('uses an SLO’s Sloth alert windows, and counts increase() queries as they are', async () => {
    const text = `${[
      'apiVersion: sloth.slok.dev/v1',
      'kind: AlertWindows',
      'spec:',
      '  sloPeriod: 30d',
      '  page:',
      '    quick: {errorBudgetPercent: 2, shortWindow: 5m, longWindow: 1h}',
      '    slow: {errorBudgetPercent: 5, shortWindow: 30m, longWindow: 6h}',
      '  ticket:',
      '    quick: {errorBudgetPercent: 10, shortWindow: 2h, longWindow: 1d}',
      '    slow: {errorBudgetPercent: 10, shortWindow: 6h, longWindow: 3d}',
    ].join('\n')}\n`;
    const dir = mkdtempSync(path.join(tmpdir(), 'bellwether-rules-'));
    writeFileSync(path.join(dir, 'windows.yaml'), text);
    const list = path.join(FIXTURES, 'slo-formats/checkout-openslo-list.yaml');
    const rules = generateRules(await loadSlos(`${list},${dir}`, nodeFiles), defaultFreezeGatePolicy());
    expect(alertsOf(rules).map((a) => a.expr.split('\n')[0]?.split(' > ')[1])).toEqual([
      '0.0144',
      '0.006',
      '0.003',
      '0.001',
    ]);
    const events = rules.groups[0]?.rules.find(
      (r) => 'record' in r && r.record === 'bellwether:slo_events' && r.labels.window === '1h',
    );
    expect(events?.expr).toBe('(sum(increase(http_requests_total{job="checkout"}[1h])))');
  });

  it('leaves out, with why, SLOs it cannot compute, calendar periods and alerts that can never fire', () => {
    const openslo = (name: string, window: string, target: string) =>
      `apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: ${name}}\nspec:\n  indicator:\n    spec:\n      ratioMetric:\n        bad: {metricSource: {type: Prometheus, spec: {query: "sum(rate(e[{{.window}}]))"}}}\n        total: {metricSource: {type: Prometheus, spec: {query: "sum(rate(t[{{.window}}]))"}}}\n  timeWindow:\n${window}\n  budgetingMethod: Occurrences\n  objectives: [{target: ${target}}]\n`;
    const text = [
      openslo('monthly', '    - {duration: 1M, calendar: {startTime: "2026-01-01 00:00:00", timeZone: UTC}}', '0.999'),
      openslo('loose', '    - {duration: 30d, isRolling: true}', '0.9'),
      openslo('sliced', '    - {duration: 30d, isRolling: true}', '0.999')
        .replace('Occurrences', 'Timeslices')
        .replace('[{target: 0.999}]', '[{target: 0.999, timeSliceTarget: 0.9, timeSliceWindow: 1m}]'),
    ].join('---\n');
    const rules = generateRules(
      resolveSlos([{ file: 'x.yaml', contents: parseOpenSloText(text, 'x.yaml') }], windowQuery),
      defaultFreezeGatePolicy(),
    );
    expect(rules.skipped.map((s) => [s.slo, s.alert ?? '', s.reason.slice(0, 40)])).toEqual([
      ['monthly', '', 'its 1M calendar period changes length, s'],
      ['loose', 'page-1h-5m', 'it can never fire: the highest burn rate'],
      ['sliced', '', 'budgetingMethod Timeslices is not comput'],
    ]);
    expect(alertsOf(rules).map((a) => a.labels.bellwether_alert)).toEqual([
      'page-6h-30m',
      'ticket-1d-2h',
      'ticket-3d-6h',
    ]);
    expect(rulesYaml(rules)).toContain('# Not generated: loose alert page-1h-5m: it can never fire');
  });
});

const availability = prometheusAvailability();

describe.skipIf(!availability.ok)('the generated rules, checked by promtool', () => {
  it('pass promtool check rules', async () => {
    const slos = await loadSlos(
      [
        path.join(FIXTURES, 'slo-formats/checkout-sloth.yaml'),
        path
          .join(FIXTURES, 'slo-formats/checkout-openslo-list.yaml')
          .replace('checkout-openslo-list', 'search-datadog'),
      ].join(','),
      nodeFiles,
    );
    const yaml = rulesYaml(generateRules(slos, defaultFreezeGatePolicy()));
    expect((parse(yaml) as { groups: unknown[] }).groups).toHaveLength(1);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'bellwether-rules-')), 'rules.yml');
    writeFileSync(file, yaml);
    const check = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`).toContain('SUCCESS: 18 rules found');
    expect(check.status).toBe(0);
  });
});
