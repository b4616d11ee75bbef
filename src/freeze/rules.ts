/**
 * Prometheus rules from the same SLO definitions the deploy gate reads: for
 * each SLO, recording rules for the error ratio and the events of every
 * alert window, and one multiwindow burn-rate alert per policy alert. An
 * alert fires exactly when `bellwether budget` says it fires: both windows'
 * burn rates strictly above the threshold scaled to the SLO's period, and
 * both windows with at least the policy's minimum of events.
 */
import { stringify } from 'yaml';
import { formatDuration } from '../policy/fields.js';
import type { BurnRateAlert } from '../policy/schemas/freeze.js';
import { alertThreshold, errorBudget, maxBurnRate, windowText } from './burn.js';
import { isPerSecond } from './evaluate.js';
import type { FreezeGatePolicy } from '../policy/schemas/freeze-gate.js';
import { isEvaluable, renderWindow } from './openslo.js';
import type { EvaluableSlo, SloDefinition } from './openslo.js';
import type { Rational } from './rational.js';

/** The recorded error ratio of one SLO over one window. */
export const ERROR_RATIO_RECORD = 'bellwether:slo_error_ratio';
/** The recorded number of events of one SLO over one window. */
export const EVENTS_RECORD = 'bellwether:slo_events';
/** The name of every burn-rate alert; its labels say which SLO and which windows. */
export const ALERT_NAME = 'BellwetherErrorBudgetBurn';

interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels: Record<string, string>;
}

interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
}

/** The rule file, and the SLOs or alerts left out with why. */
export interface GeneratedRules {
  readonly groups: readonly { readonly name: string; readonly rules: readonly (RecordingRule | AlertingRule)[] }[];
  readonly skipped: readonly { readonly slo: string; readonly alert?: string; readonly reason: string }[];
}

/** A number for PromQL: the exact value to 15 significant digits, no exponent for ordinary values. */
function promNumber(r: Rational): string {
  return String(Number(r.toNumber().toPrecision(15)));
}

function labelValue(text: string): string {
  return JSON.stringify(text);
}

/** The error ratio of one window, from the SLO's own queries. */
function errorRatioExpr(slo: EvaluableSlo, window: string): string {
  const error = renderWindow(slo.indicator.errorQuery.template, window);
  const total = renderWindow(slo.indicator.totalQuery.template, window);
  // Per-second rates and counts divide alike; a `good` query counts successes.
  return slo.indicator.errorQuery.kind === 'bad' ? `(${error})\n/\n(${total})` : `1 - (\n(${error})\n/\n(${total})\n)`;
}

/** Events over one window: a per-second rate times the window's seconds, or the count itself. */
function eventsExpr(slo: EvaluableSlo, window: string, ms: number): string {
  const total = renderWindow(slo.indicator.totalQuery.template, window);
  return isPerSecond(slo.indicator.totalQuery.template) ? `(${total}) * ${Math.round(ms / 1000)}` : `(${total})`;
}

/**
 * Rules for the SLOs Bellwether can compute over a rolling period. A
 * calendar period changes length from month to month, so its thresholds
 * would not stay those of the gate; such SLOs, and those Bellwether cannot
 * compute, are listed in `skipped` with the reason.
 */
export function generateRules(slos: readonly SloDefinition[], policy: FreezeGatePolicy): GeneratedRules {
  const groups: { name: string; rules: (RecordingRule | AlertingRule)[] }[] = [];
  const skipped: { slo: string; alert?: string; reason: string }[] = [];
  for (const slo of slos) {
    if (!isEvaluable(slo)) {
      skipped.push({ slo: slo.name, reason: slo.unsupported?.reason ?? 'it has no time window or no indicator' });
      continue;
    }
    if (slo.window.kind !== 'rolling') {
      skipped.push({
        slo: slo.name,
        reason: `its ${slo.window.text} calendar period changes length, so a fixed alert threshold would not be the gate's`,
      });
      continue;
    }
    const periodMs = slo.window.ms;
    const alerts: readonly BurnRateAlert[] = slo.alertWindows ?? policy.burnRateAlerts;
    const windows = new Map<string, number>();
    for (const a of alerts) {
      windows.set(windowText(a.longWindow), a.longWindow);
      windows.set(windowText(a.shortWindow), a.shortWindow);
    }
    const base = { bellwether_slo: slo.name };
    const rules: (RecordingRule | AlertingRule)[] = [];
    for (const [window, ms] of [...windows].sort((a, b) => a[1] - b[1])) {
      rules.push({ record: ERROR_RATIO_RECORD, expr: errorRatioExpr(slo, window), labels: { ...base, window } });
      rules.push({ record: EVENTS_RECORD, expr: eventsExpr(slo, window, ms), labels: { ...base, window } });
    }
    const selector = (record: string, window: string) =>
      `${record}{bellwether_slo=${labelValue(slo.name)},window=${labelValue(window)}}`;
    for (const a of alerts) {
      const long = windowText(a.longWindow);
      const short = windowText(a.shortWindow);
      const name = `${a.severity}-${long}-${short}`;
      const threshold = alertThreshold(a, periodMs);
      if (maxBurnRate(slo.target).lte(threshold)) {
        skipped.push({
          slo: slo.name,
          alert: name,
          reason: `it can never fire: the highest burn rate of the objective is not above ${promNumber(threshold)}`,
        });
        continue;
      }
      // Burn rate above T is an error ratio above T × (1 − objective).
      const ratio = promNumber(threshold.mul(errorBudget(slo.target)));
      const minimum = Math.ceil(policy.minimumTraffic.events);
      rules.push({
        alert: ALERT_NAME,
        expr: [
          `${selector(ERROR_RATIO_RECORD, long)} > ${ratio}`,
          `and on() ${selector(ERROR_RATIO_RECORD, short)} > ${ratio}`,
          `and on() ${selector(EVENTS_RECORD, long)} >= ${minimum}`,
          `and on() ${selector(EVENTS_RECORD, short)} >= ${minimum}`,
        ].join('\n'),
        labels: { ...base, bellwether_alert: name, severity: a.severity, long_window: long, short_window: short },
        annotations: {
          summary: `${slo.name} is burning its error budget: burn rate above ${promNumber(threshold)} over ${long} and ${short}`,
          description: `Both windows' error ratios are above ${ratio} (burn rate ${promNumber(threshold)} of a ${formatDuration(periodMs)} period's budget) with at least ${minimum} events each; defined in ${slo.at.file}:${slo.at.line}.`,
        },
      });
    }
    groups.push({ name: `bellwether-slo-${slo.name}`, rules });
  }
  return { groups, skipped };
}

/** The rule file as Prometheus reads it (`rule_files`), with a header naming what was left out. */
export function rulesYaml(rules: GeneratedRules): string {
  const header = [
    '# Generated by `bellwether budget rules` from the SLO files; the deploy gate reads the same definitions.',
  ];
  for (const s of rules.skipped)
    header.push(`# Not generated: ${s.slo}${s.alert ? ` alert ${s.alert}` : ''}: ${s.reason}`);
  return `${header.join('\n')}\n${stringify({ groups: rules.groups }, { lineWidth: 0 })}`;
}
