/**
 * SARIF 2.1.0 for GitHub code scanning: rules with help and
 * `security-severity`, results with regions and partial fingerprints.
 */
import type { GateDecision } from './decide.js';
import { severityRank, type Finding, type Severity } from './finding.js';
import { RULES, type Rule } from './rules.js';

/** GitHub maps these ranges to critical (9.0+), high (7.0+), medium (4.0+) and low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

/** Key under `partialFingerprints`; versioned so a new scheme never collides with old alerts. */
export const FINGERPRINT_KEY = 'bellwetherFindingHash/v1';

/** What the SARIF log says about the tool. */
export interface SarifOptions {
  /** Tool version written to `tool.driver.version`. */
  readonly version: string;
}

function ruleDescriptor(r: Rule, severity: Severity): Record<string, unknown> {
  const equivalents = [r.equivalents.zizmor ? `zizmor: ${r.equivalents.zizmor}` : '', r.equivalents.actionlint ? `actionlint: ${r.equivalents.actionlint}` : '']
    .filter((s) => s !== '')
    .join(', ');
  const help = `${r.title}.\n\nHow to fix: ${r.fix}${equivalents ? `\n\nSame check elsewhere: ${equivalents}.` : ''}`;
  return {
    id: r.id,
    name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.title },
    help: { text: help, markdown: `**${r.title}**\n\nHow to fix: ${r.fix}${equivalents ? `\n\nSame check elsewhere: ${equivalents}.` : ''}` },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      'security-severity': SECURITY_SEVERITY[severity],
      precision: 'high',
      tags: ['security', 'github-actions', ...(r.equivalents.zizmor ? [`zizmor/${r.equivalents.zizmor}`] : [])],
    },
  };
}

/**
 * Forward slashes, no leading `./`, each segment percent-encoded: a relative
 * URI reference that code scanning resolves against the repository root.
 */
export function sarifUri(file: string): string {
  return file
    .replace(/\\/g, '/')
    .replace(/^(\.\/)+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function result(f: Finding, ruleIndex: number): Record<string, unknown> {
  const endLine = Math.max(f.endLine, f.line);
  const endColumn = endLine === f.line ? Math.max(f.endColumn, f.column + 1) : f.endColumn;
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: sarifUri(f.file), uriBaseId: '%SRCROOT%' },
          region: { startLine: f.line, startColumn: f.column, endLine, endColumn },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: { severity: f.severity, confidence: f.confidence },
  };
}

/** The SARIF log of a decision. */
export function renderSarif(decision: GateDecision, options: SarifOptions): Record<string, unknown> {
  const highest = new Map<string, Severity>();
  for (const f of decision.findings) {
    const prev = highest.get(f.ruleId);
    if (!prev || severityRank(f.severity) > severityRank(prev)) highest.set(f.ruleId, f.severity);
  }
  const rules = [...RULES.values()];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'bellwether-gates',
            semanticVersion: options.version,
            version: options.version,
            rules: rules.map((r) => ruleDescriptor(r, highest.get(r.id) ?? r.severity)),
          },
        },
        automationDetails: { id: `bellwether/gates/${decision.mode}/` },
        results: decision.findings.map((f) => result(f, index.get(f.ruleId) ?? 0)),
      },
    ],
  };
}
