/**
 * Reviewing a postmortem issue when people edit or close it: what is still
 * missing, which action items are overdue, and whether it may be closed.
 * A postmortem closed with open P0 items is reopened, saying why.
 */
import type { Deps } from '../deps/deps.js';
import { parseActionItems } from './action-items.js';
import type { PostmortemRules, Review } from './incident.js';
import { reviewPostmortem } from './incident.js';
import { parsePostmortemForm } from './parse.js';

export const REVIEW_MARKER = 'postmortem-review';

/** The error budget share the body's impact section records, as a fraction. */
export function budgetFromBody(body: string): number | undefined {
  const m = /Error budget used:\s*([\d.]+)\s*%/i.exec(body);
  return m ? Number(m[1]) / 100 : undefined;
}

/** The review as the comment on the issue says it. */
export function renderReview(review: Review, reopened: boolean): string {
  const lines = ['### Postmortem review', ''];
  if (reopened) lines.push(`Reopened: this postmortem cannot be closed yet (${review.reasons.join('; ')}).`, '');
  if (review.blocking.length > 0) lines.push('Still to write:', ...review.blocking.map((p) => `- ${p.message}`), '');
  if (review.overdue.length > 0)
    lines.push(
      'Overdue action items:',
      ...review.overdue.map((i) =>
        `- ${i.priority ?? ''} ${i.owner ? `@${i.owner}` : ''} due ${i.due}: ${i.text}`.replace(/\s+/g, ' '),
      ),
      '',
    );
  if (review.draftLate) lines.push('The draft is past its due date.', '');
  if (review.blocking.length === 0 && review.overdue.length === 0 && review.mayClose)
    lines.push('Complete: every section is written and no P0 action item is open.');
  return lines.join('\n').trim() + '\n';
}

export async function reviewPostmortemIssue(
  issue: { number: number; body: string; createdAt: string },
  closed: boolean,
  rules: PostmortemRules,
  deps: Pick<Deps, 'github' | 'clock'>,
): Promise<{ review: Review; reopened: boolean }> {
  const form = parsePostmortemForm(issue.body);
  const items = parseActionItems(form.answers['action-items'] ?? null);
  const budget = budgetFromBody(issue.body);
  const review = reviewPostmortem(
    { startedAt: issue.createdAt, ...(budget !== undefined ? { budgetConsumed: budget } : {}) },
    [...form.problems, ...items.problems],
    items.items,
    rules,
    deps.clock.now(),
  );
  const reopened = closed && !review.mayClose;
  if (reopened) await deps.github.updateIssue(issue.number, { state: 'open' });
  await deps.github.upsertComment(issue.number, REVIEW_MARKER, renderReview(review, reopened));
  return { review, reopened };
}
