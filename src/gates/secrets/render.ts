/**
 * The secret gate's report as text, JSON and SARIF 2.1.0. Findings carry
 * only redacted secrets, so nothing here can print one.
 */
import type { Severity } from '../core/finding.js';
import { sarifResult, sarifRuleDescriptor, sarifRun, type SarifRun } from '../../report/sarif.js';
import { escapeMarkdown, escapeMarkdownKeepingCode, markdownCode } from '../../report/markdown.js';
import { VERSION } from '../../version.js';
import type { SecretsDecision } from './decide.js';
import { SECRET_RULES } from './rules.js';
import type { ScanNotice } from './scan.js';
import type { SecretFinding } from './secret-finding.js';
import { FILE_RULES, K8S_SECRET_RULE } from './sensitive-files.js';

/** What was scanned, for the report's first line. */
export interface ScanSummary {
  readonly mode: 'diff' | 'paths';
  /** `base...head` in diff mode. */
  readonly range?: string;
  readonly files: number;
  readonly lines: number;
  readonly bytes: number;
}

/** Everything the outputs show. */
export interface SecretsReport {
  readonly summary: ScanSummary;
  readonly decision: SecretsDecision;
  readonly notices: readonly ScanNotice[];
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Plain text for a terminal or a log. */
export function renderSecretsText(report: SecretsReport): string {
  const { summary, decision } = report;
  const what = summary.mode === 'diff' ? `lines added by ${summary.range ?? 'the diff'}` : 'files';
  const out = [
    `Secret scan of ${what}: ${plural(summary.files, 'file')}, ${plural(summary.lines, 'line')}; ${plural(decision.findings.length, 'finding')}, ${decision.blocking} at or above ${decision.failOn}.`,
  ];
  for (const f of decision.findings) {
    out.push(`${f.file}:${f.line}:${f.column}: ${f.severity} ${f.ruleId}: ${f.message}`);
    out.push(`  fix: ${f.fix}`);
    out.push(`  fingerprint: ${f.fingerprint}`);
  }
  for (const s of decision.suppressed)
    out.push(`suppressed ${s.finding.file}:${s.finding.line} ${s.finding.ruleId} (${s.by}): ${s.reason}`);
  for (const w of decision.expiredWaivers)
    out.push(
      `expired waiver for ${w.rule} (policy line ${w.line}, owner ${w.owner}) ended ${w.expires}; its findings count again`,
    );
  for (const n of report.notices) out.push(`note: ${n.file}: ${n.message}`);
  out.push(
    decision.verdict === 'fail'
      ? 'Verdict: fail. Revoke every secret listed before anything else: it is exposed once pushed.'
      : 'Verdict: pass.',
  );
  return `${out.join('\n')}\n`;
}

/** Markdown for the job summary and the pull request comment. */
export function renderSecretsMarkdown(report: SecretsReport): string {
  const { summary, decision } = report;
  const head = decision.verdict === 'fail' ? '### Secrets: fail' : '### Secrets: pass';
  const what = summary.mode === 'diff' ? `the lines added by \`${summary.range ?? 'the diff'}\`` : 'the files given';
  const out = [
    head,
    '',
    `Scanned ${what}: ${plural(summary.files, 'file')}, ${plural(summary.lines, 'line')}. ${plural(decision.findings.length, 'finding')}, ${decision.blocking} at or above **${decision.failOn}**.`,
  ];
  if (decision.findings.length > 0) {
    out.push('', '| where | rule | severity | secret | how to fix |', '| --- | --- | --- | --- | --- |');
    for (const f of decision.findings) {
      out.push(
        `| ${markdownCode(`${f.file}:${f.line}`, true)} | ${escapeMarkdown(f.ruleId)} | ${f.severity} | ${markdownCode(f.secret.redacted, true)} | ${escapeMarkdownKeepingCode(f.fix, true)} |`,
      );
    }
    out.push(
      '',
      'A secret that was pushed is exposed even if this pull request is never merged: revoke it first, then remove it.',
    );
  }
  if (decision.suppressed.length > 0)
    out.push('', `${plural(decision.suppressed.length, 'finding')} set aside by accepted fingerprints or waivers.`);
  for (const w of decision.expiredWaivers)
    out.push(
      '',
      `Waiver for ${markdownCode(w.rule)} (policy line ${w.line}, owner ${escapeMarkdown(w.owner)}) expired on ${w.expires}.`,
    );
  for (const n of report.notices)
    out.push('', `Note: ${markdownCode(n.file)}: ${escapeMarkdownKeepingCode(n.message)}.`);
  return `${out.join('\n')}\n`;
}

function findingJson(f: SecretFinding): Record<string, unknown> {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    confidence: f.confidence,
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    message: f.message,
    fix: f.fix,
    fingerprint: f.fingerprint,
    secret: f.secret,
    ...(f.gitleaks ? { gitleaks: f.gitleaks } : {}),
  };
}

/** JSON for scripts: the decision, every finding, what was set aside and why. */
export function renderSecretsJson(report: SecretsReport): string {
  const { summary, decision } = report;
  return `${JSON.stringify(
    {
      family: 'secrets',
      verdict: decision.verdict,
      failOn: decision.failOn,
      blocking: decision.blocking,
      scanned: summary,
      findings: decision.findings.map(findingJson),
      suppressed: decision.suppressed.map((s) => ({ ...findingJson(s.finding), by: s.by, reason: s.reason })),
      expiredWaivers: decision.expiredWaivers,
      notices: report.notices,
    },
    null,
    2,
  )}\n`;
}

interface Descriptor {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly fix: string;
  readonly gitleaks?: string;
}

/** Every rule the scan can report, for `tool.driver.rules`. */
export function ruleDescriptors(): Descriptor[] {
  return [
    ...SECRET_RULES.map((r) => ({
      id: r.id,
      title: r.title,
      severity: r.severity,
      fix: r.fix,
      ...(r.gitleaks ? { gitleaks: r.gitleaks } : {}),
    })),
    ...FILE_RULES.map((r) => ({ id: r.id, title: r.title, severity: r.severity, fix: r.fix })),
    {
      id: K8S_SECRET_RULE,
      title: 'Kubernetes Secret manifest with literal data',
      severity: 'high' as const,
      fix: 'Use Sealed Secrets, SOPS or the External Secrets Operator, and rotate the committed values.',
      gitleaks: 'kubernetes-secret-yaml',
    },
  ];
}

/** SARIF 2.1.0 for code scanning. Result messages hold only the redacted secret. */
export function secretsSarifRun(report: SecretsReport): SarifRun {
  const rules = ruleDescriptors();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return sarifRun({
    tool: 'bellwether-secrets',
    version: VERSION,
    rules: rules.map((r) =>
      sarifRuleDescriptor({
        id: r.id,
        title: r.title,
        fix: r.fix,
        severity: r.severity,
        tags: ['security', 'secrets'],
        ...(r.gitleaks ? { helpNote: `gitleaks: ${r.gitleaks}` } : {}),
      }),
    ),
    automationId: `bellwether/secrets/${report.summary.mode}/`,
    results: report.decision.findings.map((f) =>
      sarifResult(f, index.get(f.ruleId) ?? 0, {
        severity: f.severity,
        confidence: f.confidence,
        redacted: f.secret.redacted,
        length: f.secret.length,
      }),
    ),
    properties: { examined: { files: report.summary.files, lines: report.summary.lines, bytes: report.summary.bytes } },
  });
}
