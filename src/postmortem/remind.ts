/**
 * Reminders on open postmortem issues: a draft still missing sections after
 * its due date, and action items past theirs. A scheduled run reminds; each
 * issue holds one reminder comment, updated in place, never a second one.
 */
import type { Deps } from '../deps/deps.js';
import { errorMessage } from '../runtime/errors.js';
import type { ActionItem } from './action-items.js';
import { localDate, parseActionItems } from './action-items.js';
import type { PostmortemRules } from './incident.js';
import { deadlines, reviewPostmortem } from './incident.js';
import type { FormProblem } from './parse.js';
import { parsePostmortemForm } from './parse.js';
import { budgetFromBody } from './review-issue.js';

export const REMINDER_MARKER = 'postmortem-reminder';

/** A postmortem issue as the reminder needs it. */
export interface PostmortemIssue {
  readonly number: number;
  readonly body: string;
  /** RFC 3339; the draft is due `draftDays` after it unless the body states its own date. */
  readonly createdAt: string;
  readonly state?: 'open' | 'closed';
}

export interface Reminder {
  readonly issueNumber: number;
  /** Calendar date in the policy's time zone. */
  readonly draftDue: string;
  readonly draftLate: boolean;
  /** What the draft still lacks (empty unless it is late). */
  readonly missing: readonly FormProblem[];
  readonly overdue: readonly ActionItem[];
}

// Bellwether's own issues say when the draft is due, counted from the incident rather than the issue.
const STATED_DRAFT_DUE = /Draft due (\d{4}-\d{2}-\d{2})\b/;

/** The open postmortem issues that need a reminder at `now`, and what each one should say. */
export function dueReminders(issues: readonly PostmortemIssue[], rules: PostmortemRules, now: Date): Reminder[] {
  const today = localDate(now, rules.timeZone);
  const seen = new Set<number>();
  const out: Reminder[] = [];
  for (const issue of issues) {
    if (issue.state === 'closed' || seen.has(issue.number)) continue;
    seen.add(issue.number);
    const form = parsePostmortemForm(issue.body);
    const items = parseActionItems(form.answers['action-items'] ?? null);
    const budget = budgetFromBody(issue.body);
    const incident = { startedAt: issue.createdAt, ...(budget !== undefined ? { budgetConsumed: budget } : {}) };
    const review = reviewPostmortem(incident, [...form.problems, ...items.problems], items.items, rules, now);
    const draftDue = STATED_DRAFT_DUE.exec(issue.body)?.[1] ?? deadlines(incident, rules).draft;
    const draftLate = review.blocking.length > 0 && today > draftDue;
    if (!draftLate && review.overdue.length === 0) continue;
    out.push({
      issueNumber: issue.number,
      draftDue,
      draftLate,
      missing: draftLate ? review.blocking : [],
      overdue: review.overdue,
    });
  }
  return out;
}

/**
 * The reminder comment. It names owners (`@user`) so they are notified, and
 * holds no running count of days, so an unchanged state leaves it unchanged.
 */
export function renderReminder(reminder: Reminder, timeZone: string): string {
  const lines = ['### Postmortem reminder', ''];
  if (reminder.draftLate) {
    lines.push(
      `The draft was due ${reminder.draftDue} (${timeZone}) and still lacks:`,
      ...reminder.missing.map((p) => `- ${p.message}`),
      '',
    );
  }
  if (reminder.overdue.length > 0) {
    lines.push(
      'Action items past their due date:',
      ...reminder.overdue.map(
        (i) =>
          `- ${[i.priority, i.owner ? `@${i.owner}` : null, `due ${i.due ?? '?'}:`, i.text].filter(Boolean).join(' ')}`,
      ),
      '',
    );
  }
  lines.push('Tick an item (`- [x]`) when it is done; Bellwether reads the issue again on its next run.');
  return `${lines.join('\n')}\n`;
}

export interface RemindOutcome {
  readonly reminders: readonly Reminder[];
  readonly commented: ReadonlyArray<{
    readonly issueNumber: number;
    readonly commentId: number;
    readonly created: boolean;
  }>;
  /** Issues whose comment could not be written; the others were still reminded. */
  readonly failed: ReadonlyArray<{ readonly issueNumber: number; readonly error: string }>;
}

/**
 * Reminds on the given postmortem issues (the scheduled workflow lists the
 * open issues with the policy's labels): one comment per issue under
 * `REMINDER_MARKER`, created once and then updated in place.
 */
export async function remindPostmortems(
  input: { readonly issues: readonly PostmortemIssue[]; readonly rules: PostmortemRules },
  deps: Pick<Deps, 'github' | 'clock' | 'logger'>,
): Promise<RemindOutcome> {
  const reminders = dueReminders(input.issues, input.rules, deps.clock.now());
  const commented: Array<RemindOutcome['commented'][number]> = [];
  const failed: Array<RemindOutcome['failed'][number]> = [];
  for (const r of reminders) {
    try {
      const c = await deps.github.upsertComment(
        r.issueNumber,
        REMINDER_MARKER,
        renderReminder(r, input.rules.timeZone),
      );
      commented.push({ issueNumber: r.issueNumber, commentId: c.id, created: c.created });
    } catch (err) {
      // One locked or deleted issue must not keep the others from their reminders.
      deps.logger.warning(`Could not remind on postmortem #${r.issueNumber}: ${errorMessage(err)}`);
      failed.push({ issueNumber: r.issueNumber, error: errorMessage(err) });
    }
  }
  deps.logger.info(
    `Postmortem reminders: ${commented.length} of ${reminders.length} written, ${input.issues.length} issue(s) checked.`,
  );
  return { reminders, commented, failed };
}
