/**
 * Reading a submitted postmortem: GitHub posts each issue form answer under
 * its `### Label` heading, with `_No response_` for an empty one. Parsing is
 * forgiving (people edit the body by hand) and says what is missing.
 */
import { postmortemFields, SEVERITIES } from './form.js';
import type { Severity } from './form.js';

export interface FormProblem {
  /** The field id, or `body` for the whole issue. */
  readonly field: string;
  readonly message: string;
}

export interface ParsedForm {
  /** Answers by field id; null when empty or `_No response_`. */
  readonly answers: Readonly<Record<string, string | null>>;
  readonly severity: Severity | null;
  readonly problems: readonly FormProblem[];
}

const NO_RESPONSE = /^_No response_$/i;

/**
 * A heading as people retype it: `## Root Cause:`, `### **Root cause**`,
 * `### 6. Root cause (five whys)` all name the "Root cause" section.
 */
export function headingKey(heading: string): string {
  return heading
    .replace(/[*_`]/g, '')
    .replace(/\([^)]*\)/g, ' ')
    .replace(/^\s*\d+[.)]\s*/, '')
    .replace(/[:.\s]+$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/**
 * Splits an issue body into its `###` (or `##`) sections, keyed by
 * `headingKey`. The first of two sections with the same key wins: GitHub
 * writes the form's sections first.
 */
export function sections(body: string): Map<string, string> {
  const out = new Map<string, string>();
  let heading: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (heading !== undefined && !out.has(heading)) out.set(heading, lines.join('\n').trim());
  };
  for (const line of body.replace(/\r\n/g, '\n').split('\n')) {
    const h = /^#{2,3}\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      heading = headingKey(h[1] ?? '');
      lines = [];
    } else lines.push(line);
  }
  flush();
  return out;
}

/**
 * The body without HTML comments, which GitHub does not show: hints left
 * from a template, or a task line commented out, are not answers. An
 * unclosed comment hides the rest of the body on GitHub too, and is reported.
 */
export function stripHtmlComments(body: string): { text: string; unclosedAtLine: number | null } {
  let text = '';
  let at = 0;
  for (;;) {
    const open = body.indexOf('<!--', at);
    if (open < 0) return { text: text + body.slice(at), unclosedAtLine: null };
    text += body.slice(at, open);
    const close = body.indexOf('-->', open + 4);
    if (close < 0) return { text, unclosedAtLine: body.slice(0, open).split('\n').length };
    at = close + 3;
  }
}

/** Headings Bellwether adds below the form's sections. */
const EXTRA_HEADINGS = new Set(['evidence', 'links']);

/** Parses a postmortem issue body against the form, listing every problem at once. */
export function parsePostmortemForm(body: string | null | undefined): ParsedForm {
  const { text, unclosedAtLine } = stripHtmlComments(body ?? '');
  const found = sections(text);
  const answers: Record<string, string | null> = {};
  const problems: FormProblem[] = [];
  if (unclosedAtLine !== null) {
    problems.push({
      field: 'body',
      message: `line ${unclosedAtLine}: an HTML comment (<!--) is never closed, so GitHub hides everything after it`,
    });
  }
  let missing = false;
  for (const field of postmortemFields) {
    const raw = found.get(headingKey(field.label));
    const value =
      raw === undefined || raw === '' || NO_RESPONSE.test(raw) || isOnlyPlaceholder(raw, field.placeholder)
        ? null
        : raw;
    answers[field.id] = value;
    if (field.required && value === null) {
      missing ||= raw === undefined;
      problems.push({
        field: field.id,
        message: raw === undefined ? `the "${field.label}" section is missing` : `"${field.label}" has no answer yet`,
      });
    }
  }
  if (missing) {
    // A section renamed by hand reads as missing; naming the strangers says which heading to fix.
    const known = new Set(postmortemFields.map((f) => headingKey(f.label)));
    const strangers = [...found.keys()].filter((k) => !known.has(k) && !EXTRA_HEADINGS.has(k));
    if (strangers.length > 0) {
      problems.push({
        field: 'body',
        message: `headings not in the form: ${strangers.map((k) => JSON.stringify(k)).join(', ')}; use the form's headings (${postmortemFields.map((f) => f.label).join(', ')})`,
      });
    }
  }
  let severity: Severity | null = null;
  const sev = answers.severity?.trim();
  if (sev) {
    const m = /^sev[\s-]?([1-4])\b/i.exec(sev);
    if (m) severity = `sev${m[1]}` as Severity;
    else
      problems.push({
        field: 'severity',
        message: `expected one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(answers.severity)}`,
      });
  }
  return { answers, severity, problems };
}

function isOnlyPlaceholder(raw: string, placeholder?: string): boolean {
  if (!placeholder) return false;
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  return norm(raw) === norm(placeholder);
}
