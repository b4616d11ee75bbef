import type { DependencyChange } from '../../../src/github/port.js';
import {
  dependenciesPolicySchema,
  DEFAULT_DEPS_POLICY,
  type LoadedDepsPolicy,
} from '../../../src/gates/deps/policy-schema.js';

/** An added runtime npm dependency with overrides. */
export function change(overrides: Partial<DependencyChange> = {}): DependencyChange {
  const name = overrides.name ?? 'left-pad';
  const version = overrides.version ?? '1.3.0';
  return {
    changeType: 'added',
    manifest: 'package-lock.json',
    ecosystem: 'npm',
    name,
    version,
    packageUrl: `pkg:npm/${name}@${version}`,
    license: 'MIT',
    sourceRepositoryUrl: null,
    scope: 'runtime',
    vulnerabilities: [],
    ...overrides,
  };
}

export function vuln(severity: string, ghsa = 'GHSA-35jh-r3h4-6jhm') {
  return {
    severity,
    advisoryGhsaId: ghsa,
    advisorySummary: `summary of ${ghsa}`,
    advisoryUrl: `https://github.com/advisories/${ghsa}`,
  };
}

/** A loaded policy whose `dependencies:` section is `section` (parsed with defaults). */
export function depsPolicy(section: unknown, extra: Partial<LoadedDepsPolicy> = {}): LoadedDepsPolicy {
  return { ...DEFAULT_DEPS_POLICY, dependencies: dependenciesPolicySchema.parse(section), ...extra };
}
