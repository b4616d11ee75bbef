/**
 * The `postmortem` policy: which incidents need one, how the issue is
 * labelled, and when the draft and the final version are due.
 */
import * as z from 'zod';
import { EVEN_AFTER_PROBLEMS, isMapping, validAt } from '../cross-field.js';
import { count, label, policyVersion, text, timeZone } from '../fields.js';

/** The postmortem policy as written, with its defaults. */
export const postmortemPolicySchema = z.strictObject({
  kind: z.literal('postmortem'),
  version: policyVersion(),
  description: z.string().optional(),
  /** Severities for which a postmortem issue is opened. */
  severities: z.array(text()).default(['sev1', 'sev2']),
  /** Time zone of the timeline and of due dates. */
  timeZone: timeZone().default('UTC'),
  labels: z.array(label()).default(['postmortem']),
  due: z
    .strictObject({
      /** Days after the incident the draft is due (the practice: within 48 hours). */
      draftDays: count(1).default(2),
      /** Days after the incident the reviewed postmortem is due (the practice: within a week). */
      finalDays: count(1).default(7),
    })
    .superRefine((due, ctx) => {
      if (!isMapping(due) || !validAt(ctx, ['draftDays'], ['finalDays'])) return;
      if (due.finalDays < due.draftDays) {
        ctx.addIssue({
          code: 'custom',
          path: ['finalDays'],
          message: `expected at least draftDays (${due.draftDays}), got ${due.finalDays}`,
        });
      }
    }, EVEN_AFTER_PROBLEMS)
    .prefault({}),
  /**
   * An incident that used more than this percent of the error budget needs a
   * postmortem whatever its severity, with at least one P0 action item.
   */
  budgetPercentNeedingP0: z.number().min(0).max(100).default(20),
  /** This many sev3 incidents of one service within 30 days make the next sev3 need a postmortem too. */
  recurringSev3: count(1).default(3),
  /** Let a postmortem be closed while P0 action items are still open. */
  allowCloseWithOpenP0: z.boolean().default(false),
});

/** A validated postmortem policy. */
export type PostmortemPolicy = z.output<typeof postmortemPolicySchema>;
