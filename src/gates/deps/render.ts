/**
 * Text, JSON and Markdown renderings of dependency and posture decisions.
 * The Markdown is one block for the sticky pull request comment and the job
 * summary.
 */
import type { FamilyDecision } from './decision.js';
import type { ReviewFinding } from './review-finding.js';
import { escapeMarkdown, escapeMarkdownKeepingCode, markdownCode } from '../../report/markdown.js';

const TITLE: Record<FamilyDecision['family'], string> = {
  dependencies: 'Dependency review',
  posture: 'Repository posture',
};

function where(f: ReviewFinding): string {
  return f.located ? `${f.file}:${f.line}:${f.column}` : '(repository)';
}

function headline(d: FamilyDecision): string {
  const verdict = d.verdict === 'pass' ? 'PASS' : 'FAIL';
  return `${verdict}: ${TITLE[d.family]}: ${d.findings.length} finding(s), ${d.blocking} blocking, ${d.suppressed.length} set aside.`;
}

/** Compiler-style lines, the fix under each, then what was set aside and the verdict. */
export function renderText(decisions: readonly FamilyDecision[]): string {
  const lines: string[] = [];
  for (const d of decisions) {
    for (const f of d.findings) {
      lines.push(`${where(f)}: ${f.severity}${f.blocking ? ' blocking' : ''} [${f.ruleId}] ${f.message}`);
      lines.push(`  fix: ${f.fix}`);
    }
    for (const s of d.suppressed)
      lines.push(`set aside (${s.by}): [${s.finding.ruleId}] ${s.finding.subject}: ${s.reason}`);
    for (const n of d.notes) lines.push(`note: ${n}`);
    lines.push(headline(d));
  }
  return `${lines.join('\n')}\n`;
}

/** The decisions as JSON for scripts. */
export function renderJson(decisions: readonly FamilyDecision[]): string {
  const verdict = decisions.some((d) => d.verdict === 'fail') ? 'fail' : 'pass';
  return `${JSON.stringify({ verdict, decisions }, null, 2)}\n`;
}

/** Markdown for a pull request comment or the job summary. */
export function renderMarkdown(decisions: readonly FamilyDecision[]): string {
  const out: string[] = [];
  for (const d of decisions) {
    out.push(`### ${d.verdict === 'pass' ? '✅' : '❌'} ${TITLE[d.family]}: ${d.verdict}`, '');
    out.push(
      `${d.blocking} blocking of ${d.findings.length} finding(s); ${d.suppressed.length} set aside. ${d.notes.join('; ')}.`,
      '',
    );
    if (d.findings.length > 0) {
      out.push('| | severity | rule | subject | where | finding |', '|---|---|---|---|---|---|');
      for (const f of d.findings) {
        out.push(
          `| ${f.blocking ? '❌' : '⚠️'} | ${f.severity} | ${markdownCode(f.ruleId, true)} | ${escapeMarkdown(f.subject)} | ${escapeMarkdown(f.located ? `${f.file}:${f.line}` : 'settings')} | ${escapeMarkdownKeepingCode(f.message, true)} |`,
        );
      }
      out.push('');
    }
    if (d.suppressed.length > 0) {
      out.push('<details><summary>Set aside</summary>', '');
      for (const s of d.suppressed)
        out.push(
          `- ${markdownCode(s.finding.ruleId)} ${escapeMarkdown(s.finding.subject)} (${escapeMarkdown(s.by)}): ${escapeMarkdown(s.reason)}`,
        );
      out.push('', '</details>', '');
    }
  }
  return `${out.join('\n')}\n`;
}
