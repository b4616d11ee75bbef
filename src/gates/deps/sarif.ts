/**
 * SARIF 2.1.0 for code scanning: findings that have a place in a file (the
 * manifest line of a dependency, a changed path). Repository settings have
 * no file and stay in the other outputs.
 */
import { SECURITY_SEVERITY, sarifResult, sarifRuleDescriptor, sarifRun, type SarifRun } from '../../report/sarif.js';
import { VERSION } from '../../version.js';
import { POSTURE_RULES } from '../posture/rules.js';
import type { FamilyDecision } from './decision.js';
import { DEPENDENCY_RULES } from './rules.js';

const RULES = [...DEPENDENCY_RULES.values(), ...POSTURE_RULES.values()];

/** The SARIF run of dependency and posture decisions. */
export function depsSarifRun(decisions: readonly FamilyDecision[]): SarifRun {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const findings = decisions.flatMap((d) => d.findings).filter((f) => f.located);
  return sarifRun({
    tool: 'bellwether-deps',
    version: VERSION,
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

/** The SARIF run of a review that could not look at anything: no results, and why, so an upload does not read as "all clear". */
export function depsSarifFailureRun(message: string): SarifRun {
  return {
    tool: { driver: { name: 'bellwether-deps', semanticVersion: VERSION, version: VERSION, rules: [] } },
    automationDetails: { id: 'bellwether/deps/' },
    invocations: [
      { executionSuccessful: false, toolExecutionNotifications: [{ level: 'error', message: { text: message } }] },
    ],
    results: [],
  };
}
