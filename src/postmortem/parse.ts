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

/** Splits an issue body into its `### Heading` sections. */
export function sections(body: string): Map<string, string> {
  const out = new Map<string, string>();
  let heading: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (heading !== undefined) out.set(heading.toLowerCase(), lines.join('\n').trim());
  };
  for (const line of body.replace(/\r\n/g, '\n').split('\n')) {
    const h = /^###\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      heading = h[1] ?? '';
      lines = [];
    } else lines.push(line);
  }
  flush();
  return out;
}

/** Parses a postmortem issue body against the form, listing every problem at once. */
export function parsePostmortemForm(body: string | null | undefined): ParsedForm {
  const found = sections(body ?? '');
  const answers: Record<string, string | null> = {};
  const problems: FormProblem[] = [];
  for (const field of postmortemFields) {
    const raw = found.get(field.label.toLowerCase());
    const value = raw === undefined || raw === '' || NO_RESPONSE.test(raw) || isOnlyPlaceholder(raw, field.placeholder) ? null : raw;
    answers[field.id] = value;
    if (field.required && value === null) {
      problems.push({ field: field.id, message: raw === undefined ? `the "${field.label}" section is missing` : `"${field.label}" has no answer yet` });
    }
  }
  let severity: Severity | null = null;
  const sev = answers.severity?.trim().toLowerCase();
  if (sev) {
    if ((SEVERITIES as readonly string[]).includes(sev)) severity = sev as Severity;
    else problems.push({ field: 'severity', message: `expected one of ${SEVERITIES.join(', ')}, got ${JSON.stringify(answers.severity)}` });
  }
  return { answers, severity, problems };
}

function isOnlyPlaceholder(raw: string, placeholder?: string): boolean {
  if (!placeholder) return false;
  const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
  return norm(raw) === norm(placeholder);
}
