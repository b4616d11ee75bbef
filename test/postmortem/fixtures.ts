/**
 * What the postmortem tests share: the policy's documented rules (draft in
 * 2 days, final in 7, a P0 item above 20% of the budget) in New York time,
 * and the answers of a completely filled-in postmortem form.
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

/** Every field of the postmortem form answered, by field id. */
export const COMPLETE_FORM: Readonly<Record<string, string>> = {
  summary: 'Checkout 1.42.0 doubled p99 latency for 18 minutes.',
  severity: 'sev2',
  impact: 'Users: 4% of checkouts\nDuration: 18 min\nError budget used: 12%',
  detection: 'Canary verdict Fail at 5%.',
  timeline: 'see below',
  'root-cause': '1. Why? A cache was disabled.',
  resolution: 'Rolled back.',
  'action-items': '- [ ] P0 @alice 2026-12-01 Re-enable the cache behind a flag',
};
