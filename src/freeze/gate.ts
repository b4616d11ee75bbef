/**
 * The deploy gate: from budgets, alerts and the calendar to allow or block
 * for each change type, with every reason. Pure: `now` is an argument, and
 * the gate is asked when a deployment step runs, so it sees the state of now.
 */
import { formatDuration } from '../policy/fields.js';
import type { BudgetAction } from '../policy/schemas/freeze.js';
import type { AlertEvaluation, BudgetState } from './burn.js';
import { fmt } from './burn.js';
import { activeCalendarFreezes } from './calendar.js';
import { CHANGE_TYPES } from '../policy/schemas/freeze-gate.js';
import type { BlockableChange, ChangeType, FreezeGatePolicy } from '../policy/schemas/freeze-gate.js';
import { Rational } from './rational.js';

/** What the gate knows about one SLO. */
export interface SloStatus {
  readonly name: string;
  /** Undefined when the SLO period could not be measured. */
  readonly budget: BudgetState | undefined;
  /** Why the budget is unknown, when it is. */
  readonly unavailable?: string;
  readonly alerts: readonly AlertEvaluation[];
}

/** A request to deploy through a freeze on purpose. */
export interface BreakGlassRequest {
  readonly user: string;
  /** Teams (`org/team`) the user belongs to, as the caller verified them. */
  readonly teams?: readonly string[];
  /** Teams of the policy whose membership could not be verified, each with why. */
  readonly teamsUnknown?: readonly string[];
  readonly justification: string;
  readonly expiresAt: Date;
}

/** What the deployment carries besides its change type. */
export interface GateRequest {
  /** Labels of the pull request being deployed; exemption labels lift budget and alert blocks. */
  readonly labels?: readonly string[];
  /**
   * Who approved the pull request being deployed (their latest review
   * approves). An approval lifts what a tier's `needsApproval` asks; left
   * out, nothing was approved.
   */
  readonly approvals?: readonly string[];
  readonly breakGlass?: BreakGlassRequest;
}

/** The tier of the error budget policy an SLO is in. */
export interface TierState {
  readonly slo: string;
  readonly action: BudgetAction;
  /** Percent of the budget at which the tier starts. */
  readonly threshold: number;
  /** Percent of the budget spent. */
  readonly consumedPercent: number;
}

/** Which rule a reason comes from. */
export type GateRule = 'budget-tier' | 'budget-approval' | 'page-alert' | 'metrics-unavailable' | 'calendar-freeze';

/** One rule that applied: what was measured, against which threshold, and what it blocks. */
export interface GateReason {
  readonly rule: GateRule;
  readonly slo?: string;
  readonly measured: string;
  readonly threshold: string;
  readonly reason: string;
  /** A few words for lists: `page alert page-1h-5m of api firing`. */
  readonly summary: string;
  readonly blocks: readonly BlockableChange[];
}

/** The verdict for one change type. */
export interface ChangeDecision {
  readonly verdict: 'allow' | 'block';
  /** One line: why. */
  readonly reason: string;
  /** The rules that block this change type (lifted ones included, with `via`). */
  readonly blockedBy: readonly GateReason[];
  /** How blocks were lifted, when they were. */
  readonly via?: 'exemption' | 'approval' | 'break-glass';
}

/** The record of a break-glass request, accepted or not; it goes on every surface. */
export interface BreakGlassRecord {
  readonly user: string;
  readonly justification: string;
  readonly expiresAt: string;
  readonly accepted: boolean;
  readonly reason: string;
  /** Where the audit trail goes: the label to put and whether a follow-up issue is opened. */
  readonly audit: { readonly label: string; readonly openIssue: boolean };
}

/** The gate's answer for every change type at one instant. */
export interface GateDecision {
  readonly at: string;
  readonly tiers: readonly TierState[];
  readonly reasons: readonly GateReason[];
  readonly changes: Readonly<Record<ChangeType, ChangeDecision>>;
  readonly breakGlass?: BreakGlassRecord;
}

/** One tier of the error budget policy, as written. */
export type BudgetTier = FreezeGatePolicy['budgetPolicy'][number];

/** The highest tier whose threshold the budget spent has reached, if any: only that tier applies. */
export function tierFor(policy: Pick<FreezeGatePolicy, 'budgetPolicy'>, consumed: Rational): BudgetTier | undefined {
  const percent = consumed.mul(Rational.of(100));
  let found: BudgetTier | undefined;
  for (const tier of policy.budgetPolicy) if (percent.gte(Rational.fromWritten(tier.threshold))) found = tier;
  return found;
}

/**
 * What a tier does, its lists filled in from its action where the policy
 * leaves them out: `notify` blocks nothing (the scheduled run tells the
 * team), `consider-freeze` lets a feature through only with an approved pull
 * request, `all-hands` lets only critical fixes through (features blocked),
 * and `freeze` blocks `frozenChangeTypes`.
 */
