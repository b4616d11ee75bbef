/**
 * Check-run annotations for a gate decision: one per finding, on the lines a
 * pull request changed when those are known, within GitHub's limit of 50 per
 * request. Pure: the caller sends them.
 */
import type { GateDecision } from '../workflows/decide.js';
import { severityRank, type Finding, type Severity } from './finding.js';

/** One entry of `output.annotations` of the checks API. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  title: string;
  message: string;
  raw_details?: string;
}

/** GitHub accepts at most this many annotations per create or update request. */
export const ANNOTATIONS_PER_REQUEST = 50;

/** Which findings become annotations, and at what level. */
export interface AnnotationOptions {
  /** Changed lines by file (as findings name files); findings elsewhere are left out. */
  readonly changedLines?: ReadonlyMap<string, ReadonlySet<number>>;
  /** Findings at or above this severity are failures; the rest warnings or notices. */
  readonly failOn: Severity;
}

function level(f: Finding, failOn: Severity): CheckAnnotation['annotation_level'] {
  if (severityRank(f.severity) >= severityRank(failOn)) return 'failure';
  return severityRank(f.severity) >= severityRank('medium') ? 'warning' : 'notice';
}

function touches(f: Finding, lines: ReadonlySet<number> | undefined): boolean {
  if (!lines) return false;
  for (let l = f.line; l <= Math.max(f.line, f.endLine); l++) if (lines.has(l)) return true;
  return false;
}

/**
 * Annotations for the findings, most severe first, in batches of 50. With
 * `changedLines`, only findings that touch a changed line are annotated.
 */
export function checkRunAnnotations(decision: GateDecision, options: AnnotationOptions): CheckAnnotation[][] {
  const chosen = decision.findings
    .filter((f) => !options.changedLines || touches(f, options.changedLines.get(f.file)))
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const annotations = chosen.map((f): CheckAnnotation => {
    const endLine = Math.max(f.line, f.endLine);
    const a: CheckAnnotation = {
      path: f.file.replace(/\\/g, '/').replace(/^(\.\/)+/, ''),
      start_line: f.line,
      end_line: endLine,
      annotation_level: level(f, options.failOn),
      title: `${f.severity}: ${f.ruleId}`,
      message: `${f.message}\n\nHow to fix: ${f.fix}`,
    };
    // GitHub takes columns only for annotations on a single line.
    if (endLine === f.line) {
      a.start_column = f.column;
      a.end_column = Math.max(f.endColumn, f.column);
    }
    const eq = [
      f.equivalents.zizmor && `zizmor: ${f.equivalents.zizmor}`,
      f.equivalents.actionlint && `actionlint: ${f.equivalents.actionlint}`,
    ].filter(Boolean);
    if (eq.length > 0) a.raw_details = `Same check elsewhere: ${eq.join(', ')}. Fingerprint: ${f.fingerprint}`;
    return a;
  });
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST)
    batches.push(annotations.slice(i, i + ANNOTATIONS_PER_REQUEST));
  return batches;
}
