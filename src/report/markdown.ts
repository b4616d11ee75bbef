/**
 * Markdown that parses as written: text that came from users or from other
 * tools (metric names, reasons, justifications) escaped once, here, and
 * fenced blocks whose fence no line inside can close.
 */

/**
 * Text made safe for Markdown, inside a table cell or out of it: every
 * character CommonMark or GitHub gives a meaning to inline is escaped, and a
 * line break becomes a space, so a value can neither end a table row nor
 * open a fence, a link, an emphasis or an HTML tag.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/[\\`*_<>[\]|]/g, (c) => `\\${c}`);
}

/**
 * Text of ours in which backticks mark code (a rule's fix, a finding's
 * message): each backticked span becomes a code span that holds its text as
 * it is, and everything else is escaped as `escapeMarkdown` does, so values
 * interpolated into the text cannot open a link, a tag or a fence, nor end a
 * table row.
 */
export function escapeMarkdownKeepingCode(text: string, inTable = false): string {
  return text
    .replace(/\r?\n/g, ' ')
    .split(/(`[^`]+`)/)
    .map((part, i) => (i % 2 === 1 ? markdownCode(part.slice(1, -1), inTable) : escapeMarkdown(part)))
    .join('');
}

/**
 * An inline code span holding `text` as it is: the backtick run around it is
 * longer than any inside it. In a table cell a pipe still ends the cell, even
 * inside code (GitHub's tables), so `inTable` escapes it.
 */
export function markdownCode(text: string, inTable = false): string {
  const flat = text.replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat === '' ? ' ' : '';
  const body = inTable ? flat.replace(/\|/g, '\\|') : flat;
  return `${ticks}${pad}${body}${pad}${ticks}`;
}

/**
 * A fenced code block around `body` whose fence is longer than any fence
 * inside it, so an embedded block (a Mermaid chart in a quoted report) cannot
 * close it early.
 */
export function fencedBlock(body: string, info = ''): string {
  let longest = 0;
  for (const m of body.matchAll(/^ {0,3}(`{3,}|~{3,})/gm)) longest = Math.max(longest, m[1]!.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${body.replace(/\n$/, '')}\n${fence}`;
}
