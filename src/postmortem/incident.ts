/**
 * Incidents and the pure decisions about their postmortems: whether one is
 * required, what is due when, and what still blocks close-out.
 */
import type { ActionItem } from './action-items.js';
import { localDate, openP0, overdueItems } from './action-items.js';
import type { Severity } from './form.js';
import type { FormProblem } from './parse.js';
import type { TimelineEvent } from './timeline.js';

export type IncidentTrigger = 'rollback' | 'freeze' | 'label' | 'manual';

export interface Incident {
  /** Stable key: re-running with the same key updates the same issue. */
  readonly key: string;
  readonly title: string;
  readonly severity: Severity;
  readonly trigger: IncidentTrigger;
  readonly service?: string;
  readonly environment?: string;
  /** RFC 3339 times. */
  readonly startedAt: string;
  readonly detectedAt?: string;
  readonly resolvedAt?: string;
  readonly summary: string;
  /** Markdown evidence: the canary verdict table, charts. */
  readonly evidence?: string;
  /** Fraction of the SLO window's error budget the incident used (0.25 = 25%). */
  readonly budgetConsumed?: number;
  readonly links: ReadonlyArray<{ readonly label: string; readonly url: string }>;
  readonly events: readonly TimelineEvent[];
}

/** What the postmortem policy says, as far as these decisions need it. */
export interface PostmortemRules {
  readonly severities: readonly string[];
  readonly timeZone: string;
  readonly draftDays: number;
  readonly finalDays: number;
  /** An incident that used more than this fraction of the budget needs a P0 action item (Google: 20%). */
  readonly p0BudgetFraction: number;
  /** How many sev3 incidents of one service within 30 days make a sev3 need a postmortem. */
  readonly recurringSev3: number;
  readonly allowCloseWithOpenP0: boolean;
}

export interface Requirement {
  readonly required: boolean;
  readonly reason: string;
}

/** Whether an incident needs a postmortem, and why. */
export function postmortemRequired(incident: Incident, rules: PostmortemRules, recentSev3OfService = 0): Requirement {
  if (rules.severities.includes(incident.severity)) {
    return { required: true, reason: `${incident.severity} incidents always get a postmortem` };
  }
  if (incident.budgetConsumed !== undefined && incident.budgetConsumed > rules.p0BudgetFraction) {
    return {
      required: true,
      reason: `it used ${pct(incident.budgetConsumed)} of the error budget, more than ${pct(rules.p0BudgetFraction)}`,
    };
  }
  if (incident.severity === 'sev3' && recentSev3OfService + 1 >= rules.recurringSev3) {
    return {
      required: true,
      reason: `a recurring sev3: ${recentSev3OfService + 1} in 30 days for ${incident.service ?? 'this service'}`,
    };
  }
  return {
    required: false,
    reason: `${incident.severity} without recurrence or a large error budget cost does not need one`,
  };
}

export interface Deadlines {
  readonly draft: string;
  readonly final: string;
}

/** Due dates, as calendar dates in the policy's time zone, counted from the incident's start. */
export function deadlines(incident: Pick<Incident, 'startedAt'>, rules: PostmortemRules): Deadlines {
  const start = Date.parse(incident.startedAt);
  const day = 86_400_000;
  return {
    draft: localDate(new Date(start + rules.draftDays * day), rules.timeZone),
    final: localDate(new Date(start + rules.finalDays * day), rules.timeZone),
  };
}

export interface Review {
  /** Problems that block calling the postmortem done. */
  readonly blocking: readonly FormProblem[];
  readonly overdue: readonly ActionItem[];
  readonly draftLate: boolean;
  readonly mayClose: boolean;
  readonly reasons: readonly string[];
}

/** Reviews a postmortem's state at `now`: what is missing, what is late, whether it may be closed. */
export function reviewPostmortem(
  incident: Pick<Incident, 'budgetConsumed' | 'startedAt'>,
  formProblems: readonly FormProblem[],
  items: readonly ActionItem[],
  rules: PostmortemRules,
  now: Date,
): Review {
  const reasons: string[] = [];
  const blocking = [...formProblems];
  const big = incident.budgetConsumed !== undefined && incident.budgetConsumed > rules.p0BudgetFraction;
  if (big && !items.some((i) => i.priority === 'P0')) {
    blocking.push({
      field: 'action-items',
      message: `the incident used ${pct(incident.budgetConsumed ?? 0)} of the error budget, so at least one P0 action item is needed`,
    });
  }
  const p0 = openP0(items);
  if (p0.length > 0 && !rules.allowCloseWithOpenP0) reasons.push(`${p0.length} P0 action item(s) still open`);
  if (blocking.length > 0) reasons.push(`${blocking.length} section(s) incomplete`);
  const overdue = overdueItems(items, now, rules.timeZone);
  const due = deadlines(incident, rules);
  const draftLate = formProblems.length > 0 && localDate(now, rules.timeZone) > due.draft;
  return { blocking, overdue, draftLate, mayClose: reasons.length === 0, reasons };
}

function pct(f: number): string {
  return `${(Math.round(f * 1000) / 10).toString()}%`;
}
