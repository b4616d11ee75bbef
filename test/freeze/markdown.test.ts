import { describe, expect, it } from 'vitest';
import { burnDownChart, renderMarkdown } from '../../src/freeze/markdown.js';
import type { BudgetReport, GateEntry, SloReport } from '../../src/freeze/report.js';

const allow: GateEntry = { verdict: 'allow', reason: 'no freeze, alert or calendar rule applies' };
const gate = {
  feature: { verdict: 'block', reason: 'a | b\nc' } as GateEntry,
  'security-fix': allow,
  hotfix: allow,
  rollback: { verdict: 'allow', reason: 'rollbacks are never blocked' } as GateEntry,
};

const slo: SloReport = {
  name: 'api',
  file: 'slos/api.yaml:4',
  objective: { target: '999/1000', percent: 99.9 },
  window: { text: '30d', kind: 'rolling', from: '2026-10-23T09:30:00.000Z', to: '2026-11-22T09:30:00.000Z' },
  budget: { consumed: 1.25, remaining: -0.25 },
  events: { errors: 1250, total: 1_000_000 },
  burnRates: { '5m': 20, '30m': 18.5, '1h': 15, '2h': 9, '6h': 4, '1d': 1.5, '3d': null },
  alerts: [
    {
      name: 'page-1h-5m',
      severity: 'page',
      longWindow: '1h',
      shortWindow: '5m',
      factor: 14.4,
      threshold: 14.4,
      burnRates: { long: 15, short: 20 },
      firing: true,
      state: 'firing',
      reason: 'both strictly above',
    },
    {
      name: 'ticket-3d-6h',
      severity: 'ticket',
      longWindow: '3d',
      shortWindow: '6h',
      factor: 1,
      threshold: 1,
      burnRates: { long: null, short: 4 },
      firing: false,
      state: 'no-data',
      reason: 'no data over 3d: timeout',
    },
  ],
  tier: { action: 'freeze', threshold: 100, consumedPercent: 125 },
  gate,
  reasons: [],
  burnDown: [
    { t: '2026-11-20T09:30:00.000Z', remaining: 0.5 },
    { t: '2026-11-21T09:30:00.000Z', remaining: null },
    { t: '2026-11-22T09:30:00.000Z', remaining: -0.25 },
  ],
};

describe('burnDownChart', () => {
  it('leaves out points without data and lowers the axis for a spent budget', () => {
    expect(burnDownChart(slo)).toBe(
      [
        '```mermaid',
        'xychart-beta',
        '  title "Error budget remaining: api"',
        '  x-axis ["11-20 09:30", "11-22 09:30"]',
        '  y-axis "budget remaining (%)" -30 --> 100',
        '  line [50, -25]',
        '```',
      ].join('\n'),
    );
  });

  it('draws nothing without history', () => {
    expect(burnDownChart({ name: 'x' })).toBeUndefined();
    expect(
      burnDownChart({ name: 'x', burnDown: [{ t: '2026-11-22T09:30:00.000Z', remaining: null }] }),
    ).toBeUndefined();
  });
});

describe('renderMarkdown', () => {
  const report: BudgetReport = {
    at: '2026-11-22T09:30:00.000Z',
    slos: [slo],
    gate,
    reasons: [],
    breakGlass: {
      user: 'alice',
      justification: 'INC-7',
      expiresAt: '2026-11-22T11:00:00.000Z',
      accepted: true,
      reason: 'break-glass by alice until 2026-11-22T11:00:00.000Z: INC-7',
      audit: { label: 'bellwether:break-glass', openIssue: true },
    },
  };
  const md = renderMarkdown(report);

  it('shows the gate first, with reasons safe inside table cells', () => {
    expect(md.startsWith('## Error budgets\n\nEvaluated at 2026-11-22T09:30:00.000Z.\n')).toBe(true);
    expect(md).toContain('| feature | ⛔ block | a \\| b c |');
    expect(md).toContain('| rollback | ✅ allow | rollbacks are never blocked |');
  });

  it('makes break-glass visible', () => {
    expect(md).toContain('> **Break-glass accepted** for @alice until 2026-11-22T11:00:00.000Z');
  });

  it('shows budget, tier, burn rates and the alert table', () => {
    expect(md).toContain('| 125% | -25% | 1250 / 1000000 | freeze (≥ 100%) |');
    expect(md).toContain('| 20 | 18.5 | 15 | 9 | 4 | 1.5 | n/a |');
    expect(md).toContain('| page-1h-5m | page | 1h | 5m | 14.4 | 14.4 | 15 | 20 | 🔥 yes | both strictly above |');
    expect(md).toContain(
      '| ticket-3d-6h | ticket | 3d | 6h | 1 | 1 | n/a | 4 | no (no-data) | no data over 3d: timeout |',
    );
  });
});
