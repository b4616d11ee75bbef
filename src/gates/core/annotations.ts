/**
 * Check-run annotations for a family's findings: one per finding, on the
 * lines a pull request changed when those are known, most severe first. They
 * are made once, in the GitHub port's own form; the port sends them 50 a
 * request and writes them as the checks API spells them. Pure.
 */
import type { CheckAnnotation } from '../../github/port.js';
import { blocksAt, severityRank, type Finding, type Severity } from './finding.js';

/** Which findings become annotations, and at what level. */
export interface AnnotationOptions {
  /** Changed lines by file (as findings name files); findings elsewhere are left out. */
  readonly changedLines?: ReadonlyMap<string, ReadonlySet<number>>;
  /** Findings at or above this severity are failures; the rest warnings or notices. */
  readonly failOn: Severity;
}

function level(f: Finding, failOn: Severity): CheckAnnotation['level'] {
  if (blocksAt(f, failOn)) return 'failure';
  return severityRank(f.severity) >= severityRank('medium') ? 'warning' : 'notice';
}

function touches(f: Finding, lines: ReadonlySet<number> | undefined): boolean {
  if (!lines) return false;
  for (let l = f.line; l <= Math.max(f.line, f.endLine); l++) if (lines.has(l)) return true;
  return false;
}

/**
 * Annotations for the findings, most severe first. With `changedLines`, only
 * findings that touch a changed line are annotated.
 */
export function checkRunAnnotations(findings: readonly Finding[], options: AnnotationOptions): CheckAnnotation[] {
  return findings
    .filter((f) => !options.changedLines || touches(f, options.changedLines.get(f.file)))
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity))
    .map((f) => ({
      path: f.file.replace(/\\/g, '/').replace(/^(\.\/)+/, ''),
      startLine: f.line,
      endLine: Math.max(f.line, f.endLine),
      level: level(f, options.failOn),
      title: `${f.severity}: ${f.ruleId}`,
      message: `${f.message}\n\nHow to fix: ${f.fix}`,
    }));
}
