/**
 * Findings of the dependency review and the posture checks: the gates'
 * shared Finding, plus whether it counts against the policy and, for a
 * dependency, which package and advisory it is about.
 */
import { createHash } from 'node:crypto';
import type { Finding, Severity } from '../core/finding.js';

/** The dependency a finding is about. */
export interface DependencySubject {
  readonly purl: string;
  readonly ecosystem: string;
  readonly name: string;
  readonly version: string;
  readonly manifest: string;
  readonly scope: 'unknown' | 'runtime' | 'development';
  readonly license: string | null;
  readonly advisory?: {
    readonly ghsaId: string;
    readonly severity: string;
    readonly summary: string;
    readonly url: string;
  };
}

/** A dependency or posture finding. */
export interface ReviewFinding extends Finding {
  readonly family: 'dependencies' | 'posture';
  /** What the finding is about: a purl, an environment, a status check, a path. Waivers match on it. */
  readonly subject: string;
  /** False for repository settings that live in no file; SARIF leaves these out. */
  readonly located: boolean;
  /** True when the finding counts against the policy (severity threshold, scopes, policy choice). */
  readonly blocking: boolean;
  readonly dependency?: DependencySubject;
}

export interface FindingInput {
  readonly family: ReviewFinding['family'];
  readonly ruleId: string;
  readonly severity: Severity;
  readonly subject: string;
  readonly message: string;
  readonly fix: string;
  readonly blocking: boolean;
  /** The file and line, when the finding has a place. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly dependency?: DependencySubject;
  /** Extra identity for the fingerprint (an advisory id); the line is never part of it. */
  readonly key?: string;
}

/** Fingerprint of rule, file and subject: stable when the manifest moves lines. */
export function reviewFingerprint(ruleId: string, file: string, subject: string, key = ''): string {
  return createHash('sha256').update(`${ruleId}\u0000${file}\u0000${subject}\u0000${key}`).digest('hex').slice(0, 32);
}

/** Builds a complete finding. */
export function makeFinding(input: FindingInput): ReviewFinding {
  const file = input.file ?? '';
  const line = input.line ?? 1;
  const column = input.column ?? 1;
  return {
    family: input.family,
    ruleId: input.ruleId,
    severity: input.severity,
    confidence: 'high',
    file,
    line,
    column,
    endLine: line,
    endColumn: column,
    message: input.message,
    fix: input.fix,
    equivalents: {},
    fingerprint: reviewFingerprint(input.ruleId, file, input.subject, input.key),
    snippet: input.key ? `${input.subject} ${input.key}` : input.subject,
    subject: input.subject,
    located: file !== '',
    blocking: input.blocking,
    ...(input.dependency ? { dependency: input.dependency } : {}),
  };
}
