/**
 * SARIF 2.1.0 for code scanning: findings that have a place in a file (the
 * manifest line of a dependency, a changed path). Repository settings have
 * no file and stay in the other outputs.
 */
import { sarifUri, FINGERPRINT_KEY } from '../sarif.js';
import type { Severity } from '../finding.js';
import { POSTURE_RULES } from '../posture/rules.js';
import type { FamilyDecision } from './decision.js';
import { DEPENDENCY_RULES } from './rules.js';

/** GitHub maps these to critical (9.0+), high (7.0+), medium (4.0+) and low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

const RULES = [...DEPENDENCY_RULES.values(), ...POSTURE_RULES.values()];

/** The SARIF log of dependency and posture decisions. */
export function renderSarif(decisions: readonly FamilyDecision[], options: { readonly version: string }): Record<string, unknown> {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const findings = decisions.flatMap((d) => d.findings).filter((f) => f.located);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'bellwether-deps',
            semanticVersion: options.version,
            version: options.version,
            rules: RULES.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.title },
              fullDescription: { text: r.title },
              help: { text: `${r.title}.\n\nHow to fix: ${r.fix}`, markdown: `**${r.title}**\n\nHow to fix: ${r.fix}` },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: { 'security-severity': SECURITY_SEVERITY[r.severity], precision: 'high', tags: ['security', r.id.startsWith('posture-') ? 'posture' : 'dependencies'] },
            })),
          },
        },
        automationDetails: { id: 'bellwether/deps/' },
        results: findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId) ?? 0,
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: sarifUri(f.file), uriBaseId: '%SRCROOT%' },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
          partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
          properties: {
            severity: f.severity,
            blocking: f.blocking,
            'security-severity': SECURITY_SEVERITY[f.severity],
            ...(f.dependency ? { purl: f.dependency.purl, scope: f.dependency.scope, ...(f.dependency.advisory ? { advisory: f.dependency.advisory.ghsaId } : {}) } : {}),
          },
        })),
      },
    ],
  };
}

/** A SARIF log for a run that could not review anything: no results, and why, so an upload does not read as "all clear". */
export function renderSarifFailure(message: string, options: { readonly version: string }): Record<string, unknown> {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'bellwether-deps', semanticVersion: options.version, version: options.version, rules: [] } },
        automationDetails: { id: 'bellwether/deps/' },
        invocations: [{ executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: message } }] }],
        results: [],
      },
    ],
  };
}
