/**
 * The `notify` policy: which deployment events are announced to the chat
 * and webhook targets an action is given (Slack, Microsoft Teams, a
 * CloudEvents endpoint). The targets themselves are secrets, so they come
 * from the actions' inputs, never from a policy file in the repository.
 */
import * as z from 'zod';
import { policyVersion, text } from '../fields.js';

/** The events Bellwether announces, one per flow that ends in a decision. */
export const NOTIFY_EVENTS = ['stage', 'region', 'rollback', 'freeze', 'postmortem'] as const;

/** One of the events Bellwether announces. */
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number];

/** The notify policy as written, with its defaults. */
export const notifyPolicySchema = z.strictObject({
  kind: z.literal('notify'),
  version: policyVersion(),
  description: z.string().optional(),
  /** Service globs this policy covers. */
  services: z.array(text()).min(1).default(['*']),
  /**
   * The events announced. Every one by default: a target is configured on
   * purpose, and each event is a decision people act on.
   */
  on: z.array(z.enum(NOTIFY_EVENTS)).default([...NOTIFY_EVENTS]),
});

/** A validated notify policy. */
export type NotifyPolicy = z.output<typeof notifyPolicySchema>;
