/**
 * Findings of the workflow audit, and their fingerprints.
 */
import { createHash } from 'node:crypto';

/** Severities from the least to the most severe. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
/** How bad a finding is. */
export type Severity = (typeof SEVERITIES)[number];
/** How sure the audit is that the finding is real. */
export type Confidence = 'low' | 'medium' | 'high';

/** Ordering of severities: info = 0 ... critical = 4. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** What the same problem is called by the tools users come from. */
export interface Equivalents {
  readonly zizmor?: string;
  readonly actionlint?: string;
}

/** One problem found in one file. Lines and columns are 1-based. */
export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly message: string;
  readonly fix: string;
  readonly equivalents: Equivalents;
  /** Stable across edits that move the code: rule, file and normalized snippet. */
  readonly fingerprint: string;
  /** The source text the fingerprint was made from. */
  readonly snippet: string;
  /** Reported at its severity but never blocking on its own (an expired waiver: what it covered is back and blocks by itself). */
  readonly advisory?: true;
}

/** True when the finding decides the verdict: at or above the threshold, and not advisory. */
export function blocksAt(f: Pick<Finding, 'severity' | 'advisory'>, failOn: Severity): boolean {
  return f.advisory !== true && severityRank(f.severity) >= severityRank(failOn);
}

/** A finding before it has a fingerprint and the rule's fixed texts. */
export interface RawFinding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly confidence: Confidence;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly message: string;
  /** Source text that identifies the finding independent of its line. */
  readonly snippet: string;
}

/** Whitespace-insensitive form of a snippet, so reindenting does not make findings "new". */
export function normalizeSnippet(snippet: string): string {
  return snippet.replace(/\s+/g, ' ').trim();
}

/**
 * Fingerprints for findings of one file. Identical (rule, snippet) pairs get
 * an occurrence number so that two copies of the same mistake stay distinct.
 */
export function fingerprintAll(file: string, raws: readonly RawFinding[]): string[] {
  const seen = new Map<string, number>();
  return raws.map((r) => {
    const base = `${r.ruleId}\u0000${file}\u0000${normalizeSnippet(r.snippet)}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return createHash('sha256').update(`${base}\u0000${n}`).digest('hex').slice(0, 32);
  });
}

/** Sorts by file, then position, then rule. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId);
}