export function tierRules(
  policy: Pick<FreezeGatePolicy, 'frozenChangeTypes'>,
  tier: Pick<BudgetTier, 'action' | 'block' | 'needsApproval'>,
): { block: readonly BlockableChange[]; needsApproval: readonly BlockableChange[] } {
  const block = tier.block ?? DEFAULT_BLOCK[tier.action] ?? policy.frozenChangeTypes;
  const needsApproval = (tier.needsApproval ?? (tier.action === 'consider-freeze' ? ['feature' as const] : [])).filter(
    (t) => !block.includes(t),
  );
  return { block, needsApproval };
}

/** What each action blocks by default; `freeze` is the policy's `frozenChangeTypes`. */
const DEFAULT_BLOCK: Partial<Record<BudgetAction, readonly BlockableChange[]>> = {
  notify: [],
  'consider-freeze': [],
  'all-hands': ['feature'],
};

/** Every rule that applies now, each with the change types it blocks. */
export function gateReasons(
  policy: FreezeGatePolicy,
  slos: readonly SloStatus[],
  now: Date,
): { reasons: GateReason[]; tiers: TierState[] } {
  const reasons: GateReason[] = [];
  const tiers: TierState[] = [];
  for (const slo of slos) {
    if (!slo.budget) {
      reasons.push({
        rule: 'metrics-unavailable',
        slo: slo.name,
        measured: 'budget unknown',
        threshold: 'a measured budget',
        reason: `the error budget of ${slo.name} is unknown: ${slo.unavailable ?? 'no data'}`,
        summary: `budget of ${slo.name} unknown`,
        blocks: policy.onMetricsUnavailable.block,
      });
    } else {
      const consumedPercent = slo.budget.consumed.mul(Rational.of(100));
      const tier = tierFor(policy, slo.budget.consumed);
      if (tier) {
        tiers.push({
          slo: slo.name,
          action: tier.action,
          threshold: tier.threshold,
          consumedPercent: consumedPercent.toNumber(),
        });
        const rules = tierRules(policy, tier);
        const spent = `${slo.name} has spent ${fmt(consumedPercent)}% of its error budget, at or past the ${tier.threshold}% tier (${tier.action})`;
        reasons.push({
          rule: 'budget-tier',
          slo: slo.name,
          measured: `${fmt(consumedPercent)}% of the error budget spent`,
          threshold: `${tier.threshold}%`,
          reason: spent,
          summary: `${slo.name} in tier ${tier.action} (${fmt(consumedPercent)}% spent)`,
          blocks: rules.block,
        });
        if (rules.needsApproval.length > 0) {
          reasons.push({
            rule: 'budget-approval',
            slo: slo.name,
            measured: `${fmt(consumedPercent)}% of the error budget spent`,
            threshold: `${tier.threshold}%`,
            reason: `${spent}: a ${rules.needsApproval.join(', ')} deploys only from an approved pull request`,
            summary: `${slo.name} in tier ${tier.action}: approval needed for ${rules.needsApproval.join(', ')}`,
            blocks: rules.needsApproval,
          });
        }
      }
    }
    for (const alert of slo.alerts) {
      if (alert.severity !== 'page') continue;
      if (alert.state === 'firing') {
        reasons.push({
          rule: 'page-alert',
          slo: slo.name,
          measured: `burn rate ${alert.burnRates.long ? fmt(alert.burnRates.long) : 'n/a'} over ${alert.longWindow}, ${alert.burnRates.short ? fmt(alert.burnRates.short) : 'n/a'} over ${alert.shortWindow}`,
          threshold: `above ${fmt(alert.threshold)} over both`,
          reason: `page alert ${alert.name} of ${slo.name} is firing: ${alert.reason}`,
          summary: `page alert ${alert.name} of ${slo.name} firing`,
          blocks: policy.onPageAlert.block,
        });
      } else if (alert.state === 'no-data') {
        reasons.push({
          rule: 'metrics-unavailable',
          slo: slo.name,
          measured: 'no data',
          threshold: 'burn rates over both windows',
          reason: `page alert ${alert.name} of ${slo.name} cannot be judged: ${alert.reason}`,
          summary: `page alert ${alert.name} of ${slo.name} without data`,
          blocks: policy.onMetricsUnavailable.block,
        });
      }
    }
  }
  for (const active of activeCalendarFreezes(policy.calendarFreezes, now)) {
    reasons.push({
      rule: 'calendar-freeze',
      measured: now.toISOString(),
      threshold: active.freeze.name,
      reason: active.reason,
      summary: `calendar freeze "${active.freeze.name}"`,
      blocks: active.freeze.block,
    });
  }
  return { reasons, tiers };
}

