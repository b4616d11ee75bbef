/**
 * The budget report: every SLO's evaluation and gate as plain data (the JSON
 * that scripts read), and its text rendering for a terminal.
 */
import { BURN_WINDOWS, fmt } from './burn.js';
import type { SloEvaluation } from './evaluate.js';
import { statusOf } from './evaluate.js';
import { CHANGE_TYPES } from '../policy/schemas/freeze-gate.js';
import type { ChangeType, FreezeGatePolicy } from '../policy/schemas/freeze-gate.js';
import { decideGate } from './gate.js';
import type { BreakGlassRecord, GateDecision, GateReason, GateRequest } from './gate.js';
import { Rational } from './rational.js';
import { describeDeadline, type DeadlineReport } from '../metrics/deadline.js';

/** A verdict for one change type, as printed. */
export interface GateEntry {
  readonly verdict: 'allow' | 'block';
  readonly reason: string;
  readonly via?: 'exemption' | 'approval' | 'break-glass';
}

/** One alert, as printed. */
export interface AlertEntry {
  readonly name: string;
  readonly severity: 'page' | 'ticket';
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly factor: number;
  readonly threshold: number;
  readonly burnRates: { readonly long: number | null; readonly short: number | null };
  readonly firing: boolean;
  readonly state: string;
  readonly reason: string;
}

/** One SLO, as printed. */
export interface SloReport {
  readonly name: string;
  readonly displayName?: string;
  readonly service?: string;
  readonly file: string;
  readonly objective: { readonly target: string; readonly percent: number };
  readonly window: {
    readonly text: string;
    readonly kind: 'rolling' | 'calendar' | 'none';
    readonly from: string;
    readonly to: string;
  };
  /** Fractions of the budget: consumed 0.25 is a quarter spent; remaining may be negative. */
  readonly budget: { readonly consumed: number; readonly remaining: number } | null;
  readonly unavailable?: string;
  readonly events: { readonly errors: number; readonly total: number } | null;
  readonly burnRates: Readonly<Record<string, number | null>>;
  readonly alerts: readonly AlertEntry[];
  readonly tier: { readonly action: string; readonly threshold: number; readonly consumedPercent: number } | null;
  readonly gate: Readonly<Record<ChangeType, GateEntry>>;
  readonly reasons: readonly GateReason[];
  readonly burnDown?: readonly { readonly t: string; readonly remaining: number | null }[];
}

/** The whole report: every SLO, and the gate over all of them together. */
export interface BudgetReport {
  readonly at: string;
  readonly slos: readonly SloReport[];
  readonly gate: Readonly<Record<ChangeType, GateEntry>>;
  readonly reasons: readonly GateReason[];
  readonly breakGlass?: BreakGlassRecord;
  /** Present when the metrics deadline passed: what was left unmeasured. */
  readonly metricsDeadline?: {
    readonly deadlineMs: number;
    readonly note: string;
    readonly notMeasured: readonly string[];
  };
}

const num = (r: Rational | undefined): number | null => (r === undefined ? null : r.toNumber());

function gateEntries(d: GateDecision): Record<ChangeType, GateEntry> {
  const out = {} as Record<ChangeType, GateEntry>;
  for (const t of CHANGE_TYPES) {
    const c = d.changes[t];
    out[t] = { verdict: c.verdict, reason: c.reason, ...(c.via ? { via: c.via } : {}) };
  }
  return out;
}

/** Build the report: each SLO with its own gate, and the gate over all SLOs. */
export function buildReport(
  evaluations: readonly SloEvaluation[],
  policy: FreezeGatePolicy,
  at: Date,
  request: GateRequest = {},
  deadline?: DeadlineReport,
): BudgetReport {
  const note = deadline ? describeDeadline(deadline) : undefined;
  const slos = evaluations.map((e): SloReport => {
    const decision = decideGate(policy, [statusOf(e)], at, request);
    const tier = decision.tiers[0];
    return {
      name: e.slo.name,
      ...(e.slo.displayName === undefined ? {} : { displayName: e.slo.displayName }),
      ...(e.slo.service === undefined ? {} : { service: e.slo.service }),
      file: `${e.slo.at.file}:${e.slo.at.line}`,
      objective: { target: e.slo.target.toString(), percent: Number(fmt(e.slo.target.mul(Rational.of(100)))) },
      window: {
        text: e.slo.window?.text ?? 'none',
        kind: e.slo.window?.kind ?? 'none',
        from: e.measured.start.toISOString(),
        to: e.measured.end.toISOString(),
      },
      budget: e.budget ? { consumed: e.budget.consumed.toNumber(), remaining: e.budget.remaining.toNumber() } : null,
      ...(e.period.ok ? {} : { unavailable: e.period.reason }),
      events: e.period.ok ? { errors: e.period.errors.toNumber(), total: e.period.events.toNumber() } : null,
      burnRates: Object.fromEntries(BURN_WINDOWS.map((w) => [w, num(e.burnRates[w])])),
      alerts: e.alerts.map((a) => ({
        name: a.name,
        severity: a.severity,
        longWindow: a.longWindow,
        shortWindow: a.shortWindow,
        factor: a.factor,
        threshold: a.threshold.toNumber(),
        burnRates: { long: num(a.burnRates.long), short: num(a.burnRates.short) },
        firing: a.firing,
        state: a.state,
        reason: a.reason,
      })),
      tier: tier ? { action: tier.action, threshold: tier.threshold, consumedPercent: tier.consumedPercent } : null,
      gate: gateEntries(decision),
      reasons: decision.reasons,
      ...(e.burnDown
        ? { burnDown: e.burnDown.map((p) => ({ t: p.t.toISOString(), remaining: p.remaining ?? null })) }
        : {}),
    };
  });
  const overall = decideGate(policy, evaluations.map(statusOf), at, request);
  return {
    at: at.toISOString(),
    slos,
    gate: gateEntries(overall),
    reasons: overall.reasons,
    ...(overall.breakGlass ? { breakGlass: overall.breakGlass } : {}),
    ...(deadline && note
      ? { metricsDeadline: { deadlineMs: deadline.deadlineMs, note, notMeasured: deadline.notMeasured } }
      : {}),
  };
}

