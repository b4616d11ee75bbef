/**
 * Text, JSON and Markdown renderings of a gate decision. The Markdown goes to
 * the job summary and the sticky pull request comment.
 */
import type { GateDecision } from './decide.js';
import type { Finding, Severity } from '../core/finding.js';
import { RULES } from './rules.js';
import { escapeMarkdown, escapeMarkdownKeepingCode, markdownCode } from '../../report/markdown.js';

const ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function counts(findings: readonly Finding[]): string {
  const parts = ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return parts.length > 0 ? parts.join(', ') : 'no findings';
}

function equivalents(f: Finding): string {
  const parts: string[] = [];
  if (f.equivalents.zizmor) parts.push(`zizmor ${f.equivalents.zizmor}`);
  if (f.equivalents.actionlint) parts.push(`actionlint ${f.equivalents.actionlint}`);
  return parts.join(', ');
}

function headline(d: GateDecision): string {
  const verdict = d.verdict === 'pass' ? 'PASS' : 'FAIL';
  const scope = d.mode === 'diff' ? 'new findings' : 'findings';
  return `${verdict}: ${d.findings.length} ${scope} in ${d.filesAudited} file(s) of ${d.linesAudited} line(s) (${counts(d.findings)}); ${d.blocking} at or above ${d.failOn}; ${d.suppressed.length} suppressed.`;
}

/** What the audits that ask GitHub did, in one line, then one line per action they could not check. */
export function githubAuditLines(d: GateDecision): string[] {
  const g = d.github;
  if (!g) return [];
  if (g.status === 'skipped') {
    return [
      `GitHub audits (impostor-commit, ref-version-mismatch, archived-uses, known-vulnerable-actions) skipped: ${g.reason}; ${g.actions} action reference(s) left unchecked.`,
    ];
  }
  const head = `GitHub audits: ${g.actions} action reference(s) checked with ${g.calls} request(s); ${g.couldNotCheck.length} could not be checked.`;
  return [
    head,
    ...g.couldNotCheck.map(
      (c) => `${c.file}:${c.line}: could not check ${c.action} (${c.audits.join(', ')}): ${c.reason}`,
    ),
  ];
}

/** Compiler-style lines: `file:line:col: severity rule: message`, then the fix. */
export function renderText(d: GateDecision): string {
  const lines: string[] = [];
  for (const f of d.findings) {
    const eq = equivalents(f);
    lines.push(`${f.file}:${f.line}:${f.column}: ${f.severity} [${f.ruleId}] ${f.message}`);
    lines.push(`  fix: ${f.fix}${eq ? ` (${eq})` : ''}`);
  }
  lines.push(...githubAuditLines(d));
  lines.push(headline(d));
  return `${lines.join('\n')}\n`;
}

/** The decision as JSON; its `findings[].fingerprint` make it usable as a diff baseline. */
export function renderJson(d: GateDecision): string {
  return `${JSON.stringify(
    {
      verdict: d.verdict,
      mode: d.mode,
      failOn: d.failOn,
      blocking: d.blocking,
      filesAudited: d.filesAudited,
      linesAudited: d.linesAudited,
      ...(d.github ? { github: d.github } : {}),
      findings: d.findings,
      suppressed: d.suppressed.map((s) => ({
        by: s.by,
        reason: s.reason,
        ruleId: s.finding.ruleId,
        file: s.finding.file,
        line: s.finding.line,
        fingerprint: s.finding.fingerprint,
      })),
    },
    null,
    2,
  )}\n`;
}

/** Hidden marker that lets the sticky pull request comment be found and updated in place. */
export const COMMENT_MARKER = '<!-- bellwether:gate-workflows -->';

/** A pull request comment may hold 65,536 characters; this leaves room for the marker and the tail. */
export const DEFAULT_MARKDOWN_LIMIT = 60_000;

/**
 * Markdown for the job summary or a pull request comment, most severe
 * findings first. Rows that would pass `maxChars` are left out and counted,
 * so that the comment is never rejected for its size.
 */
export function renderMarkdown(d: GateDecision, options: { maxChars?: number } = {}): string {
  const limit = options.maxChars ?? DEFAULT_MARKDOWN_LIMIT;
  const out: string[] = [COMMENT_MARKER];
  const icon = d.verdict === 'pass' ? '✅' : '❌';
  out.push(`### ${icon} Workflow hardening: ${d.verdict === 'pass' ? 'passed' : 'failed'}`);
  out.push('');
  out.push(headline(d));
  const gh = githubAuditLines(d);
  if (gh.length > 0)
    out.push(
      '',
      gh[0] as string,
      ...gh.slice(1, 21).map((l) => `- ${escapeMarkdown(l)}`),
      ...(gh.length > 21 ? [`- …and ${gh.length - 21} more; the JSON report lists them all.`] : []),
    );
  let used = out.join('\n').length;
  const fits = (line: string): boolean => {
    // Reserve room for the closing lines of each section.
    if (used + line.length + 1 > limit - 200) return false;
    used += line.length + 1;
    return true;
  };
  if (d.findings.length > 0) {
    const rank = (f: (typeof d.findings)[number]) => ORDER.indexOf(f.severity);
    const sorted = [...d.findings].sort((a, b) => rank(a) - rank(b));
    out.push('', '| severity | rule | location | finding | how to fix |', '|---|---|---|---|---|');
    used += 80;
    let shown = 0;
    for (const f of sorted) {
      const eq = equivalents(f);
      const row = `| ${f.severity} | ${markdownCode(f.ruleId, true)}${eq ? `<br>${escapeMarkdown(eq)}` : ''} | ${markdownCode(`${f.file}:${f.line}:${f.column}`, true)} | ${escapeMarkdownKeepingCode(f.message, true)} | ${escapeMarkdownKeepingCode(f.fix, true)} |`;
      if (!fits(row)) break;
      out.push(row);
      shown++;
    }
    if (shown < sorted.length)
      out.push('', `…and ${sorted.length - shown} more; the JSON and SARIF reports list every finding.`);
  }
  if (d.suppressed.length > 0) {
    const rows: string[] = [];
    for (const s of d.suppressed) {
      const row = `| ${markdownCode(s.finding.ruleId, true)} | ${markdownCode(`${s.finding.file}:${s.finding.line}`, true)} | ${escapeMarkdown(s.by)} | ${escapeMarkdown(s.reason)} |`;
      if (!fits(row)) break;
      rows.push(row);
    }
    out.push('', `<details><summary>${d.suppressed.length} suppressed</summary>`, '');
    if (rows.length > 0) out.push('| rule | location | by | reason |', '|---|---|---|---|', ...rows);
    if (rows.length < d.suppressed.length) out.push('', `…and ${d.suppressed.length - rows.length} more.`);
    out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}

/** The rule catalog as a Markdown table, for documentation. */
export function renderRuleCatalog(): string {
  const lines = ['| rule | up to | what it finds | zizmor | actionlint | how to fix |', '|---|---|---|---|---|---|'];
  for (const r of RULES.values()) {
    lines.push(
      `| ${markdownCode(r.id, true)} | ${r.severity} | ${escapeMarkdownKeepingCode(r.title, true)} | ${escapeMarkdown(r.equivalents.zizmor ?? '')} | ${escapeMarkdown(r.equivalents.actionlint ?? '')} | ${escapeMarkdownKeepingCode(r.fix, true)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
