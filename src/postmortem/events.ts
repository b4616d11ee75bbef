/**
 * Incidents from GitHub events: an incident label of a severity on an issue,
 * and the review of a postmortem issue when it is edited or closed.
 */
import type { PostmortemPolicy } from '../policy/schemas/postmortem.js';
import type { Severity } from './form.js';
import { SEVERITIES } from './form.js';
import type { Incident, PostmortemRules } from './incident.js';

type Obj = Record<string, unknown>;

/** The policy in the shape the pure decisions take. */
export function rulesOf(policy: PostmortemPolicy): PostmortemRules {
  return {
    severities: policy.severities,
    timeZone: policy.timeZone,
    draftDays: policy.due.draftDays,
    finalDays: policy.due.finalDays,
    p0BudgetFraction: policy.budgetPercentNeedingP0 / 100,
    recurringSev3: policy.recurringSev3,
    allowCloseWithOpenP0: policy.allowCloseWithOpenP0,
  };
}

/** `sev1`, `severity:1`, `severity/sev2`, `incident: SEV-2`… as a severity, or null. */
export function severityOfLabel(name: string): Severity | null {
  const m = /^(?:incident|severity|sev)?\s*[:/ -]?\s*(?:sev)?[\s-]?([1-4])$/i.exec(name.trim());
  const sev = m ? (`sev${m[1]}` as Severity) : null;
  return sev && (SEVERITIES as readonly string[]).includes(sev) ? sev : null;
}

export type IssueEvent =
  | { readonly kind: 'incident'; readonly incident: Incident; readonly issueNumber: number }
  | { readonly kind: 'review'; readonly issueNumber: number; readonly closed: boolean }
  | { readonly kind: 'ignore'; readonly reason: string };

/** What an `issues` event asks of the postmortem flow. */
export function readIssueEvent(payload: Obj, policy: PostmortemPolicy): IssueEvent {
  const issue = (payload['issue'] ?? {}) as Obj;
  const number = Number(issue['number']);
  const labels = ((issue['labels'] ?? []) as Obj[]).map((l) => String(l['name'] ?? ''));
  const action = String(payload['action'] ?? '');
  if (labels.some((l) => policy.labels.includes(l))) {
    if (['edited', 'closed', 'reopened', 'labeled', 'opened'].includes(action))
      return { kind: 'review', issueNumber: number, closed: action === 'closed' };
    return { kind: 'ignore', reason: `a postmortem issue was ${action}` };
  }
  if (action !== 'labeled')
    return { kind: 'ignore', reason: `an issue was ${action}; only an incident label opens a postmortem` };
  const label = String(((payload['label'] ?? {}) as Obj)['name'] ?? '');
  const severity = severityOfLabel(label);
  if (!severity) return { kind: 'ignore', reason: `the label ${JSON.stringify(label)} names no severity` };
  const url = String(issue['html_url'] ?? '');
  return {
    kind: 'incident',
    issueNumber: number,
    incident: {
      key: `issue-${number}`,
      title: String(issue['title'] ?? `incident #${number}`),
      severity,
      trigger: 'label',
      startedAt: String(issue['created_at'] ?? new Date(0).toISOString()),
      summary: `Incident #${number}: ${String(issue['title'] ?? '')}`,
      links: url ? [{ label: `incident #${number}`, url }] : [],
      events: [
        {
          at: String(issue['created_at'] ?? ''),
          kind: 'incident',
          text: `Incident #${number} opened: ${String(issue['title'] ?? '')}`,
          ...(url ? { url } : {}),
        },
      ],
    },
  };
}

/**
 * What an `issue_comment` event asks of the postmortem flow: a comment on a
 * postmortem issue (an action item reported done, a question) refreshes its
 * review. A comment never reopens a closed postmortem: closing is reviewed
 * when it happens. Comments of bots and Bellwether's own (they carry its
 * marker) are ignored, so its review comment does not trigger another review.
 */
export function readIssueCommentEvent(payload: Obj, policy: PostmortemPolicy): IssueEvent {
  const issue = (payload['issue'] ?? {}) as Obj;
  const comment = (payload['comment'] ?? {}) as Obj;
  const action = String(payload['action'] ?? '');
  const number = Number(issue['number']);
  const labels = ((issue['labels'] ?? []) as Obj[]).map((l) => String(l['name'] ?? ''));
  if (issue['pull_request']) return { kind: 'ignore', reason: 'a comment on a pull request' };
  if (!labels.some((l) => policy.labels.includes(l)))
    return { kind: 'ignore', reason: `a comment on #${number}, which is not a postmortem issue` };
  if (action !== 'created' && action !== 'edited')
    return { kind: 'ignore', reason: `a comment on postmortem #${number} was ${action}` };
  const author = (comment['user'] ?? {}) as Obj;
  if (String(author['type'] ?? '') === 'Bot' || String(comment['body'] ?? '').includes('<!-- bellwether:')) {
    return { kind: 'ignore', reason: `a comment on postmortem #${number} by ${String(author['login'] ?? 'a bot')}` };
  }
  if (!Number.isInteger(number) || number <= 0) return { kind: 'ignore', reason: 'the payload names no issue' };
  return { kind: 'review', issueNumber: number, closed: false };
}