const percent = (x: number) => `${Number((x * 100).toFixed(2))}%`;
const rate = (x: number | null) => (x === null ? 'n/a' : String(Number(x.toFixed(2))));

/** The report for a terminal: one block per SLO, then the overall gate. */
export function renderText(report: BudgetReport): string {
  const { failures, say } = sourceFailures(report);
  const lines: string[] = [`Error budgets at ${report.at}`];
  if (report.metricsDeadline) lines.push(report.metricsDeadline.note);
  for (const [i, failure] of failures.entries())
    lines.push(`metrics source failure [${i + 1}] (every figure it left unknown says so): ${failure}`);
  for (const s of report.slos) {
    lines.push(
      '',
      `SLO ${s.name}${s.service ? ` (service ${s.service})` : ''}: objective ${s.objective.percent}% over ${s.window.text} ${s.window.kind} (${s.file})`,
    );
    if (s.budget) {
      const events = s.events ? ` (${fmtCount(s.events.errors)} errors in ${fmtCount(s.events.total)} events)` : '';
      lines.push(`  budget: consumed ${percent(s.budget.consumed)}, remaining ${percent(s.budget.remaining)}${events}`);
    } else lines.push(`  budget: unknown (${say(s.unavailable ?? 'no data')})`);
    lines.push(`  tier: ${s.tier ? `${s.tier.action} (at ${s.tier.threshold}%)` : 'none'}`);
    lines.push(`  burn rates: ${BURN_WINDOWS.map((w) => `${w} ${rate(s.burnRates[w] ?? null)}`).join(', ')}`);
    lines.push('  alerts:');
    for (const a of s.alerts) {
      lines.push(
        `    ${a.firing ? 'FIRING' : a.state.padEnd(6)} ${a.name} (${a.severity}, ${a.longWindow} and ${a.shortWindow} above ${Number(a.threshold.toFixed(4))}): ${say(a.reason)}`,
      );
    }
    // with one SLO its gate is the gate over all of them: said once, below
    if (report.slos.length > 1) {
      lines.push('  gate:');
      for (const t of CHANGE_TYPES)
        lines.push(`    ${t.padEnd(12)} ${s.gate[t].verdict.padEnd(5)} ${say(s.gate[t].reason)}`);
    }
  }
  lines.push('', report.slos.length > 1 ? 'Gate over all SLOs:' : 'Gate:');
  for (const t of CHANGE_TYPES)
    lines.push(`  ${t.padEnd(12)} ${report.gate[t].verdict.padEnd(5)} ${say(report.gate[t].reason)}`);
  if (report.breakGlass) {
    lines.push('', `Break-glass ${report.breakGlass.accepted ? 'accepted' : 'refused'}: ${report.breakGlass.reason}`);
  }
  return lines.join('\n') + '\n';
}

// A provider's failure as the metrics layer words it: `request failed: ... from <url>` or `no answer within N ms ... from <url>`.
const FAILURE = /(?:request failed|no answer within)[^()]*? from \S+?(?=[\s;)]|$)/g;

/**
 * Failures of the metrics source that recur in the report's reasons: each
 * is printed once, numbered, and every reason refers to it by number, so
 * one unreachable server does not fill the report with the same error.
 */
export function sourceFailures(report: BudgetReport): { failures: string[]; say(text: string): string } {
  const texts = [
    ...report.slos.flatMap((s) => [
      s.unavailable ?? '',
      ...s.alerts.map((a) => a.reason),
      ...CHANGE_TYPES.map((t) => s.gate[t].reason),
    ]),
    ...CHANGE_TYPES.map((t) => report.gate[t].reason),
  ];
  const counts = new Map<string, number>();
  for (const text of texts) for (const m of text.match(FAILURE) ?? []) counts.set(m, (counts.get(m) ?? 0) + 1);
  const failures = [...counts].filter(([, n]) => n > 1).map(([f]) => f);
  const say = (text: string): string =>
    failures.reduce((t, f, i) => t.split(f).join(`metrics source failure [${i + 1}]`), text);
  return { failures, say };
}

function fmtCount(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toFixed(1)));
}
