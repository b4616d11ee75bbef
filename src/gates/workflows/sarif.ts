/**
 * SARIF 2.1.0 for GitHub code scanning: rules with help and
 * `security-severity`, results with regions and partial fingerprints.
 */
import type { GateDecision } from './decide.js';
import {
  sarifResult,
  sarifRuleDescriptor,
  sarifRun,
  type SarifRuleDescriptor,
  type SarifRun,
} from '../../report/sarif.js';
import { VERSION } from '../../version.js';
import { severityRank, type Severity } from '../core/finding.js';
import { RULES, type Rule } from './rules.js';

export { FINGERPRINT_KEY, sarifUri } from '../../report/sarif.js';

function ruleDescriptor(r: Rule, severity: Severity): SarifRuleDescriptor {
  const equivalents = [
    r.equivalents.zizmor ? `zizmor: ${r.equivalents.zizmor}` : '',
    r.equivalents.actionlint ? `actionlint: ${r.equivalents.actionlint}` : '',
  ]
    .filter((s) => s !== '')
    .join(', ');
  return sarifRuleDescriptor({
    id: r.id,
    title: r.title,
    fix: r.fix,
    severity,
    tags: ['security', 'github-actions', ...(r.equivalents.zizmor ? [`zizmor/${r.equivalents.zizmor}`] : [])],
    ...(equivalents ? { helpNote: `Same check elsewhere: ${equivalents}.` } : {}),
  });
}

/** The SARIF run of a decision. */
export function workflowsSarifRun(decision: GateDecision): SarifRun {
  const highest = new Map<string, Severity>();
  for (const f of decision.findings) {
    const prev = highest.get(f.ruleId);
    if (!prev || severityRank(f.severity) > severityRank(prev)) highest.set(f.ruleId, f.severity);
  }
  const rules = [...RULES.values()];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return sarifRun({
    tool: 'bellwether-gates',
    version: VERSION,
    rules: rules.map((r) => ruleDescriptor(r, highest.get(r.id) ?? r.severity)),
    automationId: `bellwether/gates/${decision.mode}/`,
    results: decision.findings.map((f) =>
      sarifResult(f, index.get(f.ruleId) ?? 0, { severity: f.severity, confidence: f.confidence }),
    ),
    properties: { examined: { files: decision.filesAudited, lines: decision.linesAudited } },
  });
}