/** Whether a break-glass request is accepted under `policy` at `now`, and why. */
export function judgeBreakGlass(policy: FreezeGatePolicy, request: BreakGlassRequest, now: Date): BreakGlassRecord {
  const glass = policy.breakGlass;
  const base = {
    user: request.user,
    justification: request.justification,
    expiresAt: Number.isNaN(request.expiresAt.getTime()) ? 'invalid' : request.expiresAt.toISOString(),
    audit: { label: glass.audit.label, openIssue: glass.audit.issue },
  };
  const refuse = (reason: string): BreakGlassRecord => ({ ...base, accepted: false, reason });
  const login = request.user.toLowerCase();
  const permitted =
    glass.users.some((u) => u.toLowerCase() === login) ||
    (request.teams ?? []).some((t) => glass.teams.some((p) => p.toLowerCase() === t.toLowerCase()));
  if (!permitted) {
    const unknown = request.teamsUnknown ?? [];
    return refuse(
      `${request.user} is not permitted to break the glass (breakGlass.users and breakGlass.teams)${unknown.length > 0 ? `; team membership could not be checked (${unknown.join('; ')})` : ''}`,
    );
  }
  // A justification is what the audit records; the gate never takes a break-glass without one.
  if (request.justification.trim() === '') return refuse('break-glass needs a justification');
  if (Number.isNaN(request.expiresAt.getTime())) return refuse('break-glass needs an expiry time');
  if (request.expiresAt.getTime() <= now.getTime()) return refuse(`break-glass expired at ${base.expiresAt}`);
  if (request.expiresAt.getTime() - now.getTime() > policy.breakGlassMaxDuration) {
    return refuse(
      `break-glass may last at most ${formatDuration(policy.breakGlassMaxDuration)} (breakGlassMaxDuration); ${base.expiresAt} is later`,
    );
  }
  return {
    ...base,
    accepted: true,
    reason: `break-glass by ${request.user} until ${base.expiresAt}: ${request.justification.trim()}`,
  };
}

/**
 * The gate at `now`: allow or block for each change type. Rollbacks are never
 * blocked. Exemption labels lift blocks from the budget and page alerts; an
 * approved pull request lifts what a tier's `needsApproval` asks; an
 * accepted break-glass lifts every block and is recorded.
 */
export function decideGate(
  policy: FreezeGatePolicy,
  slos: readonly SloStatus[],
  now: Date,
  request: GateRequest = {},
): GateDecision {
  const { reasons, tiers } = gateReasons(policy, slos, now);
  const exemption = (request.labels ?? []).find((l) => policy.exemptions.labels.includes(l));
  const breakGlass = request.breakGlass ? judgeBreakGlass(policy, request.breakGlass, now) : undefined;
  const decide = (type: ChangeType): ChangeDecision => {
    if (type === 'rollback') return { verdict: 'allow', reason: 'rollbacks are never blocked', blockedBy: [] };
    const blockedBy = reasons.filter((r) => r.blocks.includes(type));
    if (blockedBy.length === 0) return { verdict: 'allow', reason: clearReason(type, reasons), blockedBy };
    const remaining = exemption
      ? blockedBy.filter((r) => r.rule !== 'budget-tier' && r.rule !== 'budget-approval' && r.rule !== 'page-alert')
      : blockedBy;
    if (remaining.length === 0) {
      return {
        verdict: 'allow',
        reason: `exemption label "${exemption}" lifts: ${blockedBy.map((r) => r.reason).join('; ')}`,
        blockedBy,
        via: 'exemption',
      };
    }
    const approvers = request.approvals ?? [];
    if (approvers.length > 0 && remaining.every((r) => r.rule === 'budget-approval')) {
      return {
        verdict: 'allow',
        reason: `the pull request is approved by ${approvers.map((a) => `@${a}`).join(', ')}, which lifts: ${remaining.map((r) => r.reason).join('; ')}`,
        blockedBy,
        via: 'approval',
      };
    }
    if (breakGlass?.accepted)
      return {
        verdict: 'allow',
        reason: `${breakGlass.reason} (lifts: ${remaining.map((r) => r.reason).join('; ')})`,
        blockedBy,
        via: 'break-glass',
      };
    const glassNote = breakGlass ? ` (break-glass refused: ${breakGlass.reason})` : '';
    return { verdict: 'block', reason: remaining.map((r) => r.reason).join('; ') + glassNote, blockedBy };
  };
  const changes = Object.fromEntries(CHANGE_TYPES.map((t) => [t, decide(t)])) as Record<ChangeType, ChangeDecision>;
  return { at: now.toISOString(), tiers, reasons, changes, ...(breakGlass ? { breakGlass } : {}) };
}

function clearReason(type: ChangeType, reasons: readonly GateReason[]): string {
  if (reasons.length === 0) return 'no freeze, alert or calendar rule applies';
  return `no rule blocks ${type}; in force: ${reasons.map((r) => r.summary).join(', ')}`;
}
