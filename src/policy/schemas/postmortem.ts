/**
 * The `postmortem` policy: which incidents need one, how the issue is
 * labelled, and when the draft and the final version are due.
 */
import { z } from 'zod';
import { EVEN_AFTER_PROBLEMS, isMapping, validAt } from '../cross-field.js';
import { count, label, policyVersion, text, timeZone } from '../fields.js';

/** The postmortem policy as written, with its defaults. */
export const postmortemPolicySchema = z
  .strictObject({
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
        /** Days after the incident the draft is due. */
        draftDays: count(1).default(3),
        /** Days after the incident the reviewed postmortem is due. */
        finalDays: count(1).default(10),
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
  });

/** A validated postmortem policy. */
export type PostmortemPolicy = z.output<typeof postmortemPolicySchema>;
