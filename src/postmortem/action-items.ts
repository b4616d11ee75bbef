/**
 * Action items: one task-list line each, `- [ ] P0 @owner 2026-12-31 what`.
 * Bellwether reads them to report overdue items and to keep a postmortem
 * with open P0 items from being closed out.
 */
import type { FormProblem } from './parse.js';
import { isCalendarDate } from '../policy/fields.js';

export type Priority = 'P0' | 'P1' | 'P2' | 'P3';

export interface ActionItem {
  readonly done: boolean;
  readonly priority: Priority | null;
  /** `@user` or `@org/team`, without the `@`. */
  readonly owner: string | null;
  /** Calendar date `YYYY-MM-DD`, in the policy's time zone. */
  readonly due: string | null;
  readonly text: string;
  /** 1-based line within the section. */
  readonly line: number;
  /** Sub-issue or issue reference, such as `#123`, when the item links one. */
  readonly issue: number | null;
}

const TASK = /^\s*[-*+]\s+\[([ xX])\]\s+(.*)$/;
// Top-level only: an indented bullet under a task is a note on it.
const BULLET = /^(?:[-*+]|\d+[.)])\s+/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TASK_FORMAT = '- [ ] P0 @owner YYYY-MM-DD what';

/**
 * Action items of a postmortem's section, with a problem for each line that
 * cannot be tracked (no priority, owner or date; not a task at all).
 */
export function parseActionItems(text: string | null): { items: ActionItem[]; problems: FormProblem[] } {
  const items: ActionItem[] = [];
  const problems: FormProblem[] = [];
  const lines = (text ?? '').split('\n');
  let tableAt: number | null = null;
  for (const [index, raw] of lines.entries()) {
    const m = TASK.exec(raw);
    if (!m) {
      // Items in a table or as plain bullets are not tracked: say so rather than lose them.
      if (TABLE_ROW.test(raw)) tableAt ??= index + 1;
      else if (BULLET.test(raw))
        problems.push({
          field: 'action-items',
          message: `line ${index + 1} ("${raw.replace(BULLET, '').trim()}") is not a task; write it as \`${TASK_FORMAT}\``,
        });
      continue;
    }
    let rest = m[2] ?? '';
    const take = (re: RegExp): string | null => {
      const hit = re.exec(rest);
      if (!hit) return null;
      rest = (rest.slice(0, hit.index) + rest.slice(hit.index + hit[0].length)).trim();
      return hit[1] ?? hit[0];
    };
    const priority = take(/\bP([0-3])\b/);
    const owner = take(/(?:^|\s)@([A-Za-z0-9][\w-]*(?:\/[\w.-]+)?)/);
    const dueText = take(/\b(\d{4}-\d{2}-\d{2})\b/);
    // An impossible date is reported below and never counts as overdue.
    const due = dueText !== null && isCalendarDate(dueText) ? dueText : null;
    const issueRef = /#(\d+)\b/.exec(rest);
    const item: ActionItem = {
      done: m[1] !== ' ',
      priority: priority === null ? null : (`P${priority}` as Priority),
      owner,
      due,
      text: rest.replace(/\s+/g, ' ').trim(),
      line: index + 1,
      issue: issueRef ? Number(issueRef[1]) : null,
    };
    items.push(item);
    const missing = [
      item.priority ? '' : 'a priority (P0 to P3)',
      item.owner ? '' : 'an owner (@user)',
      dueText ? '' : 'a due date (YYYY-MM-DD)',
    ].filter(Boolean);
    if (missing.length > 0 && !item.done) {
      problems.push({
        field: 'action-items',
        message: `line ${item.line} ("${item.text || raw.trim()}") needs ${missing.join(', ')}`,
      });
    }
    if (dueText !== null && due === null)
      problems.push({ field: 'action-items', message: `line ${item.line}: ${dueText} is not a calendar date` });
  }
  if (tableAt !== null) {
    problems.unshift({
      field: 'action-items',
      message: `line ${tableAt}: action items are a table; write one task a line, \`${TASK_FORMAT}\`, so they can be tracked`,
    });
  } else if (items.length === 0 && problems.length === 0 && lines.some((l) => l.trim() !== '')) {
    problems.unshift({ field: 'action-items', message: `no task lines; write one a line, \`${TASK_FORMAT}\`` });
  }
  return { items, problems };
}

/** Today's calendar date in a time zone, as `YYYY-MM-DD`. */
export function localDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Open items whose due date is before today in the policy's time zone. */
export function overdueItems(items: readonly ActionItem[], now: Date, timeZone: string): ActionItem[] {
  const today = localDate(now, timeZone);
  return items.filter((i) => !i.done && i.due !== null && i.due < today);
}

/** Open P0 items: a postmortem is not closed out while any remains. */
export function openP0(items: readonly ActionItem[]): ActionItem[] {
  return items.filter((i) => !i.done && i.priority === 'P0');
}
