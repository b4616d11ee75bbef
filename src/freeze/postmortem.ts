/**
 * The postmortem of a freeze: when the error budget policy freezes feature
 * deployments, the incident is the budget that ran out. One freeze is one
 * incident, keyed by the freeze issue's subject and the time the freeze
 * began (the "Frozen since" of the freeze issue), so the scheduled runs
 * during the freeze find the postmortem the first one opened (and leave it
 * to its authors), and a later freeze opens a new one. Whether one is opened at all is the postmortem policy's call:
 * a budget used beyond its `budgetPercentNeedingP0` (Google's 20%) always
 * needs one.
 */
import type { Incident } from '../postmortem/incident.js';
import type { BudgetReport } from './report.js';

export function freezeIncident(
  report: BudgetReport,
  context: { key: string; service?: string; since: string; issueUrl?: string; runUrl?: string; evidence: string },
): Incident {
  const subject = context.key.slice('deploy-freeze/'.length);
  const consumed = report.slos
    .map((s) => s.budget?.consumed)
    .filter((c): c is number => c !== undefined && Number.isFinite(c));
  const frozenBy = report.slos.filter((s) => s.gate.feature.verdict === 'block').map((s) => s.displayName ?? s.name);
  return {
    key: `freeze-${subject}-${context.since}`,
    title: `${subject}: feature deployments frozen by the error budget policy`,
    // The postmortem action's default severity when nothing says otherwise.
    severity: 'sev2',
    trigger: 'freeze',
    ...(context.service ? { service: context.service } : {}),
    startedAt: context.since,
    summary: `Feature deployments of ${subject} were frozen at ${context.since}: ${report.gate.feature.reason}.`,
    evidence: context.evidence,
    ...(consumed.length > 0 ? { budgetConsumed: Math.max(...consumed) } : {}),
    links: [
      ...(context.issueUrl ? [{ label: 'the freeze issue', url: context.issueUrl }] : []),
      ...(context.runUrl ? [{ label: 'the run that saw it', url: context.runUrl }] : []),
    ],
    events: [
      {
        at: context.since,
        kind: 'freeze',
        text: `feature deployments frozen${frozenBy.length > 0 ? ` by ${frozenBy.join(', ')}` : ''}: ${report.gate.feature.reason}`,
      },
    ],
  };
}
