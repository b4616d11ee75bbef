/**
 * The postmortem rules the tests share: the policy's documented defaults
 * (draft in 2 days, final in 7, a P0 item above 20% of the budget) in
 * New York time.
 */
import type { PostmortemRules } from '../../src/postmortem/incident.js';

export const RULES: PostmortemRules = {
  severities: ['sev1', 'sev2'],
  timeZone: 'America/New_York',
  draftDays: 2,
  finalDays: 7,
  p0BudgetFraction: 0.2,
  recurringSev3: 3,
  allowCloseWithOpenP0: false,
};
