/**
 * The dependency review: GitHub's dependency-graph comparison (or an npm
 * lock file diff when it cannot answer) judged against the `dependencies:`
 * policy: advisories by severity and scope, licenses as SPDX expressions,
 * denied packages, allow lists and expiring waivers.
 */
export { runDepsGate } from './run.js';
export type { DepsGateDeps, DepsGateInputs } from './run.js';
export { decideDependencies } from './decide.js';
export type { DecideDependenciesInput } from './decide.js';
export type { FamilyDecision, SuppressedFinding } from './decision.js';
export { changesFromLockFiles } from './fallback.js';
export { diffPackageLocks, readPackageLock, LockfileError } from './lockfile.js';
export { locateDependency } from './locate.js';
export {
  ADVISORY_SEVERITIES,
  DEFAULT_DEPENDENCIES_POLICY,
  DEFAULT_DEPS_POLICY,
  DEFAULT_POSTURE_POLICY,
  dependenciesPolicySchema,
  parseDepsPolicyText,
  posturePolicySchema,
} from './policy-schema.js';
export type {
  DependenciesPolicy,
  DependencyWaiver,
  LoadedDepsPolicy,
  PosturePolicy,
  PostureWaiver,
} from './policy-schema.js';
export { dependencyPurl, formatPurl, parsePurl, purlMatches } from './purl.js';
export type { Purl } from './purl.js';
export { renderJson, renderMarkdown, renderText } from './render.js';
export type { DependencySubject, ReviewFinding } from './review-finding.js';
export { advisorySeverity, reviewDependencies } from './review.js';
export { DEPENDENCY_RULE_IDS, DEPENDENCY_RULES } from './rules.js';
export { depsSarifFailureRun, depsSarifRun } from './sarif.js';
export { parseDependencySnapshot } from './snapshot-file.js';
export {
  allowedChoice,
  choicesOf,
  formatSpdx,
  isUnknownLicense,
  listAtoms,
  parseSpdx,
  SpdxSyntaxError,
  unavoidableDenied,
} from './spdx.js';
export type { SpdxAtom, SpdxNode } from './spdx.js';
