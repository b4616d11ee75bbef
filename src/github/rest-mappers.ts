/**
 * GitHub's environment and dependency-review objects as Bellwether's values.
 */
import type { DependencyChange, DependencyVulnerability, Environment, ProtectionRule } from './port.js';

type Raw = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function toEnvironment(e: Raw): Environment {
  const rules = Array.isArray(e['protection_rules']) ? (e['protection_rules'] as Raw[]) : [];
  return { name: str(e['name']), protectionRules: rules.map(toProtectionRule) };
}

function toProtectionRule(r: Raw): ProtectionRule {
  const rule: { type: string; waitTimerMinutes?: number; reviewers?: string[] } = { type: str(r['type']) };
  if (typeof r['wait_timer'] === 'number') rule.waitTimerMinutes = r['wait_timer'];
  if (Array.isArray(r['reviewers'])) {
    rule.reviewers = (r['reviewers'] as Raw[]).map((rev) => {
      const who = (rev['reviewer'] ?? {}) as Raw;
      return str(who['login']) || str(who['slug']) || str(who['name']);
    });
  }
  return rule;
}

export function toDependencyChange(d: Raw): DependencyChange {
  const scope = d['scope'] === 'runtime' || d['scope'] === 'development' ? d['scope'] : 'unknown';
  const vulns = Array.isArray(d['vulnerabilities']) ? (d['vulnerabilities'] as Raw[]) : [];
  return {
    changeType: d['change_type'] === 'removed' ? 'removed' : 'added',
    manifest: str(d['manifest']),
    ecosystem: str(d['ecosystem']),
    name: str(d['name']),
    version: str(d['version']),
    packageUrl: strOrNull(d['package_url']),
    license: strOrNull(d['license']),
    sourceRepositoryUrl: strOrNull(d['source_repository_url']),
    scope,
    vulnerabilities: vulns.map(
      (v): DependencyVulnerability => ({
        severity: str(v['severity']),
        advisoryGhsaId: str(v['advisory_ghsa_id']),
        advisorySummary: str(v['advisory_summary']),
        advisoryUrl: str(v['advisory_url']),
      }),
    ),
  };
}
