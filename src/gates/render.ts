/**
 * Text, JSON and Markdown renderings of a gate decision. The Markdown goes to
 * the job summary and the sticky pull request comment.
 */
import type { GateDecision } from './decide.js';
import type { Finding, Severity } from './finding.js';

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
  return `${verdict}: ${d.findings.length} ${scope} in ${d.filesAudited} file(s) (${counts(d.findings)}); ${d.blocking} at or above ${d.failOn}; ${d.suppressed.length} suppressed.`;
}

/** Compiler-style lines: `file:line:col: severity rule: message`, then the fix. */
export function renderText(d: GateDecision): string {
  const lines: string[] = [];
  for (const f of d.findings) {
    const eq = equivalents(f);
    lines.push(`${f.file}:${f.line}:${f.column}: ${f.severity} [${f.ruleId}] ${f.message}`);
    lines.push(`  fix: ${f.fix}${eq ? ` (${eq})` : ''}`);
  }
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
      findings: d.findings,
      suppressed: d.suppressed.map((s) => ({ by: s.by, reason: s.reason, ruleId: s.finding.ruleId, file: s.finding.file, line: s.finding.line, fingerprint: s.finding.fingerprint })),
    },
    null,
    2,
  )}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}

/** Markdown for the job summary or a pull request comment. */
export function renderMarkdown(d: GateDecision): string {
  const out: string[] = [];
  const icon = d.verdict === 'pass' ? '✅' : '❌';
  out.push(`### ${icon} Workflow hardening: ${d.verdict === 'pass' ? 'passed' : 'failed'}`);
  out.push('');
  out.push(headline(d));
  if (d.findings.length > 0) {
    out.push('');
    out.push('| severity | rule | location | finding | how to fix |');
    out.push('|---|---|---|---|---|');
    for (const f of d.findings) {
      const eq = equivalents(f);
      out.push(`| ${f.severity} | \`${f.ruleId}\`${eq ? `<br>${cell(eq)}` : ''} | \`${cell(f.file)}:${f.line}:${f.column}\` | ${cell(f.message)} | ${cell(f.fix)} |`);
    }
  }
  if (d.suppressed.length > 0) {
    out.push('');
    out.push(`<details><summary>${d.suppressed.length} suppressed</summary>`);
    out.push('');
    out.push('| rule | location | by | reason |');
    out.push('|---|---|---|---|');
    for (const s of d.suppressed) out.push(`| \`${s.finding.ruleId}\` | \`${cell(s.finding.file)}:${s.finding.line}\` | ${s.by} | ${cell(s.reason)} |`);
    out.push('');
    out.push('</details>');
  }
  return `${out.join('\n')}\n`;
}
