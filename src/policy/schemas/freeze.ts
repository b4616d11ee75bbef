/**
 * The `freeze` policy: which SLOs guard deployments, what each level of
 * error budget spent does, the burn-rate alerts, and the way around a freeze.
 */
import * as z from 'zod';
import { EVEN_AFTER_PROBLEMS, validAt } from '../cross-field.js';
import { duration, githubTeam, githubUser, label, percent, policyVersion, text } from '../fields.js';
import { describeValue, listChoices } from '../wording.js';

/** What a level of budget spent does, from mildest to strongest. */
export const BUDGET_ACTIONS = ['notify', 'consider-freeze', 'all-hands', 'freeze'] as const;
export type BudgetAction = (typeof BUDGET_ACTIONS)[number];

/** The change types a rule may block: every one but rollback. */
export const BLOCKABLE = ['feature', 'security-fix', 'hotfix'] as const;
export type BlockableChange = (typeof BLOCKABLE)[number];

/** A list of change types a rule blocks; rollbacks are refused with why, since nothing may block one. */
export function blockList() {
  return z.array(
    z.enum(BLOCKABLE, {
      error: (iss) =>
        iss.input === 'rollback'
          ? 'rollbacks are never blocked; remove "rollback" from this list'
          : `expected one of ${listChoices(BLOCKABLE)}, got ${describeValue(iss.input)}`,
    }),
  );
}

const budgetTierSchema = z.strictObject({
  /** Percent of the error budget spent at which this tier applies. */
  threshold: percent(),
  action: z.enum(BUDGET_ACTIONS),
  /**
   * What this tier blocks outright. Left out, it follows the action:
   * `all-hands` blocks features, `freeze` blocks `frozenChangeTypes`, the
   * milder two block nothing (see `tierRules` in src/freeze/gate.ts).
   */
  block: blockList().optional(),
  /**
   * What this tier lets through only with an approved pull request. Left
   * out, `consider-freeze` asks it of features and the others of nothing.
   */
  needsApproval: blockList().optional(),
});

const burnRateSchema = z
  .strictObject({
    /** The long window catches a sustained burn... */
    longWindow: duration({ min: '1m' }),
    /** ...and the short one confirms it is still burning, so alerts stop soon after it ends. */
    shortWindow: duration({ min: '1m' }),
    /**
     * Multiple of the rate that would spend exactly the budget over a 30-day
     * SLO period; scaled to the SLO's own period.
     */
    burnRate: z
      .number({ error: (iss) => `expected a number greater than 0, got ${describeValue(iss.input)}` })
      .gt(0, { error: (iss) => `expected a number greater than 0, got ${describeValue(iss.input)}` })
      .optional(),
    /**
     * Instead of burnRate, as Sloth's alert windows write it: the alert fires
     * when this percent of the SLO period's budget would be spent within the
     * long window (8 over 1h of a 7-day period is a burn rate of 13.44).
     */
    errorBudgetPercent: z
      .number({
        error: (iss) => `expected a percentage greater than 0 and at most 100, got ${describeValue(iss.input)}`,
      })
      .gt(0, {
        error: (iss) => `expected a percentage greater than 0 and at most 100, got ${describeValue(iss.input)}`,
      })
      .lte(100, {
        error: (iss) => `expected a percentage greater than 0 and at most 100, got ${describeValue(iss.input)}`,
      })
      .optional(),
    /** `page` wakes someone; `ticket` waits for working hours. */
    severity: z.enum(['page', 'ticket']).default('page'),
  })
  .superRefine((alert, ctx) => {
    if (alert.burnRate !== undefined && alert.errorBudgetPercent !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['errorBudgetPercent'],
        input: alert.errorBudgetPercent,
        message: 'give either burnRate or errorBudgetPercent, not both',
      });
    } else if (alert.burnRate === undefined && alert.errorBudgetPercent === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['burnRate'],
        input: undefined,
        message: 'missing required field; give burnRate (such as 14.4) or errorBudgetPercent (such as 2)',
      });
    }
  });

/** Google SRE Workbook, chapter 5: multiwindow, multi-burn-rate alerts. */
const GOOGLE_BURN_RATES = [
  { longWindow: '1h', shortWindow: '5m', burnRate: 14.4, severity: 'page' },
  { longWindow: '6h', shortWindow: '30m', burnRate: 6, severity: 'page' },
  { longWindow: '1d', shortWindow: '2h', burnRate: 3, severity: 'ticket' },
  { longWindow: '3d', shortWindow: '6h', burnRate: 1, severity: 'ticket' },
] as const;

/** The freeze policy as written, with its defaults. */
export const freezePolicySchema = z.strictObject({
  kind: z.literal('freeze'),
  version: policyVersion(),
  description: z.string().optional(),
  /** Paths of OpenSLO files (relative to the repository root) whose budgets gate deployments. */
  slos: z.array(text()).default([]),
  /** Error budget policy: thresholds strictly increasing. */
  budgetPolicy: z
    .array(budgetTierSchema)
    .min(1)
    .superRefine((tiers, ctx) => {
      if (!Array.isArray(tiers)) return;
      const valid = tiers.map((_, i) => validAt(ctx, [i, 'threshold']));
      tiers.forEach((tier, i) => {
        const previous = tiers[i - 1];
        if (previous && valid[i] && valid[i - 1] && tier.threshold <= previous.threshold) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'threshold'],
            message: `expected a threshold greater than the previous tier's ${previous.threshold}, got ${tier.threshold}`,
          });
        }
      });
    }, EVEN_AFTER_PROBLEMS)
    .default([
      { threshold: 25, action: 'notify' },
      { threshold: 50, action: 'consider-freeze' },
      { threshold: 75, action: 'all-hands' },
      { threshold: 100, action: 'freeze' },
    ]),
  burnRateAlerts: z
    .array(burnRateSchema)
    .min(1)
    .superRefine((alerts, ctx) => {
      if (!Array.isArray(alerts)) return;
      alerts.forEach((alert, i) => {
        if (validAt(ctx, [i, 'shortWindow'], [i, 'longWindow']) && alert.shortWindow >= alert.longWindow) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'shortWindow'],
            message: 'expected a short window shorter than the long window',
          });
        }
      });
    }, EVEN_AFTER_PROBLEMS)
    .prefault([...GOOGLE_BURN_RATES]),
  /** Pull requests with one of these labels deploy even during a freeze. */
  exemptions: z.strictObject({ labels: z.array(label()).default(['security-fix', 'p0-fix']) }).prefault({}),
  breakGlass: z
    .strictObject({
      /** Who may deploy through a freeze. Nobody when both lists are empty. */
      users: z.array(githubUser()).default([]),
      teams: z.array(githubTeam()).default([]),
      /**
       * A break-glass deployment must say why: the audit records the reason,
       * so the gate never takes one without it. Only `true` is accepted; it is
       * kept so that policies that state it stay valid.
       */
      requireReason: z
        .literal(true, {
          error: 'a break-glass always needs a reason, which its audit records: remove requireReason or set it to true',
        })
        .default(true),
      audit: z
        .strictObject({
          /** Label put on the pull request or issue of every break-glass deployment. */
          label: label().default('bellwether:break-glass'),
          /** Open an issue recording who broke the glass, when and why. */
          issue: z.boolean().default(true),
        })
        .prefault({}),
    })
    .prefault({}),
});

/** A validated freeze policy; durations are in milliseconds. */
export type FreezePolicy = z.output<typeof freezePolicySchema>;
/** One multiwindow burn-rate alert. */
export type BurnRateAlert = FreezePolicy['burnRateAlerts'][number];
