/**
 * The postmortem action: from a rollback or freeze (inputs), from an incident
 * label on an issue, or reviewing a postmortem issue that was edited or closed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readIssueCommentEvent, readIssueEvent, rulesOf } from '../postmortem/events.js';
import type { Incident } from '../postmortem/incident.js';
import { remindPostmortems } from '../postmortem/remind.js';
import { reviewPostmortemIssue } from '../postmortem/review-issue.js';
import { openOrUpdatePostmortem } from '../postmortem/run.js';
import { locatePolicies } from '../policy/locate.js';
import { loadPolicySet, policyFor } from '../policy/set.js';
import { postmortemNotice } from '../notify/notices.js';
import { runUrl } from '../runtime/context.js';
import type { ActionImpl, ActionResult } from './types.js';
import { postmortemSpec } from './specs.js';

export const postmortemAction: ActionImpl<typeof postmortemSpec.inputs> = {
  spec: postmortemSpec,
  async run(inputs, deps, ctx): Promise<ActionResult> {
    const set = await loadPolicySet(locatePolicies(inputs.policy || undefined, ctx.workspace).path, deps.files);
    const policy = policyFor(set, 'postmortem', inputs.service || undefined).policy;
    const rules = rulesOf(policy);
    if (ctx.eventName === 'schedule') {
      // Reminders for open postmortems whose draft is late or whose action items are overdue.
      const issues = await deps.github.listIssues({ labels: policy.labels, state: 'open', limit: 100 });
      const out = await remindPostmortems(
        {
          issues: issues.map((i) => ({ number: i.number, body: i.body, createdAt: i.createdAt ?? '', state: i.state })),
          rules,
        },
        deps,
      );
      return {
        outputs: { status: 'reminded' },
        summary: `${issues.length} open postmortem(s) checked; ${out.commented.length} reminder(s) written, ${out.failed.length} failed.\n`,
      };
    }
    let incident: Incident;
    let incidentIssue: number | undefined;
    if (ctx.eventName === 'issues' || ctx.eventName === 'issue_comment') {
      const event =
        ctx.eventName === 'issues' ? readIssueEvent(ctx.payload, policy) : readIssueCommentEvent(ctx.payload, policy);
      if (event.kind === 'ignore')
        return { outputs: { status: 'skipped' }, summary: `Nothing to do: ${event.reason}.\n` };
      if (event.kind === 'review') {
        const issue = ctx.payload['issue'] as { body?: string; created_at?: string; html_url?: string };
        const { review, reopened } = await reviewPostmortemIssue(
          { number: event.issueNumber, body: issue.body ?? '', createdAt: issue.created_at ?? '' },
          event.closed,
          rules,
          deps,
        );
        return {
          outputs: { issue: String(event.issueNumber), 'issue-url': issue.html_url ?? '', status: 'reviewed' },
          summary: `Postmortem #${event.issueNumber} reviewed: ${review.mayClose ? 'may be closed' : review.reasons.join('; ')}${reopened ? ' (reopened)' : ''}.\n`,
        };
      }
      incident = event.incident;
      incidentIssue = event.issueNumber;
    } else {
      const now = deps.clock.now().toISOString();
      const evidencePath = inputs.evidence ? join(ctx.workspace, inputs.evidence) : '';
      const evidence = evidencePath && existsSync(evidencePath) ? readFileSync(evidencePath, 'utf8') : inputs.evidence;
      const budget = inputs['budget-consumed'] ? Number(inputs['budget-consumed']) / 100 : undefined;
      incident = {
        key: inputs.incident || `${inputs.trigger}-${ctx.runId}`,
        title: inputs.title || `${inputs.service || ctx.repo} incident`,
        severity: inputs.severity,
        trigger: inputs.trigger,
        ...(inputs.service ? { service: inputs.service } : {}),
        ...(inputs.environment ? { environment: inputs.environment } : {}),
        startedAt: inputs['started-at'] || now,
        ...(inputs['resolved-at'] ? { resolvedAt: inputs['resolved-at'] } : {}),
        summary: inputs.summary || inputs.title || 'To be written.',
        ...(evidence ? { evidence } : {}),
        ...(budget !== undefined && Number.isFinite(budget) ? { budgetConsumed: budget } : {}),
        links: [{ label: 'the run that opened this', url: runUrl(ctx) }],
        events: [],
      };
    }
    const outcome = await openOrUpdatePostmortem({ incident, rules, labels: policy.labels }, deps);
    if (outcome.status === 'skipped')
      return { outputs: { status: 'skipped' }, summary: `No postmortem: ${outcome.requirement.reason}.\n` };
    if (incidentIssue !== undefined) {
      await deps.github.upsertComment(
        incidentIssue,
        `postmortem-link/${incident.key}`,
        `Postmortem: ${outcome.issue.url} (${outcome.requirement.reason}).`,
      );
    }
    return {
      outputs: { issue: String(outcome.issue.number), 'issue-url': outcome.issue.url, status: outcome.status },
      notice: postmortemNotice(outcome.status, outcome.issue, incident),
      summary: `Postmortem ${outcome.status}: ${outcome.issue.url}\n\n${outcome.requirement.reason}. ${outcome.review.reasons.length ? `Open: ${outcome.review.reasons.join('; ')}.` : ''}\n`,
    };
  },
};
