/**
 * SARIF 2.1.0 for code scanning: findings that have a place in a file (the
 * manifest line of a dependency, a changed path). Repository settings have
 * no file and stay in the other outputs.
 */
import { SECURITY_SEVERITY, sarifLog, sarifResult, sarifRuleDescriptor } from '../../report/sarif.js';
import { POSTURE_RULES } from '../posture/rules.js';
import type { FamilyDecision } from './decision.js';
import { DEPENDENCY_RULES } from './rules.js';

const RULES = [...DEPENDENCY_RULES.values(), ...POSTURE_RULES.values()];

/** The SARIF log of dependency and posture decisions. */
export function renderSarif(
  decisions: readonly FamilyDecision[],
  options: { readonly version: string },
): Record<string, unknown> {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const findings = decisions.flatMap((d) => d.findings).filter((f) => f.located);
  return sarifLog({
    tool: 'bellwether-deps',
    version: options.version,
    rules: RULES.map((r) =>
      sarifRuleDescriptor({
        id: r.id,
        title: r.title,
        fix: r.fix,
        severity: r.severity,
        tags: ['security', r.id.startsWith('posture-') ? 'posture' : 'dependencies'],
      }),
    ),
    automationId: 'bellwether/deps/',
    results: findings.map((f) =>
      sarifResult(
        f,
        index.get(f.ruleId) ?? 0,
        {
          severity: f.severity,
          blocking: f.blocking,
          'security-severity': SECURITY_SEVERITY[f.severity],
          ...(f.dependency
            ? {
                purl: f.dependency.purl,
                scope: f.dependency.scope,
                ...(f.dependency.advisory ? { advisory: f.dependency.advisory.ghsaId } : {}),
              }
            : {}),
        },
        'start',
      ),
    ),
    // What each review read (the dependency changes and where they came from), so that no results is never read without it.
    properties: { examined: Object.fromEntries(decisions.map((d) => [d.family, d.notes[0] ?? ''])) },
  });
}

/** A SARIF log for a run that could not review anything: no results, and why, so an upload does not read as "all clear". */
export function renderSarifFailure(message: string, options: { readonly version: string }): Record<string, unknown> {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'bellwether-deps', semanticVersion: options.version, version: options.version, rules: [] },
        },
        automationDetails: { id: 'bellwether/deps/' },
        invocations: [
          { executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: message } }] },
        ],
        results: [],
      },
    ],
  };
}
