/**
 * Markdown checked as a reader's renderer sees it: parsed by a CommonMark
 * parser with GitHub's tables (markdown-it), then every fenced block must
 * close where it was meant to, and every table row must have the cells of
 * its header and sit inside a table.
 */
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt('commonmark').enable('table');

export interface ParsedMarkdown {
  /** The info string of each fenced block, in order (`mermaid`, `yaml`, ''). */
  readonly fences: string[];
  /** The number of tables. */
  readonly tables: number;
  /** What is wrong, one line each, with the line number; empty when the text is well formed. */
  readonly problems: string[];
}

/** Splits a table row into its cells as GitHub does: pipes escaped with a backslash do not split. */
function cellsOf(line: string): number {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  return row.split(/(?<!\\)\|/).length;
}

/** Parses `text` and reports stray fences and malformed tables. */
export function parseMarkdown(text: string): ParsedMarkdown {
  const lines = text.split('\n');
  const tokens = md.parse(text, {});
  const fences: string[] = [];
  const problems: string[] = [];
  let tables = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'fence' && t.map) {
      fences.push(t.info.trim());
      const [start, end] = t.map;
      const closing = lines[end - 1] ?? '';
      const char = t.markup[0]!;
      const closes = end - 1 > start && new RegExp(`^ {0,3}\\${char}{${t.markup.length},}\\s*$`).test(closing);
      if (!closes) problems.push(`line ${start + 1}: the fence ${t.markup}${t.info} is never closed`);
    }
    if (t.type === 'table_open' && t.map) {
      tables++;
      const [start, end] = t.map;
      const header = cellsOf(lines[start] ?? '');
      for (let l = start + 2; l < end; l++) {
        const n = cellsOf(lines[l] ?? '');
        if (n !== header) problems.push(`line ${l + 1}: a table row with ${n} cells under a header of ${header}`);
      }
    }
    if (t.type === 'inline' && t.map && tokens[i - 1]?.type === 'paragraph_open') {
      const [start, end] = t.map;
      for (let l = start; l < end; l++)
        if (/^\s*\|.*\|\s*$/.test(lines[l] ?? '')) problems.push(`line ${l + 1}: a table row outside a table`);
    }
  }
  return { fences, tables, problems };
}
